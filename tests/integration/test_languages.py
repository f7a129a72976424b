"""French and Spanish delegates through /api/chat: as easy as in English, filed in their words."""

import pytest

from bot.catalogue import get_catalogue
from bot.runner import Stack
from tests.integration.conftest import Delegate
from tests.integration.test_conversation import requests_of

pytestmark = pytest.mark.integration

MEDICINES = '/inform{"need_area":"medicines"}'
# The same request in each language: greeting, button, need, a suggested activity picked by
# its place in the list, country, institution, name, email, organizations, consent,
# confirmation. Not training examples.
SCRIPTS = {
    "en": [
        "hi",
        MEDICINES,
        "We want to issue a compulsory licence for an antiviral because prices are too high",
        "the first one",
        "/affirm",  # the Continue button: English data reads a typed "continue" as cancel
        "Ivory Coast",
        "Ministry of Health and Public Hygiene",
        "Awa Koné",
        "awa.kone@sante.gouv.ci",
        "WIPO and WTO",
        "yes",
        "yes",
    ],
    "fr": [
        "bonjour",
        MEDICINES,
        "Nous voulons accorder une licence obligatoire pour un antiviral car les prix sont trop élevés",
        "la première",
        "continuer",
        "Côte d'Ivoire",
        "Ministère de la Santé et de l'Hygiène publique",
        "Awa Koné",
        "awa.kone@sante.gouv.ci",
        "OMPI et OMC",
        "oui",
        "oui",
    ],
    "es": [
        "hola",
        MEDICINES,
        "Queremos conceder una licencia obligatoria para un antiviral porque los precios son muy altos",
        "la primera",
        "continuar",
        "Costa de Marfil",
        "Ministerio de Salud e Higiene Pública",
        "Awa Koné",
        "awa.kone@sante.gouv.ci",
        "OMPI y OMC",
        "sí",
        "sí",
    ],
}
EXPECTING = [
    None,
    "description",
    "activity_choice",
    "activity_choice",
    "member",
    "institution",
    "requester_name",
    "email",
    "organizations",
    "consent",
    "confirmed",
    None,
]
WORDS = {
    "fr": (
        "De quoi avez-vous besoin",
        "Ajouté :",
        "Voici votre demande",
        "Votre référence est **TA-",
    ),
    "es": ("¿En qué necesita ayuda?", "Añadido:", "Esta es su solicitud", "Su referencia es **TA-"),
}


@pytest.mark.parametrize(("lang", "widget"), [("fr", "fr"), ("es", None)])
def test_a_delegate_writing_only_in_their_language_needs_no_more_turns_than_in_english(
    stack: Stack, lang: str, widget: str | None
) -> None:
    # French with the widget's language; Spanish detected from the first word.
    delegates = {"en": Delegate(stack), lang: Delegate(stack, language=widget)}
    seen: dict[str, list[str | None]] = {}
    texts: dict[str, list[str]] = {}
    for code, delegate in delegates.items():
        seen[code], texts[code] = [], []
        for message in SCRIPTS[code]:
            delegate.say(message)
            seen[code].append(delegate.expecting)
            texts[code].append(delegate.text)
            assert delegate.last["language"] == code, (message, delegate.text)
    assert seen["en"] == EXPECTING
    assert seen[lang] == seen["en"]

    greeting, added, summary, filed_words = WORDS[lang]
    assert greeting in texts[lang][0]
    assert added in texts[lang][3]
    assert summary in texts[lang][10] and "OMPI, OMC" in texts[lang][10]
    assert filed_words in texts[lang][11]

    [filed] = requests_of(stack, delegates[lang].sender_id)
    [english] = requests_of(stack, delegates["en"].sender_id)
    assert filed["language"] == lang and english["language"] == "en"
    assert filed["description"] == SCRIPTS[lang][2]  # staff read the delegate's own words
    assert filed["institution"] == SCRIPTS[lang][6]
    # The suggestions were listed under their titles in the delegate's language.
    [chosen] = filed["selected_activity_ids"]
    assert chosen == filed["suggested_activity_ids"][0]
    title = next(a.title for a in get_catalogue().activities if a.id == chosen)
    assert title.get(lang) in texts[lang][2] and title.get(lang) in texts[lang][3]
    same = ("member", "requester_name", "email", "need_area", "organizations", "topics")
    assert {k: filed[k] for k in same} == {k: english[k] for k in same}
    assert filed["member"] == "Côte d'Ivoire" and filed["organizations"] == ["WIPO", "WTO"]


def test_a_french_opening_paragraph_is_not_asked_again_and_can_be_corrected(
    stack: Stack,
) -> None:
    delegate = Delegate(stack, language="fr")
    delegate.say(
        "Bonjour, je suis Dr Mariam Ouédraogo de la Direction de la Pharmacie du Burkina Faso. "
        "Nos importations de tests rapides sont bloquées par des restrictions à l'exportation "
        "et nous souhaitons l'appui de l'OMC d'ici trois mois. Mon courriel : m.ouedraogo@sante.gov.bf"
    )
    # Every detail was in the paragraph: after the suggestions only the consent is left.
    assert delegate.expecting == "activity_choice"
    delegate.say("aucune ne correspond à notre besoin")
    assert delegate.expecting == "consent"
    delegate.say("pourquoi avez-vous besoin de mes données ?")
    assert "avis de confidentialité" in delegate.text and delegate.expecting == "consent"
    delegate.say("d'accord, j'accepte")
    assert (
        "Voici votre demande" in delegate.text
        and "**Échéance\u00a0:** d'ici trois mois" in delegate.text
    )
    delegate.say("non, l'adresse est mariam.ouedraogo@sante.gov.bf")
    assert "mariam.ouedraogo@sante.gov.bf" in delegate.text and delegate.expecting == "confirmed"
    delegate.say("oui, envoyez")
    assert "Votre référence est" in delegate.text

    [filed] = requests_of(stack, delegate.sender_id)
    assert (filed["member"], filed["requester_name"], filed["email"]) == (
        "Burkina Faso",
        "Mariam Ouédraogo",
        "mariam.ouedraogo@sante.gov.bf",
    )
    assert filed["institution"] == "Direction de la Pharmacie du Burkina Faso"
    assert filed["need_area"] == "technologies" and filed["topics"] == ["trade"]
    assert filed["organizations"] == ["WTO"] and filed["language"] == "fr"
    assert filed["description"].startswith("Bonjour, je suis Dr Mariam Ouédraogo")


def test_a_spanish_delegate_changes_their_mind_mid_form(stack: Stack) -> None:
    delegate = Delegate(stack)
    delegate.say(
        "Buenos días, soy la Dra. Lucía Fernández, del Ministerio de Salud de Chile. "
        "Necesitamos asesoría sobre la compra de medicamentos antivirales."
    )
    assert delegate.last["language"] == "es" and delegate.expecting == "activity_choice"
    delegate.say("¿es usted un robot?")
    assert "asistente automático" in delegate.text and delegate.expecting == "activity_choice"
    # A new need area while choosing: what fits the new one is shown.
    delegate.say("en realidad es para vacunas, no medicamentos")
    assert "Anotado — Área: vacunas" in delegate.text
    assert delegate.expecting == "activity_choice"
    assert "Aquí tiene otras actividades" in delegate.text
    delegate.say("ninguna de estas")
    assert delegate.expecting == "email"
    delegate.say("lucia.fernandez@minsal.cl")
    delegate.say("las tres")
    delegate.say("acepto")
    assert "**Área:** vacunas" in delegate.text
    delegate.say("sí")
    [filed] = requests_of(stack, delegate.sender_id)
    assert filed["need_area"] == "vaccines" and filed["language"] == "es"
    assert filed["organizations"] == ["WHO", "WIPO", "WTO"]


def test_the_conversation_follows_a_switch_of_language_but_not_a_name(stack: Stack) -> None:
    delegate = Delegate(stack)
    delegate.say("We need help with export restrictions on syringes")
    asked = delegate.expecting
    delegate.say("¿podemos seguir en español, por favor?")
    assert delegate.last["language"] == "es" and "sigamos en español" in delegate.text
    assert delegate.expecting == asked == "activity_choice"
    delegate.say("ninguna de estas")
    assert delegate.expecting == "member" and "¿Qué gobierno representa?" in delegate.text
    delegate.say("Perú")
    delegate.say("Ministry of Health")  # an institution's name in English: still Spanish
    delegate.say("John Smith")
    assert delegate.last["language"] == "es" and delegate.expecting == "email"
    delegate.say("Actually I would rather write in English, my email is john.smith@minsa.gob.pe")
    assert delegate.last["language"] == "en" and delegate.expecting == "organizations"


def test_one_english_sentence_in_a_spanish_conversation_is_undone_by_a_spanish_answer(
    stack: Stack,
) -> None:
    delegate = Delegate(stack)
    delegate.say("hola")
    delegate.say("Necesitamos ayuda con las restricciones a la exportación de jeringas")
    delegate.say("ninguna de estas")
    delegate.say("Perú")
    delegate.say("Ministerio de Salud")
    delegate.say("Ana Pérez")
    delegate.say("ana.perez@minsa.gob.pe")
    assert delegate.last["language"] == "es" and delegate.expecting == "organizations"
    # A colleague's sentence in English: the replies follow it...
    delegate.say("Only the WTO please, our trade team handles export questions")
    assert delegate.last["language"] == "en" and delegate.expecting == "consent"
    # ...until the delegate answers in Spanish again, however briefly.
    delegate.say("sí, acepto")
    assert delegate.last["language"] == "es"
    assert "**Área:**" in delegate.text
    delegate.say("sí")
    [filed] = requests_of(stack, delegate.sender_id)
    assert filed["language"] == "es" and filed["organizations"] == ["WTO"]


def test_a_portuguese_delegate_is_told_once_which_languages_there_are_and_carries_on(
    stack: Stack,
) -> None:
    delegate = Delegate(stack)
    delegate.say("Olá, bom dia. Precisamos de ajuda com a compra de vacinas")
    texts = [m.get("text") or "" for m in delegate.last["messages"]]
    assert texts[0].startswith("Desculpe, ainda não falo português")
    assert "continuo em espanhol" in texts[0]
    # The need is still heard, in Spanish.
    assert delegate.last["language"] == "es" and delegate.expecting is not None
    delegate.say("Somos do Ministério da Saúde de Cabo Verde, obrigado")
    assert "português" not in delegate.text
    delegate.say("in English please")
    assert delegate.last["language"] == "en"


def test_a_new_need_after_declining_the_suggestions_brings_new_ones(stack: Stack) -> None:
    delegate = Delegate(stack)
    delegate.say(
        "Bonjour, Sénégal, ministère du commerce. On a des problèmes de droits de douane sur "
        "les intrants pour vaccins."
    )
    assert delegate.expecting == "activity_choice"
    delegate.say("aucune")
    assert delegate.expecting == "requester_name"  # Senegal and the ministry were heard
    delegate.say("en fait non, c'est pour les concentrateurs d'oxygène, pas les vaccins")
    assert "Domaine : technologies connexes" in delegate.text
    assert delegate.expecting == "activity_choice" and delegate.offered


def test_thats_all_ends_the_choice_and_a_preference_is_heard_at_any_question(
    stack: Stack,
) -> None:
    delegate = Delegate(stack)
    delegate.say(
        "Bonjour, ministère du commerce du Sénégal : nous avons des restrictions à "
        "l'exportation sur les seringues"
    )
    assert delegate.expecting == "activity_choice"
    offered = [b["payload"] for b in delegate.offered]
    delegate.say(offered[0])
    # "C'est tout" closes the list (it is not "au revoir", nor "all of them").
    delegate.say("c'est tout")
    assert "Au revoir" not in delegate.text
    assert delegate.expecting == "requester_name"
    # A change of mind about whom to ask, at the name question: heard, and the name asked again.
    delegate.say("non en fait je préfère parler à l'OMC")
    assert "C'est noté — Organisations : OMC" in delegate.text
    assert delegate.expecting == "requester_name"
    delegate.say("Ministère du Commerce")
    assert delegate.expecting == "requester_name"
    delegate.say("Awa Diop")
    delegate.say("awa.diop@commerce.gouv.sn")
    assert delegate.expecting == "consent"
    delegate.say("oui")
    delegate.say("oui")
    [filed] = requests_of(stack, delegate.sender_id)
    assert filed["organizations"] == ["WTO"]
    assert filed["requester_name"] == "Awa Diop"
    assert filed["selected_activity_ids"] == [offered[0].split('"')[3]]


def test_a_new_name_given_with_the_correction_at_the_summary_is_taken(stack: Stack) -> None:
    # Not a training example: written for this test only.
    delegate = Delegate(stack)
    delegate.say(
        "Bonjour, je suis Fatima Zahra du ministère de l'Industrie du Maroc. Nous voulons "
        "fabriquer des tests de diagnostic localement. Mon courriel est f.zahra@mcinet.gov.ma"
    )
    delegate.say("aucune de celles-ci")
    delegate.say("l'OMS")
    delegate.say("oui")
    assert delegate.expecting == "confirmed" and "Fatima Zahra\n" in delegate.text
    delegate.say("changer le nom en Fatima Zahra Benali")
    assert delegate.expecting == "confirmed" and "Fatima Zahra Benali" in delegate.text
    delegate.say("oui")
    [filed] = requests_of(stack, delegate.sender_id)
    assert filed["requester_name"] == "Fatima Zahra Benali" and filed["organizations"] == ["WHO"]

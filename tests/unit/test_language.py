"""Which language a conversation is in, and when a delegate's message changes it."""

import pytest

from bot.catalogue.examples import shipped_examples
from bot.conversation.replies import Reply
from bot.conversation.turn import Turn
from bot.conversation.understand import language_notice, understand
from bot.nlu.language import (
    Context,
    asks_for_language,
    choose,
    detect,
    requested_language,
    unsupported,
)
from tests.utils.rasa import tracker


def turn(text: str, **kwargs: object) -> Turn:
    return Turn.from_tracker(tracker(text, **kwargs))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("hola", "es"),
        ("bonjour", "fr"),
        ("bjr", "fr"),
        ("hello", "en"),
        ("Nous voulons produire des vaccins", "fr"),
        ("necesitamos ayuda con las vacunas", "es"),
        ("we need help with export restrictions on syringes for our hospitals", "en"),
        ("ok", None),
        ("Kenya", None),
        ("a.traore@sante.gov.ml", None),
        ("", None),
    ],
)
def test_detect_places_a_message_or_admits_it_cannot(text: str, language: str | None) -> None:
    assert detect(text) == language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("can we continue in French?", "fr"),
        ("en español por favor", "es"),
        ("En Espanol", "es"),
        ("parlez-vous anglais ?", "en"),
        ("¿podemos seguir en castellano?", "es"),
        ("je ne parle pas anglais, en français svp", "fr"),
        ("no entiendo inglés, en español por favor", "es"),
        ("I don't speak Spanish, English please", "en"),
        ("no hablo inglés", None),  # the language wanted is the one written: see choose()
        ("English or French?", None),
        ("Agencia Española de Medicamentos", None),  # an adjective, not a request
    ],
)
def test_requested_language_reads_names_and_negations(text: str, language: str | None) -> None:
    assert requested_language(text) == language


def test_a_long_message_naming_a_language_is_not_a_request_for_it() -> None:
    text = "We would like WIPO to send us the Spanish version of the patent landscape report on vaccines"
    assert asks_for_language(text) is None
    assert asks_for_language("Spanish please") == "es"


# --- the switching rules -----------------------------------------------------------------


def test_the_widget_language_is_used_for_a_short_opening() -> None:
    assert choose("hello", Context(current="en", announced="fr", opening=True)) == "fr"


def test_an_opening_sentence_in_another_language_beats_the_pages_default() -> None:
    text = "Necesitamos ayuda con una licencia obligatoria para un antiviral"
    assert choose(text, Context(current="en", announced="fr", opening=True)) == "es"


def test_without_the_widget_the_first_word_is_enough() -> None:
    assert choose("hola", Context(current="en", opening=True)) == "es"
    assert choose("ok", Context(current="en", opening=True)) is None


def test_a_short_opening_with_a_country_in_it_is_placed_by_its_other_words() -> None:
    assert choose("hola soy de Honduras", Context(current="en", opening=True)) == "es"
    assert choose("je suis de Haïti", Context(current="en", opening=True)) == "fr"
    assert choose("hello from Peru", Context(current="es", opening=True)) == "en"
    # Mixed words place nothing; later messages never use this rule.
    assert choose("hola, I am from Peru", Context(current="fr", opening=True)) is None
    assert choose("soy de Honduras", Context(current="en")) is None


def test_a_widget_switch_mid_conversation_is_followed() -> None:
    ctx = Context(current="fr", announced="es", last_announced="fr")
    assert choose("ok", ctx) == "es"


def test_the_same_widget_language_again_changes_nothing() -> None:
    ctx = Context(current="es", announced="fr", last_announced="fr")
    assert choose("ok", ctx) is None


@pytest.mark.parametrize(
    "text", ["ok", "oui", "merci beaucoup", "gracias", "sí, acepto", "OMS y OMC"]
)
def test_short_answers_never_switch(text: str) -> None:
    assert choose(text, Context(current="en")) is None


@pytest.mark.parametrize(
    ("text", "slot"),
    [
        ("Ministerio de Salud Pública y Bienestar Social", "institution"),
        ("Agence nationale de réglementation pharmaceutique du Sénégal", "institution"),
        ("Jean-Baptiste Kaboré Ouédraogo", "requester_name"),
        ("République démocratique du Congo", "member"),
        ("mi correo es ana.perez@minsa.gob.pe", "email"),
    ],
)
def test_answers_to_free_text_questions_never_switch(text: str, slot: str) -> None:
    assert choose(text, Context(current="en", free_text_answer=True)) is None


def test_a_request_with_a_verb_is_heard_while_the_email_is_asked() -> None:
    text = "Actually I would rather write in English, my email is john.smith@minsa.gob.pe"
    assert choose(text, Context(current="es", free_text_answer=True)) == "en"


def test_an_institution_with_a_language_adjective_is_an_answer_not_a_request() -> None:
    ctx = Context(current="en", free_text_answer=True)
    assert choose("Agence française du médicament", ctx) is None


def test_a_language_mentioned_in_a_need_is_not_a_request() -> None:
    assert asks_for_language("we need the training materials in French") is None
    assert asks_for_language("can we continue in French") == "fr"


def test_an_explicit_request_switches_even_while_a_name_is_asked() -> None:
    ctx = Context(current="en", intent="change_language", free_text_answer=True)
    assert choose("en français svp", ctx) == "fr"


def test_a_request_for_a_language_is_heard_even_when_the_intent_is_missed() -> None:
    assert choose("en español por favor", Context(current="en", intent="inform")) == "es"


def test_a_change_language_request_that_names_none_follows_its_own_words() -> None:
    ctx = Context(current="en", intent="change_language")
    assert choose("je ne parle pas anglais", ctx) == "fr"
    assert choose("can we switch language?", ctx) is None


def test_a_sentence_in_another_language_switches_mid_conversation() -> None:
    text = "Perdón, prefiero escribir en mi idioma. Necesitamos vacunas para la población."
    assert choose(text, Context(current="en")) == "es"


def test_a_sentence_with_a_foreign_name_in_it_does_not_switch() -> None:
    text = "We need help with the Ministerio de Salud Pública of Paraguay"
    assert choose(text, Context(current="en")) is None


def test_a_button_never_switches_unless_the_widget_did() -> None:
    assert choose("/affirm", Context(current="fr", is_payload=True)) is None
    ctx = Context(current="fr", announced="es", last_announced="fr", is_payload=True)
    assert choose("/affirm", ctx) == "es"


# --- through understand(), as the action server runs it ------------------------------------


def test_the_opening_message_sets_the_language_and_remembers_the_widget() -> None:
    updates = understand(turn("bonjour", intent="greet", earlier_user_messages=0))
    assert updates == {"language": "fr"}
    updates = understand(
        turn("hola", intent="greet", metadata={"language": "es"}, earlier_user_messages=0)
    )
    assert updates == {"ui_language": "es", "language": "es"}


def test_an_english_paragraph_on_a_french_page_stays_in_english() -> None:
    updates = understand(
        turn(
            "Hello, we need advice on a compulsory licence for an antiviral medicine",
            intent="describe_need",
            metadata={"language": "fr"},
            earlier_user_messages=0,
        )
    )
    assert updates["ui_language"] == "fr"
    assert "language" not in updates  # already English


def test_a_name_typed_in_a_french_conversation_keeps_it_french() -> None:
    updates = understand(
        turn(
            "John Smith",
            intent="inform",
            active_loop="request_form",
            slots={"requested_slot": "requester_name", "language": "fr"},
        )
    )
    assert "language" not in updates


def test_asking_for_spanish_in_the_form_switches_the_conversation() -> None:
    updates = understand(
        turn(
            "¿podemos seguir en español?",
            intent="change_language",
            active_loop="request_form",
            slots={"requested_slot": "email", "language": "en"},
        )
    )
    assert updates == {"language": "es"}


# --- a switch made by the words alone is tentative ------------------------------------------


@pytest.mark.parametrize("text", ["sí, gracias", "vale", "Sí", "claro que sí", "de acuerdo"])
def test_a_short_answer_returns_to_the_language_before_a_switch_by_words(text: str) -> None:
    assert choose(text, Context(current="en", before_switch="es")) == "es"


@pytest.mark.parametrize("text", ["yes", "ok", "Kenya", "merci"])
def test_a_short_answer_in_any_other_language_keeps_the_current_one(text: str) -> None:
    assert choose(text, Context(current="en", before_switch="es")) is None


def test_a_switch_by_words_is_remembered_as_tentative_and_a_short_answer_undoes_it() -> None:
    english = "Sorry, my colleague writes in English: we need syringes and vaccine vials"
    updates = understand(turn(english, intent="describe_need", slots={"language": "es"}))
    assert updates["language"] == "en"
    assert updates["language_before_switch"] == "es"
    back = understand(turn("sí, gracias", intent="affirm", slots={"language": "en", **updates}))
    assert back["language"] == "es"
    assert back["language_before_switch"] is None


def test_a_switch_the_delegate_asked_for_is_not_undone_by_a_short_answer() -> None:
    asked = understand(
        turn("in English please", intent="change_language", slots={"language": "es"})
    )
    assert asked == {"language": "en"}
    assert "language" not in understand(turn("sí", intent="affirm", slots={"language": "en"}))
    # Asking for a language also forgets an earlier tentative switch.
    slots = {"language": "fr", "language_before_switch": "es"}
    again = understand(turn("in English please", intent="change_language", slots=slots))
    assert again == {"language": "en", "language_before_switch": None}


def test_free_text_answers_never_undo_a_switch() -> None:
    ctx = Context(current="en", before_switch="es", free_text_answer=True)
    assert choose("Claro Salud", ctx) is None


# --- languages the assistant does not speak -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Olá, preciso de ajuda com vacinas", "pt"),
        ("Bom dia, somos do Ministério da Saúde de Moçambique", "pt"),
        ("مرحبا، نحتاج إلى مساعدة بشأن اللقاحات", "other"),
        ("Здравствуйте, нам нужна помощь с вакцинами", "other"),
        ("necesitamos ayuda con las vacunas", None),
        ("Quisiéramos saber si podemos importar genéricos", None),
        ("Moçambique", None),  # a country's name: too short to tell
        ("Jean-Baptiste Kaboré", None),
        ("a.traore@sante.gov.ml", None),
    ],
)
def test_unsupported_languages_are_noticed_only_when_clear(text: str, found: str | None) -> None:
    assert unsupported(text) == found


def test_no_training_message_of_ours_is_taken_for_an_unsupported_language() -> None:
    texts = [e.text for e in shipped_examples()]
    assert len(texts) > 1000
    assert [t for t in texts if unsupported(t)] == []


def test_a_portuguese_delegate_is_told_once_which_languages_the_assistant_speaks() -> None:
    first = turn("Olá, preciso de ajuda com vacinas", intent="request_assistance")
    reply, noted = language_notice(first, {"language": "es"})
    assert reply is not None and reply.response == "utter_portuguese"
    assert reply.values == {"continue_in": "espanhol"} and noted == {"language_notice": "pt"}
    later = turn("Olá, preciso de ajuda com vacinas", slots={"language_notice": "pt"})
    assert language_notice(later, {}) == (None, {})


def test_an_answer_to_a_name_question_is_never_a_language_notice() -> None:
    asked = turn(
        "Мария Иванова", active_loop="request_form", slots={"requested_slot": "requester_name"}
    )
    assert language_notice(asked, {}) == (None, {})
    assert language_notice(turn("Мария Иванова"), {})[0] == Reply("utter_unsupported_language")

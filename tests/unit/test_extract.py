"""Field extraction from free text in three languages."""

import pytest

from bot.nlu import extract
from bot.nlu.lexicon import load_lexicon


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("We need help with a compulsory licence for an antiviral", "medicines"),
        ("export restrictions on syringes", "technologies"),
        ("technology transfer for mRNA vaccines", "vaccines"),
        ("nous avons besoin de vaccins", "vaccines"),
        ("necesitamos medicamentos antivirales", "medicines"),
        ("pruebas de diagnóstico rápidas", "technologies"),
        ("we need vacines for children", "vaccines"),  # typo
        ("Licence obligatoire pour des medicaments", "medicines"),  # missing accent
        ("oxygen concentrators are stuck at customs", "technologies"),
    ],
)
def test_need_area_is_found_in_any_language(text: str, area: str) -> None:
    assert extract.need_areas(text)[0] == area


def test_no_need_area_in_unrelated_text() -> None:
    assert extract.need_areas("what is this platform about?") == []


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("compulsory licence for remdesivir", "intellectual_property"),
        ("export restrictions on syringes", "trade"),
        ("WHO prequalification of our vaccine", "regulation"),
        ("transfert de technologie", "technology_transfer"),
        ("producción local de vacunas", "local_production"),
        ("pooled procurement of tests", "procurement"),
        ("licencia obligatoria", "intellectual_property"),
        ("patnet landscape", "intellectual_property"),  # transposed letters
    ],
)
def test_topics_are_found(text: str, topic: str) -> None:
    assert topic in extract.topics(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("WIPO and the WTO", ["WIPO", "WTO"]),
        ("OMS y OMC", ["WHO", "WTO"]),
        ("all three", ["WHO", "WIPO", "WTO"]),
        ("les trois", ["WHO", "WIPO", "WTO"]),
        ("not sure", ["not_sure"]),
        ("no sé", ["not_sure"]),
        ("who knows", []),  # "who" the pronoun is not WHO
        ("the World Intellectual Property Organization", ["WIPO"]),
    ],
)
def test_organizations(text: str, expected: list[str]) -> None:
    assert extract.organizations(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wto", ["WTO"]),
        ("wipo", ["WIPO"]),
        ("omc et ompi", ["WTO", "WIPO"]),
        ("who", ["WHO"]),
        ("who and wto", ["WHO", "WTO"]),
        ("who decides?", []),  # a question, not an answer
    ],
)
def test_organizations_typed_in_lower_case_as_an_answer(text: str, expected: list[str]) -> None:
    assert extract.organizations(text, answer=True) == expected


def test_lower_case_who_in_running_text_is_the_pronoun() -> None:
    assert extract.organizations("we need to know who can help with the wto rules") == ["WTO"]


@pytest.mark.parametrize(
    ("text", "email"),
    [
        ("my email is Ana.Perez@Salud.gob.pe.", "Ana.Perez@salud.gob.pe"),
        ("k.mensah@mot.gov.gh", "k.mensah@mot.gov.gh"),
        ("ama@", None),
        ("ama@perez", None),
        ("no email", None),
    ],
)
def test_email_in(text: str, email: str | None) -> None:
    assert extract.email_in(text) == email


@pytest.mark.parametrize(
    ("text", "institution"),
    [
        (
            "I work at the Ministry of Health of Ghana and we need vaccines",
            "Ministry of Health of Ghana",
        ),
        (
            "Je travaille au Ministère de la Santé du Sénégal et nous avons besoin",
            "Ministère de la Santé du Sénégal",
        ),
        (
            "Trabajo en el Ministerio de Salud de Perú, necesitamos ayuda",
            "Ministerio de Salud de Perú",
        ),
        # The portfolio before "ministry" belongs to the name.
        (
            "Hi, Trade ministry of Viet Nam here. tariffs on test kits?",
            "Trade ministry of Viet Nam",
        ),
        ("I am from the health ministry, we need help", "health ministry"),
        # What the office wants is not part of its name.
        (
            "Le ministère de la Santé du Sénégal souhaite une assistance technique",
            "ministère de la Santé du Sénégal",
        ),
        ("El Ministerio de Comercio desea apoyo en aranceles", "Ministerio de Comercio"),
    ],
)
def test_institution_in_running_text(text: str, institution: str) -> None:
    assert extract.institution(text) == institution


@pytest.mark.parametrize(
    ("text", "institution"),
    [
        # The capitalised words before an English agency's head word are its name.
        ("I work for the Kenya Revenue Authority and we need help", "Kenya Revenue Authority"),
        ("Hello National Drug Authority here, we need vaccines", "National Drug Authority"),
        ("I am at the Ghana FDA office", "Ghana FDA office"),
        # …over the kind of office between them.
        ("hi, im with UNICEF country office in Malawi", "UNICEF country office in Malawi"),
        ("I work at the WHO country office in Kenya", "WHO country office in Kenya"),
        # An agency whose head word is an everyday word counts when written as a proper name.
        (
            "I'm Dr. Farah Haddad from the Jordan Food and Drug Administration, we need help",
            "Jordan Food and Drug Administration",
        ),
        ("Pharmacy and Poisons Board of Kenya here", "Pharmacy and Poisons Board"),
        # A correction in the same message: the office named after it.
        (
            "Ministry of Finance, actually no, it's the Zimbabwe Revenue Authority",
            "Zimbabwe Revenue Authority",
        ),
        ("ministère des finances, en fait non, la Direction des douanes", "Direction des douanes"),
        (
            "Ministerio de Hacienda, perdón, Ministerio de Comercio Exterior",
            "Ministerio de Comercio Exterior",
        ),
        # A correction of something else leaves the office alone.
        ("Ministry of Health, actually we need vaccines", "Ministry of Health"),
        ("Sorry for the delay, I work at the Ministry of Health", "Ministry of Health"),
    ],
)
def test_institution_named_before_its_head_or_after_a_correction(
    text: str, institution: str
) -> None:
    assert extract.institution(text) == institution


def test_a_correction_typed_as_the_answer_to_the_office_question_keeps_the_new_office() -> None:
    assert extract.institution_answer("Ministry of Finance, sorry, Ministry of Trade") == (
        "Ministry of Trade"
    )


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("My name is dr. ana pérez", "Ana Pérez"),
        ("je m'appelle Jean-Pierre Ndiaye", "Jean-Pierre Ndiaye"),
        ("Amina Diallo", "Amina Diallo"),
        # Particles stay as they are written in the middle of a name.
        ("maría de la cruz", "María de la Cruz"),
        ("Ibrahim bin Ali", "Ibrahim bin Ali"),
        ("de souza", "De Souza"),
        ("yes", None),
        ("help", None),
        ("ana@health.gov", None),
        ("12345", None),
        # Answers to other questions given at the name question.
        ("Ministère du Commerce", None),
        ("Ministry of Health", None),
        ("WTO", None),
        ("OMS", None),
    ],
)
def test_person_name(text: str, name: str | None) -> None:
    assert extract.person_name(text) == name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Hello, I am Dr. Kwame Mensah from the Ministry of Trade of Ghana.", "Kwame Mensah"),
        ("je suis Marie Dupont, du ministère", "Marie Dupont"),
        ("Soy la Dra. Ana María López", "Ana María López"),
        ("I am from the Ministry of Health", None),
        ("I am interested in vaccines", None),
    ],
)
def test_name_in_sentence(text: str, name: str | None) -> None:
    assert extract.name_in_sentence(text) == name


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("Oui", True),
        ("sí", True),
        ("yes please", True),
        ("de acuerdo", True),
        ("non", False),
        ("no, thanks", False),
        ("maybe", None),
    ],
)
def test_yes_or_no(text: str, answer: bool | None) -> None:
    assert extract.yes_or_no(text) is answer


def test_a_description_must_say_something() -> None:
    assert not extract.is_substantive("help")
    assert not extract.is_substantive("I need help please")
    assert extract.is_substantive("compulsory licence for antivirals")
    assert extract.is_substantive("nous avons besoin de vaccins pour les enfants")


def test_volunteered_timeline_prior_help_and_outcome() -> None:
    text = (
        "We already received support from UNDP for procurement. "
        "Our goal is to set up a fill and finish plant within 6 months."
    )
    assert extract.timeline(text) == "within 6 months"
    assert (
        extract.prior_assistance(text) == "We already received support from UNDP for procurement."
    )
    assert (
        extract.expected_outcome(text)
        == "Our goal is to set up a fill and finish plant within 6 months."
    )


def test_fields_named_in_a_correction() -> None:
    assert extract.fields_named("no, the email is wrong") == ["email"]
    assert extract.fields_named("le pays n'est pas le bon") == ["member"]
    assert extract.fields_named("cambiar mi nombre") == ["requester_name"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("non en fait je préfère parler à l'OMC", ["WTO"]),
        ("we would rather work with WIPO", ["WIPO"]),
        ("prefiero hablar con la OMS", ["WHO"]),
        ("I'd prefer WHO and WIPO", ["WHO", "WIPO"]),
        # Naming an organization is not preferring it.
        ("WHO recommends these vaccines", []),
        ("I prefer to write in English", []),
    ],
)
def test_preferred_organizations(text: str, expected: list[str]) -> None:
    assert extract.preferred_organizations(text) == expected


@pytest.mark.parametrize(
    ("text", "ends"),
    [
        ("that's all", True),
        ("That is all, thanks", True),
        ("c'est tout", True),
        ("rien d'autre", True),
        ("eso es todo", True),
        ("nada más", True),
        ("bye", False),
        ("au revoir", False),
        ("adiós", False),
    ],
)
def test_ends_choosing(text: str, ends: bool) -> None:
    assert extract.ends_choosing(text) is ends


def test_the_longest_field_name_wins() -> None:
    # "need area" names the need area; the "need" inside it is not the description.
    assert extract.fields_named("wait, the need area should be vaccines") == ["need_area"]
    assert extract.fields_named("the email address is wrong") == ["email"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("changer le nom en Fatima Zahra Benali", ("requester_name", "Fatima Zahra Benali")),
        ("el nombre es María Quispe", ("requester_name", "María Quispe")),
        ("l'institution est le Ministère du Commerce", ("institution", "Ministère du Commerce")),
        ("change the institution to Ministry of Trade", ("institution", "Ministry of Trade")),
        ("wait, change the government to Laos", ("member", "Lao People's Democratic Republic")),
        ("el país es Bolivia", ("member", "Bolivia, Plurinational State of")),
        ("le pays devient le Sénégal", ("member", "Senegal")),
        ("the country is fine", None),
        ("the institution is fine", None),
        ("the name is wrong", None),
        ("change the name", None),
    ],
)
def test_a_corrected_value_given_with_its_field(
    text: str, expected: tuple[str, str] | None
) -> None:
    assert extract.corrected_value(text) == expected


def test_a_real_word_near_a_lexicon_term_is_not_read_as_its_typo() -> None:
    formats = load_lexicon("formats")
    # "información" is two edits from "formación" (training) but starts differently.
    assert "training" not in formats.labels("quisiera información sobre el ADPIC")
    assert "training" not in formats.labels("we need information on patents")
    # Typos inside a word are still read.
    assert "training" in formats.labels("necesitamos formacoin para funcionarios")
    assert "training" in formats.labels("we need trainnig on TRIPS")


@pytest.mark.parametrize(
    "text",
    [
        "whoever is best",
        "up to you",
        "I don't know who is best",
        "ça m'est égal",
        "celle qui convient",
        "la que sea mejor",
        "como quieran",
    ],
)
def test_leaving_the_choice_of_organization_to_the_secretariats(text: str) -> None:
    assert extract.organizations(text, answer=True) == ["not_sure"]


def test_who_asking_a_question_is_not_the_organization() -> None:
    assert extract.organizations("who should handle it? no idea", answer=True) == ["not_sure"]
    assert extract.organizations("who and wto", answer=True) == ["WHO", "WTO"]


def test_not_knowing_how_is_not_a_need_for_know_how() -> None:
    assert extract.topics("we want to buy vaccines but don't know how to negotiate") == [
        "procurement"
    ]
    assert extract.topics("we need the know-how to make mRNA vaccines") == ["technology_transfer"]
    assert extract.topics("necesitamos el know how para producir") == [
        "technology_transfer",
        "local_production",
    ]


@pytest.mark.parametrize(
    ("text", "office"),
    [
        (
            "je travaille à la Direction de la Pharmacie et du Médicament du Mali. Nous voulons",
            "Direction de la Pharmacie et du Médicament du Mali",
        ),
        (
            "I work at the Ministry of Health and Social Welfare of Liberia and we need vaccines",
            "Ministry of Health and Social Welfare of Liberia",
        ),
        ("I work at the Ministry of Health and we need vaccines", "Ministry of Health"),
        ("I am at the Ministry of Health and The WHO office said so", "Ministry of Health"),
        # Spanish "e" before an i- word joins a name; Portuguese "e" before a verb ends it.
        (
            "trabajo en el Ministerio de Ciencia e Innovación de España y queremos",
            "Ministerio de Ciencia e Innovación de España",
        ),
        (
            "Olá, somos do Ministério da Saúde de Moçambique e precisamos de ajuda",
            "Ministério da Saúde de Moçambique",
        ),
        # The foreign ministry by its other names.
        ("Hola, trabajo en la cancillería de Moldavia", "cancillería de Moldavia"),
        (
            "I work at the foreign ministry of Moldova and we need help",
            "foreign ministry of Moldova",
        ),
    ],
)
def test_an_office_name_goes_on_past_and_when_its_next_word_is_capitalised(
    text: str, office: str
) -> None:
    assert extract.institution(text) == office


def test_not_knowing_how_names_no_need_area() -> None:
    # "know-how" is a related technology; "we don't know how to…" is not.
    assert extract.need_areas("we dont know how to get them registered quickly") == []
    assert extract.need_areas("we need manufacturing know-how") == ["technologies"]


@pytest.mark.parametrize(
    ("text", "office"),
    [
        # A dash or double spaces change the folded text's length: the office is still as typed.
        ("Kenya - Ministry of Health - we need vaccines", "Ministry of Health"),
        ("Sénégal  -  Ministère de la Santé, on a besoin de vaccins", "Ministère de la Santé"),
    ],
)
def test_an_office_keeps_its_spelling_when_spacing_changes(text: str, office: str) -> None:
    assert extract.institution(text) == office


def test_an_everyday_head_word_in_lower_case_names_no_office() -> None:
    assert extract.institution("we need help with the administration of vaccines") is None


@pytest.mark.parametrize(
    "text", ["we want cheaper vaccines", "des vaccins moins chers", "vacunas más baratas"]
)
def test_a_lower_price_is_a_matter_of_procurement(text: str) -> None:
    assert extract.topics(text) == ["procurement"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("We need guidance on trade facilitation. Best regards, Kavita Maharaj", "Kavita Maharaj"),
        ("Nous voulons une formation. Cordialement, Awa Ndiaye.", "Awa Ndiaye"),
        ("Necesitamos apoyo. Saludos cordiales, Dra. Rosa Benítez", "Rosa Benítez"),
        # "Le escribe …" opens a Spanish letter with the writer's name.
        ("Buenos días, le escribe Juan Pérez, de la Dirección de Aduanas", "Juan Pérez"),
        ("Le escribe la Misión Permanente de Chile", None),
        # A closing before an office or a government, or no name, signs nothing.
        ("Thanks, Ministry of Health", None),
        ("We need vaccines. Thanks, Costa Rica", None),
        ("Merci beaucoup", None),
    ],
)
def test_a_name_signed_at_the_end_of_a_letter_or_opening_it(text: str, name: str | None) -> None:
    assert extract.name_in_sentence(text) == name

"""Reading every message for request fields, whatever the assistant asked."""

import pytest

from bot.conversation.turn import Turn
from bot.conversation.understand import understand
from tests.utils.rasa import tracker


def turn(text: str, **kwargs: object) -> Turn:
    return Turn.from_tracker(tracker(text, **kwargs))  # type: ignore[arg-type]


def test_an_opening_paragraph_fills_every_field_it_names() -> None:
    updates = understand(
        turn(
            "Hello, I am Dr. Kwame Mensah from the Ministry of Trade of Ghana. Our suppliers face "
            "export restrictions on syringes and we need WTO advice urgently. My email is k.mensah@mot.gov.gh",
            intent="describe_need",
            earlier_user_messages=0,
        )
    )
    assert updates["member"] == "Ghana"
    assert updates["requester_name"] == "Kwame Mensah"
    assert updates["institution"] == "Ministry of Trade of Ghana"
    assert updates["email"] == "k.mensah@mot.gov.gh"
    assert updates["need_area"] == "technologies"
    assert updates["topics"] == ["trade"]
    assert updates["organizations"] == ["WTO"]
    assert updates["timeline"] == "urgently"
    assert updates["description"].startswith("Hello, I am Dr. Kwame Mensah")


def test_hi_fills_nothing() -> None:
    assert understand(turn("hi", intent="greet", earlier_user_messages=0)) == {}


def test_an_answer_to_a_free_text_question_is_not_read_as_other_fields() -> None:
    updates = understand(
        turn(
            "Ministry of Health, vaccines and medicines unit",
            intent="inform",
            active_loop="request_form",
            slots={"requested_slot": "institution", "need_area": "medicines"},
        )
    )
    assert "need_area" not in updates
    assert "member" not in updates


def test_a_change_of_mind_replaces_the_need_area() -> None:
    updates = understand(
        turn(
            "actually it's about vaccines, not medicines",
            intent="correct_field",
            active_loop="request_form",
            slots={"requested_slot": "email", "need_area": "medicines"},
        )
    )
    assert updates["need_area"] == "vaccines"


def test_an_email_given_anywhere_is_taken() -> None:
    updates = understand(
        turn(
            "oh and write to me at ana@salud.gob.pe",
            intent="inform",
            active_loop="request_form",
            slots={"requested_slot": "organizations"},
        )
    )
    assert updates["email"] == "ana@salud.gob.pe"


def test_an_interruption_sets_no_field() -> None:
    updates = understand(
        turn(
            "why do you need my email?",
            intent="ask_privacy",
            active_loop="request_form",
            slots={"requested_slot": "email"},
        )
    )
    assert updates == {}


def test_the_widget_language_is_followed_and_a_switch_is_noticed() -> None:
    first = understand(turn("hello", intent="greet", metadata={"language": "fr"}))
    assert first == {"ui_language": "fr", "language": "fr"}
    same = understand(
        turn(
            "hello",
            intent="greet",
            metadata={"language": "fr"},
            slots={"language": "fr", "ui_language": "fr"},
        )
    )
    assert same == {}


def test_a_message_in_another_language_switches_the_conversation() -> None:
    updates = understand(turn("necesitamos ayuda con las vacunas", intent="describe_need"))
    assert updates["language"] == "es"


def test_short_answers_do_not_switch_language() -> None:
    updates = understand(
        turn(
            "Ministerio de Salud",
            intent="inform",
            active_loop="request_form",
            slots={"requested_slot": "institution", "language": "en"},
        )
    )
    assert "language" not in updates


def test_a_later_description_is_appended_not_lost() -> None:
    updates = understand(
        turn(
            "We also need help with customs procedures for test kits",
            intent="describe_need",
            active_loop="request_form",
            slots={
                "requested_slot": "member",
                "description": "Compulsory licence for an antiviral",
            },
        )
    )
    assert updates["description"] == (
        "Compulsory licence for an antiviral\nWe also need help with customs procedures for test kits"
    )


def test_a_preferred_organization_is_taken_at_any_question() -> None:
    updates = understand(
        turn(
            "non en fait je préfère parler à l'OMC",
            intent="inform",
            active_loop="request_form",
            slots={"requested_slot": "requester_name", "language": "fr"},
        )
    )
    assert updates["organizations"] == ["WTO"]
    assert "requester_name" not in updates


def test_an_organization_merely_named_in_an_answer_is_not_a_preference() -> None:
    updates = understand(
        turn(
            "WHO country office",
            intent="inform",
            active_loop="request_form",
            slots={"requested_slot": "institution"},
        )
    )
    assert "organizations" not in updates


def at_summary(text: str, **slots: str) -> dict[str, object]:
    """What `understand` reads from `text` typed at the summary."""
    filled = {"requested_slot": "confirmed", **slots}
    return understand(
        turn(
            text,
            intent="correct_field",
            slots=filled,
            previous=filled,
            active_loop="request_form",
        )
    )


def test_a_correction_at_the_summary_that_gives_the_new_name_sets_it() -> None:
    updates = at_summary("changer le nom en Fatima Zahra Benali", requester_name="Fatima Zahra")
    assert updates["requester_name"] == "Fatima Zahra Benali"


def test_a_correction_that_only_names_the_field_sets_nothing() -> None:
    updates = at_summary("the institution is wrong", institution="Ministry of Health")
    assert "institution" not in updates


@pytest.mark.parametrize(
    "text",
    [
        "Je veux savoir si on peut utiliser les flexibilités de l'ADPIC pour importer du "
        "paxlovid générique depuis l'Inde",
        "We want to import generic paxlovid from India under a compulsory licence",
        "queremos importar genéricos desde la India para el tratamiento de la COVID",
        "our suppliers in Germany restrict exports of ventilators to us",
        "Bonjour, nous voulons exporter des seringues vers le Mali",
        "we buy our syringes from a member (India) and need help with tariffs",
    ],
)
def test_a_country_the_need_is_about_is_not_the_delegates_government(text: str) -> None:
    updates = understand(
        turn(
            text,
            intent="describe_need",
            active_loop="request_form",
            slots={"requested_slot": "description", "need_area": "medicines"},
        )
    )
    assert "member" not in updates


@pytest.mark.parametrize(
    ("text", "member"),
    [
        ("Hello from Nepal, we have a question about oxygen concentrator tariffs", "Nepal"),
        (
            "Hi, this is Maria from the Philippines FDA, we need help on vaccine rules",
            "Philippines",
        ),
        ("Kenya needs help with vaccine patents for local production", "Kenya"),
        ("Ghana's ministry of health needs oxygen plants urgently", "Ghana"),
        ("nous sommes le Sénégal et voulons produire des vaccins", "Senegal"),
        ("I represent Malaysia at the WTO and need advice on export restrictions", "Malaysia"),
        (
            "Somos de Bolivia y necesitamos asesoría sobre patentes de antivirales",
            "Bolivia, Plurinational State of",
        ),
        (
            "We are an observer government (Ethiopia) and need help on vaccine procurement",
            "Ethiopia",
        ),
        ("notre pays : le Tchad, a besoin d'aide pour les achats de vaccins", "Chad"),
        # Misspelt, where the words around say it is the delegate's.
        (
            "Hi, I'm writing from the Phillipines, Department of Health. We need help with "
            "compulsory licensing of an antiviral",
            "Philippines",
        ),
        ("Bonjour, je suis du Senegall, on voudrait produire localement des vaccins", "Senegal"),
        ("Hello, our mission in Geneva (Bangladsh) would like training on TRIPS", "Bangladesh"),
        ("Buenos días, somos de Hondura y queremos comprar vacunas", "Honduras"),
        # After a greeting, or right before its office.
        (
            "Bonjour, Sénégal, ministère du commerce. On a des problèmes de droits de douane",
            "Senegal",
        ),
        ("Buenos días, Chile, ministerio de salud: necesitamos ayuda con licencias", "Chile"),
        # A short name found as a word, not inside another ("ue" of "buenos", "woman").
        (
            "Buenos días, represento a la UE, necesitamos información sobre restricciones a la "
            "exportación de vacunas",
            "European Union",
        ),
        ("Good morning, I am a woman from Oman working on vaccine procurement rules", "Oman"),
        # A delegation or an embassy of the government.
        (
            "bonjour, nous sommes la délégation de la Côte d'Ivoire, on a besoin de vaccins",
            "Côte d'Ivoire",
        ),
        ("Good morning, this message comes from the Embassy of Nepal about oxygen", "Nepal"),
        # The government, its office's acronym, "here".
        (
            "good morning, Thailand FDA here, we want to know about collaborative registration",
            "Thailand",
        ),
        ("Kenya MoH here, we need oxygen", "Kenya"),
        # Help asked for a country.
        ("necesitamos asistencia técnica para Ecuador en licencias obligatorias", "Ecuador"),
        ("we request support for Nepal on vaccine procurement", "Nepal"),
        # After the office's full name, however long.
        (
            "Estimados, mi nombre es Jorge Peralta, director de la Agencia Nacional de "
            "Regulación, Control y Vigilancia Sanitaria (ARCSA) de Ecuador. Queremos acelerar "
            "el registro de vacunas",
            "Ecuador",
        ),
        ("I head the Food and Drugs Authority (FDA) of Ghana and we need help", "Ghana"),
        # By the nationality of the office, or of the delegate.
        ("I am from the Kenyan Ministry of Health and we need vaccines", "Kenya"),
        ("je travaille au ministère algérien du commerce, nous voulons exporter", "Algeria"),
        ("trabajo en el Ministerio de Salud peruano y queremos comprar oxígeno", "Peru"),
        ("Bonjour, je suis sénégalaise et je travaille sur les achats de vaccins", "Senegal"),
        # Corrected in the same message; a supplier corrected is not the government.
        ("Bonjour, on est du Mali... pardon, du Niger. Nous voulons former nos juges", "Niger"),
        ("We are from Kenya, sorry, I meant Uganda, and need vaccines", "Uganda"),
        ("somos de Perú y compramos vacunas de la India, perdón, de China", "Peru"),
        # In the name of the foreign ministry.
        (
            "Hola, trabajo en la cancillería de Moldavia, queremos exportar vacunas",
            "Moldova, Republic of",
        ),
    ],
)
def test_the_delegates_own_government_in_running_text_is_taken(text: str, member: str) -> None:
    updates = understand(turn(text, intent="describe_need", earlier_user_messages=0))
    assert updates["member"] == member


@pytest.mark.parametrize(
    ("text", "member"),
    [
        (
            "perdón, quise decir desde Bolivia. Queremos saber cómo funcionan las licencias",
            "Bolivia, Plurinational State of",
        ),
        ("sorry, I meant Kenya, we need help with vaccine procurement rules", "Kenya"),
        ("pardon, je voulais dire le Niger, nous avons besoin de vaccins", "Niger"),
    ],
)
def test_a_government_corrected_in_a_sentence_replaces_the_one_given_before(
    text: str, member: str
) -> None:
    updates = understand(
        turn(
            text,
            intent="describe_need",
            active_loop="request_form",
            slots={"requested_slot": "need_area", "member": "United States"},
        )
    )
    assert updates["member"] == member


def test_writing_from_a_country_names_the_delegates_government() -> None:
    text = "Je vous écris depuis le Niger pour une demande d'appui sur les vaccins"
    assert understand(turn(text, intent="describe_need", earlier_user_messages=0))["member"] == (
        "Niger"
    )


def test_a_greeting_that_says_where_the_delegate_is_from_keeps_the_government() -> None:
    updates = understand(
        turn("Bonjour, je suis de la RDC", intent="greet", earlier_user_messages=0)
    )
    assert updates == {"language": "fr", "member": "Democratic Republic of the Congo"}


def test_an_office_corrected_at_another_question_replaces_the_one_given() -> None:
    updates = understand(
        turn(
            "wait, it's actually the Ministry of Health, not industry",
            intent="correct_field",
            active_loop="request_form",
            slots={"requested_slot": "organizations", "institution": "Ministry of Industry"},
        )
    )
    assert updates == {"institution": "Ministry of Health"}


def test_an_office_named_in_passing_does_not_replace_the_one_given() -> None:
    updates = understand(
        turn(
            "We also work with the Ministry of Finance on vaccine procurement",
            intent="describe_need",
            active_loop="request_form",
            slots={"requested_slot": "organizations", "institution": "Ministry of Health"},
        )
    )
    assert "institution" not in updates


def test_mon_pays_cest_names_the_delegates_government() -> None:
    text = "mon pays c'est la Côte d’Ivoire et on cherche à produire des tests de dépistage"
    assert understand(turn(text, intent="describe_need", earlier_user_messages=0))["member"] == (
        "Côte d'Ivoire"
    )
    other = "nous voulons importer des tests, c'est la Chine qui fournit les réactifs"
    assert "member" not in understand(turn(other, intent="describe_need"))


def test_a_government_right_after_a_misspelt_office_is_the_delegates() -> None:
    text = "hey. ministry of helth, republic of moldova. need advise on compulsary licencing pls"
    updates = understand(turn(text, intent="describe_need", earlier_user_messages=0))
    assert updates["member"] == "Moldova, Republic of"
    trade = "the ministry of trade wants to import from India, China and Brazil please"
    assert "member" not in understand(turn(trade, intent="describe_need"))


def test_a_new_need_area_after_the_suggestions_were_closed_reopens_them() -> None:
    slots = {
        "requested_slot": "member",
        "need_area": "vaccines",
        "activity_choice": "none",
        "description": "droits de douane sur les intrants pour vaccins",
    }
    text = "en fait non, c'est pour les concentrateurs d'oxygène, pas les vaccins"
    updates = understand(
        turn(text, intent="correct_field", active_loop="request_form", slots=slots)
    )
    assert updates["need_area"] == "technologies" and updates["activity_choice"] is None
    # At the summary the correction is shown there, without going back to suggestions.
    at_summary = understand(
        turn(
            text,
            intent="correct_field",
            active_loop="request_form",
            slots=slots | {"requested_slot": "confirmed"},
        )
    )
    assert at_summary["need_area"] == "technologies" and "activity_choice" not in at_summary


def test_a_country_goods_come_from_is_not_the_delegates_even_before_an_office() -> None:
    text = "we import syringes from India, ministry of industry asked us to check tariffs"
    assert "member" not in understand(turn(text, intent="describe_need"))


def test_im_from_after_a_made_product_is_still_the_delegates_government() -> None:
    text = "We need help with WHO prequalification of a locally made vaccine, I'm from Kenya"
    assert understand(turn(text, intent="describe_need", earlier_user_messages=0))["member"] == (
        "Kenya"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Indian vaccines cost too much",  # short, but only a typo match: not an answer
        "We want to import generics from Bangladsh under a compulsory licence",
    ],
)
def test_a_misspelt_country_the_need_is_about_is_not_taken(text: str) -> None:
    assert "member" not in understand(turn(text, intent="describe_need", earlier_user_messages=0))


def test_an_office_word_close_to_a_country_name_is_not_a_government() -> None:
    # "Finance" is two edits from "Finlande": an office, corrected to another, in Zimbabwe.
    updates = understand(
        turn(
            "Ministry of Finance, actually no, it's the Zimbabwe Revenue Authority",
            intent="inform",
            active_loop="request_form",
            slots={"requested_slot": "requester_name", "member": "Zimbabwe"},
        )
    )
    assert "member" not in updates
    assert updates["institution"] == "Zimbabwe Revenue Authority"


@pytest.mark.parametrize(
    ("text", "member"),
    [
        ("Hola buenas, llamo desde la misión de Perú en Ginebra", "Peru"),
        ("Hi, calling from Ghana about vaccine patents and licensing", "Ghana"),
        ("Bonjour, ici la mission du Sénégal, nous avons une question sur les vaccins", "Senegal"),
        ("Salut, c'est pour le Togo. On voudrait acheter des tests antigéniques", "Togo"),
        ("Hello, this is for Kenya: we need help with vaccine procurement", "Kenya"),
    ],
)
def test_calling_from_or_the_mission_of_a_country_names_the_government(
    text: str, member: str
) -> None:
    updates = understand(turn(text, intent="greet", earlier_user_messages=0))
    assert updates["member"] == member


@pytest.mark.parametrize(
    ("text", "orgs"),
    [
        ("non attendez, changez l'organisation: OMS et OMPI", ["WHO", "WIPO"]),
        ("change the organizations to WTO", ["WTO"]),
        ("cambie las organizaciones: OMS y OMC", ["WHO", "WTO"]),
    ],
)
def test_organizations_changed_at_the_summary_take_the_new_value(
    text: str, orgs: list[str]
) -> None:
    updates = understand(
        turn(
            text,
            intent="correct_field",
            active_loop="request_form",
            slots={"requested_slot": "confirmed", "organizations": ["WHO"]},
        )
    )
    assert updates["organizations"] == orgs


@pytest.mark.parametrize(
    ("text", "name", "office"),
    [
        (
            "Kenya, Ministry of Health, John Otieno, john.otieno@health.go.ke - we need help "
            "negotiating vaccine prices",
            "John Otieno",
            "Ministry of Health",
        ),
        ("Amina Diallo - Direction de la Pharmacie - Sénégal", "Amina Diallo", None),
    ],
)
def test_a_name_listed_with_other_details_like_a_signature_is_the_name(
    text: str, name: str, office: str | None
) -> None:
    updates = understand(turn(text, intent="describe_need", earlier_user_messages=0))
    assert updates["requester_name"] == name
    if office:
        assert updates["institution"] == office  # as typed, though " - " changed the spacing


def test_capitalised_words_listed_with_an_office_are_not_a_name() -> None:
    text = "Kenya, Ministry of Health, Vaccine Unit, we need help"
    assert "requester_name" not in understand(turn(text, intent="describe_need"))


def test_a_need_the_nlu_could_not_place_at_the_need_area_question_is_the_description() -> None:
    updates = understand(
        turn(
            "quisiera informacion sobre licencias obligatorias",
            intent="nlu_fallback",
            active_loop="request_form",
            slots={"requested_slot": "need_area", "language": "es"},
        )
    )
    assert updates["description"] == "quisiera informacion sobre licencias obligatorias"
    assert updates["topics"] == ["intellectual_property"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nguyen Thi Lan", {}),
        ("lan.nguyen@moit.gov", {"email": "lan.nguyen@moit.gov"}),
        ("Nguyen Thi Lan, lan.nguyen@moit.gov", {"email": "lan.nguyen@moit.gov"}),
    ],
)
def test_contact_details_typed_at_the_need_area_question_are_not_added_to_the_need(
    text: str, expected: dict[str, str]
) -> None:
    current = "We'd like to understand export restrictions on medical supplies"
    updates = understand(
        turn(
            text,
            intent="inform",
            active_loop="request_form",
            slots={"requested_slot": "need_area", "description": current},
        )
    )
    assert {k: v for k, v in updates.items() if k != "requester_name"} == expected


@pytest.mark.parametrize("requested", ["consent", "email", "confirmed"])
def test_organizations_typed_alone_at_another_question_are_the_organizations(
    requested: str,
) -> None:
    updates = understand(
        turn(
            "WIPO and WTO",
            intent="inform",
            active_loop="request_form",
            slots={"requested_slot": requested, "organizations": ["WIPO"]},
        )
    )
    assert updates["organizations"] == ["WIPO", "WTO"]


@pytest.mark.parametrize(
    ("text", "organizations"),
    [
        ("We are in the WTO accession process and need to align our patent law with TRIPS", None),
        ("nous sommes membre de l'OMC et voulons produire des vaccins", None),
        ("Nous sommes observateur à l'OMC et voulons l'aide de l'OMS pour les vaccins", ["WHO"]),
        ("We want WHO support to scale up local production of oxygen", ["WHO"]),
    ],
)
def test_the_wto_named_in_the_delegates_status_is_not_a_choice_of_organization(
    text: str, organizations: list[str] | None
) -> None:
    updates = understand(turn(text, intent="describe_need", earlier_user_messages=0))
    assert updates.get("organizations") == organizations


@pytest.mark.parametrize(
    "text",
    [
        "the Indian government banned exports of vaccines to us, what can we do",
        "We buy Indian vaccines and need help with the paperwork",
        "queremos exportar vacunas para México",
        "nous voulons exporter des masques pour le Mali",
    ],
)
def test_a_partner_government_or_its_nationality_is_not_the_delegates(text: str) -> None:
    updates = understand(turn(text, intent="describe_need", earlier_user_messages=0))
    assert "member" not in updates


def test_a_catalogue_question_that_says_who_is_writing_keeps_the_government() -> None:
    updates = understand(
        turn(
            "Je travaille pour le gouvernement tchadien, on cherche des formations en ligne sur "
            "la propriété intellectuelle",
            intent="ask_catalogue",
            confidence=0.95,
            earlier_user_messages=1,
        )
    )
    assert updates["member"] == "Chad"


@pytest.mark.parametrize(
    "text",
    [
        "hola, somos de El Salvador, Dirección Nacional de Medicamentos",
        "Hello from the Kenya Medical Supplies Authority",
    ],
)
def test_an_office_named_after_a_product_is_not_the_need(text: str) -> None:
    updates = understand(
        turn(
            text,
            intent="describe_need",
            earlier_user_messages=0,
            entities=[{"entity": "need_area", "value": "medicines"}],
        )
    )
    assert "need_area" not in updates
    assert "institution" in updates


@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("ok in English then: we need help buying vaccines", "we need help buying vaccines"),
        ("En français svp. Nous voulons produire des vaccins", "Nous voulons produire des vaccins"),
        # A language named inside the need is part of it.
        (
            "we need the Spanish version of the report on vaccine patents",
            "we need the Spanish version of the report on vaccine patents",
        ),
    ],
)
def test_asking_for_a_language_is_not_part_of_the_need(text: str, need: str) -> None:
    updates = understand(turn(text, intent="describe_need", earlier_user_messages=1))
    assert updates["description"] == need


def test_a_government_after_a_dash_that_follows_the_status_is_the_delegates() -> None:
    text = (
        "we are an observer govt in accession to the WTO - Uzbekistan. "
        "need to align our IP law with TRIPS incl pharma patents"
    )
    assert understand(turn(text, intent="describe_need"))["member"] == "Uzbekistan"
    # A dash before a supplier names no government of the delegate's.
    text = "we import syringes from our supplier - India"
    assert "member" not in understand(turn(text, intent="describe_need"))


def test_a_government_right_after_an_office_named_head_last_is_the_delegates() -> None:
    text = "Hi. Health ministry, Nepal. We'd like WHO and WIPO to advise on a patent law amendment"
    assert understand(turn(text, intent="describe_need"))["member"] == "Nepal"

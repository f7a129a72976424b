"""The request form's reading and checking of answers, through the real validation action."""

from typing import Any

import pytest

from actions.forms import ValidateRequestForm
from bot.conversation import request_form, suggestions
from bot.conversation.turn import Turn
from bot.conversation.understand import understand
from tests.utils.rasa import answer, tracker


def test_every_form_slot_has_an_extractor_and_a_validator() -> None:
    # rasa-sdk silently skips a misspelt method; this pins their names.
    for slot in request_form.ORDER:
        assert callable(getattr(ValidateRequestForm, f"extract_{slot}"))
        assert callable(getattr(ValidateRequestForm, f"validate_{slot}"))


def slots_turn(**slots: Any) -> Turn:
    return Turn.from_tracker(tracker("", slots=slots))


def test_declined_consent_ends_the_form_without_confirmation() -> None:
    assert request_form.required_slots(slots_turn(consent=False))[-1] == "consent"
    assert request_form.required_slots(slots_turn(consent=True))[-1] == "confirmed"


def test_the_suggestions_step_comes_once_the_need_is_known() -> None:
    before = request_form.required_slots(slots_turn())
    known = request_form.required_slots(
        slots_turn(need_area="medicines", description="compulsory licence for an antiviral")
    )
    assert "activity_choice" not in before
    assert known[:3] == ["need_area", "description", "activity_choice"]


@pytest.mark.parametrize(
    ("text", "member", "status"),
    [
        ("Ivory Coast", "Côte d'Ivoire", "member"),
        ("Turquie", "Türkiye", "member"),
        ("Vietnam", "Viet Nam", "member"),
        ("Keyna", "Kenya", "member"),
        ("Ethiopia", "Ethiopia", "accession_candidate"),
        ("we are from Lao PDR", "Lao People's Democratic Republic", "member"),
    ],
)
async def test_member_is_normalised_to_its_wto_name(text: str, member: str, status: str) -> None:
    values, said = await answer("member", text)
    assert values["member"] == member
    assert values["member_status"] == status
    assert said == []


async def test_unknown_member_is_asked_again_with_the_reason() -> None:
    values, said = await answer("member", "Narnia")
    assert values["member"] is None
    assert said == ["utter_invalid_member"]


async def test_invalid_email_is_asked_again() -> None:
    values, said = await answer("email", "ama@")
    assert values["email"] is None
    assert said == ["utter_invalid_email"]


async def test_valid_email_is_kept_normalised() -> None:
    values, said = await answer("email", "It's Ama.Owusu@MOH.gov.gh")
    assert values["email"] == "Ama.Owusu@moh.gov.gh"
    assert said == []


async def test_a_description_of_just_help_is_asked_again() -> None:
    values, said = await answer("description", "help", intent="request_assistance")
    assert values["description"] is None
    assert said == ["utter_invalid_description"]


async def test_a_real_description_also_sets_topics() -> None:
    values, _ = await answer(
        "description",
        "we want to issue a compulsory licence for remdesivir",
        intent="describe_need",
    )
    assert values["description"] == "we want to issue a compulsory licence for remdesivir"
    assert values["topics"] == ["intellectual_property"]


async def test_yes_is_not_a_name() -> None:
    values, said = await answer("requester_name", "yes", intent="affirm", confidence=0.5)
    assert values["requester_name"] is None
    assert said == ["utter_invalid_requester_name"]


async def test_need_area_from_words_and_from_buttons() -> None:
    values, _ = await answer("need_area", "diagnostic tests")
    assert values["need_area"] == "technologies"
    values, _ = await answer(
        "need_area",
        '/inform{"need_area":"vaccines"}',
        entities=[{"entity": "need_area", "value": "vaccines"}],
    )
    assert values["need_area"] == "vaccines"
    values, said = await answer("need_area", "bananas")
    assert values["need_area"] is None and said == ["utter_invalid_need_area"]


@pytest.mark.parametrize(
    ("text", "organizations"),
    [
        ("WIPO and WTO", ["WIPO", "WTO"]),
        ("all three", ["WHO", "WIPO", "WTO"]),
        ("not sure", ["not_sure"]),
        # A bare "no" to "which ones, or shall the secretariats decide?": no preference.
        ("no", ["not_sure"]),
        ("non", ["not_sure"]),
    ],
)
async def test_organizations(text: str, organizations: list[str]) -> None:
    values, _ = await answer("organizations", text)
    assert values["organizations"] == organizations


async def test_organizations_that_are_not_one_of_the_three_are_asked_again() -> None:
    values, said = await answer("organizations", "UNICEF")
    assert values["organizations"] is None
    assert said == ["utter_invalid_organizations"]


@pytest.mark.parametrize(
    ("text", "intent", "value"), [("yes", "affirm", True), ("no", "deny", False)]
)
async def test_consent(text: str, intent: str, value: bool) -> None:
    values, _ = await answer("consent", text, intent=intent)
    assert values["consent"] is value


async def test_unclear_consent_is_asked_again() -> None:
    values, said = await answer("consent", "maybe later", intent="chitchat", confidence=0.4)
    assert values["consent"] is None
    assert said == ["utter_invalid_consent"]


async def test_an_interruption_is_not_taken_as_the_answer() -> None:
    values, said = await answer("email", "why do you need my email?", intent="ask_privacy")
    assert "email" not in values
    assert said == []


async def test_yes_at_the_summary_confirms() -> None:
    values, _ = await answer("confirmed", "yes", intent="affirm")
    assert values["confirmed"] is True


async def test_naming_a_wrong_field_reopens_it() -> None:
    values, _ = await answer(
        "confirmed",
        "the email is wrong",
        intent="correct_field",
        slots={"email": "a@b.org"},
        previous={"email": "a@b.org"},
    )
    assert values["email"] is None
    assert values["confirmed"] is None


async def test_a_corrected_value_at_the_summary_is_kept_and_the_summary_shown_again() -> None:
    # Rasa's slot extraction already read the new address from the message.
    values, _ = await answer(
        "confirmed",
        "no, the email is new@moh.gov.gh",
        intent="correct_field",
        slots={"email": "new@moh.gov.gh"},
        previous={"email": "old@moh.gov.gh"},
    )
    assert values["email"] == "new@moh.gov.gh"
    assert values["confirmed"] is None


async def test_a_change_volunteered_mid_form_is_acknowledged() -> None:
    values, said = await answer(
        "email",
        "actually it is about vaccines",
        intent="correct_field",
        slots={"need_area": "vaccines"},
        previous={"need_area": "medicines"},
    )
    assert values["need_area"] == "vaccines"
    assert said == ["utter_field_updated"]


async def test_a_preference_given_at_the_name_question_is_acknowledged_not_read_as_a_name() -> None:
    # Rasa's slot extraction already took the preference from the message.
    values, said = await answer(
        "requester_name",
        "non en fait je préfère parler à l'OMC",
        slots={"organizations": ["WTO"], "language": "fr"},
        previous={"organizations": None},
    )
    assert values.get("requester_name", "Amina") == "Amina"
    assert values["organizations"] == ["WTO"]
    assert said == ["utter_field_updated"]


async def test_an_institution_is_not_taken_as_the_name() -> None:
    values, said = await answer("requester_name", "Ministère du Commerce")
    assert values["requester_name"] is None
    assert said == ["utter_invalid_requester_name"]


@pytest.mark.parametrize("text", ["continue", "OK", "Continuer.", "siguiente", "Centrafrique"])
async def test_a_steering_word_or_a_country_is_not_an_institution(text: str) -> None:
    values, said = await answer("institution", text)
    assert values["institution"] is None
    assert said == ["utter_invalid_institution"]


async def test_an_email_corrected_at_the_organizations_question_is_not_an_invalid_answer() -> None:
    values, said = await answer(
        "organizations",
        "luis.perez@mineco.gob.gt",
        slots={"email": "luis.perez@mineco.gob.gt", "language": "es"},
        previous={"email": "luis.perez@mineco.gob"},
    )
    assert values.get("organizations") is None
    assert values["email"] == "luis.perez@mineco.gob.gt"
    assert said == ["utter_field_updated"]


@pytest.mark.parametrize(("text", "expected"), [("wto", ["WTO"]), ("who", ["WHO"])])
async def test_an_organization_typed_in_lower_case_answers_the_question(
    text: str, expected: list[str]
) -> None:
    values, said = await answer("organizations", text)
    assert values["organizations"] == expected
    assert said == []


async def test_an_institution_that_names_its_country_is_kept() -> None:
    values, said = await answer("institution", "Ministry of Health of Kenya")
    assert values["institution"] == "Ministry of Health of Kenya" and said == []


@pytest.mark.parametrize("slot", ["member", "institution", "requester_name"])
async def test_a_question_near_a_known_one_is_answered_not_taken_as_the_field(slot: str) -> None:
    # Rasa fell back (0.55) but "what happens next?" came close to a platform question.
    values, said = await answer(
        slot,
        "what happens next?",
        intent="nlu_fallback",
        confidence=0.55,
        ranking=[("nlu_fallback", 0.55), ("ask_platform", 0.5), ("inform", 0.13)],
    )
    assert values[slot] is None
    assert said == ["utter_platform"]


@pytest.mark.parametrize(
    "text",
    ["ça prend combien de temps ?", "¿por qué necesitan esto", "what do you mean by office"],
)
async def test_a_question_nothing_known_resembles_is_not_taken_as_the_institution(
    text: str,
) -> None:
    values, said = await answer(
        "institution",
        text,
        intent="nlu_fallback",
        confidence=0.55,
        ranking=[("nlu_fallback", 0.55), ("chitchat", 0.2)],
    )
    assert values["institution"] is None
    assert said == ["utter_question_not_answer"]


@pytest.mark.parametrize(
    ("slot", "text"),
    [
        ("requester_name", "Will Smith"),
        ("requester_name", "Can Yılmaz"),
        ("institution", "WHO country office liaison unit"),
        ("institution", "Quebec Ministry of Health"),
    ],
)
async def test_names_that_open_like_questions_are_still_answers(slot: str, text: str) -> None:
    values, said = await answer(slot, text)
    assert values[slot] == text
    assert said == []


@pytest.mark.parametrize(
    "description",
    [
        "I need help with vacines for my contry",
        "besoin d'aide pour les vaccins",
        "medicamentos para nuestro gobierno",
        "Ghana needs vaccines",
        # Greetings typed as in a chat say nothing more about the need.
        "slt, on a besoin d aide pour les vaccins",
        "buenas tardes, necesitamos ayuda con vacunas",
    ],
)
def test_a_need_told_only_by_its_area_is_asked_what_kind_of_help(description: str) -> None:
    order = request_form.required_slots(slots_turn(need_area="vaccines", description=description))
    assert order[:3] == ["need_area", "description", "focus"]


@pytest.mark.parametrize(
    ("description", "topics"),
    [
        ("compulsory licence for an antiviral", ["intellectual_property"]),
        ("vaccines for children under five in remote islands", []),
        ("vaccines for my country", ["regulation"]),  # the kind of help is already known
    ],
)
def test_a_need_that_says_what_is_needed_goes_straight_to_suggestions(
    description: str, topics: list[str]
) -> None:
    order = request_form.required_slots(
        slots_turn(need_area="vaccines", description=description, topics=topics)
    )
    assert "focus" not in order


async def test_a_kind_of_help_button_sets_the_topics_and_ranks_on_them() -> None:
    values, said = await answer(
        "focus",
        '/inform{"topic":"regulation"}',
        entities=[{"entity": "topic", "value": "regulation"}],
        slots={"need_area": "vaccines", "description": "vaccines for my country"},
    )
    assert (values["focus"], values["topics"]) == ("regulation", ["regulation"])
    assert said == []
    turn = slots_turn(**values, language="fr")
    assert suggestions.query_for(turn).text == "vaccines for my country\nréglementation"
    shown = [a.activity for a in suggestions.next_batch(turn)]
    assert shown and all("regulation" in a.topics for a in shown)


@pytest.mark.parametrize(
    ("text", "intent"),
    [("not sure", "deny"), ("je ne sais pas", "inform"), ("/inform", "inform")],
)
async def test_not_knowing_the_kind_of_help_shows_suggestions_anyway(
    text: str, intent: str
) -> None:
    entities = [{"entity": "topic", "value": "not_sure"}] if text.startswith("/") else []
    values, said = await answer(
        "focus",
        text + ('{"topic":"not_sure"}' if text.startswith("/") else ""),
        intent=intent,
        entities=entities,
        slots={"need_area": "vaccines", "description": "vaccines for my country"},
    )
    assert values["focus"] == "not_sure"
    assert said == []


async def test_the_kind_of_help_in_words_sets_its_topics() -> None:
    values, _ = await answer(
        "focus",
        "we want to produce them ourselves",
        intent="describe_need",
        slots={"need_area": "vaccines", "description": "vaccines for my country"},
    )
    assert values["focus"] == "we want to produce them ourselves"
    assert "local_production" in values["topics"]


def test_not_sure_what_kind_of_help_puts_the_joint_request_first() -> None:
    turn = slots_turn(need_area="medicines", description="necesito ayuda con medicamentos")
    unsure = slots_turn(**(turn.slots | {"focus": "not_sure"}))
    assert suggestions.next_batch(turn)[0].activity.id != "trilateral-ta-request"
    first, *then = suggestions.next_batch(unsure)
    assert first.activity.id == "trilateral-ta-request"
    # ...followed by what the three organizations run or publish together.
    assert [len(s.activity.organizations) for s in then] == [3, 3]


async def test_a_new_government_given_at_the_summary_replaces_the_old_one() -> None:
    from bot.conversation.understand import understand

    said = "wait, change the government to Laos"
    before = {"member": "Viet Nam", "member_status": "member", "requested_slot": "confirmed"}
    turn = Turn.from_tracker(
        tracker(said, intent="correct_field", slots=before, active_loop="request_form")
    )
    taken = understand(turn)
    assert taken["member"] == "Lao People's Democratic Republic"
    values, _ = await answer(
        "confirmed", said, intent="correct_field", slots=taken, previous=before
    )
    assert values["member"] == "Lao People's Democratic Republic"
    assert values["confirmed"] is None  # the summary is shown again, with the new government


@pytest.mark.parametrize(
    ("text", "office"),
    [
        ("Ministry of Health", "Ministry of Health"),
        ("State Customs Service", "State Customs Service"),
        ("dirección general de aduanas", "Dirección general de aduanas"),
        ("Laboratoire National de Santé Publique", "Laboratoire National de Santé Publique"),
    ],
)
async def test_an_office_given_for_the_government_is_kept_and_the_government_asked_again(
    text: str, office: str
) -> None:
    values, said = await answer("member", text)
    assert values["member"] is None
    assert values["institution"] == office
    assert said == ["utter_office_noted"]


async def test_an_office_with_its_country_gives_both() -> None:
    values, said = await answer("member", "Ministry of Health of Ghana")
    assert (values["member"], values["institution"]) == ("Ghana", "Ministry of Health of Ghana")
    assert said == []
    # A known institution is not replaced by an answer to the government question.
    values, said = await answer("member", "Ghana", slots={"institution": "Ministry of Trade"})
    assert values["member"] == "Ghana" and values.get("institution") == "Ministry of Trade"


@pytest.mark.parametrize("office", ["European Commission", "Comisión Europea"])
async def test_an_office_that_also_names_a_government_is_an_office(office: str) -> None:
    values, said = await answer("institution", office, slots={"member": "European Union"})
    assert values["institution"] == office and said == []
    values, said = await answer("institution", "Centrafrique", slots={"member": "Chad"})
    assert values["institution"] is None


async def test_an_unsure_government_with_a_question_mark_is_still_the_answer() -> None:
    values, said = await answer("member", "Ghana?")
    assert values["member"] == "Ghana" and said == []


@pytest.mark.parametrize("text", ["cuál es la diferencia?", "what do you mean?", "c'est quoi ?"])
async def test_a_question_about_nothing_is_not_the_description(text: str) -> None:
    values, said = await answer(
        "description",
        text,
        intent="nlu_fallback",
        confidence=0.5,
        ranking=[("nlu_fallback", 0.5), ("chitchat", 0.2)],
        slots={"need_area": "technologies"},
    )
    assert values["description"] is None
    assert said == ["utter_question_not_answer"]


async def test_a_question_that_tells_the_need_is_the_description() -> None:
    text = "how do we issue a compulsory licence for an antiviral?"
    values, said = await answer("description", text, slots={"need_area": "medicines"})
    assert values["description"] == text and said == []


@pytest.mark.parametrize(
    ("text", "language", "area"), [("aucune idée", "fr", "vaccins"), ("no sé", "es", "vacunas")]
)
async def test_not_knowing_what_to_describe_leads_to_the_kind_of_help(
    text: str, language: str, area: str
) -> None:
    slots = {"need_area": "vaccines", "language": language}
    values, said = await answer("description", text, intent="deny", slots=slots)
    assert values["description"] == area and said == []
    order = request_form.required_slots(slots_turn(**slots, description=area))
    assert order[:3] == ["need_area", "description", "focus"]


@pytest.mark.parametrize(
    "text",
    [
        "we want to make them ourselves but dont know where to start, we have no factory",
        "no sabemos cómo importar las vacunas, la aduana las retiene",
    ],
)
async def test_a_need_that_says_where_the_delegate_is_stuck_is_the_description(text: str) -> None:
    values, _ = await answer("description", text, slots={"need_area": "vaccines"})
    assert values["description"] == text


async def test_a_kind_of_help_named_while_choosing_brings_new_suggestions() -> None:
    from bot.conversation.understand import understand

    before = {
        "need_area": "technologies",
        "description": "pruebas rápidas para hospitales",
        "requested_slot": "activity_choice",
        "suggested_activity_ids": ["wto-trade-facilitation-critical-medical-goods"],
        "language": "es",
    }
    turn = Turn.from_tracker(
        tracker("Compras", intent="inform", slots=before, active_loop="request_form")
    )
    taken = understand(turn)
    assert taken["topics"] == ["procurement"]
    assert taken["description"] == "pruebas rápidas para hospitales\nCompras"
    values, said = await answer(
        "activity_choice", "Compras", slots=taken | {"language": "es"}, previous=before
    )
    assert values["activity_choice"] is None and said == []  # a new batch, not "which one?"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Rahul Sharma", "Rahul Sharma"),
        ("Dr. Ana Pérez", "Ana Pérez"),
        ("María de la Cruz", "María de la Cruz"),
        ("my name is awa kone", "Awa Kone"),
        ("Je m'appelle Fatou Diallo", "Fatou Diallo"),
    ],
)
async def test_a_name_typed_at_the_office_question_is_kept_as_the_name(
    text: str, name: str
) -> None:
    values, said = await answer("institution", text)
    assert values["institution"] is None
    assert values["requester_name"] == name
    assert said == ["utter_name_noted"]


async def test_a_name_sent_again_at_the_office_question_is_the_office_after_all() -> None:
    values, said = await answer(
        "institution", "Rahul Sharma", slots={"requester_name": "Rahul Sharma"}
    )
    assert values["institution"] == "Rahul Sharma"
    assert values["requester_name"] is None  # asked next, rather than assumed
    assert said == []


@pytest.mark.parametrize(
    "text",
    [
        "Santé Publique France",  # a government named
        "Health Canada",
        "Swissmedic",  # one word: an agency's name as often as a person's
        "Pharmacy and Poisons Board",
        "Servicio Nacional de Sanidad",
        "Intellectual Property Office",
        "Food and Drugs Authority",
        "national regulatory authority",
        "Kenya Medical Supplies Authority",
    ],
)
async def test_an_office_is_not_taken_for_a_name(text: str) -> None:
    values, said = await answer("institution", text)
    assert values["institution"] is not None and values.get("requester_name") is None
    assert said == []


async def test_a_colleagues_name_after_the_delegates_is_taken_as_given() -> None:
    values, said = await answer("institution", "Rahul Sharma", slots={"requester_name": "Awa Koné"})
    assert values["institution"] == "Rahul Sharma" and said == []


async def test_an_email_given_at_the_name_question_is_acknowledged_before_the_name_is_asked() -> (
    None
):
    # Otherwise the name question comes back with no word about the email just typed.
    values, said = await answer(
        "requester_name", "awa@gouv.sn", slots={"email": "awa@gouv.sn", "language": "fr"}
    )
    assert values.get("requester_name") is None
    assert values["email"] == "awa@gouv.sn"
    assert said == ["utter_field_updated"]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("non, en fait c'est plutôt pour les vaccins", "deny"),
        ("wait, it's actually the Ministry of Health, not industry", "correct_field"),
    ],
)
async def test_a_correction_at_the_consent_question_is_never_a_refusal(
    text: str, intent: str
) -> None:
    changed = {"need_area": "vaccines", "institution": "Ministry of Health"}
    before = {"need_area": "medicines", "institution": "Ministry of Industry"}
    values, said = await answer("consent", text, intent=intent, slots=changed, previous=before)
    assert values.get("consent") is not False
    assert "utter_invalid_consent" not in said
    assert "utter_field_updated" in said


async def test_yes_with_a_correction_at_the_consent_question_is_consent() -> None:
    values, _ = await answer(
        "consent",
        "yes, and my email is now a.b@moh.gov.gh",
        intent="affirm",
        slots={"email": "a.b@moh.gov.gh"},
        previous={"email": "old@moh.gov.gh"},
    )
    assert values["consent"] is True


@pytest.mark.parametrize(
    ("text", "orgs"),
    [
        ("l'OMS seulement", ["WHO"]),
        ("changer les organisations : OMS et OMC", ["WHO", "WTO"]),
        # The organizations' answer typed a question early, before the government.
        ("OMPI et OMS", ["WIPO", "WHO"]),
        ("la OMC solamente", ["WTO"]),
    ],
)
async def test_organizations_stated_at_the_government_question_are_heard(
    text: str, orgs: list[str]
) -> None:
    updates = understand(
        Turn.from_tracker(
            tracker(
                text,
                intent="inform",
                active_loop="request_form",
                slots={"requested_slot": "member", "language": "fr"},
            )
        )
    )
    assert updates == {"organizations": orgs}
    values, said = await answer(
        "member", text, slots={"organizations": orgs, "language": "fr"}, previous={}
    )
    assert "member" not in values or values["member"] is None
    assert "utter_invalid_member" not in said


async def test_a_fuller_name_typed_at_the_email_question_corrects_the_name() -> None:
    values, said = await answer(
        "email",
        "Amina López",
        slots={"requester_name": "Amina", "language": "es"},
        previous={"requester_name": "Amina"},  # given at the name question, a turn before
    )
    assert values["requester_name"] == "Amina López" and values["email"] is None
    assert said == ["utter_field_updated"]
    # The same name again is no email, and is said so.
    values, said = await answer("email", "Amina", slots={"requester_name": "Amina"})
    assert values["email"] is None and said == ["utter_invalid_email"]
    assert values.get("requester_name", "Amina") == "Amina"


@pytest.mark.parametrize(
    "text", ["je ne sais pas trop, vous pouvez choisir pour moi ?", "no sé cuál", "not sure"]
)
async def test_unsure_while_choosing_leaves_the_choice_to_the_secretariats(text: str) -> None:
    values, said = await answer(
        "activity_choice",
        text,
        slots={
            "need_area": "medicines",
            "description": "patents on medicines",
            "suggested_activity_ids": ["wto-trips-elearning", "wipo-pat-informed"],
        },
    )
    assert values["activity_choice"] == "none" and values["requested_slot"] == "member"
    assert "utter_secretariats_will_advise" in said


@pytest.mark.parametrize(
    "text",
    [
        "we dont know how to get them registered quickly",
        "no sabemos cómo registrar las vacunas",
        "nous ne savons pas comment les faire enregistrer",
    ],
)
async def test_not_knowing_how_to_do_something_while_choosing_is_more_about_the_need(
    text: str,
) -> None:
    turn = Turn.from_tracker(
        tracker(
            text,
            intent="inform",
            active_loop="request_form",
            slots={"requested_slot": "activity_choice", "need_area": "vaccines"},
        )
    )
    assert understand(turn).get("need_area") in (None, "vaccines")  # no "know-how": no area
    values, said = await answer(
        "activity_choice",
        text,
        slots={
            "need_area": "vaccines",
            "topics": ["regulation"],
            "description": f"i need help with vaccines\n{text}",
            "suggested_activity_ids": [
                "who-lot-release-tools",
                "who-mi4a-vaccine-market-information",
            ],
        },
        previous={"need_area": "vaccines", "description": "i need help with vaccines"},
    )
    assert "utter_secretariats_will_advise" not in said
    assert values.get("activity_choice") != "none"


async def test_a_persons_name_at_the_government_question_is_kept_as_the_name() -> None:
    values, said = await answer("member", "Ion Popescu")
    assert values["member"] is None and values["requester_name"] == "Ion Popescu"
    assert said == ["utter_name_noted_government"]
    # Once the name is known, the same words are no government, and are said so.
    values, said = await answer("member", "Ion Popescu", slots={"requester_name": "Ion Popescu"})
    assert values["member"] is None and said == ["utter_invalid_member"]


@pytest.mark.parametrize(
    ("text", "name", "office"),
    [
        # "Marie" is two letters from "Maurice" (Mauritius in French), "Chad" is a name too.
        ("Marie Kouassi, Ministère de la Santé", "Marie Kouassi", "Ministère de la Santé"),
        ("Marie Kouassi", "Marie Kouassi", None),
        ("Jorge Peruzzi - Ministerio de Salud", "Jorge Peruzzi", "Ministerio de Salud"),
    ],
)
async def test_a_name_a_few_letters_from_a_government_is_the_name(
    text: str, name: str, office: str | None
) -> None:
    values, _ = await answer("member", text)
    assert values["member"] is None
    assert values["requester_name"] == name
    assert values.get("institution") == office


@pytest.mark.parametrize(
    ("text", "member"), [("Costa Rika", "Costa Rica"), ("Maurise", "Mauritius")]
)
async def test_a_misspelt_government_of_as_many_words_is_still_the_government(
    text: str, member: str
) -> None:
    values, _ = await answer("member", text)
    assert values["member"] == member


async def test_organizations_typed_at_the_office_question_are_the_organizations() -> None:
    turn = Turn.from_tracker(
        tracker(
            "OMS y OMC",
            intent="inform",
            active_loop="request_form",
            slots={"requested_slot": "institution", "member": "Chile", "language": "es"},
        )
    )
    assert understand(turn) == {"organizations": ["WHO", "WTO"]}
    values, said = await answer(
        "institution",
        "OMS y OMC",
        slots={"member": "Chile", "organizations": ["WHO", "WTO"], "language": "es"},
        previous={"member": "Chile"},
    )
    assert values.get("institution") is None
    assert "utter_invalid_institution" not in said


@pytest.mark.parametrize(
    "text", ["any of them is fine", "je ne sais pas", "whoever is best", "no sé"]
)
async def test_an_answer_that_leaves_things_open_is_no_office(text: str) -> None:
    values, said = await answer("institution", text, slots={"member": "Zimbabwe"})
    assert values.get("institution") is None
    assert "utter_invalid_institution" in said


@pytest.mark.parametrize(
    "text", ["not sure", "all of them", "je ne sais pas, un peu tout", "las tres"]
)
async def test_an_unsure_answer_at_the_need_area_question_is_told_how_to_choose(text: str) -> None:
    values, said = await answer("need_area", text)
    assert values.get("need_area") is None
    assert said == ["utter_need_area_unsure"]


async def test_an_off_topic_answer_at_the_need_area_question_is_asked_again() -> None:
    values, said = await answer("need_area", "yes, please go on")
    assert values.get("need_area") is None
    assert said == ["utter_invalid_need_area"]


@pytest.mark.parametrize(
    ("text", "area"),
    [("the second one", "medicines"), ("la primera", "vaccines"), ("le dernier", "technologies")],
)
async def test_a_button_named_by_its_place_answers_the_need_area_question(
    text: str, area: str
) -> None:
    values, _ = await answer("need_area", text)
    assert values["need_area"] == area


@pytest.mark.parametrize(
    "text", ["et la formation en biofabrication aussi", "the training on patents please"]
)
async def test_words_about_an_activity_at_the_name_question_are_no_name(text: str) -> None:
    values, said = await answer("requester_name", text)
    assert values["requester_name"] is None and said == ["utter_invalid_requester_name"]


@pytest.mark.parametrize(
    "text", ["le thi hoa", "Rosa Costa", "maria lopez", "Jean-Pierre Mbuyi", "Grace Mwakyusa"]
)
async def test_names_in_any_case_are_still_names(text: str) -> None:
    values, said = await answer("requester_name", text)
    assert values["requester_name"] is not None and said == []


async def test_a_name_the_nlu_heard_as_a_greeting_is_the_name() -> None:
    values, said = await answer("requester_name", "Nadia Benjelloun", intent="greet")
    assert values["requester_name"] == "Nadia Benjelloun" and said == []
    # A real greeting there is still a greeting, not a name.
    values, _ = await answer("requester_name", "bonjour", intent="greet")
    assert "requester_name" not in values


async def test_a_name_and_an_office_at_the_office_question_give_both() -> None:
    values, said = await answer(
        "institution", "Marie Kouassi, Ministère de la Santé", slots={"member": "Côte d'Ivoire"}
    )
    assert values["institution"] == "Ministère de la Santé"
    assert values["requester_name"] == "Marie Kouassi" and said == []


@pytest.mark.parametrize("text", ["cualquiera", "whatever"])
async def test_any_is_no_name(text: str) -> None:
    values, _ = await answer("requester_name", text)
    assert values["requester_name"] is None


@pytest.mark.parametrize(
    "text",
    [
        "hi, im with UNICEF country office in Malawi, we help the gov with vaccine procurement",
        "Hello, I work for Médecins Sans Frontières and we want training on compulsory licences",
        "somos una ONG en Bolivia y queremos apoyo para la compra de medicamentos",
    ],
)
async def test_a_writer_outside_government_is_told_once_whom_the_platform_serves(
    text: str,
) -> None:
    values, said = await answer("description", text, intent="describe_need")
    assert values["description"] == text  # the need is kept all the same
    assert said == ["utter_for_governments"]
    # Said once: more about the need later does not repeat it.
    earlier = {"description": "we help with vaccine procurement"}
    _, said = await answer("description", text, slots=earlier, previous=earlier)
    assert "utter_for_governments" not in said


async def test_a_ministry_is_not_told_whom_the_platform_serves() -> None:
    text = "the Ministry of Health of Malawi needs help with vaccine procurement"
    _, said = await answer("description", text, intent="describe_need")
    assert said == []
    earlier = {"description": text}
    values, said = await answer("institution", "UNICEF Malawi", slots=earlier, previous=earlier)
    assert values["institution"] == "UNICEF Malawi"
    assert said == ["utter_for_governments"]
    values, said = await answer(
        "institution", "Ministry of Health", slots=earlier, previous=earlier
    )
    assert said == []

"""Openings and asides: a self-introduction gives the office, country and name and is never the
need itself; "I don't know" is not a goodbye; a corrected need is taken as the need."""

import pytest

from actions.catalogue import ActionSearchCatalogue
from actions.misc import ActionHandleUnclear, ActionNoOutsideAQuestion
from bot.conversation.introduction import is_introduction
from bot.conversation.request_form import validate
from bot.conversation.turn import Turn
from bot.conversation.understand import understand
from tests.utils.rasa import answer, responses, run, tracker

INTRODUCTIONS = [
    "Good morning, I work at the ministry of health of Zimbabwe",
    "Hello, I am from the Ministry of Health of Kenya",
    "Hi, this is Maria from the Philippines FDA",
    "hello I'm the trade attaché of Viet Nam in Geneva",
    "Dear colleagues, I'm writing on behalf of the Ministry of Industry of Bangladesh",
    "Bonjour, je travaille au ministère de la santé du Sénégal",
    "Je suis Awa Koné, du ministère du commerce de Côte d'Ivoire",
    "Buenos días, trabajo en el Ministerio de Comercio de Perú",
    "Hola, soy de Bolivia",
    "Bonjour, je suis le conseiller commercial de la Mission permanente du Tchad à Genève",
    "soy el agregado comercial de Colombia en Ginebra",
]
NEEDS = [
    "I am Dr. Nadia Rahman from the Ministry of Commerce of Malaysia; shipments of PPE are held "
    "up by export restrictions",
    "Kenya needs help with vaccine patents",
    "Ministry of Health of Ghana, local production of syringes",
    "We are Kenya and we want to know about compulsory licensing",
    "Ministerio de Salud de Perú: necesitamos asesoría sobre patentes de antivirales",
    "Hello from Nepal, we have a question about oxygen concentrator tariffs",
    "Our ministry of trade wants to reduce tariffs on medical goods",
    "le ministère veut savoir si un médicament est protégé par un brevet",
]


@pytest.mark.parametrize("text", INTRODUCTIONS)
def test_a_self_introduction_is_recognised(text: str) -> None:
    assert is_introduction(text)


@pytest.mark.parametrize("text", [*NEEDS, "we need help", "Hello", "patents"])
def test_a_need_or_a_plain_message_is_not_an_introduction(text: str) -> None:
    assert not is_introduction(text)


def turn(text: str, **kwargs: object) -> Turn:
    return Turn.from_tracker(tracker(text, **kwargs))  # type: ignore[arg-type]


@pytest.mark.parametrize("intent", ["inform", "describe_need"])
def test_an_opening_introduction_fills_office_and_country_but_not_the_need(intent: str) -> None:
    updates = understand(
        turn(
            "Dear colleagues, I'm writing on behalf of the Ministry of Industry of Bangladesh",
            intent=intent,
            earlier_user_messages=0,
        )
    )
    assert updates["member"] == "Bangladesh"
    assert updates["institution"] == "Ministry of Industry of Bangladesh"
    assert "description" not in updates


def test_an_opening_need_with_an_introduction_is_the_description() -> None:
    text = "Hello from Nepal, we have a question about oxygen concentrator tariffs"
    updates = understand(turn(text, intent="describe_need", earlier_user_messages=0))
    assert updates["description"] == text


def refused(slot: str, answer: str) -> list[str]:
    """The re-asks when `answer` is given to the question for `slot` (none if it is taken)."""
    asked = turn(answer, active_loop="request_form", slots={"requested_slot": slot})
    result = validate(slot, answer, asked)
    return [r.response for r in result.replies] if result.updates == {slot: None} else []


def test_an_introduction_given_as_the_need_is_asked_again() -> None:
    assert refused("description", "Hello, I am from the Ministry of Health of Kenya") == [
        "utter_invalid_description"
    ]
    assert not refused("description", "Kenya needs help with vaccine patents")


@pytest.mark.parametrize(
    "text",
    [
        "Good morning, I work at the ministry of health of Zimbabwe",
        # "trade" names a topic, but here it is the attaché's title, not the need.
        "hello I'm the trade attaché of Viet Nam in Geneva",
    ],
)
async def test_an_introduction_rasa_did_not_classify_starts_the_request_without_a_need(
    text: str,
) -> None:
    events, said = await run(ActionHandleUnclear(), tracker(text, intent="nlu_fallback"))
    assert responses(said) == []
    assert events == [{"event": "followup", "name": "request_form", "timestamp": None}]


def test_a_country_typed_as_the_name_is_asked_again() -> None:
    assert refused("requester_name", "Zimbabwe") == ["utter_invalid_requester_name"]
    assert not refused("requester_name", "Tendai Moyo")


def test_an_institution_only_tidied_by_the_form_is_not_announced_as_a_change() -> None:
    result = validate(
        "institution",
        "ministry of health of Zimbabwe",
        turn(
            "we would like help on the local manufacturing of vaccines",
            active_loop="request_form",
            slots={"requested_slot": "need_area", "institution": "ministry of health of Zimbabwe"},
            previous={"institution": "ministry of health of Zimbabwe"},
        ),
    )
    assert result.updates == {"institution": "Ministry of health of Zimbabwe"}
    assert result.replies == []


@pytest.mark.parametrize("answer", ["OMS", "la OMC", "WHO and WTO"])
def test_one_of_the_three_organizations_is_not_the_delegates_institution(answer: str) -> None:
    assert refused("institution", answer) == ["utter_invalid_institution"]
    assert not refused("institution", f"Ministry of Health, liaison with {answer}")


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("I don't know", "utter_what_need"),
        ("je ne sais pas trop", "utter_what_need"),
        ("no sé", "utter_what_need"),
        ("not sure", "utter_what_need"),
        ("no thanks", "utter_goodbye"),
        ("non merci", "utter_goodbye"),
    ],
)
async def test_i_dont_know_after_the_greeting_gets_help_and_no_gets_a_goodbye(
    text: str, reply: str
) -> None:
    _, said = await run(ActionNoOutsideAQuestion(), tracker(text, intent="deny"))
    assert responses(said) == [reply]


CORRECTION = "actually it's not about diagnostics, it's about oxygen concentrators"


async def test_a_corrected_need_heard_as_a_catalogue_question_is_left_to_the_form() -> None:
    slots = {"requested_slot": "activity_choice", "need_area": "technologies"}
    choosing = tracker(CORRECTION, intent="ask_catalogue", slots=slots, active_loop="request_form")
    _, said = await run(ActionSearchCatalogue(), choosing)
    assert said == []
    # Outside the form, or without a change of mind, it is a catalogue question.
    _, said = await run(ActionSearchCatalogue(), tracker(CORRECTION, intent="ask_catalogue"))
    assert responses(said) != []


@pytest.mark.parametrize(
    "text",
    [
        "queremos capacitación sobre propiedad intelectual y vacunas",
        "we would like training on patents for vaccines",
    ],
)
async def test_a_need_heard_as_a_catalogue_question_at_the_need_area_question_is_the_need(
    text: str,
) -> None:
    slots = {"requested_slot": "need_area", "member": "Colombia"}
    kwargs = {"intent": "ask_catalogue", "slots": slots, "active_loop": "request_form"}
    _, said = await run(ActionSearchCatalogue(), tracker(text, **kwargs))  # type: ignore[arg-type]
    assert said == []  # no catalogue list: the form takes it
    updates = understand(turn(text, **kwargs))
    assert updates["description"] == text
    values, _ = await answer("need_area", text, intent="ask_catalogue", slots=slots | updates)
    assert values["need_area"] == "vaccines"
    # Asked as a question, it is still a catalogue question.
    question = "¿qué cursos hay sobre propiedad intelectual y vacunas?"
    _, said = await run(ActionSearchCatalogue(), tracker(question, **kwargs))  # type: ignore[arg-type]
    assert responses(said) != []


def test_a_corrected_need_while_choosing_is_added_to_the_description() -> None:
    before = "we have problems importing test kits, customs takes weeks"
    slots = {
        "requested_slot": "activity_choice",
        "need_area": "technologies",
        "description": before,
    }
    updates = understand(
        turn(CORRECTION, intent="ask_catalogue", slots=slots, active_loop="request_form")
    )
    assert updates["description"] == f"{before}\n{CORRECTION}"


async def test_a_name_corrected_at_the_email_question_is_taken_and_not_read_as_an_email() -> None:
    before = {
        "requested_slot": "email",
        "need_area": "technologies",
        "description": "we have problems importing test kits",
        "member": "Kenya",
        "institution": "Pharmacy and Poisons Board",
        "requester_name": "Amina Diallo",
    }
    text = "sorry my name is wrong, it's Amina Diallo-Traoré"
    read = understand(
        turn(
            text, intent="correct_field", slots=before, previous=before, active_loop="request_form"
        )
    )
    assert read["requester_name"] == "Amina Diallo-Traoré"
    values, said = await answer(
        "email", text, intent="correct_field", slots=before | read, previous=before
    )
    assert values["requester_name"] == "Amina Diallo-Traoré"
    assert "utter_invalid_email" not in said
    assert values.get("email") is None


def test_an_email_alone_is_not_a_description_of_the_need() -> None:
    assert refused("description", "lucia.gomez@cancilleria.gob.ar") == ["utter_invalid_description"]
    assert not refused("description", "we need the tariffs on oxygen concentrators, a@b.org")


async def test_an_email_given_at_the_name_question_is_taken_as_the_email() -> None:
    before = {
        "requested_slot": "requester_name",
        "need_area": "vaccines",
        "description": "WHO prequalification for our vaccine manufacturers",
        "member": "India",
        "institution": "CDSCO",
    }
    text = "rahul.sharma@cdsco.nic.in"
    read = understand(
        turn(text, intent="inform", slots=before, previous=before, active_loop="request_form")
    )
    assert read["email"] == text
    values, said = await answer("requester_name", text, slots=before | read, previous=before)
    assert values["email"] == text
    assert "utter_invalid_requester_name" not in said

"""Custom actions, run as the action server runs them; whole event lists asserted."""

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.catalogue import ActionPickFromResults
from actions.forms import ActionAskConfirmed
from actions.misc import ActionHandleUnclear, ActionHandoff, ActionOutOfScope
from actions.requests import (
    ActionCancelRequest,
    ActionResumeRequest,
    ActionSubmitRequest,
    ActionYesOutsideAQuestion,
)
from actions.status import EMAIL_TRIES, ActionCheckStatus, ValidateStatusForm
from bot.conversation import catalogue_questions, status
from bot.conversation.request_form import IDENTITY_SLOTS, REQUEST_FORM_SLOTS
from bot.conversation.turn import Turn
from bot.conversation.understand import understand
from bot.settings import get_settings
from bot.store.db import engine_for
from bot.store.models import Request
from tests.utils.factories import complete_slots
from tests.utils.rasa import domain, responses, run, tracker


def stored(url: str) -> list[Request]:
    from sqlalchemy.orm import Session

    with Session(engine_for(url)) as s:
        return list(s.scalars(select(Request)))


def cleared_after_filing(reference: str) -> list[dict[str, object]]:
    return [SlotSet(n, None) for n in REQUEST_FORM_SLOTS if n not in IDENTITY_SLOTS] + [
        SlotSet("request_reference", reference)
    ]


async def test_submit_files_the_request_and_answers_with_its_reference(clean_store: str) -> None:
    events, messages = await run(
        ActionSubmitRequest(),
        tracker("yes", intent="affirm", slots=complete_slots(), form_started_at=100.0),
    )
    [request] = stored(clean_store)
    assert events == cleared_after_filing(request.reference or "")
    assert responses(messages) == ["utter_request_filed"]
    assert messages[0]["reference"] == request.reference
    assert (request.member, request.email, request.need_area) == (
        "Ghana",
        "ama.owusu@moh.gov.gh",
        "medicines",
    )
    assert request.organizations == ["WIPO", "WTO"]
    assert request.conversation_id == "test-conversation"
    assert request.language == "en" and request.consent is True


async def test_a_retried_submit_files_once(clean_store: str) -> None:
    tr = tracker("yes", intent="affirm", slots=complete_slots(), form_started_at=100.0)
    first, _ = await run(ActionSubmitRequest(), tr)
    second, _ = await run(ActionSubmitRequest(), tr)
    assert first == second
    assert len(stored(clean_store)) == 1


async def test_declined_consent_files_nothing_and_clears_the_details(clean_store: str) -> None:
    events, messages = await run(
        ActionSubmitRequest(),
        tracker(
            "no",
            intent="deny",
            slots=complete_slots(consent=False, confirmed=None),
            form_started_at=1.0,
        ),
    )
    assert stored(clean_store) == []
    assert responses(messages) == ["utter_consent_declined"]
    assert messages[0]["contact_url"] == get_settings().contact_url
    assert events == [SlotSet(n, None) for n in REQUEST_FORM_SLOTS]


async def test_an_unavailable_store_keeps_the_answers_and_asks_to_retry(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A database file under a path that is a regular file cannot be opened: a real failure.
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("TRIAGE_DATABASE_URL", f"sqlite:///{blocker}/triage.db")
    get_settings.cache_clear()
    events, messages = await run(
        ActionSubmitRequest(),
        tracker("yes", intent="affirm", slots=complete_slots(), form_started_at=5.0),
    )
    assert responses(messages) == ["utter_store_unavailable"]
    assert events == [
        SlotSet("confirmed", None),
        ActiveLoop("request_form"),
        SlotSet("requested_slot", "confirmed"),
    ]


async def test_the_summary_lists_every_field_then_a_short_question_after_an_interruption() -> None:
    slots = complete_slots(confirmed=None, requested_slot="confirmed")
    _, first = await run(
        ActionAskConfirmed(),
        tracker("yes", intent="affirm", slots=slots, active_loop="request_form"),
    )
    assert responses(first) == ["utter_summary"]
    for line in (
        "**Government:** Ghana",
        "**Email:** ama.owusu@moh.gov.gh",
        "**Organizations:** WIPO, WTO",
    ):
        assert line in first[0]["summary"]
    _, again = await run(
        ActionAskConfirmed(),
        tracker(
            "are you a bot?",
            intent="bot_challenge",
            slots=slots,
            previous=slots,
            active_loop="request_form",
        ),
    )
    assert responses(again) == ["utter_confirm_again"]


async def test_a_bare_no_at_the_summary_offers_the_fields_to_correct() -> None:
    slots = complete_slots(confirmed=None, requested_slot="confirmed")
    _, said = await run(
        ActionAskConfirmed(),
        tracker("no", intent="deny", slots=slots, previous=slots, active_loop="request_form"),
    )
    assert responses(said) == ["utter_ask_which_field"]
    assert {b["payload"] for b in said[0]["buttons"]} >= {'/correct_field{"field":"email"}'}


async def test_the_summary_speaks_the_delegates_language() -> None:
    slots = complete_slots(confirmed=None, language="es", member="Côte d'Ivoire")
    _, said = await run(
        ActionAskConfirmed(),
        tracker("sí", intent="affirm", slots=slots, active_loop="request_form"),
    )
    assert "**Gobierno:** Côte d'Ivoire" in said[0]["summary"]
    assert "**Área:** medicamentos" in said[0]["summary"]


async def test_handoff_flags_the_conversation() -> None:
    events, messages = await run(ActionHandoff(), tracker("human please", intent="request_human"))
    assert events == [SlotSet("handoff_requested", True)]
    assert responses(messages) == ["utter_human"]


async def test_cancel_clears_everything_and_leaves_the_form() -> None:
    events, messages = await run(
        ActionCancelRequest(), tracker("stop", intent="cancel", active_loop="request_form")
    )
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None)] + [
        SlotSet(n, None) for n in REQUEST_FORM_SLOTS
    ]
    assert responses(messages) == ["utter_cancelled"]


async def test_stopping_a_status_look_up_forgets_it_and_offers_no_request_to_resume() -> None:
    events, messages = await run(
        ActionCancelRequest(),
        tracker(
            "never mind",
            intent="cancel",
            active_loop="status_form",
            slots={"status_reference": "TA-2026-000001", "status_attempts": 1.0},
        ),
    )
    assert responses(messages) == ["utter_status_stopped"]
    assert events == [
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        SlotSet("status_reference", None),
        SlotSet("status_email", None),
        SlotSet("status_attempts", None),
    ]


async def test_status_is_told_to_the_conversation_that_filed_it(clean_store: str) -> None:
    _, filed = await run(
        ActionSubmitRequest(), tracker("yes", slots=complete_slots(), form_started_at=1.0)
    )
    reference = filed[0]["reference"]
    events, said = await run(
        ActionCheckStatus(),
        tracker(
            f"status of {reference}?", intent="check_status", slots={"status_reference": reference}
        ),
    )
    assert responses(said) == ["utter_status"]
    assert said[0]["status"] == "received"
    assert events == [
        SlotSet("status_reference", None),
        SlotSet("status_email", None),
        SlotSet("status_attempts", None),
    ]


async def test_status_is_refused_to_others_without_the_right_email(clean_store: str) -> None:
    _, filed = await run(
        ActionSubmitRequest(), tracker("yes", slots=complete_slots(), form_started_at=1.0)
    )
    reference = filed[0]["reference"]
    other = {"sender_id": "someone-else"}
    _, said = await run(
        ActionCheckStatus(),
        tracker(
            "status?",
            intent="check_status",
            slots={"status_reference": reference, "status_email": "x@y.org"},
            **other,
        ),
    )
    # A mistyped email is asked again, with the reference kept.
    assert responses(said) == ["utter_status_unavailable_retry"]
    _, said = await run(
        ActionCheckStatus(),
        tracker(
            "status?",
            intent="check_status",
            slots={"status_reference": reference, "status_email": "AMA.OWUSU@moh.gov.gh"},
            **other,
        ),
    )
    assert responses(said) == ["utter_status"]


async def test_a_refused_email_is_asked_again_a_few_times_only(clean_store: str) -> None:
    _, filed = await run(
        ActionSubmitRequest(), tracker("yes", slots=complete_slots(), form_started_at=1.0)
    )
    reference = filed[0]["reference"]
    slots = {"status_reference": reference, "status_email": "ama@moh.gov.gh"}
    events, said = await run(
        ActionCheckStatus(), tracker("ama@moh.gov.gh", sender_id="someone-else", slots=slots)
    )
    assert responses(said) == ["utter_status_unavailable_retry"]
    assert events == [
        SlotSet("status_email", None),
        SlotSet("status_attempts", 1.0),
        FollowupAction("status_form"),
    ]
    # The last try ends the look-up with the plain refusal, and forgets it.
    events, said = await run(
        ActionCheckStatus(),
        tracker(
            "ama2@moh.gov.gh",
            sender_id="someone-else",
            slots={**slots, "status_attempts": float(EMAIL_TRIES - 1)},
        ),
    )
    assert responses(said) == ["utter_status_unavailable"]
    assert (
        SlotSet("status_reference", None) in events and SlotSet("status_attempts", None) in events
    )


async def status_reference_read(text: str, **slots: str) -> list[str | None]:
    """The status_reference values the status form's validation sets for `text`."""
    events, _ = await run(ValidateStatusForm(), tracker(text, intent="check_status", slots=slots))
    return [e["value"] for e in events if e.get("name") == "status_reference"]


async def test_my_request_after_filing_one_here_needs_no_reference() -> None:
    filed_here = {"request_reference": "TA-2026-000005"}
    asked = "what is the status of my request?"
    assert await status_reference_read(asked, **filed_here) == ["TA-2026-000005"]
    # A reference given in the message wins over the one filed here.
    assert await status_reference_read("and TA-2026-000001?", **filed_here) == ["TA-2026-000001"]
    # Without a request filed here, the reference is asked for.
    assert await status_reference_read(asked) in ([], [None])


async def test_small_talk_that_names_a_need_starts_the_request() -> None:
    events, said = await run(
        ActionHandleUnclear(), tracker("can u help us w/ vax", intent="chitchat", confidence=0.6)
    )
    assert said == []
    assert events[-1] == {"event": "followup", "name": "request_form", "timestamp": None}
    assert {
        "event": "slot",
        "name": "description",
        "value": "can u help us w/ vax",
        "timestamp": None,
    } in events
    # Plain small talk is answered as such.
    events, said = await run(ActionHandleUnclear(), tracker("how are you?", intent="chitchat"))
    assert events == [] and responses(said) == ["utter_chitchat"]


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("nous avons besoin de vaccins", "vaccines"),
        ("necesitamos vacunas", "vaccines"),
        ("medicines please", "medicines"),
    ],
)
async def test_a_short_need_rasa_was_unsure_of_starts_the_request_at_its_area(
    text: str, area: str
) -> None:
    events, said = await run(
        ActionHandleUnclear(), tracker(text, intent="nlu_fallback", confidence=0.55)
    )
    assert said == []
    assert {"event": "slot", "name": "need_area", "value": area, "timestamp": None} in events
    assert events[-1] == {"event": "followup", "name": "request_form", "timestamp": None}
    # A question about an area is not a request.
    events, said = await run(
        ActionHandleUnclear(),
        tracker("vaccines?", intent="nlu_fallback", confidence=0.55),
    )
    assert events == [] and responses(said) == ["utter_default"]


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour, je travaille au ministere de la sante de Madagascar. On aimerait participer au hub",
        "we would like to be part of the hub",
        "nos interesa participar en el hub",
    ],
)
async def test_a_wish_to_join_the_hub_starts_the_request(text: str) -> None:
    events, said = await run(
        ActionHandleUnclear(), tracker(text, intent="nlu_fallback", confidence=0.5)
    )
    assert said == []
    assert {"event": "slot", "name": "description", "value": text, "timestamp": None} in events
    assert events[-1] == {"event": "followup", "name": "request_form", "timestamp": None}


@pytest.mark.parametrize(
    "text",
    [
        "quiero comprar vacunas para mi pais",
        "nous devons acheter des antiviraux pour notre population",
        "the ministry wants to buy oxygen concentrators",
    ],
)
async def test_a_government_need_read_as_out_of_scope_starts_the_request(text: str) -> None:
    events, said = await run(ActionOutOfScope(), tracker(text, intent="out_of_scope"))
    assert said == []
    assert events[-1] == {"event": "followup", "name": "request_form", "timestamp": None}
    assert {"event": "slot", "name": "description", "value": text, "timestamp": None} in events


@pytest.mark.parametrize(
    "text",
    ["where can I get vaccinated?", "I want to buy a vaccine for my mother", "what's the weather"],
)
async def test_a_private_or_unrelated_question_is_told_what_the_assistant_is_for(
    text: str,
) -> None:
    events, said = await run(ActionOutOfScope(), tracker(text, intent="out_of_scope"))
    assert events == [] and responses(said) == ["utter_out_of_scope"]


def after_a_catalogue_answer(text: str, intent: str, question: str) -> Any:
    """A tracker whose previous turn was `question`, answered with catalogue results."""
    tr = tracker(text, intent=intent, confidence=0.55)
    latest = max(i for i, e in enumerate(tr.events) if e["event"] == "user")
    previous = max(i for i, e in enumerate(tr.events[:latest]) if e["event"] == "user")
    tr.events[previous]["text"] = question
    answer = {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_catalogue_results"}}
    tr.events.insert(latest, answer)
    return tr


async def test_help_with_that_after_a_catalogue_answer_starts_the_request_about_it() -> None:
    question = "what does WIPO offer on patent searches?"
    tr = after_a_catalogue_answer(
        "great, I want to ask for help with that", "nlu_fallback", question
    )
    events, said = await run(ActionHandleUnclear(), tr)
    assert said == []
    assert events[-1] == {"event": "followup", "name": "request_form", "timestamp": None}
    assert {"event": "slot", "name": "description", "value": question, "timestamp": None} in events
    # The same words out of the blue are not understood as a need.
    events, said = await run(
        ActionHandleUnclear(),
        tracker("great, I want to ask for help with that", intent="nlu_fallback", confidence=0.55),
    )
    assert events == [] and responses(said) == ["utter_default"]


def test_asking_for_help_with_that_takes_the_question_as_the_description() -> None:
    question = "qué cursos hay sobre licencias obligatorias"
    tr = after_a_catalogue_answer("sí, quiero pedir ayuda con eso", "request_assistance", question)
    assert understand(Turn.from_tracker(tr))["description"] == question


async def test_an_unclassified_answer_inside_the_form_is_left_to_the_form() -> None:
    # "Achats" at the kind-of-help question: no "Sorry, I didn't understand" before the form
    # reads it (it used to come first, then the form took the answer anyway).
    tr = tracker(
        "Achats",
        intent="nlu_fallback",
        confidence=0.5,
        slots={"requested_slot": "focus", "need_area": "vaccines", "description": "vaccins"},
        active_loop="request_form",
    )
    events, said = await run(ActionHandleUnclear(), tr)
    assert said == []
    assert events == [{"event": "followup", "name": "request_form", "timestamp": None}]


# --- picking from a catalogue answer outside the form ---------------------------------------

COURSES = "qué cursos hay sobre licencias obligatorias"


def listed(question: str = COURSES) -> list[str]:
    found = catalogue_questions.listed_results(
        Turn.from_tracker(after_a_catalogue_answer("x", "inform", question))
    )
    assert found is not None and found[0] == question
    return found[1]


def slot_values(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


@pytest.mark.parametrize(
    ("action", "intent"),
    [(ActionPickFromResults(), "select_activity"), (ActionHandleUnclear(), "nlu_fallback")],
)
async def test_a_pick_from_a_catalogue_answer_starts_the_request_with_it_chosen(
    action: Any, intent: str
) -> None:
    ids = listed()
    assert len(ids) >= 2
    tr = after_a_catalogue_answer("me interesa el segundo", intent, COURSES)
    tr.slots["language"] = "es"
    events, said = await run(action, tr)
    assert responses(said) == ["utter_picked_from_results"]
    assert events[-1] == {"event": "followup", "name": "request_form", "timestamp": None}
    values = slot_values(events)
    assert values["selected_activity_ids"] == [ids[1]]
    assert values["suggested_activity_ids"] == ids and values["description"] == COURSES
    assert values["activity_choice"] == "done"


async def test_a_suggestion_button_with_no_list_open_is_told_the_list_is_closed() -> None:
    events, said = await run(
        ActionPickFromResults(),
        tracker('/select_activity{"activity":"wto-trips-elearning"}', intent="select_activity"),
    )
    assert events == [] and responses(said) == ["utter_suggestions_closed"]


def test_tell_me_more_about_an_item_of_a_catalogue_answer() -> None:
    ids = listed()
    turn = Turn.from_tracker(
        after_a_catalogue_answer("cuénteme más sobre el tercero", "ask_activity_details", COURSES)
    )
    activity = catalogue_questions.which_activity(turn)
    assert activity is not None and activity.id == ids[2]


def test_a_catalogue_list_closes_when_a_form_has_run_since() -> None:
    tr = after_a_catalogue_answer("el segundo", "select_activity", COURSES)
    latest = max(i for i, e in enumerate(tr.events) if e["event"] == "user")
    tr.events.insert(latest, {"event": "active_loop", "name": "request_form"})
    assert catalogue_questions.listed_results(Turn.from_tracker(tr)) is None


# --- resuming a request stopped by mistake ---------------------------------------------------


def after_a_cancel(text: str, answers: dict[str, Any]) -> Any:
    """A tracker where `answers` were given, then the request was cancelled, then `text`."""
    tr = tracker(text, intent="resume_request", previous=answers)
    latest = max(i for i, e in enumerate(tr.events) if e["event"] == "user")
    cancel = [{"event": "action", "name": "action_cancel_request"}]
    cancel += [{"event": "active_loop", "name": None}]
    cancel += [{"event": "slot", "name": n, "value": None} for n in answers]
    tr.events[latest:latest] = cancel
    for name in answers:
        tr.slots[name] = None
    return tr


async def test_resume_brings_the_answers_back_and_the_form_goes_on() -> None:
    answers = {"need_area": "vaccines", "description": "syringes", "member": "Peru"}
    events, said = await run(ActionResumeRequest(), after_a_cancel("undo", answers))
    assert responses(said) == ["utter_resumed"]
    assert events[-1] == {"event": "followup", "name": "request_form", "timestamp": None}
    restored = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert restored == answers


async def test_resume_with_nothing_cancelled_says_so() -> None:
    events, said = await run(ActionResumeRequest(), tracker("undo", intent="resume_request"))
    assert events == [] and responses(said) == ["utter_nothing_to_resume"]


async def test_resume_after_a_new_request_was_started_brings_nothing_back() -> None:
    tr = after_a_cancel("undo", {"need_area": "vaccines", "description": "syringes"})
    latest = max(i for i, e in enumerate(tr.events) if e["event"] == "user")
    tr.events.insert(latest, {"event": "active_loop", "name": "request_form"})
    events, said = await run(ActionResumeRequest(), tr)
    assert events == [] and responses(said) == ["utter_nothing_to_resume"]


async def test_a_reference_typed_at_the_status_email_question_is_the_reference() -> None:
    events, said = await run(
        ValidateStatusForm(),
        tracker(
            "sorry, it is TA-2026-000003",
            intent="inform",
            active_loop="status_form",
            slots={"requested_slot": "status_email", "status_reference": "TA-2026-000002"},
        ),
    )
    values = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert values.get("status_reference") == "TA-2026-000003"
    assert values.get("status_email") is None and "utter_invalid_email" not in responses(said)


async def test_asking_about_an_item_of_a_catalogue_answer_is_no_pick() -> None:
    ids = listed()
    tr = after_a_catalogue_answer("cuénteme más sobre el tercero", "select_activity", COURSES)
    events, said = await run(ActionPickFromResults(), tr)
    assert events == [] and responses(said) == ["utter_activity_details"]
    assert ids[2] in str(said[0])  # the details are the third listed activity's


@pytest.mark.parametrize(
    ("text", "activity"),
    [
        ("Qué es el HTAP?", "who-health-technology-access-pool"),
        ("y el MPP?", "who-mpp-covid-antiviral-licences"),
        ("c'est quoi PATENTSCOPE", "wipo-patentscope-covid-index"),
    ],
)
async def test_a_question_about_an_activity_called_by_its_name_gets_its_details(
    text: str, activity: str
) -> None:
    events, said = await run(ActionHandleUnclear(), tracker(text, intent="nlu_fallback"))
    assert events == [] and responses(said) == ["utter_activity_details"]
    assert said[0]["activity_id"] == activity


async def test_interest_in_an_activity_called_by_its_name_starts_the_request_with_it() -> None:
    tr = tracker("me interesa el MPP para Ecuador", intent="select_activity")
    tr.slots["language"] = "es"
    events, said = await run(ActionPickFromResults(), tr)
    assert responses(said) == ["utter_picked_from_results"]
    assert events[-1] == {"event": "followup", "name": "request_form", "timestamp": None}
    values = slot_values(events)
    assert values["selected_activity_ids"] == ["who-mpp-covid-antiviral-licences"]
    assert values["suggested_activity_ids"] == ["who-mpp-covid-antiviral-licences"]


def _check_status_examples() -> list[str]:
    found = []
    for path in sorted(Path("data/nlu").glob("*/*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if block.get("intent") == "check_status":
                for line in block["examples"].splitlines():
                    found.append(re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", line.strip()[2:]))
    return [text for text in found if text]


def test_every_status_question_taught_to_the_nlu_is_read_as_one() -> None:
    examples = _check_status_examples()
    assert len(examples) > 30
    assert [t for t in examples if not status.asks_after_a_request(t)] == []


async def test_digits_read_as_a_status_question_while_choosing_are_left_to_the_form() -> None:
    # "2 and 3" has a reference's digits; the NLU may read it as check_status.
    events, said = await run(
        ActionCheckStatus(),
        tracker(
            "2 and 3",
            intent="check_status",
            active_loop="request_form",
            slots={"requested_slot": "activity_choice"},
        ),
    )
    assert events == [] and said == []


async def test_withdrawing_a_filed_request_is_explained_without_asking_for_the_email() -> None:
    text = "Je voudrais annuler ma demande TA-2026-000003"
    form = ValidateStatusForm()
    tr = tracker(text, intent="check_status", slots={"language": "fr"})
    assert await form.required_slots([], CollectingDispatcher(), tr, domain()) == []
    events, said = await run(
        ActionCheckStatus(),
        tracker(text, intent="check_status", slots={"status_reference": "TA-2026-000003"}),
    )
    assert responses(said) == ["utter_withdraw_request"]
    assert said[0]["reference"] == "TA-2026-000003"
    assert SlotSet("status_reference", None) in events


@pytest.mark.parametrize(
    ("slots", "said_as"),
    [
        ({"request_reference": "TA-2026-000042"}, "utter_withdraw_request"),
        ({}, "utter_withdraw_request_unknown"),
    ],
)
async def test_withdraw_my_request_outside_a_form_says_who_can(
    slots: dict[str, str], said_as: str
) -> None:
    # Whichever the NLU hears it as: a cancel, or "resume my request".
    for action, intent in (
        (ActionCancelRequest(), "cancel"),
        (ActionResumeRequest(), "resume_request"),
    ):
        events, said = await run(
            action, tracker("please withdraw my request", intent=intent, slots=slots)
        )
        assert responses(said) == [said_as] and events == []


def after_a_refused_consent(text: str, intent: str, answers: dict[str, Any]) -> Any:
    """A tracker where `answers` were given, consent was refused (the request's answers
    cleared by action_submit_request), and the delegate then said `text`."""
    tr = tracker(text, intent=intent, previous=answers | {"consent": False})
    latest = max(i for i, e in enumerate(tr.events) if e["event"] == "user")
    stop: list[dict[str, Any]] = [{"event": "slot", "name": "consent", "value": False}]
    stop += [{"event": "action", "name": "action_submit_request"}]
    stop += [{"event": "slot", "name": n, "value": None} for n in [*answers, "consent"]]
    tr.events[latest:latest] = stop
    # The refusal answered the message before this one.
    tr.events.insert(latest, {"event": "user", "text": "no"})
    tr.slots.update({n: None for n in [*answers, "consent"]})
    return tr


REFUSED = {
    "need_area": "vaccines",
    "description": "we need help with pooled procurement of vaccines",
    "member": "Zambia",
    "requester_name": "Mwila Banda",
    "email": "mwila@moh.gov.zm",
    "organizations": ["not_sure"],
}


@pytest.mark.parametrize(
    ("action", "text", "intent"),
    [
        (ActionYesOutsideAQuestion(), "hmm ok fine, yes you can file it", "affirm"),
        (ActionResumeRequest(), "/resume_request", "resume_request"),
        (ActionHandleUnclear(), "hmm ok fine, yes you can file it", "nlu_fallback"),
        (ActionHandleUnclear(), "bueno, sí, preséntela", "nlu_fallback"),
    ],
)
async def test_a_change_of_mind_after_a_refused_consent_brings_the_request_back(
    action: Any, text: str, intent: str
) -> None:
    events, said = await run(action, after_a_refused_consent(text, intent, REFUSED))
    assert responses(said) == ["utter_resumed"]
    restored = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert restored == REFUSED  # everything but the consent, which the form asks again
    assert events[-1] == {"event": "followup", "name": "request_form", "timestamp": None}


async def test_yes_long_after_a_refusal_or_with_nothing_stopped_asks_what_is_needed() -> None:
    tr = after_a_refused_consent("yes", "affirm", REFUSED)
    latest = max(i for i, e in enumerate(tr.events) if e["event"] == "user")
    tr.events.insert(latest, {"event": "user", "text": "what is this platform?"})
    events, said = await run(ActionYesOutsideAQuestion(), tr)
    assert events == [] and responses(said) == ["utter_what_need"]
    events, said = await run(ActionYesOutsideAQuestion(), tracker("yes", intent="affirm"))
    assert events == [] and responses(said) == ["utter_what_need"]


async def test_a_filed_request_is_never_resumed() -> None:
    tr = tracker("/resume_request", intent="resume_request", previous=REFUSED)
    latest = max(i for i, e in enumerate(tr.events) if e["event"] == "user")
    tr.events[latest:latest] = [
        {"event": "user", "text": "yes"},
        {"event": "slot", "name": "consent", "value": True},
        {"event": "slot", "name": "confirmed", "value": True},
        {"event": "action", "name": "action_submit_request"},
    ]
    events, said = await run(ActionResumeRequest(), tr)
    assert events == [] and responses(said) == ["utter_nothing_to_resume"]


async def test_an_unclear_message_after_a_refusal_that_does_not_agree_resumes_nothing() -> None:
    tr = after_a_refused_consent("ok but not now, thanks", "nlu_fallback", REFUSED)
    events, said = await run(ActionHandleUnclear(), tr)
    assert "utter_resumed" not in responses(said)
    assert not any(e["event"] == "slot" for e in events)


async def test_an_unclassified_practical_question_outside_the_form_gets_its_answer() -> None:
    text = "hola, en que idioma puedo escribir?"
    _, said = await run(ActionHandleUnclear(), tracker(text, intent="nlu_fallback", confidence=0.4))
    assert responses(said) == ["utter_languages"]

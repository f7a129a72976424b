"""The gateway's read of a conversation's state after a turn, straight from the tracker store."""

from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.transcripts.tracker import tracker_engine, turn_state
from tests.utils.staff import Conversation, write_tracker


@pytest.fixture
def store(tmp_path: Path) -> tuple[str, Engine]:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    write_tracker(url)
    return url, tracker_engine(url)


def _in_form() -> Conversation:
    return (
        Conversation("c-1")
        .slot("language", "fr")
        .user("Bonjour, nous avons besoin d'aide", "describe_need")
        .action("request_form")
        .event("active_loop", "request_form")
        .slot("requested_slot", "member")
    )


def test_an_active_form_gives_its_requested_slot_and_the_language(
    store: tuple[str, Engine],
) -> None:
    url, engine = store
    write_tracker(url, _in_form().slot("member", "Kenya").slot("requested_slot", "email"))
    assert turn_state(engine, "c-1") == {
        "active_loop": {"name": "request_form"},
        "slots": {"requested_slot": "email", "language": "fr"},
    }


def test_a_closed_form_has_no_loop_and_an_unset_language_stays_unset(
    store: tuple[str, Engine],
) -> None:
    url, engine = store
    conversation = Conversation("c-2").user("hello", "greet").event("active_loop", "status_form")
    write_tracker(url, conversation.slot("requested_slot", "status_email").event("active_loop"))
    assert turn_state(engine, "c-2") == {
        "active_loop": {"name": None},
        "slots": {"requested_slot": "status_email", "language": None},
    }


def test_a_new_session_forgets_the_form_but_keeps_the_carried_over_slots(
    store: tuple[str, Engine],
) -> None:
    url, engine = store
    conversation = _in_form().event("session_started").slot("language", "fr")
    write_tracker(url, conversation.user("hola", "greet"))
    assert turn_state(engine, "c-1") == {
        "active_loop": {},
        "slots": {"requested_slot": None, "language": "fr"},
    }


def test_a_slot_reset_clears_the_slots_but_not_the_form(store: tuple[str, Engine]) -> None:
    url, engine = store
    write_tracker(url, _in_form().event("reset_slots"))
    assert turn_state(engine, "c-1") == {
        "active_loop": {"name": "request_form"},
        "slots": {"requested_slot": None, "language": None},
    }


@pytest.mark.parametrize("kind", ["rewind", "undo"])
def test_an_undone_step_is_left_to_rasa(store: tuple[str, Engine], kind: str) -> None:
    url, engine = store
    write_tracker(url, _in_form().event(kind).user("/back", "back"))
    assert turn_state(engine, "c-1") is None


def test_an_unknown_conversation_is_left_to_rasa(store: tuple[str, Engine]) -> None:
    url, engine = store
    write_tracker(url, _in_form())
    assert turn_state(engine, "someone-else") is None

"""Our action server's executor with Rasa 3.6's selective domain (bot/endpoints*.yml)."""

import asyncio

from bot.action_server import Executor
from tests.utils.rasa import domain, tracker


def _executor() -> Executor:
    executor = Executor()
    executor.register_package("actions")
    return executor


def test_an_action_called_without_the_domain_runs() -> None:
    call = {
        "next_action": "action_handoff",
        "sender_id": "c-1",
        "tracker": tracker("I want to talk to a person").current_state(),
    }
    result = asyncio.run(_executor().run(call))
    assert result is not None
    assert [e["name"] for e in result.events if e["event"] == "slot"] == ["handoff_requested"]
    assert [r["response"] for r in result.responses] == ["utter_human"]


def test_the_form_validation_still_gets_the_domain_rasa_sends_it() -> None:
    call = {
        "next_action": "validate_request_form",
        "sender_id": "c-1",
        "tracker": tracker("vaccines", active_loop="request_form").current_state(),
        "domain": domain(),
    }
    result = asyncio.run(_executor().run(call))
    assert result is not None
    assert any(e.get("name") == "requested_slot" for e in result.events)

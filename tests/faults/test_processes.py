"""Action servers and Rasa instances killed mid-form: the delegate is told, nothing is lost."""

import pytest

from bot.deploy.stack import ProdStack
from bot.runner import wait_healthy
from bot.web.chat import SEND_AGAIN
from bot.web.rasa_client import route
from tests.faults.conftest import FAULT_TEST_SECONDS, Delegate, filed_for, tracker_events

pytestmark = [pytest.mark.faults, pytest.mark.timeout(FAULT_TEST_SECONDS)]


def finish(delegate: Delegate) -> str:
    """Answer the rest of the form, confirm, and return the whole final answer."""
    delegate.say(f"{delegate.sender_id}@health.example.org")
    assert delegate.expecting == "organizations"
    delegate.say("WHO and WTO")
    delegate.say("yes")
    assert delegate.expecting == "confirmed"
    delegate.say("yes")
    assert "Your reference is" in delegate.text
    return delegate.text


def test_action_servers_crashing_mid_form_ask_to_send_again_and_file_once(
    prod_stack: ProdStack, delegate: Delegate
) -> None:
    delegate.start_form()
    delegate.say("Ministry of Health")
    assert delegate.expecting == "requester_name"
    actions = prod_stack.group("actions")
    for service in actions:
        service.kill()
    try:
        delegate.say("Jane Wanjiru")
        assert delegate.text == SEND_AGAIN["en"]
        assert delegate.expecting == "requester_name"
    finally:
        for service in actions:
            service.start()
        wait_healthy(actions, timeout=300)
    delegate.say("Jane Wanjiru")
    assert delegate.expecting == "email"
    answer = finish(delegate)
    [filed] = filed_for(prod_stack, delegate.sender_id)
    assert filed.reference and filed.reference in answer
    assert (filed.requester_name, filed.institution) == ("Jane Wanjiru", "Ministry of Health")


def test_one_action_server_down_goes_unnoticed(prod_stack: ProdStack, delegate: Delegate) -> None:
    first = prod_stack.services["actions-1"]
    first.kill()
    try:
        delegate.up_to_confirmation()
        delegate.say("yes")
        assert "Your reference is" in delegate.text
        assert SEND_AGAIN["en"] not in delegate.transcript
    finally:
        first.start()
        wait_healthy([first], timeout=300)
    assert len(filed_for(prod_stack, delegate.sender_id)) == 1


def test_a_rasa_instance_restarted_mid_form_resumes_from_the_tracker_store_on_the_other(
    prod_stack: ProdStack, delegate: Delegate
) -> None:
    home, other = route(prod_stack.rasa_urls, delegate.sender_id)
    home_service = prod_stack.services[f"rasa-{prod_stack.rasa_urls.index(home) + 1}"]
    delegate.start_form()
    delegate.say("Ministry of Health")
    assert delegate.expecting == "requester_name"
    home_service.kill()
    try:
        # The conversation's home is gone: the other instance takes the turn, reading
        # everything said so far from the tracker store.
        delegate.say("Jane Wanjiru")
        assert delegate.expecting == "email"
        answer = finish(delegate)
    finally:
        home_service.start()
        wait_healthy([home_service], timeout=900)
    [filed] = filed_for(prod_stack, delegate.sender_id)
    assert filed.reference and filed.reference in answer
    assert (filed.member, filed.institution) == ("Kenya", "Ministry of Health")
    # Back home, the restarted instance reads the turns the other one took.
    at_home = [
        (e["event"], e.get("text")) for e in tracker_events(prod_stack, delegate.sender_id, home)
    ]
    elsewhere = [
        (e["event"], e.get("text")) for e in tracker_events(prod_stack, delegate.sender_id, other)
    ]
    assert at_home == elsewhere
    assert [text for kind, text in at_home if kind == "user"] == delegate.sent

"""One conversation's messages arriving at both Rasa instances: in order, no event lost."""

import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from bot.deploy.stack import ProdStack
from bot.runner import free_port, wait_healthy
from bot.web.chat import SEND_AGAIN
from tests.faults.conftest import FAULT_TEST_SECONDS, tracker_events

pytestmark = [pytest.mark.faults, pytest.mark.timeout(FAULT_TEST_SECONDS)]

OPENING = "We want to issue a compulsory licence for an antiviral. I'm from Kenya"


def to_rasa(url: str, sender: str, message: str) -> list[dict[str, Any]]:
    r = httpx.post(
        f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=120
    )
    r.raise_for_status()
    return r.json()  # type: ignore[no-any-return]


def turns(events: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """Each user message with how many bot messages answered it before the next one."""
    out: list[tuple[str, int]] = []
    for event in events:
        if event["event"] == "user":
            out.append((event["text"], 0))
        elif event["event"] == "bot" and out:
            out[-1] = (out[-1][0], out[-1][1] + 1)
    return out


def test_messages_sent_to_both_rasa_instances_moments_apart_are_processed_in_order(
    prod_stack: ProdStack,
) -> None:
    first, second = prod_stack.rasa_urls
    for _ in range(3):
        sender = f"lock-{uuid.uuid4().hex[:12]}"
        with ThreadPoolExecutor(2) as pool:
            # The opening runs several custom actions, so the second message arrives at the
            # other instance while the first still holds the conversation's lock.
            opening = pool.submit(to_rasa, first, sender, OPENING)
            time.sleep(0.03)
            question = pool.submit(to_rasa, second, sender, "are you a bot?")
            answers = opening.result(), question.result()
        assert all(answers)
        said = turns(tracker_events(prod_stack, sender, first))
        assert [text for text, _ in said] == [OPENING, "are you a bot?"]
        assert all(replies >= 1 for _, replies in said)


@pytest.fixture(scope="module")
def pinned_gateways(prod_stack: ProdStack) -> Iterator[list[str]]:
    """One extra gateway per Rasa instance, each knowing only its own instance."""
    services = [
        prod_stack.web_service(f"pinned-{i}", free_port(), [rasa])
        for i, rasa in enumerate(prod_stack.rasa_urls, 1)
    ]
    for service in services:
        service.start()
    try:
        wait_healthy(services, timeout=300)
        yield [service.health_url.removesuffix("/healthz") for service in services]
    finally:
        for service in services:
            service.stop()


def at_once(gateways: list[str], sender: str, messages: tuple[str, ...]) -> list[dict[str, Any]]:
    """Send message i to gateway i, all released at the same instant."""
    start = threading.Barrier(len(gateways))

    def send(i: int) -> dict[str, Any]:
        with httpx.Client(base_url=gateways[i], timeout=120) as client:
            start.wait()
            r = client.post("/api/chat", json={"sender_id": sender, "message": messages[i]})
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]

    with ThreadPoolExecutor(len(gateways)) as pool:
        return list(pool.map(send, range(len(gateways))))


def test_simultaneous_messages_through_gateways_on_different_instances_lose_nothing(
    prod_stack: ProdStack, pinned_gateways: list[str]
) -> None:
    questions = ("are you a bot?", "why do you need this?")
    for _ in range(8):
        sender = f"lock-{uuid.uuid4().hex[:12]}"
        assert at_once(pinned_gateways[:1], sender, ("hi",))
        for answer in at_once(pinned_gateways, sender, questions):
            texts = [m["text"] for m in answer["messages"]]
            assert texts and SEND_AGAIN["en"] not in texts
        said = turns(tracker_events(prod_stack, sender, prod_stack.rasa_urls[0]))
        assert said[0][0] == "hi"
        assert sorted(text for text, _ in said[1:]) == sorted(questions)
        assert all(replies >= 1 for _, replies in said), said

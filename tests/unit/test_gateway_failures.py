"""What the gateway tells a delegate when Rasa answers nothing (a failed custom action)."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from bot.web.app import create_app
from bot.web.chat import SEND_AGAIN
from bot.web.rasa_client import RasaClient


class SilentRasa:
    """Rasa as it behaves when the action server is down: no messages, form still active."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.messages: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/webhooks/rest/webhook":
            self.messages.append(httpx.Response(200, content=request.content).json()["message"])
            return httpx.Response(200, json=[])
        tracker: dict[str, Any] = {
            "slots": {"language": self.language, "requested_slot": "email"},
            "active_loop": {"name": "request_form"},
        }
        return httpx.Response(200, json=tracker)


@pytest.fixture
def gateway() -> Iterator[tuple[TestClient, SilentRasa]]:
    rasa = SilentRasa("fr")
    with TestClient(create_app()) as client:
        client.app.state.rasa = RasaClient(  # type: ignore[attr-defined]
            "http://rasa.invalid", "token", 2, transport=httpx.MockTransport(rasa)
        )
        yield client, rasa


def test_an_unanswered_message_is_answered_with_send_again_in_the_delegates_language(
    gateway: tuple[TestClient, SilentRasa],
) -> None:
    client, _ = gateway
    r = client.post("/api/chat", json={"sender_id": "browser-1234", "message": "Awa Koné"})
    assert r.status_code == 200
    body = r.json()
    assert [m["text"] for m in body["messages"]] == [SEND_AGAIN["fr"]]
    assert body["expecting"] == "email" and body["language"] == "fr"


def test_a_message_that_failed_is_processed_again_when_resent_with_its_id(
    gateway: tuple[TestClient, SilentRasa],
) -> None:
    client, rasa = gateway
    body = {"sender_id": "browser-1234", "message": "Awa Koné", "client_message_id": "m-1"}
    assert client.post("/api/chat", json=body).status_code == 200
    assert client.post("/api/chat", json=body).status_code == 200
    assert rasa.messages == ["Awa Koné", "Awa Koné"]


def test_a_session_start_payload_may_go_unanswered(
    gateway: tuple[TestClient, SilentRasa],
) -> None:
    client, _ = gateway
    r = client.post("/api/chat", json={"sender_id": "browser-1234", "message": "/session_start"})
    assert r.status_code == 200 and r.json()["messages"] == []


class AnsweringRasa(SilentRasa):
    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/webhooks/rest/webhook":
            return httpx.Response(200, json=[{"recipient_id": "browser-1234", "text": "Merci."}])
        return super().__call__(request)


def test_an_answer_reaches_the_delegate_even_when_the_store_cannot_remember_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Rasa has taken the message in: losing the answer's copy must not show as an error.
    with TestClient(create_app()) as client:
        client.app.state.rasa = RasaClient(  # type: ignore[attr-defined]
            "http://rasa.invalid", "token", 2, transport=httpx.MockTransport(AnsweringRasa("fr"))
        )
        replies = client.app.state.replies  # type: ignore[attr-defined]

        def locked(*_: object) -> None:
            raise OperationalError("UPDATE gateway_replies", {}, Exception("database is locked"))

        monkeypatch.setattr(replies, "_update", locked)
        body = {"sender_id": "browser-1234", "message": "Awa Koné", "client_message_id": "m-1"}
        r = client.post("/api/chat", json=body)
    assert r.status_code == 200
    assert [m["text"] for m in r.json()["messages"]] == ["Merci."]

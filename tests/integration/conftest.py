"""A delegate talking to the real stack (the `stack` fixture lives in tests/conftest.py)."""

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from bot.runner import Stack

pytestmark = pytest.mark.integration


class Delegate:
    """A conversation through /api/chat, as the widget would have it."""

    def __init__(self, stack: Stack, language: str | None = None) -> None:
        self.sender_id = f"it-{uuid.uuid4().hex[:16]}"
        self.client = httpx.Client(base_url=stack.web_url, timeout=60)
        self.metadata = {"language": language} if language else {}
        self.last: dict[str, Any] = {}

    def say(self, message: str) -> dict[str, Any]:
        r = self.client.post(
            "/api/chat",
            json={"sender_id": self.sender_id, "message": message, "metadata": self.metadata},
        )
        assert r.status_code == 200, r.text
        self.last = r.json()
        return self.last

    @property
    def text(self) -> str:
        return "\n".join(m.get("text") or "" for m in self.last["messages"])

    @property
    def expecting(self) -> str | None:
        return self.last["expecting"]

    @property
    def offered(self) -> list[dict[str, str]]:
        """The activity buttons of the last answer, in the order shown."""
        return [
            b
            for m in self.last["messages"]
            for b in m["buttons"]
            if b["payload"].startswith("/select")
        ]


@pytest.fixture
def delegate(stack: Stack) -> Iterator[Delegate]:
    d = Delegate(stack)
    yield d
    d.client.close()

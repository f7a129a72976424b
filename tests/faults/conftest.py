"""The production stack for fault tests: started once, on scratch databases and lock keys.

Two Rasa instances, two action servers and two web workers behind nginx, on the machine's
real PostgreSQL and Redis. Tests kill and restart its processes; each leaves it whole.
"""

import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.deploy.stack import Ports, ProdStack
from bot.settings import Settings
from bot.store.db import engine_for
from bot.store.models import Request
from tests.conftest import STACK_START_SECONDS
from tests.utils.postgres import REDIS_URL, temporary_database, temporary_lock_prefix

# Two Rasa instances load side by side, and one test restarts one: minutes on a busy machine.
FAULT_TEST_SECONDS = 1800


@pytest.fixture(scope="session")
def prod_stack(
    trained_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ProdStack]:
    """Everything `make run-prod` starts, on free ports."""
    with (
        temporary_database("faults") as store_url,
        temporary_database("faults_tracker") as tracker_url,
        temporary_lock_prefix() as prefix,
    ):
        settings = Settings(
            environment="production",
            database_url=store_url,
            tracker_database_url=tracker_url,
            redis_url=REDIS_URL,
            lock_key_prefix=prefix,
            rasa_token=secrets.token_urlsafe(24),
            action_token=secrets.token_urlsafe(24),
            api_token=secrets.token_urlsafe(24),
            rate_limit_storage="database",
        )
        stack = ProdStack(
            settings,
            trained_model,
            Ports.free(2),
            tmp_path_factory.mktemp("prod-logs"),
            tmp_path_factory.mktemp("prod-run"),
        )
        try:
            stack.start(timeout=STACK_START_SECONDS)
            yield stack
        finally:
            stack.stop()


class Delegate:
    """One conversation through nginx, as the widget would have it."""

    def __init__(self, base_url: str, sender_id: str | None = None) -> None:
        self.sender_id = sender_id or f"fault-{uuid.uuid4().hex[:16]}"
        self.client = httpx.Client(base_url=base_url, timeout=120)
        self.last: dict[str, Any] = {}
        self.sent: list[str] = []
        self.transcript: list[str] = []

    def say(self, message: str) -> dict[str, Any]:
        r = self.client.post("/api/chat", json={"sender_id": self.sender_id, "message": message})
        assert r.status_code == 200, r.text
        self.sent.append(message)
        self.last = r.json()
        self.transcript += [m.get("text") or "" for m in self.last["messages"]]
        return self.last

    @property
    def text(self) -> str:
        return "\n".join(m.get("text") or "" for m in self.last["messages"])

    @property
    def expecting(self) -> str | None:
        return self.last["expecting"]

    def start_form(self) -> None:
        """State a need and a member, pass on the suggested activities: the form then asks
        for the institution."""
        self.say("We want to issue a compulsory licence for an antiviral. I'm from Kenya")
        if self.expecting == "activity_choice":
            self.say("/none_of_these")
        assert self.expecting == "institution", self.last

    def up_to_confirmation(self) -> None:
        """Answer everything the form asks until it shows the summary."""
        self.start_form()
        answers = {
            "institution": "Ministry of Health",
            "requester_name": "Jane Wanjiru",
            "email": f"{self.sender_id}@health.example.org",
            "organizations": "WHO and WTO",
            "consent": "yes",
        }
        for _ in range(10):
            if self.expecting == "confirmed":
                return
            self.say(answers[str(self.expecting)])
        raise AssertionError(f"the form did not reach the summary: {self.last}")


@pytest.fixture
def delegate(prod_stack: ProdStack) -> Iterator[Delegate]:
    d = Delegate(prod_stack.url)
    yield d
    d.client.close()


def filed_for(stack: ProdStack, conversation_id: str) -> list[Request]:
    """The requests the store holds for one conversation."""
    with Session(engine_for(stack.settings.database_url)) as session:
        query = select(Request).where(Request.conversation_id == conversation_id)
        return list(session.scalars(query))


def tracker_events(stack: ProdStack, sender_id: str, rasa_url: str) -> list[dict[str, Any]]:
    """A conversation's events as one Rasa instance reads them from the tracker store."""
    r = httpx.get(
        f"{rasa_url}/conversations/{sender_id}/tracker",
        params={"token": stack.settings.rasa_token, "include_events": "ALL"},
        timeout=60,
    )
    r.raise_for_status()
    return r.json()["events"]  # type: ignore[no-any-return]

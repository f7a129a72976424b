"""The real stack for integration tests: a model trained once, Rasa, actions, web, SQLite."""

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.model import ensure_model
from bot.runner import Stack, running_stack
from bot.settings import ROOT, Settings, get_settings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The model for the current data; trained only if models/ does not have it yet."""
    # models/ by default; TRIAGE_MODEL_DIR lets several checkouts share trained models.
    return ensure_model(
        get_settings().model_dir, log_file=ROOT / "var" / "logs" / "train-tests.log"
    )


@pytest.fixture(scope="session")
def stack_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = tmp_path_factory.mktemp("stack")
    return Settings(
        environment="test",
        database_url=f"sqlite:///{folder / 'triage.db'}",
        tracker_database_url=f"sqlite:///{folder / 'tracker.db'}",
        rasa_token="integration-rasa-token",
        action_token="integration-action-token",
        api_token="integration-api-token",
    )


@pytest.fixture(scope="session")
def stack(
    trained_model: Path, stack_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """Rasa, the action server and the web service on free loopback ports."""
    logs = tmp_path_factory.mktemp("logs")
    with running_stack(stack_settings, trained_model, logs) as started:
        yield started


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


@pytest.fixture
def delegate(stack: Stack) -> Iterator[Delegate]:
    d = Delegate(stack)
    yield d
    d.client.close()

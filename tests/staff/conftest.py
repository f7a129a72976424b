"""Fixtures of the staff-console tests: a clean store, accounts, an app client."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from bot.settings import get_settings
from bot.store.db import engine_for
from bot.store.staff_models import Role
from bot.web.app import create_app
from tests.utils.staff import create_user

API_TOKEN = "staff-tests-api-token-0123456789"


@pytest.fixture
def store(clean_store: str) -> Iterator[str]:
    """The emptied request store, its FTS table included."""
    with engine_for(clean_store).begin() as conn:
        conn.execute(text("DELETE FROM conversation_search"))
    yield clean_store


@pytest.fixture
def tracker_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'tracker.db'}"


@pytest.fixture
def accounts(store: str) -> dict[str, str]:
    """One account per role (and one more staff member of another organization)."""
    with Session(engine_for(store)) as s:
        create_user(s, "sam", Role.STAFF, "WHO", display_name="Sam Staff")
        create_user(s, "wanda", Role.STAFF, "WIPO", display_name="Wanda Wipo")
        create_user(s, "ann", Role.ANALYST, None, display_name="Ann Analyst")
        create_user(s, "ada", Role.ADMIN, None, display_name="Ada Admin")
        s.commit()
    return {"staff": "sam", "analyst": "ann", "admin": "ada"}


@pytest.fixture
def app_client(
    monkeypatch: pytest.MonkeyPatch, store: str, tracker_url: str
) -> Iterator[TestClient]:
    """The web app on https (cookies are Secure outside development), Rasa not needed."""
    monkeypatch.setenv("TRIAGE_API_TOKEN", API_TOKEN)
    monkeypatch.setenv("TRIAGE_TRACKER_DATABASE_URL", tracker_url)
    get_settings.cache_clear()
    with TestClient(create_app(), base_url="https://testserver") as client:
        yield client


def new_client(app_client: TestClient) -> TestClient:
    """A second browser on the same app (its own cookies)."""
    return TestClient(app_client.app, base_url="https://testserver")

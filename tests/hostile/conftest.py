"""The web app in-process, with Rasa down (a closed port) and the read API's token."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.runner import free_port
from bot.settings import get_settings
from bot.web.app import create_app

TOKEN = "hostile-api-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> FastAPI:
    # Nothing listens there: every message that passes the gateway's checks meets a 503.
    monkeypatch.setenv("TRIAGE_RASA_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("TRIAGE_RASA_TIMEOUT_SECONDS", "2")
    monkeypatch.setenv("TRIAGE_API_TOKEN", TOKEN)
    for name in ("CHAT_PER_SENDER", "CHAT_PER_ADDRESS", "LOGIN_PER_ADDRESS"):
        monkeypatch.setenv(f"TRIAGE_RATE_LIMIT_{name}", "off")
    get_settings.cache_clear()
    return create_app()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    # A server error must show as a 500 response, as a browser would see it.
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c

"""Delegates' personal data stays out of logs and away from anyone not signed in as staff."""

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bot.store.db import engine_for
from bot.transcripts.indexer import Indexer
from bot.web.staff.deps import catch_up
from tests.utils.staff import PASSWORD, Conversation, login_csrf, sign_in, write_tracker

EMAIL = "jane.wanjiru@pharmacyboard.go.ke"


def test_an_indexing_failure_logs_no_delegate_words(
    tmp_path: Path, tracker_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    write_tracker(tracker_url, Conversation("conv-pii").user(f"write to {EMAIL}", "inform"))
    unmigrated = f"sqlite:///{tmp_path / 'empty.db'}"
    with caplog.at_level(logging.DEBUG), Session(engine_for(unmigrated)) as session:
        assert catch_up(Indexer(unmigrated, tracker_url), session) == 0
    assert "on-demand transcript indexing failed (OperationalError)" in caplog.text
    assert EMAIL not in caplog.text and "conv-pii" not in caplog.text


def test_sign_in_and_transcripts_log_nothing_personal(
    app_client: TestClient,
    accounts: dict[str, str],
    tracker_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    write_tracker(tracker_url, Conversation("conv-pii").user(f"write to {EMAIL}", "inform"))
    with caplog.at_level(logging.DEBUG):
        app_client.post(
            "/login",
            data={
                "username": "sam",
                "password": "not " + PASSWORD,
                "csrf_token": login_csrf(app_client),
            },
        )
        sign_in(app_client, "sam")
        assert EMAIL in app_client.get("/staff/conversations/conv-pii").text
        app_client.get("/api/staff/conversations", params={"q": EMAIL})
    for secret in (EMAIL, PASSWORD, "sam"):
        assert secret not in caplog.text


def test_transcripts_are_shown_to_staff_only(
    app_client: TestClient, accounts: dict[str, str], tracker_url: str
) -> None:
    write_tracker(tracker_url, Conversation("conv-pii").user(f"write to {EMAIL}", "inform"))
    anonymous = app_client.get("/staff/conversations/conv-pii")
    assert EMAIL not in anonymous.text and 'action="/login"' in anonymous.text
    assert app_client.get("/api/staff/conversations/conv-pii").status_code == 401
    sign_in(app_client, "ann")
    analyst = app_client.get("/staff/conversations/conv-pii")
    assert analyst.status_code == 403 and EMAIL not in analyst.text

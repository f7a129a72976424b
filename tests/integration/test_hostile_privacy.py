"""Erasure and retention on a conversation written by the real Rasa server and action server."""

import json
import os
import secrets
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from bot.privacy import ERASED, EVENTS
from bot.runner import Stack
from bot.settings import ROOT
from bot.store.db import engine_for
from bot.store.models import Request
from tests.integration.conftest import Delegate

pytestmark = pytest.mark.integration


def file_a_request(stack: Stack, name: str, email: str, institution: str) -> Delegate:
    delegate = Delegate(stack)
    delegate.say(
        f"Good morning, I'm {name} from the {institution} of Ghana. We want to issue a "
        "compulsory licence for an antiviral because prices are too high."
    )
    if delegate.expecting == "activity_choice":
        delegate.say("/affirm")
    for _ in range(6):  # answer whatever is still missing, in the form's order
        asked = delegate.expecting
        answers = {"member": "Ghana", "institution": institution, "requester_name": name}
        answers |= {"email": email, "organizations": "WIPO", "consent": "yes"}
        if asked not in answers:
            break
        delegate.say(answers[asked])
    assert delegate.expecting == "confirmed", delegate.text
    delegate.say("yes")
    assert "Your reference is" in delegate.text
    return delegate


def tracker(stack: Stack, sender_id: str) -> dict[str, Any]:
    r = httpx.get(
        f"{stack.rasa_url}/conversations/{sender_id}/tracker",
        params={"token": stack.settings.rasa_token, "include_events": "ALL"},
        timeout=30,
    )
    assert r.status_code == 200
    return dict(r.json())


def filed(stack: Stack, sender_id: str) -> dict[str, Any]:
    r = httpx.get(
        f"{stack.web_url}/api/requests",
        params={"conversation_id": sender_id},
        headers={"Authorization": f"Bearer {stack.settings.api_token}"},
    )
    [request] = r.json()["data"]
    return dict(request)


def triage(stack: Stack, *args: str) -> str:
    env = dict(
        os.environ,
        TRIAGE_DATABASE_URL=stack.settings.database_url,
        TRIAGE_TRACKER_DATABASE_URL=stack.settings.tracker_database_url,
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def intents(state: dict[str, Any]) -> list[str]:
    return [e["parse_data"]["intent"]["name"] for e in state["events"] if e["event"] == "user"]


def test_erase_by_email_removes_a_delegate_from_requests_and_rasa_transcripts(
    stack: Stack,
) -> None:
    run = "zq" + secrets.token_hex(3)  # never inside the hex ids Rasa writes
    name, email = "Akosua Boateng", f"akosua.boateng.{run}@moh.gov.gh"
    institution = f"Ministry of Health Directorate {run}"
    delegate = file_a_request(stack, name, email, institution)
    before = filed(stack, delegate.sender_id)
    state = tracker(stack, delegate.sender_id)
    assert email in json.dumps(state)  # Rasa really kept it

    out = triage(stack, "privacy", "erase", "--email", email.upper())

    assert "erased: 1 request(s)" in out and "1 conversation(s)" in out
    after = filed(stack, delegate.sender_id)
    for field in ("requester_name", "institution", "email", "description"):
        assert after[field] == ERASED
    kept = ("reference", "member", "member_status", "need_area", "topics", "organizations")
    kept += ("status", "created_at", "language", "consent")
    assert {k: after[k] for k in kept} == {k: before[k] for k in kept}
    assert after["erased_at"] is not None

    erased = tracker(stack, delegate.sender_id)
    dumped = json.dumps(erased)
    for secret in (email, name, "Akosua", "Boateng", run):
        assert secret not in dumped, secret
    assert intents(erased) == intents(state)  # statistics: what was asked, in order
    assert erased["slots"]["member"] == "Ghana"
    history = delegate.client.get(f"/api/chat/{delegate.sender_id}/history").json()
    assert {m["text"] for m in history["messages"] if m["role"] == "user"} == {ERASED}
    # Rasa reads the rewritten transcript and the conversation goes on.
    delegate.say("thank you")
    assert delegate.last["messages"]


def test_the_retention_purge_erases_an_old_conversation_and_keeps_a_recent_one(
    stack: Stack,
) -> None:
    run = "zq" + secrets.token_hex(3)  # never inside the hex ids Rasa writes
    old = file_a_request(stack, "Kwabena Asante", f"k.asante.{run}@moh.gov.gh", "Ministry of Trade")
    recent = file_a_request(stack, "Efua Mensah", f"e.mensah.{run}@moh.gov.gh", "Ministry of Trade")
    # Move the old one 400 days back, as if it had been filed then and never touched since.
    shift = timedelta(days=400)
    with engine_for(stack.settings.tracker_database_url).begin() as conn:
        rows = conn.execute(
            select(EVENTS.c.id, EVENTS.c.timestamp).where(EVENTS.c.sender_id == old.sender_id)
        ).all()
        for row in rows:
            conn.execute(
                update(EVENTS)
                .where(EVENTS.c.id == row.id)
                .values(timestamp=row.timestamp - shift.total_seconds())
            )
    with engine_for(stack.settings.database_url).begin() as conn:
        conn.execute(
            update(Request)
            .where(Request.conversation_id == old.sender_id)
            .values(updated_at=datetime.now(UTC) - shift)
        )

    out = triage(stack, "privacy", "purge")

    assert "older than 365 days" in out
    assert filed(stack, old.sender_id)["email"] == ERASED
    assert filed(stack, recent.sender_id)["email"] == f"e.mensah.{run}@moh.gov.gh"
    assert "Kwabena" not in json.dumps(tracker(stack, old.sender_id))
    assert "Efua" in json.dumps(tracker(stack, recent.sender_id))

"""The staff console over events written by the real Rasa server, through the running web service."""

import re
import time

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.runner import Stack
from bot.store.db import engine_for
from bot.store.staff_models import Role
from bot.transcripts.tracker import events, tracker_engine
from tests.integration.conftest import Delegate
from tests.utils.staff import PASSWORD, create_user

pytestmark = pytest.mark.integration

UNCLEAR = "xqzv blorp fnarg"


def have_a_conversation(delegate: Delegate) -> str:
    """A delegate who is first not understood, then files a request; returns the reference."""
    delegate.say(UNCLEAR)
    delegate.say("We need help with WHO prequalification of a locally made vaccine, I'm from Kenya")
    if delegate.expecting == "activity_choice":
        delegate.say("none of these")
        if delegate.expecting == "activity_choice":
            delegate.say("/affirm")
    assert delegate.expecting == "institution", delegate.text
    delegate.say("Pharmacy and Poisons Board")
    assert delegate.expecting == "requester_name", delegate.text
    delegate.say("Jane Wanjiru")
    assert delegate.expecting == "email", delegate.text
    delegate.say("jane.wanjiru@pharmacyboard.go.ke")
    if delegate.expecting == "organizations":
        delegate.say("WHO")
    assert delegate.expecting == "consent", delegate.text
    delegate.say("yes")
    assert delegate.expecting == "confirmed", delegate.text
    delegate.say("yes")
    found = re.search(r"TA-\d{4}-\d{6}", delegate.text)
    assert found, delegate.text
    return found.group(0)


def staff_account(stack: Stack, username: str, organization: str = "WHO") -> None:
    with Session(engine_for(stack.settings.database_url)) as s:
        create_user(s, username, Role.STAFF, organization, display_name=username.title())
        s.commit()


def signed_in(stack: Stack, username: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=stack.web_url, timeout=30)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    # The stack runs as "test": cookies are Secure, which httpx only returns over https.
    # Carry the session cookie by hand, as a browser on loopback would.
    client.cookies.set("triage_login_csrf", page.cookies["triage_login_csrf"])
    r = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    client.cookies.set("triage_session", r.cookies["triage_session"])
    home = client.get("/staff/requests")
    csrf = re.search(r'"X-CSRF-Token": "([^"]+)"', home.text)
    assert csrf, home.text[:300]
    return client, csrf.group(1)


def test_transcripts_are_read_from_what_rasa_wrote(stack: Stack, delegate: Delegate) -> None:
    reference = have_a_conversation(delegate)
    staff_account(stack, "irene")
    client, _ = signed_in(stack, "irene")

    # What Rasa itself recorded, straight from its table.
    with tracker_engine(stack.settings.tracker_database_url).connect() as conn:
        rows = conn.execute(
            select(events.c.type_name, events.c.intent_name, events.c.action_name)
            .where(events.c.sender_id == delegate.sender_id)
            .order_by(events.c.id)
        ).all()
    rasa_intents = [r.intent_name for r in rows if r.type_name == "user"]
    rasa_actions = {r.action_name for r in rows if r.type_name == "action"}
    assert len(rasa_intents) == 8

    t = client.get(f"/api/staff/conversations/{delegate.sender_id}").json()
    said = [turn["user"] for turn in t["turns"] if turn["user"]]
    assert [u["text"] for u in said][:2] == [
        UNCLEAR,
        "We need help with WHO prequalification of a locally made vaccine, I'm from Kenya",
    ]
    assert [u["intent"] for u in said] == rasa_intents
    assert all(u["confidence"] is not None for u in said)
    shown_actions = {a["name"] for turn in t["turns"] for a in turn["actions"]}
    assert shown_actions == rasa_actions - {"action_listen", "action_session_start"}
    slots = {s["name"]: s["value"] for turn in t["turns"] for s in turn["slots"]}
    assert slots["request_reference"] == reference and slots["member"] == "Kenya"
    assert any("TA-" in (b["text"] or "") for turn in t["turns"] for b in turn["bot"])
    assert t["requests"] == [{"reference": reference, "status": "new"}]

    # The list, built by the web service's indexer from the same events.
    # The index may be a pass behind (the background pass holds it): the list says so in
    # pending_events, and a client asks again.
    for _ in range(30):
        listing = client.get(
            "/api/staff/conversations", params={"has_request": "true", "q": "prequalification"}
        ).json()
        if listing["pending_events"] == 0:
            break
        time.sleep(1)
    mine = [c for c in listing["data"] if c["sender_id"] == delegate.sender_id]
    assert mine and mine[0]["request_reference"] == reference, listing
    assert mine[0]["fell_back"] == bool(
        rasa_actions & {"action_default_fallback", "action_handle_unclear", "utter_default"}
        or "nlu_fallback" in rasa_intents
    )
    assert mine[0]["fell_back"], "the unclear message should have made the assistant fall back"
    fell_back = client.get("/api/staff/conversations", params={"fell_back": "true"}).json()
    assert delegate.sender_id in {c["sender_id"] for c in fell_back["data"]}

    # And the request links back to the transcript.
    detail = client.get(f"/api/staff/requests/{reference}").json()
    assert detail["request"]["conversation_id"] == delegate.sender_id
    page = client.get(f"/staff/requests/{reference}")
    assert f'href="/staff/conversations/{delegate.sender_id}"' in page.text
    client.close()

"""Erasure and retention on SQLite and PostgreSQL, with Rasa-shaped transcripts.

The same operations on a transcript written by the real Rasa server are in
tests/integration/test_hostile_privacy.py.
"""

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.cli import main
from bot.privacy import ERASED, EVENTS, erase_email, erase_event, purge
from bot.settings import Settings
from bot.store.db import engine_for
from bot.store.migrate import upgrade
from bot.store.models import GatewayReply, Request
from tests.hostile.backends import postgres_database
from tests.utils.factories import create_request

EMAIL = "ama.owusu@moh.gov.gh"


def user(text: str, intent: str, entities: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "event": "user",
        "text": text,
        "parse_data": {
            "intent": {"name": intent, "confidence": 0.97},
            "entities": entities or [],
            "text": text,
            "metadata": {"language": "en", "note": text},
            "text_tokens": [[0, len(text)]],
        },
        "metadata": {"model_id": "m"},
        "input_channel": "rest",
    }


def slot(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "name": name, "value": value}


def bot(text: str, action: str, **values: str) -> dict[str, Any]:
    # Rasa keeps the response's template values in the event's metadata.
    return {
        "event": "bot",
        "text": text,
        "metadata": {"utter_action": action, **values},
        "data": {},
    }


def conversation(email: str = EMAIL) -> list[dict[str, Any]]:
    """A filed conversation as Rasa's tracker store keeps it (the fields we touch)."""
    return [
        user("I'm Ama Owusu from the Ministry of Health of Ghana", "describe_need"),
        slot("requester_name", "Ama Owusu"),
        slot("institution", "Ministry of Health"),
        slot("member", "Ghana"),
        slot("need_area", "medicines"),
        slot("topics", ["intellectual_property"]),
        slot("confirmed", "hmm maybe, call me on +233 20 000 0000"),
        user(f"my email is {email}", "inform", [{"entity": "email", "value": email}]),
        slot("email", email),
        slot("organizations", ["WIPO", "WTO"]),
        bot(
            f"- **Name:** Ama Owusu\n- **Email:** {email}", "utter_summary", summary=f"Ama {email}"
        ),
        user("yes", "affirm"),
        slot("consent", True),
        slot("request_reference", "TA-2026-000001"),
        {"event": "action", "name": "action_submit_request"},
    ]


@pytest.fixture(params=["sqlite", "postgresql"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """A migrated request store and a tracker store with Rasa's events table, per backend."""
    if request.param == "sqlite":
        yield _prepare(
            f"sqlite:///{tmp_path / 'triage.db'}", f"sqlite:///{tmp_path / 'tracker.db'}"
        )
        return
    with postgres_database() as store, postgres_database() as tracker:
        yield _prepare(store, tracker)


def _prepare(database_url: str, tracker_url: str) -> Settings:
    upgrade(database_url)
    EVENTS.metadata.create_all(engine_for(tracker_url))
    return Settings(environment="test", database_url=database_url, tracker_database_url=tracker_url)


def write_events(settings: Settings, sender: str, events: list[dict[str, Any]], at: float) -> None:
    with engine_for(settings.tracker_database_url).begin() as conn:
        for i, event in enumerate(events):
            event = event | {"timestamp": at + i}
            conn.execute(
                EVENTS.insert().values(
                    sender_id=sender,
                    type_name=event["event"],
                    timestamp=event["timestamp"],
                    data=json.dumps(event),
                )
            )


def transcript(settings: Settings, sender: str) -> list[dict[str, Any]]:
    with engine_for(settings.tracker_database_url).connect() as conn:
        rows = conn.scalars(
            select(EVENTS.c.data).where(EVENTS.c.sender_id == sender).order_by(EVENTS.c.id)
        )
        return [json.loads(r) for r in rows]


def file(settings: Settings, conversation_id: str, **overrides: Any) -> str:
    with Session(engine_for(settings.database_url)) as s:
        reference = create_request(
            s, conversation_id=conversation_id, **overrides
        ).request.reference
        s.add(
            GatewayReply(sender_id=conversation_id, client_message_id="m1", body='{"messages": []}')
        )
        s.commit()
    assert reference
    return reference


def stored(settings: Settings, reference: str) -> Request:
    with Session(engine_for(settings.database_url)) as s:
        row = s.scalars(select(Request).where(Request.reference == reference)).one()
        s.expunge(row)
        return row


def test_erasing_an_email_leaves_placeholders_and_keeps_the_statistics(stores: Settings) -> None:
    reference = file(
        stores, "conv-ama", timeline="by March", description="Licence for Ama's ministry"
    )
    other = file(stores, "conv-kofi", email="kofi@moh.gov.gh", requester_name="Kofi Mensah")
    write_events(stores, "conv-ama", conversation(), time.time() - 60)
    write_events(stores, "conv-kofi", conversation("kofi@moh.gov.gh"), time.time() - 60)
    # A conversation that never filed anything but typed the address (e.g. a status look-up).
    write_events(
        stores,
        "conv-status",
        [user(f"status of TA-2026-000001, {EMAIL.upper()}", "check_status")],
        time.time(),
    )

    result = erase_email(f"  {EMAIL.upper()} ", stores)

    assert (result.requests, result.conversations, result.replies) == (1, 2, 1)
    row = stored(stores, reference)
    assert (row.requester_name, row.institution, row.email, row.description, row.timeline) == (
        ERASED,
    ) * 5
    assert row.prior_assistance is None  # nothing there, nothing to erase
    assert (row.member, row.need_area, row.topics, row.organizations, row.status) == (
        "Ghana",
        "medicines",
        ["intellectual_property"],
        ["WIPO", "WTO"],
        "new",
    )
    assert row.erased_at is not None
    events = transcript(stores, "conv-ama")
    text = json.dumps(events)
    for secret in ("Ama", "Owusu", "owusu", "Ministry of Health", "+233"):
        assert secret not in text
    # Intents, actions and clean statistical slots stay.
    assert [e["parse_data"]["intent"]["name"] for e in events if e["event"] == "user"] == [
        "describe_need",
        "inform",
        "affirm",
    ]
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots == {
        "requester_name": ERASED,
        "institution": ERASED,
        "member": "Ghana",
        "need_area": "medicines",
        "topics": ["intellectual_property"],
        "confirmed": ERASED,
        "email": ERASED,
        "organizations": ["WIPO", "WTO"],
        "consent": True,
        "request_reference": "TA-2026-000001",
    }
    assert [e["metadata"]["utter_action"] for e in events if e["event"] == "bot"] == [
        "utter_summary"
    ]
    assert "owusu" not in json.dumps(transcript(stores, "conv-status")).lower()
    # Another delegate's request and conversation are untouched.
    assert stored(stores, other).requester_name == "Kofi Mensah"
    assert "kofi@moh.gov.gh" in json.dumps(transcript(stores, "conv-kofi"))


def test_erasing_twice_changes_nothing_more(stores: Settings) -> None:
    file(stores, "conv-twice")
    write_events(stores, "conv-twice", conversation(), time.time())
    first = erase_email(EMAIL, stores)
    before = transcript(stores, "conv-twice")
    second = erase_email(EMAIL, stores)
    assert first.events > 0 and second.events == 0
    assert transcript(stores, "conv-twice") == before


def test_an_address_with_sql_wildcards_matches_only_itself(stores: Settings) -> None:
    file(stores, "conv-plain", email="a_b@x.org")
    file(stores, "conv-wild", email="axb@x.org")
    write_events(stores, "conv-wild", conversation("axb@x.org"), time.time())
    result = erase_email("a_b@x.org", stores)
    assert (result.requests, result.conversations) == (1, 1)
    assert "axb@x.org" in json.dumps(transcript(stores, "conv-wild"))


def age(settings: Settings, conversation_id: str, days: int) -> None:
    """Move a request and its transcript `days` into the past."""
    seconds = days * 86400
    with engine_for(settings.tracker_database_url).begin() as conn:
        rows = conn.execute(
            select(EVENTS.c.id, EVENTS.c.timestamp, EVENTS.c.data).where(
                EVENTS.c.sender_id == conversation_id
            )
        ).all()
        for row in rows:
            data = json.loads(row.data) | {"timestamp": row.timestamp - seconds}
            conn.execute(
                update(EVENTS)
                .where(EVENTS.c.id == row.id)
                .values(timestamp=row.timestamp - seconds, data=json.dumps(data))
            )
    with Session(engine_for(settings.database_url)) as s, s.begin():
        s.execute(
            update(Request)
            .where(Request.conversation_id == conversation_id)
            .values(updated_at=datetime.now(UTC) - timedelta(days=days))
        )
        s.execute(
            update(GatewayReply)
            .where(GatewayReply.sender_id == conversation_id)
            .values(created_at=datetime.now(UTC) - timedelta(days=days))
        )


def test_the_retention_purge_erases_only_what_is_older_than_the_period(stores: Settings) -> None:
    old = file(stores, "conv-old")
    recent = file(stores, "conv-recent", email="recent@moh.gov.gh")
    write_events(stores, "conv-old", conversation(), time.time())
    write_events(stores, "conv-recent", conversation("recent@moh.gov.gh"), time.time())
    # Never filed (e.g. consent declined) and long over.
    write_events(stores, "conv-abandoned", conversation("gone@moh.gov.gh")[:9], time.time())
    # Filed long ago, but staff changed it last week: request and transcript stay.
    still_open = file(stores, "conv-open", email="open@moh.gov.gh")
    write_events(stores, "conv-open", conversation("open@moh.gov.gh"), time.time())
    age(stores, "conv-old", 400)
    age(stores, "conv-abandoned", 400)
    age(stores, "conv-open", 400)
    with Session(engine_for(stores.database_url)) as s, s.begin():
        s.execute(
            update(Request)
            .where(Request.conversation_id == "conv-open")
            .values(updated_at=datetime.now(UTC) - timedelta(days=7))
        )

    result = purge(365, stores)

    assert (result.requests, result.conversations, result.replies) == (1, 2, 2)
    assert stored(stores, old).email == ERASED
    assert stored(stores, recent).email == "recent@moh.gov.gh"
    assert stored(stores, still_open).email == "open@moh.gov.gh"
    assert EMAIL not in json.dumps(transcript(stores, "conv-old"))
    assert "gone@moh.gov.gh" not in json.dumps(transcript(stores, "conv-abandoned"))
    assert "open@moh.gov.gh" in json.dumps(transcript(stores, "conv-open"))
    assert "recent@moh.gov.gh" in json.dumps(transcript(stores, "conv-recent"))
    again = purge(365, stores)
    assert (again.requests, again.events) == (0, 0)


def test_the_cli_erases_by_email_and_purges(
    stores: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TRIAGE_DATABASE_URL", stores.database_url)
    monkeypatch.setenv("TRIAGE_TRACKER_DATABASE_URL", stores.tracker_database_url)
    monkeypatch.setenv("TRIAGE_RETENTION_DAYS", "30")
    from bot.settings import get_settings

    get_settings.cache_clear()
    file(stores, "conv-cli")
    write_events(stores, "conv-cli", conversation(), time.time())
    assert main(["privacy", "erase", "--email", EMAIL]) == 0
    assert "erased: 1 request(s)" in capsys.readouterr().out
    assert main(["privacy", "erase", "--email", "not-an-address"]) == 2
    assert "full email address" in capsys.readouterr().err
    assert main(["privacy", "purge"]) == 0
    assert "older than 30 days: 0 request(s)" in capsys.readouterr().out


def test_erasure_before_rasa_ever_ran_touches_only_requests(tmp_path: Path) -> None:
    settings = Settings(
        environment="test",
        database_url=f"sqlite:///{tmp_path / 'triage.db'}",
        tracker_database_url=f"sqlite:///{tmp_path / 'no-tracker.db'}",
    )
    upgrade(settings.database_url)
    file(settings, "conv-x")
    result = erase_email(EMAIL, settings)
    assert (result.requests, result.events) == (1, 0)


def test_an_erased_event_keeps_its_shape() -> None:
    event = erase_event(conversation()[7])
    assert event["text"] == ERASED and event["parse_data"]["text"] == ERASED
    assert event["parse_data"]["entities"] == [{"entity": "email", "value": ERASED}]
    assert event["parse_data"]["metadata"] == {"language": "en"}
    assert event["parse_data"]["intent"] == {"name": "inform", "confidence": 0.97}

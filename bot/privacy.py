"""Erase a delegate's personal data from requests and transcripts, keeping anonymous statistics.

Requests keep member, need area, topics, organizations, activities, language, status and
dates; name, institution, email and every free-text field become a placeholder. In Rasa's
SQL tracker store (table `events`) each affected event's `data` JSON is rewritten: what the
delegate typed and what the assistant said back become the placeholder, personal slots and
entities lose their values; intents, actions and clean statistical slot values stay.
"""

import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    func,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from bot.members import get_directory
from bot.settings import Settings, get_settings
from bot.store.db import WRITE_OPTION, engine_for
from bot.store.models import GatewayReply, Request
from bot.web.ratelimit import purge_expired

log = logging.getLogger(__name__)

ERASED = "[erased]"
# Request columns that hold personal data (free text may name people too).
PERSONAL_COLUMNS = (
    "requester_name",
    "institution",
    "email",
    "description",
    "timeline",
    "prior_assistance",
    "expected_outcome",
)
PERSONAL_SLOTS = frozenset({*PERSONAL_COLUMNS, "status_email"})
PERSONAL_ENTITIES = frozenset({"email", "PERSON", "person", "name", "institution"})
_NEED_AREAS = frozenset({"vaccines", "medicines", "technologies"})
_ORGANIZATIONS = frozenset({"WHO", "WIPO", "WTO", "not_sure"})

# Rasa's SQLTrackerStore table, as Rasa 3.6 creates it; only the columns we read or write.
EVENTS = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("type_name", String(255)),
    Column("timestamp", Float),
    Column("data", Text),
)
_TEXT_EVENTS = ("user", "bot", "slot", "entities", "session_started")
_SAFE_METADATA = frozenset({"utter_action", "template", "model_id", "assistant_id", "language"})


@dataclass
class Erasure:
    """What one erasure or purge changed."""

    requests: int = 0
    conversations: int = 0
    events: int = 0
    replies: int = 0

    def __str__(self) -> str:
        return (
            f"{self.requests} request(s), {self.events} transcript event(s) in "
            f"{self.conversations} conversation(s), {self.replies} cached answer(s)"
        )


# --- requests ---------------------------------------------------------------------------


def erase_request(request: Request, now: datetime) -> None:
    """Placeholders for the personal columns of one request; statistics stay."""
    for column in PERSONAL_COLUMNS:
        if getattr(request, column) is not None:
            setattr(request, column, ERASED)
    request.erased_at = now


def _erase_requests(session: Session, requests: Iterable[Request], now: datetime) -> int:
    count = 0
    for request in requests:
        erase_request(request, now)
        count += 1
    session.flush()
    return count


# --- transcripts ------------------------------------------------------------------------


def _clean_slot_value(name: str, value: Any) -> bool:
    """True for values that say nothing about a person (and are kept as statistics)."""
    if value is None or isinstance(value, bool) or value == ERASED:
        return True
    if name in PERSONAL_SLOTS:
        return False
    # Other slots hold the delegate's raw words while an answer is being checked.
    if name == "need_area":
        return value in _NEED_AREAS
    if name == "organizations":
        return isinstance(value, list) and all(v in _ORGANIZATIONS for v in value)
    if name == "member":
        return isinstance(value, str) and get_directory().get(value) is not None
    if name in ("confirmed", "consent"):
        return False
    if isinstance(value, list):
        return all(
            isinstance(v, str) and v.replace("_", "").replace("-", "").isalnum() for v in value
        )
    return isinstance(value, (int, float)) or (
        isinstance(value, str)
        and len(value) <= 40
        and value.replace("_", "").replace("-", "").isalnum()
    )


def _erase_entities(entities: Any) -> Any:
    if not isinstance(entities, list):
        return entities
    for entity in entities:
        if isinstance(entity, dict) and (
            entity.get("entity") in PERSONAL_ENTITIES
            or not _clean_slot_value("", entity.get("value"))
        ):
            entity["value"] = ERASED
            entity.pop("text", None)
    return entities


def _scrub(metadata: Any) -> Any:
    """Metadata keeps only what names the model, the response or the language.

    Rasa puts a response's template values (the summary, a name being corrected) into the
    bot event's metadata, and a client can send any metadata with a message.
    """
    if not isinstance(metadata, dict):
        return metadata
    return {k: v for k, v in metadata.items() if k in _SAFE_METADATA}


def erase_event(data: dict[str, Any]) -> dict[str, Any]:
    """The event without personal data: texts, personal slots and entity values replaced."""
    kind = data.get("event")
    if "metadata" in data:
        data["metadata"] = _scrub(data["metadata"])
    if kind == "user":
        data["text"] = ERASED
        parse = data.get("parse_data")
        if isinstance(parse, dict):
            parse["text"] = ERASED
            parse.pop("text_tokens", None)
            _erase_entities(parse.get("entities"))
            if "metadata" in parse:
                parse["metadata"] = _scrub(parse["metadata"])
    elif kind == "bot":
        if data.get("text") is not None:
            data["text"] = ERASED
    elif kind == "slot":
        if not _clean_slot_value(str(data.get("name")), data.get("value")):
            data["value"] = ERASED
    elif kind == "entities":
        _erase_entities(data.get("entities"))
    return data


def _rewrite(conn: Connection, rows: Iterable[Any]) -> int:
    changed = 0
    for row in rows:
        try:
            before = json.loads(row.data)
        except (TypeError, ValueError):
            continue
        after = json.dumps(erase_event(json.loads(row.data)))
        if json.loads(after) != before:
            conn.execute(update(EVENTS).where(EVENTS.c.id == row.id).values(data=after))
            changed += 1
    return changed


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _senders_mentioning(conn: Connection, email: str) -> set[str]:
    """Conversations whose events contain the address (as typed or JSON-escaped)."""
    forms = {email.lower(), json.dumps(email.lower())[1:-1]}
    query = (
        select(EVENTS.c.sender_id)
        .distinct()
        .where(or_(*(func.lower(EVENTS.c.data).like(_like(f), escape="\\") for f in forms)))
    )
    return set(conn.scalars(query))


@contextmanager
def _tracker(settings: Settings) -> Iterator[Connection | None]:
    """A writing transaction on Rasa's tracker store; None before Rasa ever created it."""
    engine = engine_for(settings.tracker_database_url)
    if not inspect(engine).has_table("events"):
        yield None
        return
    with engine.connect().execution_options(**{WRITE_OPTION: True}) as conn, conn.begin():
        yield conn


@contextmanager
def _store(settings: Settings) -> Iterator[Session]:
    """A writing transaction on the request store of `settings`."""
    with Session(engine_for(settings.database_url)) as session, session.begin():
        session.connection(execution_options={WRITE_OPTION: True})
        yield session


def _batched(conn: Connection, where: Any, size: int = 500) -> Iterator[Sequence[Any]]:
    last = 0
    while True:
        rows = conn.execute(
            select(EVENTS.c.id, EVENTS.c.sender_id, EVENTS.c.data)
            .where(where, EVENTS.c.id > last, EVENTS.c.type_name.in_(_TEXT_EVENTS))
            .order_by(EVENTS.c.id)
            .limit(size)
        ).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id


# --- the two operations ------------------------------------------------------------------


def erase_email(email: str, settings: Settings | None = None) -> Erasure:
    """Erase every request filed with `email` and every conversation that mentions it."""
    settings = settings or get_settings()
    email = email.strip()
    if "@" not in email:
        raise ValueError("give the delegate's full email address")
    now = datetime.now(UTC)
    result = Erasure()
    with _store(settings) as session:
        requests = session.scalars(
            select(Request).where(func.lower(Request.email) == email.lower())
        ).all()
        senders = {r.conversation_id for r in requests}
        result.requests = _erase_requests(session, requests, now)
        with _tracker(settings) as conn:
            if conn is not None:
                senders |= _senders_mentioning(conn, email)
                for chunk in _batched(conn, EVENTS.c.sender_id.in_(senders)):
                    result.events += _rewrite(conn, chunk)
        result.conversations = len(senders)
        if senders:
            gone = session.execute(delete(GatewayReply).where(GatewayReply.sender_id.in_(senders)))
            result.replies = int(gone.rowcount or 0)  # type: ignore[attr-defined]
    log.info("erasure: %s", result)
    return result


def purge(days: int | None = None, settings: Settings | None = None) -> Erasure:
    """Erase personal data older than the retention period (`retention_days`)."""
    settings = settings or get_settings()
    days = settings.retention_days if days is None else days
    cutoff = datetime.now(UTC) - timedelta(days=days)
    result = Erasure()
    with _store(settings) as session:
        requests = session.scalars(
            select(Request).where(Request.updated_at < cutoff, Request.erased_at.is_(None))
        ).all()
        result.requests = _erase_requests(session, requests, datetime.now(UTC))
        gone = session.execute(delete(GatewayReply).where(GatewayReply.created_at < cutoff))
        result.replies = int(gone.rowcount or 0)  # type: ignore[attr-defined]
        purge_expired(session.connection())
        # A request still kept keeps its transcript: staff handling it read both.
        kept = set(
            session.scalars(select(Request.conversation_id).where(Request.erased_at.is_(None)))
        )
        with _tracker(settings) as conn:
            if conn is not None:
                # Events already erased are skipped cheaply by their placeholder.
                old = (EVENTS.c.timestamp < cutoff.timestamp()) & ~EVENTS.c.data.like(
                    f'%"{ERASED}"%'
                )
                senders: set[str] = set()
                for chunk in _batched(conn, old):
                    rows = [r for r in chunk if r.sender_id not in kept]
                    changed = _rewrite(conn, rows)
                    result.events += changed
                    senders |= {r.sender_id for r in rows} if changed else set()
                result.conversations = len(senders)
    log.info("retention purge (%d days): %s", days, result)
    return result

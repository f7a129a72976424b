"""Read-only access to Rasa's SQL tracker store (table `events`), with SQLAlchemy 2 Core."""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    create_engine,
    func,
    or_,
    select,
)
from sqlalchemy.exc import OperationalError, ProgrammingError

from bot.store.db import sqlite_path

# Rasa 3.6's SQLTrackerStore.SQLEvent, declared here only to read it; Rasa creates the table.
metadata = MetaData()
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)

# Errors that mean "Rasa has not created the table (or the file) yet".
NOT_THERE = (OperationalError, ProgrammingError)


@lru_cache(maxsize=4)
def tracker_engine(url: str) -> Engine:
    """An engine that only reads; on SQLite the file is opened read-only and never created."""
    path = sqlite_path(url)
    if path is not None:
        # mode=ro: we must not change Rasa's file (not even its journal mode).
        return create_engine(
            f"sqlite:///file:{path}?mode=ro&uri=true",
            connect_args={"timeout": 30},
            hide_parameters=True,
        )
    # hide_parameters: errors must not carry what delegates wrote into the logs.
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, hide_parameters=True)


@dataclass(frozen=True)
class Event:
    """One tracker event: its row id and decoded JSON."""

    id: int
    sender_id: str
    type_name: str
    timestamp: float
    data: dict[str, Any]


def _decode(row: Any) -> Event:
    try:
        data = json.loads(row.data) if row.data else {}
    except ValueError:
        data = {}
    return Event(row.id, row.sender_id, row.type_name, float(row.timestamp or 0.0), data)


def conversation_events(engine: Engine, sender_id: str) -> list[Event]:
    """Every event of one conversation, in the order Rasa stored them (all sessions)."""
    query = select(events).where(events.c.sender_id == sender_id).order_by(events.c.id)
    try:
        with engine.connect() as conn:
            return [_decode(r) for r in conn.execute(query)]
    except NOT_THERE:
        return []


def events_of(engine: Engine, sender_ids: Iterable[str]) -> dict[str, list[Event]]:
    """Events of several conversations, grouped by sender and in order."""
    wanted = sorted(set(sender_ids))
    grouped: dict[str, list[Event]] = {s: [] for s in wanted}
    with engine.connect() as conn:
        # Chunks keep the IN list under every database's parameter limit.
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            query = select(events).where(events.c.sender_id.in_(chunk)).order_by(events.c.id)
            for row in conn.execute(query):
                grouped[row.sender_id].append(_decode(row))
    return grouped


def max_event_id(engine: Engine) -> int:
    """The newest event id, 0 when the store is empty or not created yet."""
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.max(events.c.id))) or 0)
    except NOT_THERE:
        return 0


def senders_after(engine: Engine, after_id: int, limit: int) -> tuple[Sequence[str], int]:
    """Conversations with events after `after_id` (at most `limit` events read) and the last id."""
    query = (
        select(events.c.id, events.c.sender_id)
        .where(events.c.id > after_id)
        .order_by(events.c.id)
        .limit(limit)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    if not rows:
        return [], after_id
    return sorted({r.sender_id for r in rows}), int(rows[-1].id)


# What the chat gateway needs after a turn, and the events that decide it. The tracker's
# slots and active loop start again from nothing at a session start or a restart, its slots
# at a reset (the gateway reads an unset language as English, like the domain's initial
# value); an undo or rewind can only be resolved by replaying every event.
TURN_STATE_SLOTS = ("requested_slot", "language")
_LOOP_EVENTS = ("active_loop", "form")
_FRESH_START = ("session_started", "restart")
_REPLAY_NEEDED = ("rewind", "undo")
_TURN_STATE_EVENTS = (*_LOOP_EVENTS, *_FRESH_START, *_REPLAY_NEEDED, "reset_slots")


def turn_state(engine: Engine, sender_id: str) -> dict[str, Any] | None:
    """A conversation's active loop, requested slot and language, as Rasa's tracker has them.

    Shaped like the relevant part of Rasa's `GET /conversations/{id}/tracker`, but folded from
    the few events that set those values, newest first, instead of Rasa rebuilding the whole
    tracker. None when it cannot tell (no such events, or an undo or rewind among them).
    """
    query = (
        select(events.c.type_name, events.c.action_name, events.c.data)
        .where(
            events.c.sender_id == sender_id,
            or_(
                events.c.type_name.in_(_TURN_STATE_EVENTS),
                and_(events.c.type_name == "slot", events.c.action_name.in_(TURN_STATE_SLOTS)),
            ),
        )
        .order_by(events.c.id.desc())
    )
    slots: dict[str, Any] = {}
    loop: dict[str, Any] | None = None
    seen = False
    with engine.connect() as conn:
        for row in conn.execute(query):
            seen = True
            kind = row.type_name
            if kind in _REPLAY_NEEDED:
                return None
            if kind == "slot":
                if row.action_name not in slots:
                    slots[row.action_name] = _slot_value(row.data)
            elif kind in _LOOP_EVENTS:
                if loop is None:
                    loop = {"name": row.action_name}
            elif kind == "reset_slots":
                slots = {name: slots.get(name) for name in TURN_STATE_SLOTS}
            else:  # a fresh start: whatever is still unknown has its initial value
                break
            if loop is not None and len(slots) == len(TURN_STATE_SLOTS):
                break
    if not seen:
        return None
    return {
        "active_loop": loop or {},
        "slots": {name: slots.get(name) for name in TURN_STATE_SLOTS},
    }


def _slot_value(data: str | None) -> Any:
    try:
        return json.loads(data).get("value") if data else None
    except (ValueError, AttributeError):
        return None

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
    create_engine,
    func,
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

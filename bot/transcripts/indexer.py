"""Keep the conversation summaries in our store up to date with Rasa's tracker store.

Reads events with `id > last indexed id`, and for every conversation touched recomputes its
summary from all of its events (sender_id is indexed, conversations are short), so running
twice over the same events is harmless. Runs in the web service every few seconds and on
demand before the conversation list is read.
"""

import asyncio
import logging
import threading
from collections.abc import Sequence

from sqlalchemy import Connection, bindparam, delete, insert, select, text, update
from sqlalchemy.orm import Session

from bot.store.db import WRITE_OPTION, engine_for
from bot.store.models import utcnow
from bot.store.staff_models import ConversationLabel, ConversationSummary, IndexState
from bot.transcripts import tracker
from bot.transcripts.parse import Summary, summarise

log = logging.getLogger(__name__)

STATE = "events"
# PostgreSQL may commit a lower id after a higher one; re-reading a margin catches those.
# SQLite has one writer at a time, so ids always commit in order there.
OVERLAP = 1000


def has_fts(conn: Connection) -> bool:
    """Whether the store has the FTS5 search table (SQLite after the migration)."""
    if conn.dialect.name != "sqlite":
        return False
    found = conn.execute(
        text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='conversation_search'")
    ).first()
    return found is not None


def last_indexed(session: Session) -> int:
    """The highest tracker event id already reflected in the summaries."""
    state = session.get(IndexState, STATE)
    return state.last_event_id if state else 0


def store_summaries(session: Session, summaries: Sequence[Summary], senders: Sequence[str]) -> None:
    """Write the summaries, labels and search rows of `senders` (the caller commits)."""
    conn = session.connection()
    fts = has_fts(conn)
    known: dict[str, int] = {}
    for start in range(0, len(senders), 500):
        chunk = list(senders[start : start + 500])
        found = session.execute(
            select(ConversationSummary.sender_id, ConversationSummary.id).where(
                ConversationSummary.sender_id.in_(chunk)
            )
        )
        known.update({sid: rid for sid, rid in found})
        session.execute(delete(ConversationLabel).where(ConversationLabel.sender_id.in_(chunk)))
    if fts and known:
        conn.execute(
            text("DELETE FROM conversation_search WHERE rowid IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            {"ids": list(known.values())},
        )
    # With FTS5 the words live in the search table only: summary rows stay small, so the
    # filters that read many of them stay in memory.
    rows = [_row(s) | ({"search_text": ""} if fts else {}) for s in summaries]
    updates = [r | {"id": known[str(r["sender_id"])]} for r in rows if r["sender_id"] in known]
    inserts = [r for r in rows if r["sender_id"] not in known]
    if updates:
        session.execute(update(ConversationSummary), updates)
    if inserts:
        session.execute(insert(ConversationSummary), inserts)
    labels = [
        {"sender_id": s.sender_id, "kind": kind, "name": name[:255]}
        for s in summaries
        for kind, names in (("intent", s.intents), ("action", s.actions), ("slot", s.slots))
        for name in sorted(names)
    ]
    if labels:
        session.execute(insert(ConversationLabel), labels)
    if fts:
        ids = dict(
            session.execute(
                select(ConversationSummary.sender_id, ConversationSummary.id).where(
                    ConversationSummary.sender_id.in_([s.sender_id for s in summaries if s.texts])
                )
            ).all()
        )
        search = [{"rowid": ids[s.sender_id], "body": s.search_text} for s in summaries if s.texts]
        if search:
            conn.execute(
                text("INSERT INTO conversation_search (rowid, body) VALUES (:rowid, :body)"),
                search,
            )


def _row(s: Summary) -> dict[str, object]:
    return {
        "sender_id": s.sender_id,
        "first_at": s.first_at,
        "last_at": s.last_at,
        "user_messages": s.user_messages,
        "language": s.language,
        "min_confidence": s.min_confidence,
        "fell_back": s.fell_back,
        "handoff": s.handoff,
        "request_reference": s.request_reference,
        "preview": s.preview,
        "search_text": s.search_text,
        "last_event_id": s.last_event_id,
    }


class Indexer:
    """Brings the summaries of one store up to date with one tracker store."""

    def __init__(self, store_url: str, tracker_url: str, batch: int = 5000) -> None:
        self.store_url = store_url
        self.tracker = tracker.tracker_engine(tracker_url)
        self.batch = batch
        self._lock = threading.Lock()

    def _session(self) -> Session:
        return Session(bind=engine_for(self.store_url), expire_on_commit=False)

    def pending(self) -> int:
        """Tracker events not reflected in the summaries yet (an upper bound)."""
        with self._session() as session:
            done = last_indexed(session)
        return max(0, tracker.max_event_id(self.tracker) - done)

    def run(self, max_batches: int | None = None, wait: float = 5.0) -> int:
        """Index new events, at most `max_batches` batches; returns how many events were read."""
        if not self._lock.acquire(timeout=wait):
            return 0  # another pass in this process is doing the work
        try:
            return self._run(max_batches)
        finally:
            self._lock.release()

    def _run(self, max_batches: int | None) -> int:
        newest = tracker.max_event_id(self.tracker)
        with self._session() as session:
            start = last_indexed(session)
        if newest <= start:
            return 0
        dialect = engine_for(self.store_url).dialect.name
        after = max(0, start - OVERLAP) if dialect != "sqlite" and start else start
        read, batches = 0, 0
        while max_batches is None or batches < max_batches:
            senders, last_id = tracker.senders_after(self.tracker, after, self.batch)
            if not senders:
                break
            grouped = tracker.events_of(self.tracker, senders)
            summaries = [s for sid in senders if (s := summarise(sid, grouped[sid])) is not None]
            with self._session() as session:
                session.connection(execution_options={WRITE_OPTION: True})
                store_summaries(session, summaries, senders)
                state = session.get(IndexState, STATE) or IndexState(name=STATE)
                state.last_event_id = max(state.last_event_id or 0, last_id)
                state.updated_at = utcnow()
                session.add(state)
                session.commit()
            read += last_id - after
            after, batches = last_id, batches + 1
        if read:
            log.info("transcript index: %d events read", read)
        return read

    async def loop(self, every: float) -> None:
        """Index in the background until cancelled; errors are logged, never raised."""
        while True:
            try:
                await asyncio.to_thread(self.run)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the web service must keep serving if the tracker is away
                # The class only: a database error's text carries row values (delegates' words).
                log.error("transcript indexing failed (%s); retrying", type(exc).__name__)
            await asyncio.sleep(every)

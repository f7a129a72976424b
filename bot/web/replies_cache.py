"""Remember the answer to each client message id, so a resent message is answered, not re-run.

A widget that lost its connection cannot know whether its message arrived; it sends it
again with the same id. The first attempt claims the id; a twin waits for its answer.
A claim left unanswered for longer than any turn can last (its gateway process died in the
middle) is taken over by the next attempt, so the conversation is never stuck behind it.
"""

import asyncio
import time
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from bot.store.db import unit_of_work
from bot.store.models import GatewayReply, utcnow


class StillProcessing(Exception):
    """The first attempt with this id has not been answered yet."""


class RepliesCache:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        wait_seconds: float = 30.0,
        stale_seconds: float = 90.0,
    ) -> None:
        self._sessions = sessions
        self._wait = wait_seconds
        # Longer than a turn can take (Rasa's timeout, twice over): an older claim is orphaned.
        self._stale = timedelta(seconds=stale_seconds)

    async def claim(self, sender_id: str, message_id: str) -> str | None:
        """None if we now own this message; the earlier answer's body if it was answered."""
        if await run_in_threadpool(self._insert, sender_id, message_id):
            return None
        deadline = time.monotonic() + self._wait
        while time.monotonic() < deadline:
            body, stale = await run_in_threadpool(self._state, sender_id, message_id)
            if body is not None:
                return body
            # Only a claim seen to be stale costs a write: polling stays read-only.
            if stale and await run_in_threadpool(self._take_over, sender_id, message_id):
                return None
            await asyncio.sleep(0.2)
        raise StillProcessing(message_id)

    async def store(self, sender_id: str, message_id: str, body: str) -> None:
        await run_in_threadpool(self._update, sender_id, message_id, body)

    async def release(self, sender_id: str, message_id: str) -> None:
        """Forget a claim whose processing failed, so a retry can run it."""
        await run_in_threadpool(self._delete, sender_id, message_id)

    def _insert(self, sender_id: str, message_id: str) -> bool:
        try:
            with unit_of_work(self._sessions) as s:
                s.add(GatewayReply(sender_id=sender_id, client_message_id=message_id, body=None))
            return True
        except IntegrityError:
            return False

    def _take_over(self, sender_id: str, message_id: str) -> bool:
        """Own an unanswered claim older than any turn; only one attempt can win it."""
        now = utcnow()
        with unit_of_work(self._sessions) as s:
            taken = s.execute(
                update(GatewayReply)
                .where(
                    GatewayReply.sender_id == sender_id,
                    GatewayReply.client_message_id == message_id,
                    GatewayReply.body.is_(None),
                    GatewayReply.created_at < now - self._stale,
                )
                .values(created_at=now)
            )
            return bool(taken.rowcount)  # type: ignore[attr-defined]

    def _state(self, sender_id: str, message_id: str) -> tuple[str | None, bool]:
        """The claim's answer (None while unanswered) and whether it is older than any turn."""
        with self._sessions() as s:
            row = s.execute(
                select(GatewayReply.body, GatewayReply.created_at < utcnow() - self._stale).where(
                    GatewayReply.sender_id == sender_id,
                    GatewayReply.client_message_id == message_id,
                )
            ).first()
        return (row[0], bool(row[1])) if row is not None else (None, False)

    def _update(self, sender_id: str, message_id: str, body: str) -> None:
        with unit_of_work(self._sessions) as s:
            s.execute(
                update(GatewayReply)
                .where(
                    GatewayReply.sender_id == sender_id,
                    GatewayReply.client_message_id == message_id,
                )
                .values(body=body)
            )

    def _delete(self, sender_id: str, message_id: str) -> None:
        with unit_of_work(self._sessions) as s:
            s.execute(
                delete(GatewayReply).where(
                    GatewayReply.sender_id == sender_id,
                    GatewayReply.client_message_id == message_id,
                )
            )

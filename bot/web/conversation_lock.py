"""One turn at a time per conversation, across every gateway worker.

Rasa 3.6's Redis lock store reads, changes and writes its ticket list in three steps, so two
Rasa instances that receive one conversation's messages at the same moment can both go
ahead; the later tracker save then skips the events of the earlier one. The gateway closes
that gap on its side with an atomic Redis lock (SET NX with expiry, release by token) held
for the whole turn, whichever worker and Rasa instance serve it.
"""

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext, suppress

import redis.asyncio as aioredis
from redis.exceptions import LockError, RedisError

from bot.deploy.backing import RedisTarget


class ConversationBusy(Exception):
    """The conversation's previous turn did not finish in time, or Redis is unreachable."""


class ConversationLocks:
    """Hold a conversation while one of its turns is processed."""

    def hold(self, sender_id: str) -> AbstractAsyncContextManager[None]:
        """No serialization: one gateway process and one Rasa (the embedded default)."""
        return nullcontext()

    async def close(self) -> None:
        return None


class RedisConversationLocks(ConversationLocks):
    """Conversation locks in Redis, shared by every worker of the deployment."""

    def __init__(self, redis_url: str, prefix: str, turn_seconds: float) -> None:
        target = RedisTarget.from_url(redis_url)
        self._redis = aioredis.Redis(
            host=target.host,
            port=target.port,
            db=target.db,
            password=target.password or None,
            socket_timeout=5,
        )
        self._prefix = f"{prefix}:gateway:"
        # A crashed worker's lock expires after a turn's longest legitimate duration.
        self._ttl = turn_seconds + 5
        self._wait = turn_seconds

    @asynccontextmanager
    async def hold(self, sender_id: str) -> AsyncIterator[None]:
        lock = self._redis.lock(
            self._prefix + sender_id, timeout=self._ttl, sleep=0.02, blocking_timeout=self._wait
        )
        try:
            acquired = await lock.acquire()
        except RedisError as exc:
            raise ConversationBusy("redis unreachable") from exc
        if not acquired:
            raise ConversationBusy("previous turn still running")
        try:
            yield
        finally:
            # Expired or Redis gone: the lock frees itself when its expiry passes.
            with suppress(LockError, RedisError):
                await lock.release()

    async def close(self) -> None:
        await self._redis.aclose()

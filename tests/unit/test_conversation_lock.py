"""The gateway's conversation lock on the machine's real Redis."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from bot.web.conversation_lock import ConversationBusy, RedisConversationLocks
from tests.utils.postgres import REDIS_URL, temporary_lock_prefix


@asynccontextmanager
async def redis_locks(turn_seconds: float = 1) -> AsyncIterator[RedisConversationLocks]:
    # Made inside each test: the Redis client belongs to the test's event loop.
    with temporary_lock_prefix() as prefix:
        locks = RedisConversationLocks(REDIS_URL, prefix, turn_seconds)
        try:
            yield locks
        finally:
            await locks.close()


async def test_turns_of_one_conversation_never_overlap() -> None:
    inside: list[int] = []
    overlaps = 0

    async def turn(locks: RedisConversationLocks, n: int) -> None:
        nonlocal overlaps
        async with locks.hold("conversation-1"):
            inside.append(n)
            overlaps += len(inside) > 1
            await asyncio.sleep(0.02)
            inside.remove(n)

    # Two gateway workers: two clients of one Redis, same keys.
    with temporary_lock_prefix() as prefix:
        workers = [RedisConversationLocks(REDIS_URL, prefix, turn_seconds=5) for _ in range(2)]
        await asyncio.gather(*(turn(workers[n % 2], n) for n in range(12)))
        for locks in workers:
            await locks.close()
    assert overlaps == 0


async def test_different_conversations_do_not_wait_for_each_other() -> None:
    async with (
        redis_locks() as locks,
        locks.hold("conversation-a"),
        asyncio.timeout(0.5),
        locks.hold("conversation-b"),
    ):
        pass


async def test_a_turn_that_cannot_get_the_lock_in_time_is_refused() -> None:
    async with redis_locks() as locks, locks.hold("conversation-1"):
        with pytest.raises(ConversationBusy):
            async with locks.hold("conversation-1"):
                pass


async def test_an_unreachable_redis_refuses_the_turn() -> None:
    from bot.runner import free_port

    locks = RedisConversationLocks(f"redis://127.0.0.1:{free_port()}/1", "nobody", 1)
    with pytest.raises(ConversationBusy):
        async with locks.hold("conversation-1"):
            pass
    await locks.close()

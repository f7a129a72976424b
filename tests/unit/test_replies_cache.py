"""The gateway's memory of answered client messages, on the real (migrated SQLite) store."""

import asyncio
import sqlite3
import threading
from datetime import timedelta

import pytest
from sqlalchemy import update

from bot.store.db import session_factory, sqlite_path
from bot.store.models import GatewayReply, utcnow
from bot.web.replies_cache import RepliesCache, StillProcessing


def cache(wait: float = 0.3) -> RepliesCache:
    return RepliesCache(session_factory(), wait_seconds=wait, stale_seconds=60)


def age(sender: str, message: str, seconds: float) -> None:
    """Pretend the claim was made `seconds` ago."""
    with session_factory().begin() as s:
        s.execute(
            update(GatewayReply)
            .where(GatewayReply.sender_id == sender, GatewayReply.client_message_id == message)
            .values(created_at=utcnow() - timedelta(seconds=seconds))
        )


def test_a_resent_message_gets_the_first_answer(clean_store: str) -> None:
    replies = cache()
    assert asyncio.run(replies.claim("s-1", "m-1")) is None  # the first attempt owns it
    asyncio.run(replies.store("s-1", "m-1", '{"messages": []}'))
    assert asyncio.run(replies.claim("s-1", "m-1")) == '{"messages": []}'


def test_a_twin_of_a_message_still_being_answered_is_told_to_retry(clean_store: str) -> None:
    replies = cache()
    assert asyncio.run(replies.claim("s-1", "m-1")) is None
    age("s-1", "m-1", 30)  # well within a turn's longest duration
    with pytest.raises(StillProcessing):
        asyncio.run(replies.claim("s-1", "m-1"))


def test_an_orphaned_claim_is_taken_over_once(clean_store: str) -> None:
    # The gateway that claimed the message died mid-turn: its claim never gets an answer.
    replies = cache()
    assert asyncio.run(replies.claim("s-1", "m-1")) is None
    age("s-1", "m-1", 61)
    assert asyncio.run(replies.claim("s-1", "m-1")) is None  # this attempt now owns it
    # ...and only this one: a third attempt waits for the new owner's answer.
    with pytest.raises(StillProcessing):
        asyncio.run(replies.claim("s-1", "m-1"))
    asyncio.run(replies.store("s-1", "m-1", "answer"))
    assert asyncio.run(replies.claim("s-1", "m-1")) == "answer"


def test_an_old_answered_message_is_never_taken_over(clean_store: str) -> None:
    replies = cache()
    assert asyncio.run(replies.claim("s-1", "m-1")) is None
    asyncio.run(replies.store("s-1", "m-1", "answer"))
    age("s-1", "m-1", 3600)
    assert asyncio.run(replies.claim("s-1", "m-1")) == "answer"


def test_an_answer_is_stored_while_another_process_writes_to_the_store(clean_store: str) -> None:
    # CI once lost an answer to "database is locked": the answer's update read the row first,
    # and another writer (the action server filing a request) committed in between, which
    # SQLite refuses at once instead of waiting. Storing must wait for the other writer.
    replies = cache()
    assert asyncio.run(replies.claim("s-1", "m-1")) is None
    assert asyncio.run(replies.claim("s-2", "m-2")) is None
    path = sqlite_path(clean_store)
    assert path is not None
    other = sqlite3.connect(path, isolation_level=None, timeout=5, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE gateway_replies SET body = 'x' WHERE sender_id = 's-2'")
    writer = threading.Timer(0.5, other.execute, ["COMMIT"])
    writer.start()
    asyncio.run(replies.store("s-1", "m-1", "answer"))
    writer.join()
    other.close()
    assert asyncio.run(replies.claim("s-1", "m-1")) == "answer"

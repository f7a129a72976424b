"""PostgreSQL dropping our connections while requests are filed: none lost, none twice."""

import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.deploy.backing import PostgresTarget
from bot.deploy.stack import ProdStack
from bot.settings import get_settings
from bot.store.crud import file_request
from bot.store.db import engine_for, write_idempotent
from bot.store.migrate import upgrade
from bot.store.models import Request
from tests.faults.conftest import FAULT_TEST_SECONDS, Delegate, filed_for
from tests.utils.factories import request_data
from tests.utils.postgres import temporary_database

pytestmark = [pytest.mark.faults, pytest.mark.timeout(FAULT_TEST_SECONDS)]

REFERENCE = re.compile(r"\bTA-\d{4}-\d{6}\b")


@contextmanager
def dropping_connections(database_url: str, every: float = 0.3) -> Iterator[list[int]]:
    """Terminate every backend on the database every `every` seconds while the block runs."""
    target = PostgresTarget.from_url(database_url)
    terminated: list[int] = []
    stop = threading.Event()

    def drop() -> None:
        with psycopg.connect(target.conninfo("postgres"), autocommit=True) as admin:
            while not stop.is_set():
                rows = admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    (target.database,),
                ).fetchall()
                terminated.append(sum(1 for (ok,) in rows if ok))
                time.sleep(every)

    dropper = threading.Thread(target=drop, daemon=True)
    dropper.start()
    try:
        yield terminated
    finally:
        stop.set()
        dropper.join()


class RetryCount(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.retries = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.retries += "connection lost" in record.getMessage()


def test_filing_retries_on_a_fresh_connection_and_files_each_submission_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    counter = RetryCount()
    logging.getLogger("bot.store.db").addHandler(counter)
    with temporary_database("drops") as url:
        upgrade(url)
        monkeypatch.setenv("TRIAGE_DATABASE_URL", url)
        get_settings.cache_clear()
        submissions = [request_data() for _ in range(400)]

        def file(i: int) -> str:
            # As a delegate would: say "yes" again when told the store was unavailable.
            for _ in range(5):
                try:
                    filed = write_idempotent(lambda s: file_request(s, submissions[i]))
                    return str(filed.request.submission_key)
                except SQLAlchemyError:
                    time.sleep(0.2)
            raise AssertionError(f"submission {i} never filed")

        with dropping_connections(url) as terminated, ThreadPoolExecutor(8) as pool:
            filed = list(pool.map(file, range(len(submissions))))
        logging.getLogger("bot.store.db").removeHandler(counter)
        with Session(engine_for(url)) as session:
            stored = Counter(session.scalars(select(Request.submission_key)))
            references = session.scalar(select(func.count(func.distinct(Request.reference))))
    assert sum(terminated) > 0 and counter.retries > 0, "no connection was dropped mid-filing"
    assert filed == [s.submission_key for s in submissions]
    assert stored == Counter(s.submission_key for s in submissions)
    assert references == len(submissions)


def test_dropped_connections_while_delegates_confirm_lose_and_duplicate_nothing(
    prod_stack: ProdStack,
) -> None:
    delegates = [Delegate(prod_stack.url) for _ in range(6)]
    with ThreadPoolExecutor(len(delegates)) as pool:
        list(pool.map(lambda d: d.up_to_confirmation(), delegates))

    def confirm(delegate: Delegate) -> str:
        for _ in range(4):
            delegate.say("yes")
            if found := REFERENCE.search(delegate.text):
                return found.group()
        raise AssertionError(f"no reference: {delegate.transcript[-3:]}")

    with (
        dropping_connections(prod_stack.settings.database_url) as terminated,
        ThreadPoolExecutor(len(delegates)) as pool,
    ):
        references = list(pool.map(confirm, delegates))
    assert sum(terminated) > 0
    for delegate, reference in zip(delegates, references, strict=True):
        assert [r.reference for r in filed_for(prod_stack, delegate.sender_id)] == [reference]
        delegate.client.close()

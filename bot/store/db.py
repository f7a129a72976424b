"""Engine and session factory, created lazily once per database URL."""

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import get_settings

WRITE_OPTION = "triage_writes"
T = TypeVar("T")
log = logging.getLogger(__name__)


def sqlite_path(url: str) -> Path | None:
    """The file behind a sqlite:/// URL, None for other databases."""
    prefix = "sqlite:///"
    return (
        Path(url[len(prefix) :]) if url.startswith(prefix) and url != "sqlite:///:memory:" else None
    )


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """One engine per URL; SQLite gets WAL and a busy timeout so readers never block the writer."""
    if sqlite_path(url) is not None:
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            # Let SQLAlchemy, not the driver, issue BEGIN: savepoints then work.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):  # type: ignore[no-untyped-def]
            # Writers take the lock up front; a deferred transaction that reads and then
            # writes fails at once with "database is locked" when another writer got in.
            immediate = conn.get_execution_options().get(WRITE_OPTION)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    # pool_pre_ping: a restarted PostgreSQL must not hand us dead connections.
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def get_engine() -> Engine:
    """The request store's engine from settings."""
    return engine_for(get_settings().database_url)


@lru_cache(maxsize=8)
def _sessionmaker(url: str) -> sessionmaker[Session]:
    return sessionmaker(bind=engine_for(url), expire_on_commit=False)


def session_factory() -> sessionmaker[Session]:
    """The sessionmaker bound to the configured request store."""
    return _sessionmaker(get_settings().database_url)


@contextmanager
def unit_of_work(sessions: sessionmaker[Session] | None = None) -> Iterator[Session]:
    """A writing session in a transaction, committed on success and rolled back on error.

    It takes SQLite's write lock up front: a transaction that reads and then writes fails at
    once with "database is locked" when another writer committed in between. `sessions`
    defaults to the configured request store."""
    with (sessions or session_factory()).begin() as session:
        session.connection(execution_options={WRITE_OPTION: True})
        yield session


def write_idempotent(work: Callable[[Session], T], *, attempts: int = 3, pause: float = 0.3) -> T:
    """Run `work` in a unit of work, again on a fresh connection if the database dropped ours.

    Only for work that is safe to repeat: when a connection drops during COMMIT we cannot
    know whether the commit happened, so the retry must find and return the earlier result.
    """
    for attempt in range(1, attempts + 1):
        try:
            with unit_of_work() as session:
                return work(session)
        except DBAPIError as exc:
            # A restarted server or a terminated backend invalidates the connection; any
            # other database error is not ours to hide.
            if not exc.connection_invalidated or attempt == attempts:
                raise
            log.warning("database connection lost (attempt %d of %d); retrying", attempt, attempts)
            time.sleep(pause * attempt)
    raise AssertionError("unreachable")

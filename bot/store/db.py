"""Engine and session factory, created lazily once per database URL."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import get_settings


def _sqlite_path(url: str) -> Path | None:
    prefix = "sqlite:///"
    return Path(url[len(prefix) :]) if url.startswith(prefix) and url != "sqlite:///:memory:" else None


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """One engine per URL; SQLite gets WAL and a busy timeout so readers never block the writer."""
    if (path := _sqlite_path(url)) is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

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
def unit_of_work() -> Iterator[Session]:
    """A session in a transaction, committed on success and rolled back on error."""
    with session_factory().begin() as session:
        yield session

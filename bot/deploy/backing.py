"""PostgreSQL and Redis as the production processes need them: reachable, databases present."""

import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import psycopg
import redis
from psycopg import sql
from sqlalchemy.engine import make_url

from bot.store.db import engine_for


class BackingServiceDown(RuntimeError):
    """PostgreSQL or Redis does not answer."""


@dataclass(frozen=True)
class PostgresTarget:
    """The parts of a PostgreSQL URL, as Rasa's SQL tracker store takes them."""

    host: str
    port: int
    database: str
    username: str
    password: str

    @classmethod
    def from_url(cls, url: str) -> "PostgresTarget":
        """Parse an SQLAlchemy URL; refuse anything that is not PostgreSQL."""
        parsed = make_url(url)
        if not parsed.drivername.startswith("postgresql") or not parsed.database:
            raise ValueError(f"a postgresql URL with a database is needed, got {parsed.drivername}")
        return cls(
            host=parsed.host or "127.0.0.1",
            port=parsed.port or 5432,
            database=parsed.database,
            username=parsed.username or "postgres",
            password=parsed.password or "",
        )

    def conninfo(self, database: str | None = None) -> str:
        """A libpq connection string for psycopg."""
        return psycopg.conninfo.make_conninfo(
            host=self.host,
            port=self.port,
            dbname=database or self.database,
            user=self.username,
            password=self.password or None,
            connect_timeout=5,
        )


@dataclass(frozen=True)
class RedisTarget:
    """The parts of a redis:// URL, as Rasa's Redis lock store takes them."""

    host: str
    port: int
    db: int
    password: str

    @classmethod
    def from_url(cls, url: str) -> "RedisTarget":
        parts = urlsplit(url)
        if parts.scheme != "redis":
            raise ValueError(f"a redis:// URL is needed, got {parts.scheme}://")
        db = parts.path.strip("/")
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 6379,
            db=int(db) if db else 0,
            password=parts.password or "",
        )

    def client(self) -> redis.Redis:
        return redis.Redis(
            host=self.host,
            port=self.port,
            db=self.db,
            password=self.password or None,
            socket_timeout=5,
        )


def is_postgres(url: str) -> bool:
    return make_url(url).drivername.startswith("postgresql")


def wait_for_postgres(url: str, timeout: float = 30) -> None:
    """Return once PostgreSQL accepts connections (to its maintenance database)."""
    target = PostgresTarget.from_url(url)
    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(target.conninfo("postgres")):
                return
        except psycopg.OperationalError as exc:
            if time.monotonic() > deadline:
                raise BackingServiceDown(
                    f"PostgreSQL at {target.host}:{target.port} does not answer: {exc}"
                ) from exc
            time.sleep(1)


def ensure_database(url: str) -> bool:
    """Create the URL's database if it is missing; True if it was created."""
    target = PostgresTarget.from_url(url)
    with psycopg.connect(target.conninfo("postgres"), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (target.database,)
        ).fetchone()
        if exists:
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target.database)))
        return True


def drop_database(url: str) -> None:
    """Drop the URL's database, closing whatever is still connected to it."""
    target = PostgresTarget.from_url(url)
    with psycopg.connect(target.conninfo("postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(target.database)
            )
        )


def wait_for_redis(url: str, timeout: float = 30) -> None:
    """Return once Redis answers PING."""
    client = RedisTarget.from_url(url).client()
    deadline = time.monotonic() + timeout
    while True:
        try:
            if client.ping():
                return
        except redis.RedisError as exc:
            if time.monotonic() > deadline:
                raise BackingServiceDown(f"Redis does not answer: {exc}") from exc
        time.sleep(1)


def check_production_stores(database_url: str, tracker_url: str, redis_url: str) -> None:
    """Refuse to start the multi-instance deployment on stores that cannot be shared."""
    for name, url in (("database_url", database_url), ("tracker_database_url", tracker_url)):
        if not is_postgres(url):
            raise ValueError(f"the production deployment needs PostgreSQL for {name}")
    RedisTarget.from_url(redis_url)


@contextmanager
def scratch_database(server_url: str, purpose: str) -> Iterator[str]:
    """A new database `triage_<purpose>_<random>` on `server_url`'s server, dropped afterwards."""
    name = f"triage_{purpose}_{secrets.token_hex(4)}"
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    ensure_database(url)
    try:
        yield url
    finally:
        # Our pooled connections would otherwise keep the database busy.
        engine_for(url).dispose()
        drop_database(url)


@contextmanager
def scratch_lock_prefix(redis_url: str, purpose: str) -> Iterator[str]:
    """A Redis key prefix of our own (letters and digits); its keys are deleted afterwards."""
    prefix = f"triage{purpose}{secrets.token_hex(4)}"
    try:
        yield prefix
    finally:
        client = RedisTarget.from_url(redis_url).client()
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)

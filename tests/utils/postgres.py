"""Throw-away PostgreSQL databases and Redis key prefixes on the machine's real servers."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

from bot.deploy.backing import scratch_database, scratch_lock_prefix

# Trust authentication as the `postgres` role works on the project's machines and in CI.
POSTGRES_URL = os.environ.get(
    "TRIAGE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("TRIAGE_TEST_REDIS_URL", "redis://127.0.0.1:6379/1")


@contextmanager
def temporary_database(purpose: str = "store") -> Iterator[str]:
    """A new, empty database `triage_test_<purpose>_<random>`, dropped afterwards."""
    with scratch_database(POSTGRES_URL, f"test_{purpose}") as url:
        yield url


@contextmanager
def temporary_lock_prefix() -> Iterator[str]:
    """A Redis key prefix of our own; its keys are deleted afterwards."""
    with scratch_lock_prefix(REDIS_URL, "test") as prefix:
        yield prefix

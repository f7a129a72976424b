"""What the benchmark runs against: the bare assistant, the embedded default, production."""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.deploy.backing import scratch_database, scratch_lock_prefix
from bot.deploy.stack import Ports, ProdStack
from bot.model import RASA, rasa_env
from bot.runner import Service, free_port, running_stack, wait_healthy
from bot.settings import Settings


@dataclass(frozen=True)
class Target:
    """A started system: where delegates talk to it and where its requests are stored."""

    name: str
    base_url: str
    database_url: str | None  # None for the bare assistant, which files nothing
    rasa_urls: tuple[str, ...] = ()
    rasa_token: str = ""


def _secret() -> str:
    return secrets.token_urlsafe(24)


@contextmanager
def bare(model: Path, log_dir: Path) -> Iterator[Target]:
    """`rasa run` on the bare model, as `rasa init` leaves it (in-memory stores)."""
    port = free_port()
    cmd = [str(RASA), "run", "--interface", "127.0.0.1", "--port", str(port), "--enable-api"]
    service = Service(
        "bare-rasa",
        [*cmd, "--model", str(model)],
        rasa_env(),
        f"http://127.0.0.1:{port}/",
        log_dir / "bare-rasa.log",
    )
    service.start()
    try:
        wait_healthy([service], timeout=900)
        yield Target("bare", f"http://127.0.0.1:{port}", None)
    finally:
        service.stop()


@contextmanager
def embedded(model: Path, work_dir: Path, log_dir: Path) -> Iterator[Target]:
    """`make run`'s configuration: one of each process, SQLite stores."""
    settings = Settings(
        environment="production",
        database_url=f"sqlite:///{work_dir / 'triage.db'}",
        tracker_database_url=f"sqlite:///{work_dir / 'tracker.db'}",
        rasa_token=_secret(),
        action_token=_secret(),
        api_token=_secret(),
        # Counted like production, but every simulated delegate shares 127.0.0.1, so the
        # per-address limit would measure the limiter, not the assistant.
        rate_limit_storage="database",
        rate_limit_chat_per_address="off",
    )
    with running_stack(settings, model, log_dir, timeout=900) as stack:
        yield Target("embedded", stack.web_url, settings.database_url)


@contextmanager
def production(
    model: Path, server_url: str, redis_url: str, work_dir: Path, log_dir: Path
) -> Iterator[Target]:
    """`make run-prod`'s configuration on scratch databases and lock keys."""
    with (
        scratch_database(server_url, "bench") as store_url,
        scratch_database(server_url, "bench_tracker") as tracker_url,
        scratch_lock_prefix(redis_url, "bench") as prefix,
    ):
        settings = Settings(
            environment="production",
            database_url=store_url,
            tracker_database_url=tracker_url,
            redis_url=redis_url,
            lock_key_prefix=prefix,
            rasa_token=_secret(),
            action_token=_secret(),
            api_token=_secret(),
            rate_limit_storage=redis_url.rsplit("/", 1)[0] + "/2",
            rate_limit_chat_per_address="off",
        )
        stack = ProdStack(settings, model, Ports.free(settings.instances), log_dir, work_dir)
        try:
            stack.start(timeout=1200)
            yield Target(
                "production", stack.url, store_url, tuple(stack.rasa_urls), settings.rasa_token
            )
        finally:
            stack.stop()

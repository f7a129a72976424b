"""Fixtures shared by every test: isolated settings, a migrated throw-away store, and the real
stack (Rasa, actions, web on free ports with a model trained once per run) for the integration
and browser tests."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from _pytest.nodes import Item
from _pytest.reports import TestReport
from _pytest.runner import CallInfo

from bot.model import ensure_model
from bot.runner import Stack, free_port
from bot.settings import ROOT, Settings, get_settings
from bot.store.db import engine_for
from bot.store.migrate import upgrade


@pytest.fixture(scope="session")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One migrated SQLite request store for the whole run."""
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'triage.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def postgres_store_url() -> Iterator[str]:
    """One migrated PostgreSQL request store for the whole run, dropped at the end."""
    from tests.utils.postgres import temporary_database

    with temporary_database("store") as url:
        upgrade(url)
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store_url(request: pytest.FixtureRequest, store_url: str) -> str:
    """The migrated request store on each backend the product supports."""
    if request.param == "sqlite":
        return store_url
    return str(request.getfixturevalue("postgres_store_url"))


@pytest.fixture(autouse=True)
def settings_env(monkeypatch: pytest.MonkeyPatch, store_url: str, tmp_path: Path) -> Iterator[None]:
    """Every test reads settings that point at throw-away stores, never at var/."""
    monkeypatch.setenv("TRIAGE_ENVIRONMENT", "test")
    monkeypatch.setenv("TRIAGE_DATABASE_URL", store_url)
    monkeypatch.setenv("TRIAGE_TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def clean_store(store_url: str) -> Iterator[str]:
    """The request store emptied before the test, for tests that open their own sessions."""
    from bot.store.models import Base

    engine = engine_for(store_url)
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    yield store_url


# How much of each service's log a failing stack test shows.
LOG_TAIL_LINES = 60


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: Item, call: CallInfo[None]) -> Iterator[None]:
    """A failing test that used the stack reports the end of each service's log.

    The logs live in a temporary folder that is gone once CI ends; without this, a failure
    seen only in CI (a turn that never finished, say) could not be explained afterwards.
    """
    outcome = yield
    report: TestReport = outcome.get_result()  # type: ignore[attr-defined]
    if report.failed and _RUNNING and "stack" in getattr(item, "fixturenames", ()):
        for path in sorted(_RUNNING[0].log_dir.glob("*.log")):
            lines = path.read_text(errors="replace").splitlines()[-LOG_TAIL_LINES:]
            report.sections.append((f"end of {path.name}", "\n".join(lines)))


# The session's stack once started, for the failure reports above.
_RUNNING: list[Stack] = []


# Within pytest-timeout (900 s), which counts the first test's fixture set-up.
STACK_START_SECONDS = 600


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The model for the current data; trained only if models/ does not have it yet."""
    # models/ by default; TRIAGE_MODEL_DIR lets several checkouts share trained models.
    return ensure_model(
        get_settings().model_dir, log_file=ROOT / "var" / "logs" / "train-tests.log"
    )


@pytest.fixture(scope="session")
def stack_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = tmp_path_factory.mktemp("stack")
    return Settings(
        environment="test",
        database_url=f"sqlite:///{folder / 'triage.db'}",
        tracker_database_url=f"sqlite:///{folder / 'tracker.db'}",
        rasa_token="integration-rasa-token",
        action_token="integration-action-token",
        api_token="integration-api-token",
    )


@pytest.fixture(scope="session")
def stack(
    trained_model: Path, stack_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """Rasa, the action server and the web service on free loopback ports."""
    logs = tmp_path_factory.mktemp("logs")
    started = Stack(stack_settings, trained_model, free_port(), free_port(), free_port(), logs)
    try:
        # Rasa loads in about a minute alone, but several times slower on the shared machine.
        started.start(timeout=STACK_START_SECONDS)
        _RUNNING.append(started)
        yield started
    finally:
        _RUNNING.clear()
        started.stop()

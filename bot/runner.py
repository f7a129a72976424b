"""Start the three processes (Rasa, action server, web service) and stop them together."""

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bot.analyst.models import Registry, StartupChoice, record_startup, startup_model
from bot.model import RASA, ensure_model, fingerprint, rasa_env
from bot.settings import ROOT, Settings, get_settings, settings_env
from bot.store.migrate import upgrade

log = logging.getLogger(__name__)
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sqlite_file(url: str) -> Path:
    if not url.startswith("sqlite:///"):
        raise ValueError(f"the embedded default needs a sqlite:/// URL, got {url.split(':')[0]}")
    return Path(url.removeprefix("sqlite:///"))


@dataclass
class Service:
    name: str
    cmd: list[str]
    env: dict[str, str]
    health_url: str
    log_file: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        out = self.log_file.open("ab")
        # A session of its own, so stopping it also stops anything it spawned.
        self.process = subprocess.Popen(
            self.cmd,
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        out.close()

    def healthy(self) -> bool:
        try:
            return httpx.get(self.health_url, timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """Stop abruptly (SIGKILL), as a crash would."""
        if self.running():
            assert self.process is not None
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self, timeout: float = 15) -> None:
        if not self.running():
            return
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def wait_healthy(services: list[Service], timeout: float) -> None:
    """Wait until every service answers its health check; raise if one exits or time runs out."""
    deadline = time.monotonic() + timeout
    pending = list(services)
    while pending:
        for service in list(pending):
            if not service.running():
                raise RuntimeError(f"{service.name} exited during start-up; see {service.log_file}")
            if service.healthy():
                log.info("%s is up", service.name)
                pending.remove(service)
        if not pending:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"not healthy after {timeout:.0f} s: {[s.name for s in pending]}")
        time.sleep(0.5)


@dataclass
class Stack:
    """Rasa, the action server and the web service for one set of settings."""

    settings: Settings
    model: Path
    rasa_port: int
    action_port: int
    web_port: int
    log_dir: Path
    services: list[Service] = field(default_factory=list)

    @property
    def web_url(self) -> str:
        return f"http://{self.settings.web_host}:{self.web_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def _env(self) -> dict[str, str]:
        s = self.settings
        # Every setting, so the children run with exactly the parent's (e.g. the benchmark's
        # rate-limit storage, which production settings require), then this stack's ports.
        env = dict(os.environ) | settings_env(s)
        env.update(
            TRIAGE_RASA_URL=self.rasa_url,
            TRIAGE_ACTION_SERVER_PORT=str(self.action_port),
            TRIAGE_WEB_PORT=str(self.web_port),
        )
        return env

    def build(self) -> None:
        env = self._env()
        action = Service(
            "actions",
            [PYTHON, "-m", "bot.action_server", "--port", str(self.action_port)],
            env,
            f"http://127.0.0.1:{self.action_port}/health",
            self.log_dir / "actions.log",
        )
        renv = rasa_env() | {
            "TRIAGE_ACTION_ENDPOINT": f"http://127.0.0.1:{self.action_port}/webhook",
            "TRIAGE_ACTION_TOKEN": self.settings.action_token,
            "TRIAGE_TRACKER_SQLITE_PATH": str(sqlite_file(self.settings.tracker_database_url)),
        }
        rasa = Service(
            "rasa",
            [
                str(RASA),
                "run",
                "--enable-api",
                "--auth-token",
                self.settings.rasa_token,
                "--interface",
                "127.0.0.1",
                "--port",
                str(self.rasa_port),
                "--model",
                str(self.model),
                "--endpoints",
                str(ROOT / "bot" / "endpoints.yml"),
                "--credentials",
                str(ROOT / "bot" / "credentials.yml"),
            ],
            renv,
            f"http://127.0.0.1:{self.rasa_port}/status?token={self.settings.rasa_token}",
            self.log_dir / "rasa.log",
        )
        web = Service(
            "web",
            [
                PYTHON,
                "-m",
                "uvicorn",
                "bot.web.app:create_app",
                "--factory",
                "--host",
                self.settings.web_host,
                "--port",
                str(self.web_port),
                "--no-access-log",
            ],
            env,
            f"http://127.0.0.1:{self.web_port}/healthz",
            self.log_dir / "web.log",
        )
        self.services = [action, rasa, web]

    def start(self, timeout: float = 600) -> None:
        """Start everything and wait until each answers its health check."""
        sqlite_file(self.settings.tracker_database_url).parent.mkdir(parents=True, exist_ok=True)
        upgrade(self.settings.database_url)
        self.build()
        for service in self.services:
            service.start()
        try:
            wait_healthy(self.services, timeout)
        except (RuntimeError, TimeoutError):
            self.stop()
            raise

    def stop(self) -> None:
        for service in reversed(self.services):
            service.stop()

    def service(self, name: str) -> Service:
        return next(s for s in self.services if s.name == name)


@contextmanager
def running_stack(
    settings: Settings,
    model: Path,
    log_dir: Path,
    *,
    fixed_ports: bool = False,
    timeout: float = 600,
) -> Iterator[Stack]:
    """A started stack, stopped on exit (including Ctrl-C)."""
    rasa_port = int(settings.rasa_url.rsplit(":", 1)[1]) if fixed_ports else free_port()
    action_port = settings.action_server_port if fixed_ports else free_port()
    web_port = settings.web_port if fixed_ports else free_port()
    stack = Stack(settings, model, rasa_port, action_port, web_port, log_dir)
    try:
        stack.start(timeout)
        yield stack
    finally:
        stack.stop()


def choose_model(model_dir: Path, all_data: Path) -> StartupChoice:
    """The model to start Rasa on (`startup_model`); all-data if the registry is unreadable."""
    try:
        return startup_model(Registry(model_dir), all_data, fingerprint())
    except (OSError, ValueError, TypeError, KeyError) as exc:
        reason = f"the model registry could not be read ({type(exc).__name__})"
        return StartupChoice(all_data, reason, False)


def _record(model_dir: Path, choice: StartupChoice) -> None:
    try:
        record_startup(Registry(model_dir), choice)
    except (OSError, ValueError, TypeError, KeyError) as exc:
        log.warning("could not record the started model in the registry (%s)", exc)


def run() -> None:
    """`triage run`: train if needed, migrate, start everything, wait for Ctrl-C."""
    settings = get_settings()
    log_dir = ROOT / "var" / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    all_data = ensure_model(settings.model_dir, log_file=log_dir / "train.log")
    choice = choose_model(settings.model_dir, all_data)
    model = choice.model
    which = "the analysts' active model" if choice.from_registry else "the all-data model"
    log.info("starting Rasa on %s, %s: %s", model.name, which, choice.reason)
    print(f"Rasa model: {model.name}, {which} ({choice.reason})", flush=True)
    print("Starting Rasa, the action server and the web service (about a minute)…", flush=True)
    stopping = False

    def on_term(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        with running_stack(settings, model, log_dir, fixed_ports=True) as stack:
            _record(settings.model_dir, choice)
            print(
                f"\n  Ready: {stack.web_url}/   (Ctrl-C stops everything; logs in var/logs/)\n",
                flush=True,
            )
            while all(s.running() for s in stack.services):
                time.sleep(1)
            dead = [s.name for s in stack.services if not s.running()]
            print(f"stopped: {', '.join(dead)} exited; see var/logs/", file=sys.stderr)
    except KeyboardInterrupt:
        stopping = True
    if stopping:
        print("\nStopped.", flush=True)

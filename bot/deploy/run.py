"""`triage run-prod`: start the production stack and keep it running until Ctrl-C."""

import logging
import signal
import sys
import time
from collections import deque

from bot.deploy.stack import Ports, ProdStack
from bot.model import ensure_model
from bot.runner import Service
from bot.settings import ROOT, Settings, get_settings

log = logging.getLogger(__name__)

# A process that dies this often is broken, not unlucky: stop instead of looping.
MAX_RESTARTS = 5
RESTART_WINDOW_SECONDS = 120.0


class Supervisor:
    """Restart processes that exit on their own; give up on one that keeps dying."""

    def __init__(self, stack: ProdStack) -> None:
        self.stack = stack
        self.restarts: dict[str, deque[float]] = {name: deque() for name in stack.services}

    def check(self) -> None:
        """Restart every process that has exited; raise if one exceeded its restart budget."""
        now = time.monotonic()
        for name, service in self.stack.services.items():
            if service.running():
                continue
            recent = self.restarts[name]
            while recent and now - recent[0] > RESTART_WINDOW_SECONDS:
                recent.popleft()
            if len(recent) >= MAX_RESTARTS:
                raise RuntimeError(f"{name} keeps exiting; see {service.log_file}")
            recent.append(now)
            log.warning("%s exited (code %s); restarting", name, _exit_code(service))
            service.start()


def _exit_code(service: Service) -> int | None:
    return service.process.returncode if service.process else None


def production_settings() -> Settings:
    """Settings for run-prod: refuses the development environment and its secrets."""
    settings = get_settings()
    if settings.environment != "production":
        raise SystemExit(
            "run-prod needs TRIAGE_ENVIRONMENT=production and the secrets and store URLs "
            "from .env.example (copy it to .env and fill it in)"
        )
    return settings


def run_prod() -> None:
    """Train if needed, prepare the stores, start everything, supervise until Ctrl-C."""
    settings = production_settings()
    log_dir = ROOT / "var" / "logs" / "prod"
    log_dir.mkdir(parents=True, exist_ok=True)
    model = ensure_model(settings.model_dir, log_file=log_dir / "train.log")
    ports = Ports.from_settings(settings)
    stack = ProdStack(settings, model, ports, log_dir, run_dir=ROOT / "var" / "nginx")
    n = settings.instances
    print(
        f"Starting {n} Rasa, {n} action servers, {n} web workers and nginx (a few minutes)…",
        flush=True,
    )

    def on_term(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        stack.start()
        print(
            f"\n  Ready: {stack.url}/   (Ctrl-C stops everything; logs in var/logs/prod/)\n",
            flush=True,
        )
        supervisor = Supervisor(stack)
        while True:
            supervisor.check()
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nStopping…", flush=True)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(1) from exc
    finally:
        stack.stop()

"""The production stack on one machine: N Rasa, N action servers, N web workers, nginx."""

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from bot.deploy import nginx
from bot.deploy.backing import (
    PostgresTarget,
    RedisTarget,
    check_production_stores,
    ensure_database,
    wait_for_postgres,
    wait_for_redis,
)
from bot.model import RASA, rasa_env
from bot.runner import PYTHON, Service, free_port, wait_healthy
from bot.settings import ROOT, Settings, settings_env
from bot.store.migrate import upgrade

log = logging.getLogger(__name__)

ENDPOINTS = ROOT / "bot" / "endpoints.prod.yml"
CREDENTIALS = ROOT / "bot" / "credentials.yml"


@dataclass(frozen=True)
class Ports:
    """Loopback ports of every process; `public` is nginx's front door."""

    rasa: list[int]
    actions: list[int]
    web: list[int]
    action_proxy: int
    public: int

    @classmethod
    def from_settings(cls, s: Settings) -> "Ports":
        """Consecutive ports from the configured first ones (`make run-prod`)."""
        rasa0 = int(s.rasa_url.rsplit(":", 1)[1])
        n = range(s.instances)
        return cls(
            rasa=[rasa0 + i for i in n],
            actions=[s.action_server_port + i for i in n],
            web=[s.web_port + i for i in n],
            action_proxy=s.action_proxy_port,
            public=s.public_port,
        )

    @classmethod
    def free(cls, instances: int) -> "Ports":
        """Free ports, so tests and benchmarks never meet a running deployment."""
        n = range(instances)
        return cls(
            rasa=[free_port() for _ in n],
            actions=[free_port() for _ in n],
            web=[free_port() for _ in n],
            action_proxy=free_port(),
            public=free_port(),
        )


@dataclass
class ProdStack:
    """Build, start, restart and stop the production processes as one unit."""

    settings: Settings
    model: Path
    ports: Ports
    log_dir: Path
    run_dir: Path
    services: dict[str, Service] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The public address (nginx)."""
        return f"http://{self.settings.public_host}:{self.ports.public}"

    @property
    def rasa_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.ports.rasa]

    @property
    def nginx_layout(self) -> nginx.NginxLayout:
        return nginx.NginxLayout(
            public_host=self.settings.public_host,
            public_port=self.ports.public,
            web_ports=self.ports.web,
            action_proxy_port=self.ports.action_proxy,
            action_ports=self.ports.actions,
            run_dir=self.run_dir,
        )

    def _our_env(self) -> dict[str, str]:
        env = dict(os.environ) | settings_env(self.settings)
        env.update(
            TRIAGE_RASA_URL=self.rasa_urls[0],
            TRIAGE_RASA_EXTRA_URLS=json.dumps(self.rasa_urls[1:]),
            TRIAGE_CONVERSATION_LOCK="true",
        )
        return env

    def _rasa_env(self) -> dict[str, str]:
        s = self.settings
        pg = PostgresTarget.from_url(s.tracker_database_url)
        red = RedisTarget.from_url(s.redis_url)
        # The names bot/endpoints.prod.yml expands.
        return rasa_env() | {
            "TRIAGE_ACTION_ENDPOINT": f"http://127.0.0.1:{self.ports.action_proxy}/webhook",
            "TRIAGE_ACTION_TOKEN": s.action_token,
            "TRIAGE_TRACKER_DB_HOST": pg.host,
            "TRIAGE_TRACKER_DB_PORT": str(pg.port),
            "TRIAGE_TRACKER_DB_NAME": pg.database,
            "TRIAGE_TRACKER_DB_USER": pg.username,
            "TRIAGE_TRACKER_DB_PASSWORD": pg.password,
            "TRIAGE_REDIS_HOST": red.host,
            "TRIAGE_REDIS_PORT": str(red.port),
            "TRIAGE_REDIS_DB": str(red.db),
            "TRIAGE_REDIS_PASSWORD": red.password,
            "TRIAGE_LOCK_KEY_PREFIX": s.lock_key_prefix,
            # Rasa's defaults (50 + 100 per instance) could exhaust PostgreSQL's 100 slots.
            "SQL_POOL_SIZE": "5",
            "SQL_MAX_OVERFLOW": "5",
        }

    def build(self) -> None:
        """Define every service (nothing is started)."""
        s = self.settings
        ours = self._our_env()
        rasa_env_ = self._rasa_env()
        services: list[Service] = []
        for i, port in enumerate(self.ports.actions, 1):
            services.append(
                Service(
                    f"actions-{i}",
                    [PYTHON, "-m", "bot.action_server", "--port", str(port)],
                    ours,
                    f"http://127.0.0.1:{port}/health",
                    self.log_dir / f"actions-{i}.log",
                )
            )
        for i, port in enumerate(self.ports.rasa, 1):
            cmd = [str(RASA), "run", "--enable-api", "--auth-token", s.rasa_token]
            cmd += ["--interface", "127.0.0.1", "--port", str(port), "--model", str(self.model)]
            cmd += ["--endpoints", str(ENDPOINTS), "--credentials", str(CREDENTIALS)]
            services.append(
                Service(
                    f"rasa-{i}",
                    cmd,
                    rasa_env_,
                    f"http://127.0.0.1:{port}/status?token={s.rasa_token}",
                    self.log_dir / f"rasa-{i}.log",
                )
            )
        for i, port in enumerate(self.ports.web, 1):
            # One background transcript indexer is enough: the other workers' passes would
            # find nothing new. Staff lists still catch up on demand in every worker.
            services.append(
                self.web_service(f"web-{i}", port, self.rasa_urls, index_transcripts=i == 1)
            )
        layout = self.nginx_layout
        nginx.write_config(layout)
        services.append(
            Service("nginx", nginx.command(layout), ours, f"{self.url}/healthz", layout.error_log)
        )
        self.services = {service.name: service for service in services}

    def web_service(
        self, name: str, port: int, rasa_urls: list[str], *, index_transcripts: bool = False
    ) -> Service:
        """A web worker (gateway) that spreads its conversations over `rasa_urls`."""
        cmd = [PYTHON, "-m", "uvicorn", "bot.web.app:create_app", "--factory"]
        cmd += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
        # Behind nginx: the client address is the one nginx saw.
        cmd += ["--proxy-headers", "--forwarded-allow-ips", "127.0.0.1"]
        env = self._our_env() | {
            "TRIAGE_WEB_PORT": str(port),
            "TRIAGE_RASA_URL": rasa_urls[0],
            "TRIAGE_RASA_EXTRA_URLS": json.dumps(rasa_urls[1:]),
        }
        if not index_transcripts:
            env["TRIAGE_TRANSCRIPT_INDEX_SECONDS"] = "0"
        return Service(
            name, cmd, env, f"http://127.0.0.1:{port}/healthz", self.log_dir / f"{name}.log"
        )

    def prepare_stores(self) -> None:
        """PostgreSQL and Redis answer, both databases exist, the request store is migrated."""
        s = self.settings
        check_production_stores(s.database_url, s.tracker_database_url, s.redis_url)
        wait_for_postgres(s.database_url)
        wait_for_redis(s.redis_url)
        for url in (s.database_url, s.tracker_database_url):
            if ensure_database(url):
                log.info("created database %s", PostgresTarget.from_url(url).database)
        upgrade(s.database_url)

    def start(self, timeout: float = 420) -> None:
        """Start everything and wait until each process answers its health check."""
        self.prepare_stores()
        self.build()
        for service in self.services.values():
            service.start()
        try:
            wait_healthy(list(self.services.values()), timeout)
        except (RuntimeError, TimeoutError):
            self.stop()
            raise

    def stop(self) -> None:
        for service in reversed(list(self.services.values())):
            service.stop()

    def restart(self, name: str, *, crash: bool = False, timeout: float = 300) -> None:
        """Stop one process (SIGKILL when `crash`), start it again and wait until it is healthy."""
        service = self.services[name]
        service.kill() if crash else service.stop()
        service.start()
        wait_healthy([service], timeout)

    def group(self, prefix: str) -> list[Service]:
        """The services whose name starts with `prefix` ("rasa", "actions", "web")."""
        return [s for name, s in self.services.items() if name.startswith(f"{prefix}-")]

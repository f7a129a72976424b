"""All configuration, read once from the environment (prefix TRIAGE_) or a .env file."""

import ipaddress
import json
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent

# "30/minute", "5/10s", "1000/h" or "off"; parsed by bot.web.ratelimit.Rate.
RATE_PATTERN = r"^(?i:off|\d+/(\d*[smhd]|second|minute|hour|day))$"

# Values that are only acceptable on a developer's machine.
DEV_SECRET = "dev-only-change-me"


class Settings(BaseSettings):
    """Typed settings; see .env.example for every variable."""

    model_config = SettingsConfigDict(env_prefix="TRIAGE_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"

    # Stores. The request store is ours; the tracker store is Rasa's SQL tracker store,
    # which we only read (staff console, history for the widget).
    database_url: str = f"sqlite:///{ROOT / 'var' / 'triage.db'}"
    tracker_database_url: str = f"sqlite:///{ROOT / 'var' / 'tracker.db'}"

    # Processes. Rasa and the action server stay on loopback; the web service is public.
    rasa_url: str = "http://127.0.0.1:5005"
    # More Rasa instances sharing the tracker and lock stores; the gateway spreads
    # conversations over rasa_url and these, and fails over when one is down.
    rasa_extra_urls: list[str] = Field(default_factory=list)
    rasa_token: str = DEV_SECRET
    action_server_port: int = 5055
    action_token: str = DEV_SECRET
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    model_dir: Path = ROOT / "models"
    # The NLU training data (<lang>/*.yml) and the domain the analyst workbench exports into.
    nlu_data_dir: Path = ROOT / "data" / "nlu"
    domain_dir: Path = ROOT / "bot" / "domain"

    # Bearer token for machine clients of the read API.
    api_token: str = DEV_SECRET
    # Origins allowed to embed the widget and call /api/chat from a browser.
    cors_origins: list[str] = Field(default_factory=list)

    # Where delegates can reach the secretariats without the assistant.
    contact_url: str = "https://www.wto.org/english/news_e/news22_e/igo_11apr22_e.htm"

    # Staff console: sign-in sessions, login limits, transcript indexing.
    session_idle_minutes: int = 120
    session_max_hours: int = 12
    # None: Secure cookies everywhere except development (plain http on a laptop).
    cookie_secure: bool | None = None
    login_window_minutes: int = 15
    login_failures_per_account: int = 5
    login_failures_per_address: int = 20
    # 0: no background indexing in this worker (another one does it; lists still catch up
    # on demand). The production deployment runs it in its first web worker only.
    transcript_index_seconds: float = 5.0

    # Production path: Rasa's lock store, so two Rasa instances never work on one
    # conversation at once (the embedded default has one Rasa and keeps locks in memory).
    redis_url: str = "redis://127.0.0.1:6379/1"
    # Rasa silently ignores a prefix that is not letters and digits.
    lock_key_prefix: str = Field(default="triage", pattern=r"^[A-Za-z0-9]+$")
    # Serialize each conversation's turns in Redis across gateway workers; required with
    # several Rasa instances (see bot/web/conversation_lock.py for why).
    conversation_lock: bool = False

    # The reference deployment (`make run-prod`): nginx in front, `instances` of each
    # process on consecutive ports from rasa_url's port, action_server_port and web_port.
    public_host: str = "127.0.0.1"
    public_port: int = 8080
    action_proxy_port: int = 5054
    instances: int = Field(default=2, ge=1, le=8)

    # Gateway limits.
    max_message_chars: int = 4000
    max_metadata_keys: int = 20
    rasa_timeout_seconds: float = 30.0

    # Rate limits ("30/minute", "5/10s" or "off"), counted in "memory" (one worker only),
    # "database" (the request store) or a "redis://" URL shared by every worker.
    rate_limit_storage: str = Field(default="memory", pattern=r"^(memory|database|rediss?://.+)$")
    rate_limit_chat_per_sender: str = Field(default="30/minute", pattern=RATE_PATTERN)
    rate_limit_chat_per_address: str = Field(default="600/minute", pattern=RATE_PATTERN)
    rate_limit_login_per_address: str = Field(default="10/minute", pattern=RATE_PATTERN)
    # Proxies whose X-Forwarded-For is believed (addresses or networks), e.g. nginx on loopback.
    trusted_proxies: list[str] = Field(default_factory=lambda: ["127.0.0.1", "::1"])

    # Personal data of requests and conversations untouched this long is erased
    # by `triage privacy purge`; anonymous statistics stay.
    retention_days: int = Field(default=365, ge=1)

    # Analyst workbench: evaluations and retraining jobs (JSON files) live here; the model
    # registry lives beside the models in model_dir. A retrained model goes live unless its
    # held-out macro-F1 is lower than the active model's by more than the tolerance.
    analyst_dir: Path = ROOT / "var" / "analyst"
    model_gate_tolerance: float = Field(default=0.01, ge=0, le=1)
    min_examples_per_intent: int = Field(default=10, ge=1)

    @property
    def rasa_urls(self) -> list[str]:
        """Every Rasa instance the gateway may use, the primary first."""
        return [self.rasa_url, *(u for u in self.rasa_extra_urls if u != self.rasa_url)]

    @model_validator(mode="after")
    def _refuse_dev_secrets_in_production(self) -> "Settings":
        if self.environment == "production":
            weak = [
                name
                for name in ("rasa_token", "action_token", "api_token")
                if getattr(self, name) == DEV_SECRET or len(getattr(self, name)) < 16
            ]
            if weak:
                raise ValueError(f"set strong secrets in production for: {', '.join(weak)}")
            if self.rate_limit_storage == "memory":
                # Each worker would count on its own and allow several times the limit.
                raise ValueError("set TRIAGE_RATE_LIMIT_STORAGE to database or a redis:// URL")
            if "*" in self.cors_origins:
                raise ValueError("list the origins that embed the widget instead of *")
            if len(self.rasa_urls) > 1 and not self.conversation_lock:
                raise ValueError("several Rasa instances need conversation_lock=true")
        return self

    @property
    def secure_cookies(self) -> bool:
        """Whether cookies carry the Secure flag."""
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.environment != "development"

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            ipaddress.ip_network(item, strict=False)  # ValueError names the bad entry
        return value


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings; tests clear the cache to override."""
    return Settings()


def settings_env(settings: Settings) -> dict[str, str]:
    """Every setting as the TRIAGE_ variable that reproduces it in a child process."""
    env: dict[str, str] = {}
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if value is None:
            continue
        env[f"TRIAGE_{name.upper()}"] = (
            json.dumps(value) if isinstance(value, list | dict) else str(value)
        )
    return env

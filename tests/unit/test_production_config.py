"""Production configuration: refused when unsafe, passed whole to every process, valid nginx."""

import subprocess
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.deploy import nginx
from bot.deploy.backing import PostgresTarget, RedisTarget, check_production_stores
from bot.deploy.stack import Ports, ProdStack, settings_env
from bot.settings import DEV_SECRET, Settings

STRONG = {
    "rasa_token": "r" * 24,
    "action_token": "a" * 24,
    "api_token": "p" * 24,
    "rate_limit_storage": "database",
}


def test_production_refuses_the_development_secrets() -> None:
    with pytest.raises(ValidationError, match="rasa_token, action_token, api_token"):
        Settings(environment="production")
    with pytest.raises(ValidationError, match="api_token"):
        Settings(environment="production", **STRONG | {"api_token": DEV_SECRET})


def test_production_refuses_several_rasa_instances_without_the_conversation_lock() -> None:
    extra = ["http://127.0.0.1:5006"]
    with pytest.raises(ValidationError, match="conversation_lock"):
        Settings(environment="production", rasa_extra_urls=extra, **STRONG)
    assert Settings(
        environment="production", rasa_extra_urls=extra, conversation_lock=True, **STRONG
    ).rasa_urls == ["http://127.0.0.1:5005", *extra]


def test_a_lock_prefix_rasa_would_ignore_is_refused() -> None:
    with pytest.raises(ValidationError):
        Settings(lock_key_prefix="triage:prod")


def test_every_setting_reaches_the_child_processes_unchanged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = Settings(
        environment="production",
        cors_origins=["https://platform.example.org"],
        rasa_extra_urls=["http://127.0.0.1:5006"],
        conversation_lock=True,
        model_dir=Path("/srv/models"),
        rasa_timeout_seconds=12.5,
        **STRONG,
    )
    for name, value in settings_env(settings).items():
        monkeypatch.setenv(name, value)
    assert Settings() == settings


def test_the_multi_instance_deployment_needs_postgresql_for_both_stores() -> None:
    pg = "postgresql+psycopg://triage:pw@db.internal:5433/triage"
    with pytest.raises(ValueError, match="tracker_database_url"):
        check_production_stores(pg, "sqlite:////tmp/tracker.db", "redis://127.0.0.1:6379/1")
    check_production_stores(pg, pg + "_tracker", "redis://127.0.0.1:6379/1")


def test_store_urls_become_the_parts_rasa_expects() -> None:
    pg = PostgresTarget.from_url("postgresql+psycopg://triage:s%40cret@db.internal:5433/tracker")
    assert (pg.host, pg.port, pg.database, pg.username, pg.password) == (
        "db.internal",
        5433,
        "tracker",
        "triage",
        "s@cret",
    )
    red = RedisTarget.from_url("redis://:pw@cache.internal:6380/3")
    assert (red.host, red.port, red.db, red.password) == ("cache.internal", 6380, 3, "pw")


def test_the_generated_nginx_config_is_accepted_by_nginx(tmp_path: Path) -> None:
    ports = Ports.free(2)
    layout = nginx.NginxLayout(
        public_host="127.0.0.1",
        public_port=ports.public,
        web_ports=ports.web,
        action_proxy_port=ports.action_proxy,
        action_ports=ports.actions,
        run_dir=tmp_path,
    )
    nginx.write_config(layout)
    checked = subprocess.run(
        [*nginx.command(layout), "-t"], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stderr
    assert "access_log off" in layout.conf_file.read_text()


def test_only_the_first_web_worker_runs_the_background_transcript_indexer(tmp_path: Path) -> None:
    pg = "postgresql+psycopg://triage:pw@127.0.0.1:5432/triage"
    settings = Settings(
        environment="production",
        database_url=pg,
        tracker_database_url=pg + "_tracker",
        conversation_lock=True,
        **STRONG,
    )
    stack = ProdStack(settings, tmp_path / "model.tar.gz", Ports.free(2), tmp_path, tmp_path)
    stack.build()
    every = {s.name: float(s.env["TRIAGE_TRANSCRIPT_INDEX_SECONDS"]) for s in stack.group("web")}
    assert every == {"web-1": settings.transcript_index_seconds, "web-2": 0.0}

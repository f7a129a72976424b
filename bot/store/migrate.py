"""Apply Alembic migrations to the configured (or given) database."""

from pathlib import Path

from alembic import command
from alembic.config import Config

from bot.settings import get_settings
from bot.store.db import engine_for, sqlite_path

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic config for `url` without an alembic.ini on disk."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Bring the database at `url` (default: settings) up to `revision`."""
    url = url or get_settings().database_url
    if (path := sqlite_path(url)) is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    cfg = alembic_config(url)
    with engine_for(url).begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def revision(message: str, url: str | None = None) -> None:
    """Autogenerate a new migration against the database at `url`."""
    url = url or get_settings().database_url
    cfg = alembic_config(url)
    with engine_for(url).begin() as connection:
        cfg.attributes["connection"] = connection
        command.revision(cfg, message=message, autogenerate=True)

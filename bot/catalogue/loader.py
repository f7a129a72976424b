"""Load and validate the activity catalogue from YAML."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.catalogue.schema import Activity, Catalogue

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PATH = REPO_ROOT / "data" / "catalogue" / "activities.yaml"


class CatalogueError(ValueError):
    """The catalogue file is missing or invalid; the message names file, entry and reason."""


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        location = ".".join(str(p) for p in item["loc"]) or "(entry)"
        parts.append(f"{location}: {item['msg']}")
    return "; ".join(parts)


def _entry_label(raw: Any, index: int) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        return f"entry {index} (id {raw['id']!r})"
    return f"entry {index}"


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogueError(f"{path}: cannot read file: {exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{path}: invalid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("activities"), list):
        raise CatalogueError(f"{path}: top level must be a mapping with an 'activities' list")
    return data


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read, validate and return the catalogue; raise CatalogueError naming the bad entry."""
    path = Path(path) if path is not None else DEFAULT_PATH
    data = _read(path)
    activities: list[Activity] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(data["activities"]):
        label = _entry_label(raw, index)
        try:
            activity = Activity.model_validate(raw)
        except ValidationError as exc:
            raise CatalogueError(f"{path}: {label}: {_describe(exc)}") from exc
        if activity.id in seen:
            raise CatalogueError(
                f"{path}: {label}: duplicate id, already used by entry {seen[activity.id]}"
            )
        seen[activity.id] = index
        activities.append(activity)
    open_ids = {a.id for a in activities if a.is_open}
    for index, activity in enumerate(activities):
        if activity.succeeded_by is not None and activity.succeeded_by not in open_ids:
            raise CatalogueError(
                f"{path}: {_entry_label({'id': activity.id}, index)}: succeeded_by "
                f"{activity.succeeded_by!r} is not an open activity of the catalogue"
            )
    try:
        return Catalogue(schema_version=data.get("schema_version", 1), activities=tuple(activities))
    except ValidationError as exc:
        raise CatalogueError(f"{path}: catalogue: {_describe(exc)}") from exc


@lru_cache(maxsize=1)
def get_catalogue() -> Catalogue:
    """Return the shipped catalogue, loaded once per process."""
    return load_catalogue()

"""Jinja2 templates of the staff console and the filters they use."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi.templating import Jinja2Templates

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")

STATUS_LABELS = {
    "new": "New",
    "triaged": "Triaged",
    "assigned": "Assigned",
    "in_progress": "In progress",
    "closed": "Closed",
}
OUTCOME_LABELS = {
    "assistance_provided": "Assistance provided",
    "referred": "Referred elsewhere",
    "declined": "Declined",
    "duplicate": "Duplicate",
    "withdrawn": "Withdrawn by the delegate",
    "no_response": "No response from the delegate",
}
LANGUAGES = {"en": "English", "fr": "French", "es": "Spanish"}


def when(value: datetime | None) -> str:
    """A UTC time as staff read it: 2026-11-27 14:03."""
    if value is None:
        return ""
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def humanize(value: Any) -> str:
    return str(value or "").replace("_", " ")


def query(params: dict[str, Any], **changes: Any) -> str:
    """The query string of `params` with `changes` applied (None removes a key)."""
    merged = {k: v for k, v in (params | changes).items() if v not in (None, "")}
    return urlencode(merged)


templates.env.filters.update(when=when, percent=percent, humanize=humanize)
templates.env.globals.update(
    STATUS_LABELS=STATUS_LABELS,
    OUTCOME_LABELS=OUTCOME_LABELS,
    LANGUAGES=LANGUAGES,
    qs=query,
    now_utc=lambda: datetime.now(UTC),
    one_day=lambda: timedelta(days=1),
)

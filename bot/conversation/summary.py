"""The summary a delegate confirms before filing, and the buttons to correct it."""

from typing import Any

from bot.catalogue.loader import get_catalogue
from bot.conversation.replies import echo
from bot.conversation.request_form import CORRECTABLE
from bot.i18n import field_label, join_values, value_label
from bot.members import get_directory

_SHOWN = (
    "member",
    "requester_name",
    "institution",
    "email",
    "need_area",
    "topics",
    "description",
    "organizations",
    "selected_activity_ids",
    "timeline",
    "prior_assistance",
    "expected_outcome",
)


def render(slots: dict[str, Any], language: str) -> str:
    """One markdown line per filled field, in the delegate's language."""
    lines = []
    for name in _SHOWN:
        value = slots.get(name)
        if value in (None, "", []):
            continue
        lines.append(f"- **{field_label(name, language)}:** {_shown(name, value, language)}")
    return "\n".join(lines)


def _shown(name: str, value: Any, language: str) -> str:
    if name == "member":
        member = get_directory().get(str(value))
        return member.display_name(language) if member else echo(str(value))
    if name in ("topics", "organizations"):
        return join_values(list(value), language)
    if name == "need_area":
        return value_label(str(value), language)
    if name == "selected_activity_ids":
        catalogue = get_catalogue()
        titles = [a.title.get(language) if (a := catalogue.get(str(v))) else str(v) for v in value]
        return "; ".join(titles)
    return echo(str(value), 400)


def correction_buttons(language: str) -> list[dict[str, str]]:
    """One button per correctable field; the payload names the field."""
    return [
        {
            "title": field_label(name, language),
            "payload": f'/correct_field{{"field":"{name}"}}',
        }
        for name in CORRECTABLE
    ]

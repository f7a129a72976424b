"""What the conversation logic asks the action layer to say."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Reply:
    """A domain response by name, the values to put into it, and extra buttons."""

    response: str
    values: dict[str, Any] = field(default_factory=dict)
    buttons: list[dict[str, str]] = field(default_factory=list)


def echo(text: str, limit: int = 80) -> str:
    """User text safe to repeat inside a response: short, one line, no template braces."""
    flat = " ".join(str(text).split()).replace("{", "(").replace("}", ")")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"

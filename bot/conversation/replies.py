"""What the conversation logic asks the action layer to say."""

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Reply:
    """A domain response by name, the values to put into it, and extra buttons."""

    response: str
    values: dict[str, Any] = field(default_factory=dict)
    buttons: list[dict[str, str]] = field(default_factory=list)


# Markdown that could turn a delegate's words into emphasis, links, images, HTML or code.
_MARKDOWN = re.compile(r"([\\`*_\[\]<>~|&])")
# Direction overrides and isolates: they can make a summary read differently than it is.
# and control characters, which a renderer shows as replacement glyphs or drops.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\x00-\x08\x0e-\x1f\x7f]")


def echo(text: str, limit: int = 80) -> str:
    """User text safe to repeat inside a (markdown) response: short, one line, inert."""
    flat = " ".join(_BIDI.sub("", str(text)).split()).replace("{", "(").replace("}", ")")
    flat = flat if len(flat) <= limit else flat[: limit - 1] + "…"
    return _MARKDOWN.sub(r"\\\1", flat)

"""Delegates' messages from Rasa's tracker store, redacted with what their conversation revealed."""

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from time import monotonic
from typing import Any

from sqlalchemy import Engine, select

from bot.analyst.redact import PERSONAL_ENTITIES, PERSONAL_SLOTS, Personal, personal_from_events
from bot.analyst.redact import redact as redact_text
from bot.evaluation.dataset import LANGUAGES
from bot.transcripts.parse import understood
from bot.transcripts.tracker import NOT_THERE, events, max_event_id

_CHUNK = 500


def normalise(text: str) -> str:
    """The form two messages are compared in: NFKC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def group_key(text: str) -> str:
    return hashlib.sha256(normalise(text).encode()).hexdigest()


@dataclass(frozen=True)
class Message:
    """One delegate message, already redacted."""

    event_id: int
    sender_id: str
    at: datetime
    text: str
    language: str
    intent: str | None
    confidence: float | None
    # After a fallback, the intent Rasa ranked first among the real ones.
    best_intent: str | None
    entities: tuple[dict[str, Any], ...]
    # The example Rasa's own predictions suggest: redacted text with the entities it found.
    suggested: str
    # The normalised words as typed, only to recognise training examples; never shown.
    typed: str = field(default="", repr=False)


def _decode(raw: str | None) -> dict[str, Any]:
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _annotate(
    original: str, redacted: str, found: Sequence[dict[str, Any]], personal: Personal
) -> tuple[str, list[dict[str, Any]]]:
    """Rasa's inline annotations for predicted entities that survive redaction unchanged."""
    spans: list[tuple[int, int, str]] = []
    shown: list[dict[str, Any]] = []
    for entity in found:
        name = str(entity.get("entity") or "")
        start, end = entity.get("start"), entity.get("end")
        if not name or name in PERSONAL_ENTITIES or not isinstance(start, int):
            continue
        surface = original[start:end] if isinstance(end, int) else ""
        value = entity.get("value")
        value_text = str(value) if value is not None else surface
        if redact_text(value_text, personal) != value_text:
            continue
        shown.append({"entity": name, "value": value_text})
        if not surface or any(c in surface for c in "[]()"):
            continue
        if redact_text(surface, personal) != surface:
            continue
        for match in re.finditer(r"(?<!\w)" + re.escape(surface) + r"(?!\w)", redacted):
            if all(match.end() <= s or match.start() >= e for s, e, _ in spans):
                tail = "" if value_text == surface else f":{value_text}"
                if not any(c in tail for c in "()[]"):
                    spans.append((match.start(), match.end(), f"[{surface}]({name}{tail})"))
                break
    annotated = redacted
    for start, end, replacement in sorted(spans, reverse=True):
        annotated = annotated[:start] + replacement + annotated[end:]
    return annotated, shown


def _user_rows(engine: Engine, since: float | None, until: float | None) -> list[Any]:
    query = (
        select(events.c.id, events.c.sender_id, events.c.timestamp, events.c.data)
        .where(events.c.type_name == "user")
        .order_by(events.c.id)
    )
    if since is not None:
        query = query.where(events.c.timestamp >= since)
    if until is not None:
        query = query.where(events.c.timestamp < until)
    try:
        with engine.connect() as conn:
            return list(conn.execute(query))
    except NOT_THERE:
        return []


def _context_rows(engine: Engine, senders: Sequence[str]) -> Iterator[Any]:
    """Slot and user events of `senders`, in order: what redaction and language need."""
    with engine.connect() as conn:
        for start in range(0, len(senders), _CHUNK):
            chunk = list(senders[start : start + _CHUNK])
            yield from conn.execute(
                select(events.c.id, events.c.sender_id, events.c.type_name, events.c.data)
                .where(events.c.sender_id.in_(chunk), events.c.type_name.in_(("slot", "user")))
                .order_by(events.c.id)
            )


_CACHE_SECONDS = 30.0
_cache: dict[tuple[str, float | None, float | None], tuple[float, int, list[Message]]] = {}


def cached_messages(
    engine: Engine, since: datetime | None = None, until: datetime | None = None
) -> list[Message]:
    """`read_messages`, reused while no event was added (and for at most 30 s).

    The time limit bounds how long an erasure (which rewrites events in place) can take to
    show; the inbox and the decisions posted from it read the same messages in between.
    """
    key = (
        str(engine.url),
        since.timestamp() if since else None,
        until.timestamp() if until else None,
    )
    newest = max_event_id(engine)
    now = monotonic()
    hit = _cache.get(key)
    if hit is not None and hit[1] == newest and now - hit[0] < _CACHE_SECONDS:
        return hit[2]
    messages = read_messages(engine, since, until)
    if len(_cache) >= 8:
        _cache.pop(next(iter(_cache)))
    _cache[key] = (now, newest, messages)
    return messages


def read_messages(
    engine: Engine, since: datetime | None = None, until: datetime | None = None
) -> list[Message]:
    """Every delegate message typed (not clicked) in [since, until), redacted."""
    rows = _user_rows(
        engine, since.timestamp() if since else None, until.timestamp() if until else None
    )
    if not rows:
        return []
    wanted = {r.id for r in rows}
    senders = sorted({r.sender_id for r in rows})
    by_sender: dict[str, list[tuple[int, str, dict[str, Any]]]] = {s: [] for s in senders}
    for row in _context_rows(engine, senders):
        by_sender[row.sender_id].append((row.id, row.type_name, _decode(row.data)))
    messages: list[Message] = []
    stamps = {r.id: float(r.timestamp or 0.0) for r in rows}
    for sender, items in by_sender.items():
        messages.extend(_conversation_messages(sender, items, wanted, stamps))
    return messages


def _conversation_messages(
    sender: str,
    items: Sequence[tuple[int, str, dict[str, Any]]],
    wanted: set[int],
    stamps: dict[int, float],
) -> list[Message]:
    """The wanted messages of one conversation, redacted with what the conversation revealed."""
    personal: Personal = personal_from_events(data for _, _, data in items)
    language = "en"  # the domain's `language` slot starts as English
    requested: str | None = None
    # A message typed while the form asked for a name, institution or email, whose answer
    # the form then refused: nothing tells which words are personal, so all of them are.
    awaiting: tuple[int, str] | None = None
    messages: list[Message] = []
    for event_id, kind, data in items:
        if kind == "slot":
            slot, value = data.get("name"), data.get("value")
            if slot == "language":
                language = value if value in LANGUAGES else language
            elif slot == "requested_slot":
                requested = value if isinstance(value, str) else None
            elif awaiting is not None and slot == awaiting[1] and value:
                awaiting = None
            continue
        if awaiting is not None:
            _hide_answer(messages, *awaiting)
            awaiting = None
        text = " ".join(str(data.get("text") or "").split())
        if requested in PERSONAL_SLOTS and not text.startswith("/"):
            awaiting = (event_id, requested)
        if event_id not in wanted or not text or text.startswith("/") or text == "[erased]":
            continue
        meta = data.get("metadata") or {}
        parse = data.get("parse_data") or {}
        lang = meta.get("language") or (parse.get("metadata") or {}).get("language")
        lang = lang if lang in LANGUAGES else language
        name, confidence, best = understood(data)
        redacted = redact_text(text, personal)
        found = [e for e in parse.get("entities") or [] if isinstance(e, dict)]
        suggested, shown = _annotate(text, redacted, found, personal)
        messages.append(
            Message(
                event_id=event_id,
                sender_id=sender,
                at=datetime.fromtimestamp(stamps[event_id], UTC),
                text=redacted,
                language=lang,
                intent=name,
                confidence=confidence,
                best_intent=best,
                entities=tuple(shown),
                suggested=suggested,
                typed=normalise(text),
            )
        )
    if awaiting is not None:
        _hide_answer(messages, *awaiting)
    return messages


def _hide_answer(messages: list[Message], event_id: int, slot: str) -> None:
    for index, message in enumerate(messages):
        if message.event_id == event_id:
            placeholder = PERSONAL_SLOTS[slot]
            messages[index] = replace(message, text=placeholder, suggested=placeholder, entities=())

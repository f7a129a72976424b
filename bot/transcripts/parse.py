"""Turn Rasa events into a readable transcript and a per-conversation summary."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.transcripts.schemas import (
    ActionPublic,
    BotMessagePublic,
    ButtonPublic,
    EntityPublic,
    SlotPublic,
    TurnPublic,
    UserMessagePublic,
)
from bot.transcripts.tracker import Event

FALLBACK_INTENT = "nlu_fallback"
# Actions that mean the assistant did not understand the delegate.
FALLBACK_ACTIONS = frozenset(
    {
        "action_default_fallback",
        "action_handle_unclear",
        "utter_default",
        "action_two_stage_fallback",
    }
)
# Bookkeeping that tells a reader nothing.
QUIET_ACTIONS = frozenset({"action_listen", "action_session_start"})
QUIET_EVENTS = frozenset({"user_featurization", "action_execution_rejected"})
PREVIEW_CHARS = 200
# Slots whose being set is a filter (the analyst dashboard's funnel: the need understood).
LABELLED_SLOTS = frozenset({"need_area"})


def at(timestamp: float) -> datetime:
    """A Rasa timestamp as an aware UTC datetime."""
    return datetime.fromtimestamp(timestamp, UTC)


def understood(data: dict[str, Any]) -> tuple[str | None, float | None, str | None]:
    """Intent, confidence and (after a fallback) the intent Rasa ranked first among real ones.

    Rasa reports nlu_fallback with the threshold as confidence; the confidence that matters
    for review is the best real intent's, which is in the ranking.
    """
    parse = data.get("parse_data") or {}
    intent = parse.get("intent") or {}
    name, confidence = intent.get("name"), intent.get("confidence")
    if name != FALLBACK_INTENT:
        return name, _float(confidence), None
    ranked = [r for r in parse.get("intent_ranking") or [] if r.get("name") != FALLBACK_INTENT]
    if not ranked:
        return name, _float(confidence), None
    return name, _float(ranked[0].get("confidence")), ranked[0].get("name")


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def user_message(data: dict[str, Any]) -> UserMessagePublic:
    text = str(data.get("text") or "")
    name, confidence, fallback_from = understood(data)
    parse = data.get("parse_data") or {}
    metadata = data.get("metadata") or {}
    return UserMessagePublic(
        text=text,
        intent=name,
        confidence=confidence,
        fallback_from=fallback_from,
        entities=[
            EntityPublic(
                entity=str(e.get("entity")),
                value=e.get("value"),
                extractor=e.get("extractor"),
                confidence=_float(e.get("confidence_entity")),
            )
            for e in parse.get("entities") or []
            if isinstance(e, dict)
        ],
        language=metadata.get("language") or (parse.get("metadata") or {}).get("language"),
        is_payload=text.startswith("/"),
    )


def bot_message(data: dict[str, Any]) -> BotMessagePublic:
    extra = data.get("data") or {}
    return BotMessagePublic(
        text=data.get("text"),
        response=(data.get("metadata") or {}).get("utter_action"),
        buttons=[
            ButtonPublic(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
            for b in extra.get("buttons") or []
            if isinstance(b, dict)
        ],
    )


def transcript(events: list[Event]) -> list[TurnPublic]:
    """Events grouped into turns: each delegate message with what followed it."""
    turns: list[TurnPublic] = []
    current: TurnPublic | None = None
    for event in events:
        kind, data = event.type_name, event.data
        if kind in QUIET_EVENTS:
            continue
        if kind == "user":
            current = TurnPublic(event_id=event.id, at=at(event.timestamp), user=user_message(data))
            current.fell_back = current.user is not None and current.user.intent == FALLBACK_INTENT
            turns.append(current)
            continue
        if current is None:
            current = TurnPublic(event_id=event.id, at=at(event.timestamp), user=None)
            turns.append(current)
        if kind == "session_started":
            current.session_started = True
        elif kind == "slot":
            current.slots.append(SlotPublic(name=str(data.get("name")), value=data.get("value")))
        elif kind == "action":
            name = str(data.get("name") or "")
            if name in QUIET_ACTIONS:
                continue
            current.actions.append(
                ActionPublic(
                    name=name, policy=data.get("policy"), confidence=_float(data.get("confidence"))
                )
            )
            current.fell_back = current.fell_back or name in FALLBACK_ACTIONS
        elif kind == "bot":
            message = bot_message(data)
            current.bot.append(message)
            current.fell_back = current.fell_back or message.response in FALLBACK_ACTIONS
    return turns


@dataclass
class Summary:
    """What the conversation list filters on, computed from all of a conversation's events."""

    sender_id: str
    first_at: float
    last_at: float
    last_event_id: int
    user_messages: int = 0
    language: str | None = None
    min_confidence: float | None = None
    fell_back: bool = False
    handoff: bool = False
    request_reference: str | None = None
    preview: str = ""
    texts: list[str] = field(default_factory=list)
    intents: set[str] = field(default_factory=set)
    actions: set[str] = field(default_factory=set)
    slots: set[str] = field(default_factory=set)

    @property
    def search_text(self) -> str:
        return "\n".join(self.texts)


def summarise(sender_id: str, events: list[Event]) -> Summary | None:
    """The summary of one conversation, None if it has no events."""
    if not events:
        return None
    stamps = [e.timestamp for e in events if e.timestamp]
    summary = Summary(
        sender_id, min(stamps, default=0.0), max(stamps, default=0.0), max(e.id for e in events)
    )
    slot_language: str | None = None
    message_language: str | None = None
    for event in events:
        kind, data = event.type_name, event.data
        if kind == "user":
            _add_user(summary, data)
            message_language = message_language or (data.get("metadata") or {}).get("language")
        elif kind == "action":
            name = str(data.get("name") or "")
            if name and name not in QUIET_ACTIONS:
                summary.actions.add(name)
        elif kind == "bot":
            response = (data.get("metadata") or {}).get("utter_action")
            if response:
                summary.actions.add(str(response))
        elif kind == "slot":
            slot, value = data.get("name"), data.get("value")
            if slot in LABELLED_SLOTS and value not in (None, "", []):
                summary.slots.add(str(slot))
            if slot == "language" and isinstance(value, str):
                slot_language = value
            elif slot == "handoff_requested" and value is True:
                summary.handoff = True
            elif slot == "request_reference" and isinstance(value, str):
                summary.request_reference = value
    # The domain's `language` slot starts as "en": a conversation that never set it is English.
    language = slot_language or message_language or ("en" if summary.user_messages else None)
    summary.language = str(language)[:5] if language else None
    summary.fell_back = summary.fell_back or bool(summary.actions & FALLBACK_ACTIONS)
    return summary


def _add_user(summary: Summary, data: dict[str, Any]) -> None:
    summary.user_messages += 1
    text = str(data.get("text") or "")
    name, confidence, _ = understood(data)
    if name:
        summary.intents.add(name)
        summary.fell_back = summary.fell_back or name == FALLBACK_INTENT
    if text.startswith("/"):
        return  # a button payload: Rasa's confidence is 1.0 and the words are ours
    if confidence is not None:
        summary.min_confidence = (
            confidence
            if summary.min_confidence is None
            else min(summary.min_confidence, confidence)
        )
    if text:
        summary.texts.append(text)
        if not summary.preview:
            summary.preview = text[:PREVIEW_CHARS]

"""Conversations as an analyst may read them: every turn, personal data replaced by placeholders.

Staff read transcripts as delegates wrote them; analysts (the dashboard's links) read the same
turns through `redacted_transcript`, which applies the NLU inbox's redaction to everything that
carries words: the delegate's messages and button payloads, the assistant's answers and
buttons, entity values and slot values. The form's personal slots (name, institution, email)
and its free-text answers are shown as placeholders whatever they hold, and a message typed
while the form asked for a name, institution or email that the form then refused becomes the
placeholder whole, as in the inbox (nothing tells which of its words are personal).
"""

from collections.abc import Sequence
from typing import Any

from bot.analyst.redact import (
    INSTITUTION,
    PERSONAL_ENTITIES,
    PERSONAL_SLOTS,
    Personal,
    personal_from_events,
    redact,
)
from bot.privacy import PERSONAL_ENTITIES as ERASED_ENTITIES
from bot.privacy import PERSONAL_SLOTS as ERASED_SLOTS
from bot.transcripts.parse import PREVIEW_CHARS, transcript
from bot.transcripts.schemas import LinkedRequest, TranscriptPublic, TurnPublic
from bot.transcripts.tracker import Event

# Free-text answers of the request form (the delegate's own words about their need).
TEXT = "[TEXT]"


def _placeholder_of_slot(name: str) -> str | None:
    if name in PERSONAL_SLOTS:
        return PERSONAL_SLOTS[name]
    return TEXT if name in ERASED_SLOTS else None


def _placeholder_of_entity(name: str) -> str | None:
    if name in PERSONAL_ENTITIES:
        return PERSONAL_ENTITIES[name]
    return INSTITUTION if name in ERASED_ENTITIES else None


def _value(value: Any, personal: Personal) -> Any:
    """A slot or entity value with every string in it redacted."""
    if isinstance(value, str):
        return redact(value, personal)
    if isinstance(value, list):
        return [_value(v, personal) for v in value]
    if isinstance(value, dict):
        return {str(k): _value(v, personal) for k, v in value.items()}
    return value


def refused_answers(events: Sequence[Event]) -> dict[int, str]:
    """Messages typed while the form asked for a personal slot that it did not then fill.

    Event id → the placeholder that stands for the whole message (the inbox's rule).
    """
    hidden: dict[int, str] = {}
    requested: str | None = None
    awaiting: tuple[int, str] | None = None
    for event in events:
        data = event.data
        if event.type_name == "slot":
            name, value = data.get("name"), data.get("value")
            if name == "requested_slot":
                requested = value if isinstance(value, str) else None
            elif awaiting is not None and name == awaiting[1] and value:
                awaiting = None
        elif event.type_name == "user":
            if awaiting is not None:
                hidden[awaiting[0]] = PERSONAL_SLOTS[awaiting[1]]
                awaiting = None
            text = str(data.get("text") or "")
            if requested in PERSONAL_SLOTS and not text.startswith("/"):
                awaiting = (event.id, requested)
    if awaiting is not None:
        hidden[awaiting[0]] = PERSONAL_SLOTS[awaiting[1]]
    return hidden


def redacted_turns(events: Sequence[Event]) -> list[TurnPublic]:
    """The conversation's turns with personal data replaced (and staff flags left out)."""
    personal = personal_from_events(e.data for e in events)
    hidden = refused_answers(events)
    turns = transcript(list(events))
    for turn in turns:
        turn.flags = []
        user = turn.user
        if user is not None:
            user.text = hidden.get(turn.event_id) or redact(user.text, personal)
            for entity in user.entities:
                marker = _placeholder_of_entity(entity.entity)
                entity.value = marker or _value(entity.value, personal)
        for slot in turn.slots:
            marker = _placeholder_of_slot(slot.name)
            if marker is not None:
                slot.value = marker if slot.value not in (None, "", []) else slot.value
            else:
                slot.value = _value(slot.value, personal)
        for message in turn.bot:
            message.text = redact(message.text, personal) if message.text else message.text
            for button in message.buttons:
                button.title = redact(button.title, personal)
                button.payload = redact(button.payload, personal)
    return turns


def redacted_transcript(
    sender_id: str, events: Sequence[Event], requests: Sequence[LinkedRequest] = ()
) -> TranscriptPublic | None:
    """A transcript an analyst may read; None for a conversation with no events."""
    if not events:
        return None
    return TranscriptPublic(
        sender_id=sender_id,
        turns=redacted_turns(events),
        requests=list(requests),
        review=None,
        tags=[],
    )


def preview(turns: Sequence[TurnPublic]) -> str:
    """The first message the delegate typed (not clicked), redacted, as the list shows it."""
    for turn in turns:
        if turn.user is not None and turn.user.text and not turn.user.is_payload:
            return turn.user.text[:PREVIEW_CHARS]
    return ""

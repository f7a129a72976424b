"""Messages Rasa could not classify with confidence, read with our own lexicons."""

from typing import Any

from bot.conversation.introduction import is_introduction
from bot.conversation.turn import Turn
from bot.nlu import extract


def describes_a_need(turn: Turn) -> bool:
    """Enough substance and a need area or topic: treat it as a described need."""
    if turn.is_payload or not extract.is_substantive(turn.text) or is_introduction(turn.text):
        return False
    return bool(extract.need_areas(turn.text) or extract.topics(turn.text))


def need_fields(turn: Turn) -> dict[str, Any]:
    """What slot extraction left out because the intent was unknown: the description."""
    if turn.slot("description"):
        return {}
    return {"description": turn.text[:4000]}

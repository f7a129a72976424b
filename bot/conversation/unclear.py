"""Messages Rasa could not classify with confidence, read with our own lexicons."""

import re
from typing import Any

from bot.conversation.introduction import is_introduction
from bot.conversation.turn import Turn
from bot.nlu import extract
from bot.nlu.text import fold


def describes_a_need(turn: Turn) -> bool:
    """Enough substance and a need area or topic: treat it as a described need."""
    if turn.is_payload or not extract.is_substantive(turn.text) or is_introduction(turn.text):
        return False
    return bool(extract.need_areas(turn.text) or extract.topics(turn.text))


def names_a_need_area(turn: Turn) -> str | None:
    """ "nous avons besoin de vaccins", "necesitamos vacunas": too short to be the description,
    but the one need area a request would start from (not a question about it)."""
    if turn.is_payload or extract.is_question(turn.text) or is_introduction(turn.text):
        return None
    areas = extract.need_areas(turn.text)
    return areas[0] if len(areas) == 1 else None


def need_fields(turn: Turn) -> dict[str, Any]:
    """What slot extraction left out because the intent was unknown: the description."""
    if turn.slot("description"):
        return {}
    return {"description": turn.text[:4000]}


# "para mi país", "for our ministry", "notre gouvernement": the delegate speaks for a
# government, which a private person asking where to get a jab does not.
_FOR_A_GOVERNMENT = re.compile(
    r"\b(?:(?:my|our|mon|notre|nos|mi|nuestro|nuestra|nuestros) (?:country|government|ministry"
    r"|nation|population|people|pays|gouvernement|ministere|population|pais|gobierno|ministerio"
    r"|poblacion|hospitals|hopitaux|hospitales)|national|nationale?s?|nacional(?:es)?"
    r"|government|gouvernement|gobierno|ministry|ministere|ministerio)\b"
)


def speaks_for_a_government(turn: Turn) -> bool:
    """Read as out of scope, but a government's need ("quiero comprar vacunas para mi país")."""
    return describes_a_need(turn) and bool(_FOR_A_GOVERNMENT.search(fold(turn.text)))

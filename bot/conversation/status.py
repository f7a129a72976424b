"""Status look-up: only for the conversation that filed a request or whoever knows its email."""

import re

from sqlalchemy.exc import SQLAlchemyError

from bot.conversation.replies import Reply
from bot.conversation.turn import Turn
from bot.i18n import value_label
from bot.nlu.text import fold
from bot.store import crud
from bot.store.db import unit_of_work

REFERENCE = re.compile(r"\bTA[\s-]?(\d{4})[\s-]?(\d{1,6})\b", re.IGNORECASE)


def reference_in(text: str) -> str | None:
    """A request reference in `text`, normalised to TA-YYYY-NNNNNN."""
    m = REFERENCE.search(text)
    return f"TA-{m.group(1)}-{int(m.group(2)):06d}" if m else None


# Words that ask after a request: without them (or a reference), a message the NLU read as a
# status question ("2 and 3", with its digits) is something else.
_MY_REQUEST = r"my request|ma demande|mi solicitud"
_ASKS_AFTER = re.compile(
    r"\b(?:status|update|news|progress|happened|where is|check|track|still open|assigned"
    rf"|{_MY_REQUEST}|mi tramite|mi pedido|en que (?:va|quedo)|como va"
    r"|etat|suivi|nouvelles|avancement|ou en est|en est"
    r"|estado|novedad\w*|avance|seguimiento|paso con|donde esta)\b"
)


def asks_after_a_request(text: str) -> bool:
    """Whether `text` asks what became of a request (a reference, or the words for it)."""
    return reference_in(text) is not None or bool(_ASKS_AFTER.search(fold(text)))


# "Je voudrais annuler ma demande TA-…", "please withdraw my request": not a status question.
_WITHDRAW = re.compile(
    r"\b(?:cancel\w*|withdraw\w*|retract|delete|annul\w*|retir\w*|supprim\w*|anul\w*"
    r"|cancela\w*|borr\w*|elimin\w*)\b"
)


def asks_to_withdraw(text: str) -> bool:
    """Whether `text` asks to withdraw a request already filed (a reference, or "my request")."""
    folded = fold(text)
    filed = reference_in(text) is not None or bool(re.search(rf"\b(?:{_MY_REQUEST})\b", folded))
    return filed and bool(_WITHDRAW.search(folded))


def withdrawal_reply(turn: Turn, contact_url: str) -> Reply:
    """How to withdraw the request named (or filed in this conversation): only the
    secretariats close one."""
    reference = reference_in(turn.text) or turn.slot("status_reference")
    reference = reference or turn.slot("request_reference")
    if reference is None:
        return Reply("utter_withdraw_request_unknown", {"contact_url": contact_url})
    return Reply("utter_withdraw_request", {"reference": reference, "contact_url": contact_url})


# What a look-up remembers until it is answered or stopped.
SLOTS = ("status_reference", "status_email", "status_attempts")


def filed_here(reference: str, sender_id: str) -> bool:
    """True when this conversation filed `reference`; False too when the store is down."""
    try:
        with unit_of_work() as session:
            request = crud.get_by_reference(session, reference)
            return request is not None and request.conversation_id == sender_id
    except SQLAlchemyError:
        return False


def answer(reference: str, turn: Turn, given_email: str | None) -> Reply:
    """The status if this conversation may see it; the same neutral refusal otherwise."""
    try:
        with unit_of_work() as session:
            request = crud.get_by_reference(session, reference)
            allowed = request is not None and (
                request.conversation_id == turn.sender_id
                or (given_email is not None and request.email.lower() == given_email.lower())
            )
            if request is None or not allowed:
                # Same answer for "no such request" and "not yours": references are guessable.
                return Reply("utter_status_unavailable", {"reference": reference})
            return Reply(
                "utter_status",
                {
                    "reference": request.reference,
                    "status": value_label(request.status, turn.language),
                    "updated": request.updated_at.strftime("%Y-%m-%d"),
                },
            )
    except SQLAlchemyError:
        return Reply("utter_store_unavailable")

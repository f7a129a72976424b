"""Turn the confirmed slots into a stored request, exactly once per form run."""

from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from bot.conversation.turn import Turn
from bot.store.crud import Filing, file_request
from bot.store.db import write_idempotent
from bot.store.schemas import RequestCreate


class FilingError(Exception):
    """The request could not be stored; nothing was written."""


def submission_key(turn: Turn) -> str:
    """Same key for a retried call or a second "yes"; a new key for a new form run."""
    started = turn.form_activation_time()
    return f"{turn.sender_id}:{started:.6f}" if started is not None else f"{turn.sender_id}:none"


def build(turn: Turn) -> RequestCreate:
    """The request as the store wants it; raises ValidationError if a field is missing."""
    s = turn.slots
    fields: dict[str, Any] = {
        "submission_key": submission_key(turn),
        "conversation_id": turn.sender_id,
        "member": s.get("member"),
        "member_status": s.get("member_status") or "member",
        "requester_name": s.get("requester_name"),
        "institution": s.get("institution"),
        "email": s.get("email"),
        "need_area": s.get("need_area"),
        "topics": s.get("topics") or [],
        "description": s.get("description"),
        "organizations": s.get("organizations") or ["not_sure"],
        "suggested_activity_ids": s.get("suggested_activity_ids") or [],
        "selected_activity_ids": s.get("selected_activity_ids") or [],
        "language": turn.language,
        "consent": s.get("consent"),
        "timeline": s.get("timeline"),
        "prior_assistance": s.get("prior_assistance"),
        "expected_outcome": s.get("expected_outcome"),
    }
    return RequestCreate.model_validate(fields)


def file(turn: Turn) -> Filing:
    """Store the request in one transaction; FilingError if the store is unavailable."""
    data = build(turn)
    try:
        # Filing is idempotent by submission key, so a commit lost with its connection can
        # be retried: the retry finds the first filing instead of making a second one.
        return write_idempotent(lambda session: file_request(session, data))
    except SQLAlchemyError as exc:
        raise FilingError(str(exc.__class__.__name__)) from exc


__all__ = ["FilingError", "ValidationError", "build", "file", "submission_key"]

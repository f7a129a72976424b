"""Plain factory functions for test data."""

from typing import Any

from sqlalchemy.orm import Session

from bot.store.crud import Filing, file_request, get_by_reference
from bot.store.db import engine_for
from bot.store.models import Request
from bot.store.schemas import RequestCreate

_counter = iter(range(1, 10**9))


def request_data(**overrides: Any) -> RequestCreate:
    n = next(_counter)
    fields: dict[str, Any] = {
        "submission_key": f"conv-{n}:1.0",
        "conversation_id": f"conv-{n}",
        "member": "Ghana",
        "member_status": "member",
        "requester_name": "Ama Owusu",
        "institution": "Ministry of Health",
        "email": "ama.owusu@moh.gov.gh",
        "need_area": "medicines",
        "topics": ["intellectual_property"],
        "description": "Compulsory licence for an antiviral",
        "organizations": ["WIPO", "WTO"],
        "language": "en",
        "consent": True,
    }
    return RequestCreate.model_validate(fields | overrides)


def create_request(session: Session, **overrides: Any) -> Filing:
    return file_request(session, request_data(**overrides))


def complete_slots(**overrides: Any) -> dict[str, Any]:
    """Slots of a request form that the delegate has just confirmed."""
    return {
        "member": "Ghana",
        "member_status": "member",
        "requester_name": "Ama Owusu",
        "institution": "Ministry of Health",
        "email": "ama.owusu@moh.gov.gh",
        "need_area": "medicines",
        "topics": ["intellectual_property"],
        "description": "We want to issue a compulsory licence for an antiviral",
        "organizations": ["WIPO", "WTO"],
        "consent": True,
        "confirmed": True,
        "language": "en",
    } | overrides


def filed_reference(store_url: str, **overrides: Any) -> str:
    """File a request in its own committed transaction; its reference."""
    with Session(engine_for(store_url)) as s:
        reference = create_request(s, **overrides).request.reference or ""
        s.commit()
    return reference


def by_reference(session: Session, reference: str) -> Request:
    found = get_by_reference(session, reference)
    assert found is not None
    return found

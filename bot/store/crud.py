"""Create and read requests. Functions take a session and never open one."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.models import Request
from bot.store.schemas import RequestCreate

REFERENCE_PREFIX = "TA"


def format_reference(year: int, number: int) -> str:
    """`TA-YYYY-NNNNNN`, numbered from the row id so it is unique without a counter table."""
    return f"{REFERENCE_PREFIX}-{year:04d}-{number:06d}"


@dataclass(frozen=True)
class Filing:
    request: Request
    created: bool  # False when the same submission had already been filed


def file_request(session: Session, data: RequestCreate) -> Filing:
    """File a request once per `submission_key`; a repeat returns the first filing."""
    if (existing := get_by_submission_key(session, data.submission_key)) is not None:
        return Filing(existing, created=False)
    request = Request(**data.model_dump())
    try:
        # A savepoint, so a concurrent twin that wins the unique key leaves our
        # outer transaction usable.
        with session.begin_nested():
            session.add(request)
            session.flush()
            request.reference = format_reference(request.created_at.year, request.id)
            session.flush()
    except IntegrityError:
        existing = get_by_submission_key(session, data.submission_key)
        if existing is None:
            raise
        return Filing(existing, created=False)
    return Filing(request, created=True)


def get_by_submission_key(session: Session, key: str) -> Request | None:
    return session.scalars(select(Request).where(Request.submission_key == key)).first()


def get_by_reference(session: Session, reference: str) -> Request | None:
    """The request with this reference (case-insensitive), if any."""
    return session.scalars(
        select(Request).where(Request.reference == reference.strip().upper())
    ).first()


def list_requests(
    session: Session,
    *,
    conversation_id: str | None = None,
    status: str | None = None,
    member: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[Sequence[Request], int]:
    """Requests newest first, with the total count before paging."""
    query = select(Request)
    if conversation_id:
        query = query.where(Request.conversation_id == conversation_id)
    if status:
        query = query.where(Request.status == status)
    if member:
        query = query.where(func.lower(Request.member) == member.lower())
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Request.created_at.desc(), Request.id.desc()).limit(limit).offset(offset)
    ).all()
    return rows, total

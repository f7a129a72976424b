"""The staff request queue: filters, counts per status, CSV export. Functions take a session."""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, String, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from bot.store.models import Request, RequestStatus
from bot.store.staff_models import User


@dataclass(frozen=True)
class RequestFilter:
    """What the staff asked for; None means "any"."""

    status: str | None = None
    organization: str | None = None
    need_area: str | None = None
    member: str | None = None
    language: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    assignee_id: int | None = None
    q: str | None = None


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def conditions(f: RequestFilter, *, with_status: bool = True) -> list[ColumnElement[bool]]:
    """SQL conditions for a filter (without the status one for the per-status counts)."""
    where: list[ColumnElement[bool]] = []
    if with_status and f.status:
        where.append(Request.status == f.status)
    if f.organization:
        # Assigned to it, or not assigned yet and routed to it or addressed to it.
        addressed = cast(Request.organizations, String).like(f'%"{f.organization}"%')
        where.append(
            or_(
                Request.assigned_organization == f.organization,
                and_(
                    Request.assigned_organization.is_(None),
                    or_(Request.routing == f.organization, addressed),
                ),
            )
        )
    if f.need_area:
        where.append(Request.need_area == f.need_area)
    if f.member:
        where.append(func.lower(Request.member) == f.member.strip().lower())
    if f.language:
        where.append(Request.language == f.language)
    if f.date_from:
        where.append(Request.created_at >= datetime.combine(f.date_from, time(), UTC))
    if f.date_to:
        where.append(
            Request.created_at < datetime.combine(f.date_to + timedelta(days=1), time(), UTC)
        )
    if f.assignee_id is not None:
        where.append(Request.assignee_id == f.assignee_id)
    if f.q and f.q.strip():
        # One LIKE per word over the searchable fields joined, rather than one per field.
        haystack = (
            func.coalesce(Request.reference, "")
            + " "
            + Request.member
            + " "
            + Request.institution
            + " "
            + Request.requester_name
            + " "
            + Request.email
            + " "
            + Request.description
        )
        for word in f.q.split()[:8]:
            where.append(haystack.ilike(f"%{_escape(word)}%", escape="\\"))
    return where


def list_requests(
    session: Session, f: RequestFilter, *, limit: int = 50, offset: int = 0
) -> tuple[Sequence[Request], int]:
    """Requests newest first, and how many match."""
    where = conditions(f)
    total = session.scalar(select(func.count()).select_from(Request).where(*where)) or 0
    rows = session.scalars(
        select(Request)
        .where(*where)
        .order_by(Request.created_at.desc(), Request.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return rows, total


def page(
    session: Session, f: RequestFilter, *, limit: int = 50, offset: int = 0
) -> tuple[Sequence[Request], int, dict[str, int]]:
    """A page of requests, how many match, and the counts per status (two queries, not three)."""
    counts = counts_by_status(session, f)
    total = counts.get(f.status, 0) if f.status else sum(counts.values())
    rows = session.scalars(
        select(Request)
        .where(*conditions(f))
        .order_by(Request.created_at.desc(), Request.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return rows, total, counts


def counts_by_status(session: Session, f: RequestFilter) -> dict[str, int]:
    """How many requests of each status match the other filters."""
    counts = {s.value: 0 for s in RequestStatus}
    rows = session.execute(
        select(Request.status, func.count())
        .where(*conditions(f, with_status=False))
        .group_by(Request.status)
    )
    for status, n in rows:
        counts[status] = int(n)
    return counts


def members(session: Session) -> list[str]:
    """Members that have filed, for the filter's choices."""
    return list(session.scalars(select(Request.member).distinct().order_by(Request.member)))


def assignee_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """Display names of the given user ids."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.display_name).where(User.id.in_(wanted)))
    return {uid: name for uid, name in rows}


CSV_COLUMNS = (
    "reference",
    "created_at",
    "status",
    "member",
    "member_status",
    "need_area",
    "topics",
    "organizations",
    "routing",
    "assigned_organization",
    "assignee",
    "outcome",
    "closed_at",
    "language",
    "requester_name",
    "institution",
    "email",
    "description",
    "conversation_id",
)


def csv_rows(session: Session, f: RequestFilter, batch: int = 1000) -> Iterator[str]:
    """The filtered list as CSV text, a chunk at a time (no row limit)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    offset = 0
    while True:
        rows, _ = list_requests(session, f, limit=batch, offset=offset)
        names = assignee_names(session, (r.assignee_id for r in rows))
        for r in rows:
            writer.writerow(
                [
                    r.reference,
                    r.created_at.isoformat(),
                    r.status,
                    r.member,
                    r.member_status,
                    r.need_area,
                    ";".join(r.topics),
                    ";".join(r.organizations),
                    r.routing or "",
                    r.assigned_organization or "",
                    names.get(r.assignee_id or 0, ""),
                    r.outcome or "",
                    r.closed_at.isoformat() if r.closed_at else "",
                    r.language,
                    _safe(r.requester_name),
                    _safe(r.institution),
                    _safe(r.email),
                    _safe(r.description),
                    r.conversation_id,
                ]
            )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if len(rows) < batch:
            return
        offset += batch


def _safe(value: str) -> str:
    # Delegates' words must not run as formulas when the file is opened in a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value

"""The conversation list: filters over the summary table, newest activity first, paginated."""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Integer, Select, and_, column, func, select, text
from sqlalchemy.orm import Session, aliased

from bot.store.models import Request
from bot.store.staff_models import (
    ConversationLabel,
    ConversationReview,
    ConversationSummary,
    ConversationTag,
)
from bot.transcripts.indexer import has_fts
from bot.transcripts.parse import at
from bot.transcripts.schemas import ConversationListItem

S = ConversationSummary
WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class ConversationFilter:
    """What the staff asked for; None means "any"."""

    date_from: date | None = None
    date_to: date | None = None
    language: str | None = None
    intent: str | None = None
    action: str | None = None
    max_confidence: float | None = None
    fell_back: bool | None = None
    has_request: bool | None = None
    handoff: bool | None = None
    reviewed: bool | None = None
    tag: str | None = None
    q: str | None = None
    slot: str | None = None  # a slot that was set (parse.LABELLED_SLOTS)


def day_start(day: date) -> float:
    """Midnight UTC of `day` as a Rasa timestamp."""
    return datetime.combine(day, time(), UTC).timestamp()


def conditions(session: Session, f: ConversationFilter) -> list[ColumnElement[bool]]:
    """SQL conditions on the summary table for a filter."""
    where: list[ColumnElement[bool]] = []
    # Dates apply to the latest activity, the column the list is sorted on.
    if f.date_from:
        where.append(S.last_at >= day_start(f.date_from))
    if f.date_to:
        where.append(S.last_at < day_start(f.date_to + timedelta(days=1)))
    if f.language:
        where.append(S.language == f.language)
    for kind, name in (("intent", f.intent), ("action", f.action), ("slot", f.slot)):
        if name:
            where.append(
                S.id.in_(
                    _ids_of(
                        ConversationLabel.sender_id,
                        ConversationLabel.kind == kind,
                        ConversationLabel.name == name,
                    )
                )
            )
    if f.max_confidence is not None:
        where.append(S.min_confidence < f.max_confidence)
    if f.fell_back is not None:
        where.append(S.fell_back.is_(f.fell_back))
    if f.handoff is not None:
        where.append(S.handoff.is_(f.handoff))
    if f.has_request is not None:
        filed = _ids_of(Request.conversation_id)
        where.append(S.id.in_(filed) if f.has_request else S.id.not_in(filed))
    if f.reviewed is not None:
        reviewed = _ids_of(ConversationReview.sender_id)
        where.append(S.id.in_(reviewed) if f.reviewed else S.id.not_in(reviewed))
    if f.tag:
        where.append(S.id.in_(_ids_of(ConversationTag.sender_id, ConversationTag.tag == f.tag)))
    if f.q and (words := WORD.findall(f.q)):
        where.append(_text_match(session, words))
    return where


def _ids_of(sender_column: Any, *where: ColumnElement[bool]) -> Select[int]:
    """Summary ids of the conversations in another table.

    Filters compare integer ids, which every index of the summary table carries, so counting
    never has to read the rows themselves.
    """
    inner = aliased(ConversationSummary)
    return (
        select(inner.id)
        .join_from(inner, sender_column.table, inner.sender_id == sender_column)
        .where(*where)
    )


def _text_match(session: Session, words: list[str]) -> ColumnElement[bool]:
    if has_fts(session.connection()):
        # Each word quoted (no FTS syntax from users), all required, the last as a prefix.
        query = " ".join(f'"{w}"' for w in words[:-1]) + f' "{words[-1]}"*'
        matching = text("SELECT rowid FROM conversation_search WHERE conversation_search MATCH :q")
        return S.id.in_(matching.bindparams(q=query.strip()).columns(column("rowid", Integer)))
    return and_(*(S.search_text.ilike(f"%{_escape(w)}%", escape="\\") for w in words))


def _escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# Beyond this many matches the list says "10,000+": an exact count of a broad filter would
# cost more than the page itself, and nobody pages that far.
COUNT_CAP = 10_000


class ConversationPage(NamedTuple):
    rows: list[ConversationListItem]
    total: int
    exact: bool  # False: at least `total` match


def search(
    session: Session, f: ConversationFilter, *, limit: int = 50, offset: int = 0
) -> ConversationPage:
    """One page of conversations and how many match (exact up to COUNT_CAP)."""
    where = conditions(session, f)
    cap = max(COUNT_CAP, offset + limit) + 1
    matching = select(S.id).where(*where).limit(cap).subquery()
    total = session.scalar(select(func.count()).select_from(matching)) or 0
    rows = session.scalars(
        select(S).where(*where).order_by(S.last_at.desc(), S.id.desc()).limit(limit).offset(offset)
    )
    summaries = list(rows)
    return ConversationPage(decorate(session, summaries), min(total, cap - 1), total < cap)


def decorate(session: Session, summaries: list[ConversationSummary]) -> list[ConversationListItem]:
    """List items with their intents, tags, review mark and filed request."""
    ids = [s.sender_id for s in summaries]
    if not ids:
        return []
    intents: dict[str, list[str]] = defaultdict(list)
    for sid, name in session.execute(
        select(ConversationLabel.sender_id, ConversationLabel.name).where(
            ConversationLabel.sender_id.in_(ids), ConversationLabel.kind == "intent"
        )
    ):
        intents[sid].append(name)
    tags: dict[str, list[str]] = defaultdict(list)
    for sid, tag in session.execute(
        select(ConversationTag.sender_id, ConversationTag.tag)
        .where(ConversationTag.sender_id.in_(ids))
        .order_by(ConversationTag.tag)
    ):
        tags[sid].append(tag)
    reviewed = set(
        session.scalars(
            select(ConversationReview.sender_id).where(ConversationReview.sender_id.in_(ids))
        )
    )
    filed: dict[str, str] = {}
    for sid, reference in session.execute(
        select(Request.conversation_id, Request.reference)
        .where(Request.conversation_id.in_(ids))
        .order_by(Request.id)
    ):
        filed[sid] = reference or ""
    return [
        ConversationListItem(
            sender_id=s.sender_id,
            first_at=at(s.first_at),
            last_at=at(s.last_at),
            user_messages=s.user_messages,
            language=s.language,
            intents=sorted(intents[s.sender_id]),
            min_confidence=s.min_confidence,
            fell_back=s.fell_back,
            handoff=s.handoff,
            request_reference=filed.get(s.sender_id) or s.request_reference,
            reviewed=s.sender_id in reviewed,
            tags=tags[s.sender_id],
            preview=s.preview,
        )
        for s in summaries
    ]


# Distinct names by hopping along the (kind, name) index: one seek per name instead of reading
# the hundreds of thousands of label rows a plain DISTINCT would.
_DISTINCT_NAMES = text(
    """
    WITH RECURSIVE names(name) AS (
        SELECT MIN(name) FROM conversation_labels WHERE kind = :kind
        UNION ALL
        SELECT (
            SELECT MIN(l.name) FROM conversation_labels l
            WHERE l.kind = :kind AND l.name > names.name
        )
        FROM names WHERE names.name IS NOT NULL
    )
    SELECT name FROM names WHERE name IS NOT NULL
    """
)


def known_labels(session: Session, kind: str) -> list[str]:
    """Intent or action names seen so far, for the filter's choices."""
    return [str(n) for n in session.scalars(_DISTINCT_NAMES, {"kind": kind})]


def known_tags(session: Session) -> list[str]:
    """Tags in use, for the filter's choices."""
    return list(
        session.scalars(select(ConversationTag.tag).distinct().order_by(ConversationTag.tag))
    )

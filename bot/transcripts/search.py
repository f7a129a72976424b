"""The conversation list: filters over the summary table, newest activity first, paginated."""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Integer, and_, column, exists, func, select, text
from sqlalchemy.orm import Session

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


def day_start(day: date) -> float:
    """Midnight UTC of `day` as a Rasa timestamp."""
    return datetime.combine(day, time(), UTC).timestamp()


def conditions(session: Session, f: ConversationFilter) -> list[ColumnElement[bool]]:
    """SQL conditions on the summary table for a filter."""
    where: list[ColumnElement[bool]] = []
    if f.date_from:
        where.append(S.last_at >= day_start(f.date_from))
    if f.date_to:
        where.append(S.first_at < day_start(f.date_to + timedelta(days=1)))
    if f.language:
        where.append(S.language == f.language)
    for kind, name in (("intent", f.intent), ("action", f.action)):
        if name:
            where.append(
                S.sender_id.in_(
                    select(ConversationLabel.sender_id).where(
                        ConversationLabel.kind == kind, ConversationLabel.name == name
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
        filed = exists().where(Request.conversation_id == S.sender_id)
        where.append(filed if f.has_request else ~filed)
    if f.reviewed is not None:
        reviewed = exists().where(ConversationReview.sender_id == S.sender_id)
        where.append(reviewed if f.reviewed else ~reviewed)
    if f.tag:
        where.append(
            S.sender_id.in_(select(ConversationTag.sender_id).where(ConversationTag.tag == f.tag))
        )
    if f.q and (words := WORD.findall(f.q)):
        where.append(_text_match(session, words))
    return where


def _text_match(session: Session, words: list[str]) -> ColumnElement[bool]:
    if has_fts(session.connection()):
        # Each word quoted (no FTS syntax from users), all required, the last as a prefix.
        query = " ".join(f'"{w}"' for w in words[:-1]) + f' "{words[-1]}"*'
        matching = text("SELECT rowid FROM conversation_search WHERE conversation_search MATCH :q")
        return S.id.in_(matching.bindparams(q=query.strip()).columns(column("rowid", Integer)))
    return and_(*(S.search_text.ilike(f"%{_escape(w)}%", escape="\\") for w in words))


def _escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(
    session: Session, f: ConversationFilter, *, limit: int = 50, offset: int = 0
) -> tuple[list[ConversationListItem], int]:
    """One page of conversations and the total that match."""
    where = conditions(session, f)
    query = select(S).where(*where)
    total = session.scalar(select(func.count()).select_from(S).where(*where)) or 0
    rows = session.scalars(
        query.order_by(S.last_at.desc(), S.id.desc()).limit(limit).offset(offset)
    )
    summaries = list(rows)
    return decorate(session, summaries), total


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

"""Typed declarative models of the request store."""

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: DateTime(timezone=True), list[str]: JSON}


class RequestStatus(StrEnum):
    NEW = "new"
    TRIAGED = "triaged"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


class Request(Base):
    """A technical-assistance request filed by the assistant."""

    __tablename__ = "requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    # One filing per form run: a retried action call or a second "yes" hits this key.
    submission_key: Mapped[str] = mapped_column(String(200), unique=True)
    conversation_id: Mapped[str] = mapped_column(String(100), index=True)

    member: Mapped[str] = mapped_column(String(120), index=True)
    member_status: Mapped[str] = mapped_column(String(30))
    requester_name: Mapped[str] = mapped_column(String(200))
    institution: Mapped[str] = mapped_column(String(300))
    email: Mapped[str] = mapped_column(String(320), index=True)
    need_area: Mapped[str] = mapped_column(String(20), index=True)
    topics: Mapped[list[str]] = mapped_column(default=list)
    description: Mapped[str] = mapped_column(Text)
    organizations: Mapped[list[str]] = mapped_column(default=list)
    suggested_activity_ids: Mapped[list[str]] = mapped_column(default=list)
    selected_activity_ids: Mapped[list[str]] = mapped_column(default=list)
    language: Mapped[str] = mapped_column(String(5), default="en")
    consent: Mapped[bool]
    timeline: Mapped[str | None] = mapped_column(String(300))
    prior_assistance: Mapped[str | None] = mapped_column(Text)
    expected_outcome: Mapped[str | None] = mapped_column(Text)

    status: Mapped[str] = mapped_column(String(20), default=RequestStatus.NEW, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Set when bot.privacy replaced the delegate's details with placeholders.
    erased_at: Mapped[datetime | None] = mapped_column(default=None)

    # Staff workflow (bot/store/workflow.py): routing chosen, who works on it, how it ended.
    routing: Mapped[str | None] = mapped_column(String(10))
    assigned_organization: Mapped[str | None] = mapped_column(String(10), index=True)
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    outcome: Mapped[str | None] = mapped_column(String(30))
    closed_at: Mapped[datetime | None]
    # What the secretariats actually offered, recorded by staff (None until recorded): with
    # the description, a labelled need from a real delegate (`triage catalogue export-needs`).
    offered_activity_ids: Mapped[list[str] | None] = mapped_column(default=None)


class GatewayReply(Base):
    """The answer already given to a client message, so a resent message is not processed twice."""

    __tablename__ = "gateway_replies"
    __table_args__ = (Index("ix_gateway_replies_created_at", "created_at"),)

    sender_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    client_message_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    # NULL while the first attempt is still being answered.
    body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RateLimitCounter(Base):
    """Hits in one rate-limit window; the bucket names scope, window and a hash of the subject."""

    __tablename__ = "rate_limit_counters"

    bucket: Mapped[str] = mapped_column(String(160), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    # Unix time the window ends; expired rows are deleted now and then.
    expires: Mapped[int] = mapped_column(BigInteger, index=True)


# The staff console's tables (users among them) register on the same metadata.
from bot.store import analyst_models as _analyst_models  # noqa: E402, F401
from bot.store import staff_models as _staff_models  # noqa: E402, F401

"""Tables of the staff console: accounts, sessions, audit log, notes, transcript index and marks."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base, utcnow


class Role(StrEnum):
    STAFF = "staff"
    ANALYST = "analyst"
    ADMIN = "admin"


class User(Base):
    """A person who signs in to the staff console or the analyst workbench."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-case so "Ana" and "ana" are one account.
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    # WHO, WIPO or WTO; required for staff, optional for the other roles.
    organization: Mapped[str | None] = mapped_column(String(10))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]


class UserSession(Base):
    """A signed-in browser. Only a hash of the cookie's token is kept."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class LoginAttempt(Base):
    """One sign-in attempt; keys are hashes, so neither name nor address is stored."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_account_at", "account_key", "at"),
        Index("ix_login_attempts_client_at", "client_key", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(64))
    client_key: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """Who changed what and when (requests, conversations, accounts)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Username, "api-token" or "cli": kept when the account is gone.
    actor: Mapped[str] = mapped_column(String(100))
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(50))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class RequestNote(Base):
    """A staff note on a request."""

    __tablename__ = "request_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConversationSummary(Base):
    """One row per Rasa conversation, rebuilt from its events so the list never scans JSON."""

    __tablename__ = "conversation_summaries"
    __table_args__ = (
        # The list is always newest activity first; each common filter gets its own ordered index.
        Index("ix_conversation_summaries_last_at", "last_at"),
        Index("ix_conversation_summaries_fell_back", "fell_back", "last_at"),
        Index("ix_conversation_summaries_handoff", "handoff", "last_at"),
        Index("ix_conversation_summaries_language", "language", "last_at"),
        Index("ix_conversation_summaries_min_confidence", "min_confidence"),
    )

    # Also the rowid of the conversation's row in the FTS5 table (SQLite).
    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(255), unique=True)
    # Rasa's timestamps: seconds since the epoch, UTC.
    first_at: Mapped[float] = mapped_column(Float)
    last_at: Mapped[float] = mapped_column(Float)
    user_messages: Mapped[int] = mapped_column(Integer, default=0)
    language: Mapped[str | None] = mapped_column(String(5))
    min_confidence: Mapped[float | None] = mapped_column(Float)
    fell_back: Mapped[bool] = mapped_column(Boolean, default=False)
    handoff: Mapped[bool] = mapped_column(Boolean, default=False)
    request_reference: Mapped[str | None] = mapped_column(String(20))
    preview: Mapped[str] = mapped_column(String(200), default="")
    # What the delegate wrote, for LIKE search where FTS5 is not available (empty on SQLite).
    search_text: Mapped[str] = mapped_column(Text, default="")
    last_event_id: Mapped[int] = mapped_column(Integer)


class ConversationLabel(Base):
    """An intent predicted or an action run in a conversation (kind = intent | action)."""

    __tablename__ = "conversation_labels"
    __table_args__ = (Index("ix_conversation_labels_kind_name", "kind", "name", "sender_id"),)

    sender_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(255), primary_key=True)


class IndexState(Base):
    """How far the transcript indexer has read the tracker store."""

    __tablename__ = "transcript_index_state"

    name: Mapped[str] = mapped_column(String(30), primary_key=True)
    last_event_id: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConversationReview(Base):
    """A conversation marked as reviewed."""

    __tablename__ = "conversation_reviews"

    sender_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewer: Mapped[str] = mapped_column(String(100))
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConversationTag(Base):
    """A free tag on a conversation (e.g. "wrong-intent", "good-example")."""

    __tablename__ = "conversation_tags"
    __table_args__ = (Index("ix_conversation_tags_tag", "tag", "sender_id"),)

    sender_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    tag: Mapped[str] = mapped_column(String(40), primary_key=True)
    added_by: Mapped[str] = mapped_column(String(100))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class TurnFlag(Base):
    """A note pinned to one event of a conversation."""

    __tablename__ = "turn_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(255), index=True)
    event_id: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

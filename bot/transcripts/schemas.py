"""Pydantic schemas of transcripts and the conversation list, named by role."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class EntityPublic(BaseModel):
    entity: str
    value: Any
    extractor: str | None = None
    confidence: float | None = None


class UserMessagePublic(BaseModel):
    """What the delegate wrote and what Rasa understood of it."""

    text: str
    intent: str | None
    confidence: float | None
    # When Rasa fell back, the intent it would otherwise have chosen.
    fallback_from: str | None = None
    entities: list[EntityPublic] = Field(default_factory=list)
    language: str | None = None
    is_payload: bool = False


class SlotPublic(BaseModel):
    name: str
    value: Any


class ActionPublic(BaseModel):
    name: str
    policy: str | None = None
    confidence: float | None = None


class ButtonPublic(BaseModel):
    title: str
    payload: str


class BotMessagePublic(BaseModel):
    text: str | None
    response: str | None = None
    buttons: list[ButtonPublic] = Field(default_factory=list)


class FlagPublic(BaseModel):
    id: int
    event_id: int
    note: str
    author: str
    created_at: datetime


class TurnPublic(BaseModel):
    """One delegate message and everything the assistant did until the next one."""

    event_id: int = Field(description="Tracker event id of the user message (or first event).")
    at: datetime
    user: UserMessagePublic | None
    slots: list[SlotPublic] = Field(default_factory=list)
    actions: list[ActionPublic] = Field(default_factory=list)
    bot: list[BotMessagePublic] = Field(default_factory=list)
    session_started: bool = False
    fell_back: bool = False
    flags: list[FlagPublic] = Field(default_factory=list)


class LinkedRequest(BaseModel):
    reference: str
    status: str


class ConversationListItem(BaseModel):
    """A conversation in the list, from the summary table."""

    sender_id: str
    first_at: datetime
    last_at: datetime
    user_messages: int
    language: str | None
    intents: list[str]
    min_confidence: float | None
    fell_back: bool
    handoff: bool
    request_reference: str | None
    reviewed: bool
    tags: list[str]
    preview: str


class ConversationsPublic(BaseModel):
    """A page of conversations, newest activity first."""

    data: list[ConversationListItem]
    count: int
    count_exact: bool = Field(description="False when more than `count` match (count capped).")
    pending_events: int = Field(description="Tracker events not indexed yet (0 when current).")


class ReviewPublic(BaseModel):
    reviewer: str
    reviewed_at: datetime


class TranscriptPublic(BaseModel):
    """A whole conversation with what was understood and done, in time order."""

    sender_id: str
    turns: list[TurnPublic]
    requests: list[LinkedRequest]
    review: ReviewPublic | None
    tags: list[str]

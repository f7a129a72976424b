"""Query and body schemas of the NLU inbox, shared by its pages and its JSON API."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from bot.analyst.inbox import Group, InboxFilter
from bot.web.staff.schemas import _Query

Language = Literal["en", "fr", "es"]
Status = Literal["open", "accepted", "ignored", "exported", "all"]
Action = Literal["accept", "relabel", "annotate", "ignore", "reopen"]
# A group's id as the inbox gives it: its language, then the hash of its normalised text.
GROUP_ID = r"^(en|fr|es)\.[0-9a-f]{64}$"


class InboxQuery(_Query):
    """Filters of the inbox; an HTML form's empty fields mean "any"."""

    intent: str | None = Field(default=None, max_length=64)
    language: Language | None = None
    date_from: date | None = None
    date_to: date | None = None
    min_confidence: float | None = Field(default=None, ge=0, le=1)
    max_confidence: float | None = Field(default=None, ge=0, le=1)
    status: Status = "open"
    q: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _ranges(self) -> "InboxQuery":
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("the start date is after the end date")
        low, high = self.min_confidence, self.max_confidence
        if low is not None and high is not None and low > high:
            raise ValueError("the lowest confidence is above the highest")
        return self

    def to_filter(self) -> InboxFilter:
        return InboxFilter(**self.model_dump(exclude={"page", "per_page"}))


class DecisionIn(BaseModel):
    """One decision applied to one or more groups (the JSON API's body)."""

    model_config = ConfigDict(str_strip_whitespace=True)

    groups: list[Annotated[str, StringConstraints(pattern=GROUP_ID)]] = Field(
        min_length=1, max_length=500
    )
    action: Action
    intent: str | None = Field(default=None, max_length=64)
    example: str | None = Field(default=None, max_length=1000)


class GroupPublic(BaseModel):
    """A group of identical redacted messages as the API shows it."""

    id: str
    text: str
    language: str
    count: int
    conversations: int
    first_at: datetime
    last_at: datetime
    intent: str | None
    confidence: float | None
    fell_back: bool
    entities: list[dict[str, Any]]
    suggested_example: str
    status: str
    decided_intent: str | None = None
    decided_example: str | None = None

    @classmethod
    def of(cls, group: Group) -> "GroupPublic":
        d = group.decision
        return cls(
            id=group.id,
            text=group.text,
            language=group.language,
            count=group.count,
            conversations=group.conversations,
            first_at=group.first_at,
            last_at=group.last_at,
            intent=group.intent,
            confidence=group.confidence,
            fell_back=group.fell_back,
            entities=group.entities,
            suggested_example=group.suggested,
            status=group.status,
            decided_intent=d.intent if d else None,
            decided_example=d.example if d else None,
        )


class InboxPublic(BaseModel):
    data: list[GroupPublic]
    count: int
    messages: int


class DecisionsPublic(BaseModel):
    changed: int
    groups: list[GroupPublic]

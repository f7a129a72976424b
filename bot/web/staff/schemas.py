"""Query and body schemas of the staff console, shared by its pages and its JSON API."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.store.queue import RequestFilter
from bot.store.schemas import RequestPublic
from bot.store.workflow import Outcome
from bot.transcripts.search import ConversationFilter

Language = Literal["en", "fr", "es"]
Org = Literal["WHO", "WIPO", "WTO"]
Routing = Literal["WHO", "WIPO", "WTO", "joint"]
Status = Literal["new", "triaged", "assigned", "in_progress", "closed"]
NeedArea = Literal["vaccines", "medicines", "technologies"]


class _Query(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=50, ge=1, le=200)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_any(cls, data: Any) -> Any:
        # An HTML form sends "" for "any"; treat it as not given.
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v not in ("", None)}
        return data

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


class ConversationQuery(_Query):
    """Filters of the conversation list."""

    date_from: date | None = None
    date_to: date | None = None
    language: Language | None = None
    intent: str | None = Field(default=None, max_length=100)
    action: str | None = Field(default=None, max_length=100)
    max_confidence: float | None = Field(default=None, ge=0, le=1)
    fell_back: bool | None = None
    has_request: bool | None = None
    handoff: bool | None = None
    reviewed: bool | None = None
    tag: str | None = Field(default=None, max_length=40)
    q: str | None = Field(default=None, max_length=200)
    slot: str | None = Field(default=None, max_length=100)

    def to_filter(self) -> ConversationFilter:
        return ConversationFilter(
            **self.model_dump(exclude={"page", "per_page"}),
        )


class RequestQuery(_Query):
    """Filters of the request queue."""

    status: Status | None = None
    organization: Org | None = None
    need_area: NeedArea | None = None
    member: str | None = Field(default=None, max_length=120)
    language: Language | None = None
    date_from: date | None = None
    date_to: date | None = None
    # Ids beyond 2**53 exist nowhere (and 2**63 would overflow the driver); 2**53 is also
    # exact as a JSON number, so clients reading the schema as floats agree on the bound.
    assignee_id: int | None = Field(default=None, ge=1, le=2**53)
    q: str | None = Field(default=None, max_length=200)

    def to_filter(self) -> RequestFilter:
        return RequestFilter(**self.model_dump(exclude={"page", "per_page"}))


class TransitionIn(BaseModel):
    """A status change; assigning names an organization and a person, closing an outcome."""

    model_config = ConfigDict(extra="forbid")

    to: Status
    organization: Org | None = None
    assignee: str | None = Field(default=None, max_length=80, description="Username.")
    outcome: Outcome | None = None


class RoutingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    routing: Routing


class OfferedIn(BaseModel):
    """The catalogue activities the secretariats offered; an empty list means none of them."""

    model_config = ConfigDict(extra="forbid")

    activity_ids: list[Annotated[str, Field(max_length=80)]] = Field(max_length=60)


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=4000)


class TagIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tag: str = Field(min_length=1, max_length=40, pattern=r"^[\w][\w .:-]*$")


class FlagIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event_id: int = Field(ge=1, le=2**53)
    note: str = Field(min_length=1, max_length=2000)


class NotePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    author: str
    body: str
    created_at: datetime


class AuditPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str
    action: str
    details: dict[str, Any]


class StaffMemberPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    username: str
    display_name: str
    organization: str | None
    role: str


class ActivityRef(BaseModel):
    id: str
    title: str
    organizations: list[str]


class RoutingSuggestionPublic(BaseModel):
    routing: str | None
    reasons: list[str]


class RequestStaffPublic(RequestPublic):
    """A request with its workflow state, as staff see it."""

    routing: str | None
    assigned_organization: str | None
    assignee: StaffMemberPublic | None = None
    outcome: str | None
    closed_at: datetime | None
    offered_activity_ids: list[str] | None = None


class RequestDetailPublic(BaseModel):
    """One request with everything the detail page shows."""

    request: RequestStaffPublic
    suggested_routing: RoutingSuggestionPublic
    allowed_next: list[str]
    suggested_activities: list[ActivityRef]
    selected_activities: list[ActivityRef]
    # None until staff record what was offered.
    offered_activities: list[ActivityRef] | None = None
    notes: list[NotePublic]
    history: list[AuditPublic]


class RequestQueuePublic(BaseModel):
    """A page of the queue, with counts per status under the same filters."""

    data: list[RequestStaffPublic]
    count: int
    counts: dict[str, int]

"""Pydantic schemas of the request store, named by role."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

NeedArea = Literal["vaccines", "medicines", "technologies"]
Topic = Literal[
    "intellectual_property",
    "trade",
    "regulation",
    "technology_transfer",
    "local_production",
    "procurement",
]
Organization = Literal["WHO", "WIPO", "WTO", "not_sure"]
MemberStatus = Literal["member", "observer", "accession_candidate"]
Language = Literal["en", "fr", "es"]


class RequestCreate(BaseModel):
    """What the assistant hands to the store when a delegate confirms a request."""

    model_config = ConfigDict(str_strip_whitespace=True)

    submission_key: str = Field(min_length=1, max_length=200)
    conversation_id: str = Field(min_length=1, max_length=100)
    member: str = Field(min_length=1, max_length=120)
    member_status: MemberStatus
    requester_name: str = Field(min_length=1, max_length=200)
    institution: str = Field(min_length=1, max_length=300)
    email: EmailStr
    need_area: NeedArea
    topics: list[Topic] = Field(default_factory=list)
    description: str = Field(min_length=1, max_length=4000)
    organizations: list[Organization] = Field(min_length=1)
    suggested_activity_ids: list[str] = Field(default_factory=list)
    selected_activity_ids: list[str] = Field(default_factory=list)
    language: Language = "en"
    consent: Literal[True]
    timeline: str | None = Field(default=None, max_length=300)
    prior_assistance: str | None = Field(default=None, max_length=2000)
    expected_outcome: str | None = Field(default=None, max_length=2000)

    @field_validator("topics", "organizations", "suggested_activity_ids", "selected_activity_ids")
    @classmethod
    def _unique_in_order(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(values))


class RequestPublic(BaseModel):
    """A filed request as the read API and the CLI show it."""

    model_config = ConfigDict(from_attributes=True)

    reference: str
    conversation_id: str
    member: str
    member_status: str
    requester_name: str
    institution: str
    email: str
    need_area: str
    topics: list[str]
    description: str
    organizations: list[str]
    suggested_activity_ids: list[str]
    selected_activity_ids: list[str]
    language: str
    consent: bool
    timeline: str | None
    prior_assistance: str | None
    expected_outcome: str | None
    status: str
    created_at: datetime
    updated_at: datetime
    erased_at: datetime | None = None


class RequestsPublic(BaseModel):
    """A page of requests."""

    data: list[RequestPublic]
    count: int

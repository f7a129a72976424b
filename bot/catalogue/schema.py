"""Pydantic models for the TA activity catalogue, with strict vocabularies."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

Organization = Literal["WHO", "WIPO", "WTO"]
NeedArea = Literal["vaccines", "medicines", "technologies"]
Topic = Literal[
    "intellectual_property",
    "trade",
    "regulation",
    "technology_transfer",
    "local_production",
    "procurement",
]
Format = Literal[
    "workshop",
    "advisory",
    "training",
    "online_course",
    "database_tool",
    "publication",
    "legislative_assistance",
]
Availability = Literal["open", "past"]
PriorityGroup = Literal["accession_candidate", "ldc"]
Language = Literal["en", "fr", "es"]

ORGANIZATIONS: tuple[Organization, ...] = ("WHO", "WIPO", "WTO")
NEED_AREAS: tuple[NeedArea, ...] = ("vaccines", "medicines", "technologies")
TOPICS: tuple[Topic, ...] = (
    "intellectual_property",
    "trade",
    "regulation",
    "technology_transfer",
    "local_production",
    "procurement",
)
FORMATS: tuple[Format, ...] = (
    "workshop",
    "advisory",
    "training",
    "online_course",
    "database_tool",
    "publication",
    "legislative_assistance",
)
LANGUAGES: tuple[Language, ...] = ("en", "fr", "es")

_KEBAB = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_ISO_DATE = r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$"
_ISO_639_1 = re.compile(r"^[a-z]{2}$")


def _unique(values: tuple[str, ...], what: str) -> tuple[str, ...]:
    if len(set(values)) != len(values):
        raise ValueError(f"duplicate {what}: {list(values)}")
    return values


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class LocalizedLine(_Frozen):
    """A one-line text in English, French and Spanish."""

    en: str = Field(min_length=3)
    fr: str = Field(min_length=3)
    es: str = Field(min_length=3)

    @field_validator("en", "fr", "es")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if "\n" in value:
            raise ValueError("must be a single line")
        return value

    def get(self, language: str) -> str:
        """Return the text in `language`, falling back to English."""
        return str(getattr(self, language, self.en))


class LocalizedParagraph(_Frozen):
    """A paragraph (what an activity is and offers) in English, French and Spanish."""

    en: str = Field(min_length=80, max_length=900)
    fr: str = Field(min_length=80, max_length=900)
    es: str = Field(min_length=80, max_length=900)

    def get(self, language: str) -> str:
        """Return the text in `language`, falling back to English."""
        return str(getattr(self, language, self.en))

    def all_texts(self) -> tuple[str, str, str]:
        """The paragraph in the three languages."""
        return (self.en, self.fr, self.es)


class LocalizedKeywords(_Frozen):
    """Search terms delegates would use, per language."""

    en: tuple[str, ...] = Field(min_length=1)
    fr: tuple[str, ...] = Field(min_length=1)
    es: tuple[str, ...] = Field(min_length=1)

    @field_validator("en", "fr", "es")
    @classmethod
    def _non_empty_terms(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        if any(not term.strip() for term in values):
            raise ValueError("keywords must be non-empty strings")
        return tuple(term.strip() for term in values)

    def all_terms(self) -> tuple[str, ...]:
        """All keywords in the three languages."""
        return self.en + self.fr + self.es


class Activity(_Frozen):
    """One technical-assistance activity offered by WHO, WIPO and/or WTO."""

    id: str = Field(pattern=_KEBAB, max_length=80)
    title: LocalizedLine
    summary: LocalizedLine
    description: LocalizedParagraph
    organizations: tuple[Organization, ...] = Field(min_length=1)
    need_areas: tuple[NeedArea, ...] = Field(min_length=1)
    topics: tuple[Topic, ...] = Field(min_length=1)
    format: Format
    audience: str = Field(min_length=3)
    languages: tuple[str, ...] = Field(min_length=1)
    languages_confirmed: bool
    availability: Availability
    date: str | None = Field(default=None, pattern=_ISO_DATE)
    source_url: HttpUrl
    notes: str | None = None
    priority_groups: tuple[PriorityGroup, ...] = ()
    # WTO statuses the activity is reserved to (the accession programme: acceding governments
    # and observers); empty when any government may use it.
    only_for: tuple[Literal["member", "observer", "accession_candidate"], ...] = ()
    keywords: LocalizedKeywords
    # Proper names and acronyms a delegate may use for the activity itself, any language.
    names: tuple[str, ...] = ()
    # For a past activity: the id of the open activity that replaced it.
    succeeded_by: str | None = Field(default=None, pattern=_KEBAB)

    def open_to(self, status: str | None) -> bool:
        """Whether a government of this WTO status (None: not known yet) may use it."""
        return not (status and self.only_for and status not in self.only_for)

    @field_validator("organizations", "need_areas", "topics", "priority_groups", "only_for")
    @classmethod
    def _no_duplicates(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return _unique(values, "values")

    @field_validator("names")
    @classmethod
    def _non_empty_names(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        if any(len(name.strip()) < 3 for name in values):
            raise ValueError("names must have at least 3 characters")
        return _unique(tuple(name.strip() for name in values), "names")

    @field_validator("languages")
    @classmethod
    def _iso_languages(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for code in values:
            if not _ISO_639_1.match(code):
                raise ValueError(f"not an ISO 639-1 code: {code!r}")
        return _unique(values, "languages")

    @model_validator(mode="after")
    def _past_needs_date(self) -> Activity:
        if self.availability == "past" and not self.date:
            raise ValueError("a past activity must have a date")
        if self.succeeded_by is not None and self.availability != "past":
            raise ValueError("only a past activity can be succeeded_by another")
        return self

    @property
    def is_open(self) -> bool:
        """True when the activity can be requested or used now."""
        return self.availability == "open"


class Catalogue(_Frozen):
    """The whole catalogue: a versioned list of activities with unique ids."""

    schema_version: int = Field(ge=1)
    activities: tuple[Activity, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Catalogue:
        seen: set[str] = set()
        for activity in self.activities:
            if activity.id in seen:
                raise ValueError(f"duplicate activity id: {activity.id}")
            seen.add(activity.id)
        return self

    @model_validator(mode="after")
    def _successors_are_open(self) -> Catalogue:
        for activity in self.activities:
            if activity.succeeded_by is None:
                continue
            successor = self.get(activity.succeeded_by)
            if successor is None or not successor.is_open:
                raise ValueError(
                    f"{activity.id}: succeeded_by {activity.succeeded_by!r} "
                    "is not an open activity of the catalogue"
                )
        return self

    def get(self, activity_id: str) -> Activity | None:
        """Return the activity with this id, or None."""
        return next((a for a in self.activities if a.id == activity_id), None)

    @property
    def ids(self) -> tuple[str, ...]:
        """Activity ids in catalogue order."""
        return tuple(a.id for a in self.activities)

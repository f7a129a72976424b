"""Public read API of the catalogue of activities."""

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel

from bot.catalogue.loader import get_catalogue
from bot.catalogue.ranking import search
from bot.catalogue.schema import FORMATS, NEED_AREAS, ORGANIZATIONS, TOPICS, Activity

router = APIRouter(prefix="/api/catalogue", tags=["catalogue"])

Language = Literal["en", "fr", "es"]


class ActivityPublic(BaseModel):
    """An activity with its title, summary and description in the requested language."""

    id: str
    title: str
    summary: str
    description: str
    organizations: list[str]
    need_areas: list[str]
    topics: list[str]
    format: str
    audience: str
    languages: list[str]
    availability: str
    date: str | None
    source_url: str

    @classmethod
    def of(cls, a: Activity, language: str) -> "ActivityPublic":
        return cls(
            id=a.id,
            title=a.title.get(language),
            summary=a.summary.get(language),
            description=a.description.get(language),
            organizations=list(a.organizations),
            need_areas=list(a.need_areas),
            topics=list(a.topics),
            format=a.format,
            audience=a.audience,
            languages=list(a.languages),
            availability=a.availability,
            date=a.date,
            source_url=str(a.source_url),
        )


class ActivitiesPublic(BaseModel):
    data: list[ActivityPublic]
    count: int


def _one_of(values: tuple[str, ...]) -> str:
    return "^(" + "|".join(values) + ")$"


@router.get("", response_model=ActivitiesPublic)
def list_activities(
    need_area: Annotated[str | None, Query(pattern=_one_of(NEED_AREAS))] = None,
    topic: Annotated[str | None, Query(pattern=_one_of(TOPICS))] = None,
    organization: Annotated[str | None, Query(pattern=_one_of(ORGANIZATIONS))] = None,
    format: Annotated[str | None, Query(pattern=_one_of(tuple(FORMATS)))] = None,
    q: Annotated[str, Query(max_length=200)] = "",
    language: Language = "en",
    include_past: bool = True,
) -> ActivitiesPublic:
    """Activities matching the filters; with `q`, ranked by relevance to the words."""
    found = search(
        q,
        need_area=need_area,
        topic=topic,
        organization=organization,
        format=format,
        language=language,
        include_past=include_past,
    )
    return ActivitiesPublic(data=[ActivityPublic.of(a, language) for a in found], count=len(found))


@router.get(
    "/{activity_id}",
    response_model=ActivityPublic,
    responses={404: {"description": "No such activity"}},
)
def get_activity(activity_id: str, language: Language = "en") -> ActivityPublic:
    """One activity by its id."""
    activity = get_catalogue().get(activity_id)
    if activity is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"No activity {activity_id!r}.")
    return ActivityPublic.of(activity, language)

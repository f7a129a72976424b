"""Read API for filed requests, for machine clients with the bearer token."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, status

from bot.store import crud
from bot.store.models import RequestStatus
from bot.store.schemas import RequestPublic, RequestsPublic
from bot.web.deps import ApiClient, SessionDep

router = APIRouter(
    prefix="/api/requests",
    tags=["requests"],
    dependencies=[ApiClient],
    responses={401: {"description": "Missing or wrong bearer token"}},
)


@router.get("", response_model=RequestsPublic)
def list_requests(
    session: SessionDep,
    conversation_id: Annotated[str | None, Query(max_length=100)] = None,
    status_: Annotated[RequestStatus | None, Query(alias="status")] = None,
    member: Annotated[str | None, Query(max_length=120)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> RequestsPublic:
    """List filed requests, newest first."""
    rows, total = crud.list_requests(
        session,
        conversation_id=conversation_id,
        status=status_.value if status_ else None,
        member=member,
        limit=limit,
        offset=offset,
    )
    return RequestsPublic(data=[RequestPublic.model_validate(r) for r in rows], count=total)


@router.get(
    "/{reference}",
    response_model=RequestPublic,
    responses={404: {"description": "No such request"}},
)
def get_request(
    reference: Annotated[str, Path(max_length=40)], session: SessionDep
) -> RequestPublic:
    """One filed request by its reference."""
    request = crud.get_by_reference(session, reference)
    if request is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"No request {reference!r}.")
    return RequestPublic.model_validate(request)

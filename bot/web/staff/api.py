"""JSON API of the staff console: a signed-in staff account or the machine bearer token.

Changes made with a session cookie need the session's CSRF token in X-CSRF-Token.
"""

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Response, status
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.auth import users
from bot.auth.deps import CsrfChecked, StaffClient
from bot.store import crud, queue
from bot.store.models import Request
from bot.store.staff_models import ConversationTag, Role
from bot.store.workflow import WorkflowError, add_note, record_offered, set_routing
from bot.transcripts.schemas import ConversationsPublic, FlagPublic, TranscriptPublic
from bot.transcripts.search import search
from bot.web.deps import SessionDep
from bot.web.staff import service
from bot.web.staff.deps import IndexerDep, TrackerDep, actor_of, catch_up
from bot.web.staff.schemas import (
    ConversationQuery,
    FlagIn,
    NoteIn,
    NotePublic,
    OfferedIn,
    RequestDetailPublic,
    RequestQuery,
    RequestQueuePublic,
    RoutingIn,
    StaffMemberPublic,
    TagIn,
    TransitionIn,
)

router = APIRouter(
    prefix="/api/staff",
    tags=["staff"],
    responses={
        401: {"description": "Not signed in and no valid bearer token."},
        403: {"description": "Not a staff account, or a change without the CSRF token."},
    },
)
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such request."}}
REFUSED: dict[int | str, dict[str, Any]] = NOT_FOUND | {
    409: {"description": "The change is not allowed now; the detail says why."}
}


def _request(session: Session, reference: str, *, lock: bool = False) -> Request:
    if lock:
        found = service.locked_request(session, reference)
    else:
        found = crud.get_by_reference(session, reference)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"No request {reference!r}.")
    return found


@router.get("/conversations", response_model=ConversationsPublic)
def list_conversations(
    who: StaffClient,
    session: SessionDep,
    indexer: IndexerDep,
    query: Annotated[ConversationQuery, Query()],
) -> ConversationsPublic:
    """Conversations matching the filters, newest activity first."""
    pending = catch_up(indexer, session)
    found = search(session, query.to_filter(), limit=query.per_page, offset=query.offset)
    return ConversationsPublic(
        data=found.rows, count=found.total, count_exact=found.exact, pending_events=pending
    )


@router.get(
    "/conversations/{sender_id}",
    response_model=TranscriptPublic,
    responses={404: {"description": "No such conversation."}},
)
def get_conversation(
    sender_id: str, who: StaffClient, session: SessionDep, engine: TrackerDep
) -> TranscriptPublic:
    """One conversation, every turn in time order, read from the tracker store."""
    found = service.read_transcript(session, engine, sender_id)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such conversation.")
    return found


@router.put("/conversations/{sender_id}/review", status_code=204, dependencies=[CsrfChecked])
def mark_reviewed(sender_id: str, who: StaffClient, session: SessionDep) -> Response:
    """Mark a conversation as reviewed."""
    service.set_reviewed(service.writing(session), sender_id, True, actor_of(who))
    session.commit()
    return Response(status_code=204)


@router.delete("/conversations/{sender_id}/review", status_code=204, dependencies=[CsrfChecked])
def unmark_reviewed(sender_id: str, who: StaffClient, session: SessionDep) -> Response:
    """Take the reviewed mark off a conversation."""
    service.set_reviewed(service.writing(session), sender_id, False, actor_of(who))
    session.commit()
    return Response(status_code=204)


@router.post(
    "/conversations/{sender_id}/tags", response_model=list[str], dependencies=[CsrfChecked]
)
def tag_conversation(
    sender_id: str, body: TagIn, who: StaffClient, session: SessionDep
) -> list[str]:
    """Add a tag; returns the conversation's tags."""
    service.add_tag(service.writing(session), sender_id, body.tag, actor_of(who))
    session.commit()
    return _tags(session, sender_id)


@router.delete(
    "/conversations/{sender_id}/tags/{tag}", response_model=list[str], dependencies=[CsrfChecked]
)
def untag_conversation(
    sender_id: str, tag: str, who: StaffClient, session: SessionDep
) -> list[str]:
    """Remove a tag; returns the conversation's tags."""
    service.remove_tag(service.writing(session), sender_id, tag, actor_of(who))
    session.commit()
    return _tags(session, sender_id)


def _tags(session: Session, sender_id: str) -> list[str]:
    return list(
        session.scalars(
            select(ConversationTag.tag)
            .where(ConversationTag.sender_id == sender_id)
            .order_by(ConversationTag.tag)
        )
    )


@router.post(
    "/conversations/{sender_id}/flags",
    response_model=FlagPublic,
    status_code=201,
    dependencies=[CsrfChecked],
    responses={404: {"description": "No such event in this conversation."}},
)
def flag_turn(
    sender_id: str, body: FlagIn, who: StaffClient, session: SessionDep, engine: TrackerDep
) -> FlagPublic:
    """Pin a note to one event (turn) of the conversation."""
    try:
        flag = service.add_flag(
            service.writing(session), engine, sender_id, body.event_id, body.note, actor_of(who)
        )
    except WorkflowError as exc:
        # The event is addressed through the conversation's URL: not in it means not found.
        raise HTTPException(404, str(exc)) from exc
    session.commit()
    return FlagPublic.model_validate(flag, from_attributes=True)


@router.get("/requests", response_model=RequestQueuePublic)
def list_requests(
    who: StaffClient, session: SessionDep, query: Annotated[RequestQuery, Query()]
) -> RequestQueuePublic:
    """Requests matching the filters, newest first, with counts per status."""
    rows, total, counts = queue.page(
        session, query.to_filter(), limit=query.per_page, offset=query.offset
    )
    names = service.users_by_id(session, [r.assignee_id for r in rows])
    return RequestQueuePublic(
        data=[service.staff_view(r, names) for r in rows], count=total, counts=counts
    )


@router.get(
    "/requests/export.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "The filtered list as CSV."}},
)
def export_requests(
    who: StaffClient, session: SessionDep, query: Annotated[RequestQuery, Query()]
) -> StreamingResponse:
    """The filtered list as CSV (every matching row, not one page)."""
    return StreamingResponse(
        queue.csv_rows(session, query.to_filter()),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="requests.csv"'},
    )


@router.get("/requests/{reference}", response_model=RequestDetailPublic, responses=NOT_FOUND)
def get_request(reference: str, who: StaffClient, session: SessionDep) -> RequestDetailPublic:
    """One request with routing suggestion, allowed next steps, notes and history."""
    return service.request_detail(session, _request(session, reference))


@router.post(
    "/requests/{reference}/transition",
    response_model=RequestDetailPublic,
    dependencies=[CsrfChecked],
    responses=REFUSED,
)
def change_status(
    reference: str, body: TransitionIn, who: StaffClient, session: SessionDep
) -> RequestDetailPublic:
    """Move a request along the workflow; a step that is not allowed gets a 409 and the reason."""
    request = _request(service.writing(session), reference, lock=True)
    try:
        service.apply_transition(session, request, body, actor_of(who))
    except WorkflowError as exc:
        session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    session.commit()
    return service.request_detail(session, request)


@router.put(
    "/requests/{reference}/routing",
    response_model=RequestDetailPublic,
    dependencies=[CsrfChecked],
    responses=REFUSED,
)
def choose_routing(
    reference: str, body: RoutingIn, who: StaffClient, session: SessionDep
) -> RequestDetailPublic:
    """Accept the suggested routing or override it."""
    request = _request(service.writing(session), reference, lock=True)
    try:
        set_routing(session, request, body.routing, actor_of(who))
    except WorkflowError as exc:
        session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    session.commit()
    return service.request_detail(session, request)


@router.put(
    "/requests/{reference}/offered",
    response_model=RequestDetailPublic,
    dependencies=[CsrfChecked],
    responses=NOT_FOUND | {422: {"description": "An id that is not in the catalogue."}},
)
def record_offered_activities(
    reference: str, body: OfferedIn, who: StaffClient, session: SessionDep
) -> RequestDetailPublic:
    """Record the catalogue activities the secretariats offered (an empty list: none of them).
    With the description, this is a labelled need from a real delegate."""
    request = _request(service.writing(session), reference, lock=True)
    try:
        record_offered(session, request, body.activity_ids, service.catalogue_ids(), actor_of(who))
    except WorkflowError as exc:
        session.rollback()
        raise HTTPException(422, str(exc)) from exc
    session.commit()
    return service.request_detail(session, request)


@router.post(
    "/requests/{reference}/notes",
    response_model=NotePublic,
    status_code=201,
    dependencies=[CsrfChecked],
    responses=NOT_FOUND,
)
def note_request(reference: str, body: NoteIn, who: StaffClient, session: SessionDep) -> NotePublic:
    """Add a note to a request."""
    request = _request(service.writing(session), reference)
    try:
        note = add_note(session, request, body.body, actor_of(who))
    except WorkflowError as exc:
        session.rollback()
        raise HTTPException(422, str(exc)) from exc
    session.commit()
    return NotePublic.model_validate(note)


@router.get("/staff-members", response_model=list[StaffMemberPublic])
def staff_members(
    who: StaffClient, session: SessionDep, organization: str | None = None
) -> list[StaffMemberPublic]:
    """People a request can be assigned to."""
    return [
        StaffMemberPublic.model_validate(u)
        for u in users.assignable_staff(session, organization)
        if u.role in (Role.STAFF.value, Role.ADMIN.value)
    ]

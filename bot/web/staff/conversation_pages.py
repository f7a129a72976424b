"""Staff pages for conversations: the filtered list and the transcript with its marks."""

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from bot.auth.deps import StaffForm, StaffUser
from bot.store.workflow import WorkflowError
from bot.transcripts import search as conversations
from bot.web.deps import SessionDep
from bot.web.staff import service
from bot.web.staff.deps import IndexerDep, TrackerDep, actor_of, catch_up
from bot.web.staff.schemas import ConversationQuery, TagIn
from bot.web.staff.templating import templates

router = APIRouter(prefix="/staff/conversations", include_in_schema=False)

ACTIONS_OF_INTEREST = (
    "action_default_fallback",
    "action_handle_unclear",
    "utter_default",
    "action_handoff",
    "action_submit_request",
    "action_check_status",
)


def _errors(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(map(str, e['loc'])) or 'filter'}: {e['msg']}" for e in exc.errors()
    )


@router.get("", response_class=HTMLResponse)
def conversation_list(
    request: Request, current: StaffUser, session: SessionDep, indexer: IndexerDep
) -> HTMLResponse:
    """Conversations matching the filters, newest activity first."""
    params = dict(request.query_params)
    error, code = None, 200
    try:
        query = ConversationQuery.model_validate(params)
    except ValidationError as exc:
        error, code, query = _errors(exc), 422, ConversationQuery()
    pending = catch_up(indexer, session)
    rows, total, exact = conversations.search(
        session, query.to_filter(), limit=query.per_page, offset=query.offset
    )
    partial = request.headers.get("HX-Request") == "true" and not request.headers.get("HX-Boosted")
    context = {
        "current": current,
        "section": "conversations",
        "rows": rows,
        "total": total,
        "exact": exact,
        "query": query,
        "params": params,
        "pending": pending,
        "error": error,
        "intents": conversations.known_labels(session, "intent"),
        "actions": sorted(
            set(conversations.known_labels(session, "action")) | set(ACTIONS_OF_INTEREST)
        ),
        "tags": conversations.known_tags(session),
    }
    name = "_conversation_results.html" if partial else "conversations.html"
    return templates.TemplateResponse(request, name, context, status_code=code)


def _back(sender_id: str, anchor: str = "") -> Response:
    return RedirectResponse(
        f"/staff/conversations/{quote(sender_id, safe='')}{anchor}", status.HTTP_303_SEE_OTHER
    )


@router.get("/{sender_id}", response_class=HTMLResponse)
def conversation_page(
    request: Request, sender_id: str, current: StaffUser, session: SessionDep, engine: TrackerDep
) -> HTMLResponse:
    """One transcript: every turn, what was understood, what the assistant did."""
    found = service.read_transcript(session, engine, sender_id)
    if found is None:
        return templates.TemplateResponse(
            request,
            "error.html",
            {"current": current, "message": "There is no conversation with this id."},
            status_code=404,
        )
    return templates.TemplateResponse(
        request,
        "conversation.html",
        {
            "current": current,
            "section": "conversations",
            "t": found,
            "back": request.headers.get("referer", ""),
        },
    )


@router.post("/{sender_id}/review")
def review(
    sender_id: str,
    current: StaffForm,
    session: SessionDep,
    reviewed: Annotated[str, Form()] = "1",
) -> Response:
    """Mark (or unmark) the conversation as reviewed."""
    service.set_reviewed(service.writing(session), sender_id, reviewed == "1", actor_of(current))
    session.commit()
    return _back(sender_id)


@router.post("/{sender_id}/tags")
def tag(
    request: Request,
    sender_id: str,
    current: StaffForm,
    session: SessionDep,
    engine: TrackerDep,
    tag: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Add a tag to the conversation."""
    try:
        valid = TagIn(tag=tag)
    except ValidationError:
        return _transcript_error(
            request,
            session,
            engine,
            current,
            sender_id,
            "A tag has 1–40 letters, digits, spaces, dots, colons or dashes.",
        )
    service.add_tag(service.writing(session), sender_id, valid.tag, actor_of(current))
    session.commit()
    return _back(sender_id)


@router.post("/{sender_id}/tags/remove")
def untag(
    sender_id: str,
    current: StaffForm,
    session: SessionDep,
    tag: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Remove a tag from the conversation."""
    service.remove_tag(service.writing(session), sender_id, tag, actor_of(current))
    session.commit()
    return _back(sender_id)


@router.post("/{sender_id}/flags")
def flag(
    request: Request,
    sender_id: str,
    current: StaffForm,
    session: SessionDep,
    engine: TrackerDep,
    event_id: Annotated[int, Form(ge=1)],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Pin a note to one turn."""
    if not note.strip():
        return _transcript_error(
            request, session, engine, current, sender_id, "Write a note to flag a turn."
        )
    try:
        service.add_flag(
            service.writing(session), engine, sender_id, event_id, note, actor_of(current)
        )
    except WorkflowError as exc:
        session.rollback()
        return _transcript_error(request, session, engine, current, sender_id, str(exc))
    session.commit()
    return _back(sender_id, f"#turn-{event_id}")


def _transcript_error(
    request: Request,
    session: SessionDep,
    engine: TrackerDep,
    current: StaffUser,
    sender_id: str,
    message: str,
) -> Response:
    found = service.read_transcript(session, engine, sender_id)
    if found is None:
        return templates.TemplateResponse(
            request, "error.html", {"current": current, "message": "No such conversation."}, 404
        )
    return templates.TemplateResponse(
        request,
        "conversation.html",
        {"current": current, "section": "conversations", "t": found, "error": message},
        status_code=422,
    )

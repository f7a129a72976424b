"""Staff pages for the request queue: list with counts, CSV export, detail with the workflow."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from pydantic import ValidationError

from bot.auth import users
from bot.auth.deps import StaffForm, StaffUser
from bot.auth.sessions import Current
from bot.store import crud, queue
from bot.store.workflow import Outcome, WorkflowError, add_note, record_offered, set_routing
from bot.web.deps import SessionDep
from bot.web.staff import service
from bot.web.staff.deps import actor_of
from bot.web.staff.schemas import RequestQuery, RoutingIn, TransitionIn
from bot.web.staff.templating import templates

router = APIRouter(prefix="/staff/requests", include_in_schema=False)

DONE = {
    "triaged": "Marked as triaged.",
    "assigned": "Assigned.",
    "in_progress": "Work started.",
    "closed": "Closed.",
    "routing": "Routing saved.",
    "note": "Note added.",
    "offered": "Offered activities saved.",
}


def _errors(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'form'}: {e['msg']}" for e in exc.errors())


@router.get("", response_class=HTMLResponse)
def request_list(request: Request, current: StaffUser, session: SessionDep) -> HTMLResponse:
    """The queue: filters, counts per status, newest first."""
    params = dict(request.query_params)
    error, code = None, 200
    try:
        query = RequestQuery.model_validate(params)
    except ValidationError as exc:
        error, code, query = _errors(exc), 422, RequestQuery()
    rows, total, counts = queue.page(
        session, query.to_filter(), limit=query.per_page, offset=query.offset
    )
    context = {
        "current": current,
        "section": "requests",
        "rows": rows,
        "names": queue.assignee_names(session, (r.assignee_id for r in rows)),
        "total": total,
        "counts": counts,
        "query": query,
        "params": params,
        "members": queue.members(session),
        "error": error,
    }
    partial = request.headers.get("HX-Request") == "true"
    name = "_request_results.html" if partial else "requests.html"
    return templates.TemplateResponse(request, name, context, status_code=code)


@router.get("/export.csv")
def export(request: Request, current: StaffUser, session: SessionDep) -> Response:
    """The filtered list as a CSV file."""
    try:
        query = RequestQuery.model_validate(dict(request.query_params))
    except ValidationError as exc:
        return Response(_errors(exc), status_code=422, media_type="text/plain")
    return StreamingResponse(
        queue.csv_rows(session, query.to_filter()),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="requests.csv"'},
    )


def _detail(
    request: Request,
    session: SessionDep,
    current: Current,
    reference: str,
    *,
    error: str | None = None,
    code: int = 200,
) -> Response:
    found = crud.get_by_reference(session, reference)
    if found is None:
        return templates.TemplateResponse(
            request, "error.html", {"current": current, "message": f"No request {reference}."}, 404
        )
    detail = service.request_detail(session, found)
    context: dict[str, Any] = {
        "current": current,
        "section": "requests",
        "d": detail,
        "r": detail.request,
        "staff": users.assignable_staff(session),
        "outcomes": [o.value for o in Outcome],
        "choices": service.catalogue_choices(),
        "error": error,
        "done": DONE.get(request.query_params.get("done", "")),
    }
    return templates.TemplateResponse(request, "request.html", context, status_code=code)


@router.get("/{reference}", response_class=HTMLResponse)
def request_page(
    request: Request, reference: str, current: StaffUser, session: SessionDep
) -> Response:
    """One request: every field, activities, routing, workflow, notes, history."""
    return _detail(request, session, current, reference)


def _saved(reference: str, done: str) -> Response:
    return RedirectResponse(f"/staff/requests/{reference}?done={done}", status.HTTP_303_SEE_OTHER)


@router.post("/{reference}/transition")
def change_status(
    request: Request,
    reference: str,
    current: StaffForm,
    session: SessionDep,
    to: Annotated[str, Form()] = "",
    organization: Annotated[str, Form()] = "",
    assignee: Annotated[str, Form()] = "",
    outcome: Annotated[str, Form()] = "",
) -> Response:
    """Move the request along the workflow; a refused step shows the reason."""
    fields = {"to": to, "organization": organization, "assignee": assignee, "outcome": outcome}
    try:
        body = TransitionIn.model_validate({k: v for k, v in fields.items() if v})
    except ValidationError as exc:
        return _detail(request, session, current, reference, error=_errors(exc), code=422)
    found = service.locked_request(service.writing(session), reference)
    if found is None:
        return _detail(request, session, current, reference)
    try:
        service.apply_transition(session, found, body, actor_of(current))
    except WorkflowError as exc:
        session.rollback()
        return _detail(request, session, current, reference, error=str(exc), code=409)
    session.commit()
    return _saved(found.reference or reference, body.to)


@router.post("/{reference}/routing")
def choose_routing(
    request: Request,
    reference: str,
    current: StaffForm,
    session: SessionDep,
    routing: Annotated[str, Form()] = "",
) -> Response:
    """Accept the suggested routing or override it."""
    try:
        body = RoutingIn(routing=routing)  # type: ignore[arg-type]
    except ValidationError:
        return _detail(
            request,
            session,
            current,
            reference,
            code=422,
            error="Choose WHO, WIPO, WTO or joint.",
        )
    found = service.locked_request(service.writing(session), reference)
    if found is None:
        return _detail(request, session, current, reference)
    try:
        set_routing(session, found, body.routing, actor_of(current))
    except WorkflowError as exc:
        session.rollback()
        return _detail(request, session, current, reference, error=str(exc), code=409)
    session.commit()
    return _saved(found.reference or reference, "routing")


@router.post("/{reference}/notes")
def note(
    request: Request,
    reference: str,
    current: StaffForm,
    session: SessionDep,
    body: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Add a note."""
    found = crud.get_by_reference(service.writing(session), reference)
    if found is None:
        return _detail(request, session, current, reference)
    try:
        add_note(session, found, body, actor_of(current))
    except WorkflowError as exc:
        session.rollback()
        return _detail(request, session, current, reference, error=str(exc), code=422)
    session.commit()
    return _saved(found.reference or reference, "note")


@router.post("/{reference}/offered")
def offered(
    request: Request,
    reference: str,
    current: StaffForm,
    session: SessionDep,
    activity: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Record which catalogue activities were offered (none ticked: none of them)."""
    found = service.locked_request(service.writing(session), reference)
    if found is None:
        return _detail(request, session, current, reference)
    try:
        record_offered(session, found, activity or [], service.catalogue_ids(), actor_of(current))
    except WorkflowError as exc:
        session.rollback()
        return _detail(request, session, current, reference, error=str(exc), code=422)
    session.commit()
    return _saved(found.reference or reference, "offered")

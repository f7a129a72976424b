"""Analyst pages and API of the NLU inbox and the export into the training data."""

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from bot.analyst import export as exporter
from bot.analyst.inbox import (
    Actor,
    DecisionError,
    Group,
    check_example,
    decide,
    find_groups,
    inbox,
    known_entities,
    known_intents,
    parse_group_id,
    reopen,
)
from bot.analyst.schemas import (
    DecisionIn,
    DecisionsPublic,
    GroupPublic,
    InboxPublic,
    InboxQuery,
)
from bot.auth.deps import AnalystClient, AnalystForm, AnalystUser, CsrfChecked
from bot.auth.sessions import Current
from bot.settings import Settings
from bot.store import audit
from bot.store.analyst_models import Verdict
from bot.web.deps import SessionDep, SettingsDep
from bot.web.staff import service
from bot.web.staff.deps import TrackerDep
from bot.web.staff.templating import templates

router = APIRouter(prefix="/analyst", include_in_schema=False)
api = APIRouter(prefix="/api/analyst", tags=["analyst"])

BULK_LIMIT = 500


def _errors(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(map(str, e['loc'])) or 'filter'}: {e['msg']}".replace("Value error, ", "")
        for e in exc.errors()
    )


def _actor(current: Current | None, label: str = "api-token") -> Actor:
    if current is None:
        return Actor(label, None)
    return Actor(current.user.username, current.user.id)


@dataclass
class Outcome:
    changed: list[Group]


def apply(
    session: Session,
    engine: Any,
    settings: Settings,
    ids: list[str],
    action: str,
    actor: Actor,
    intent: str | None = None,
    example: str | None = None,
) -> Outcome:
    """Apply one action to the groups `ids` in the caller's transaction (all or nothing)."""
    ids = list(dict.fromkeys(i for i in ids if i))
    if not ids:
        raise DecisionError("Select at least one message.")
    if len(ids) > BULK_LIMIT:
        raise DecisionError(f"Select at most {BULK_LIMIT} messages at once.")
    if any(parse_group_id(i) is None for i in ids):
        raise DecisionError("A selected message is not in the inbox.")
    found = find_groups(session, engine, settings.nlu_data_dir, ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise DecisionError(f"{len(missing)} selected message(s) are no longer in the inbox.")
    groups = [found[i] for i in ids]
    intent = (intent or "").strip() or None
    example = (example or "").strip() or None
    if action == "relabel" and not intent:
        raise DecisionError("Give the intent these messages should have.")
    if action == "annotate":
        if len(groups) != 1:
            raise DecisionError("Mark entities on one message at a time.")
        if not example:
            raise DecisionError("Write the example with its entities marked.")
        example = check_example(example, groups[0], known_entities(settings.domain_dir))
    for group in groups:
        before = group.status
        if action == "reopen":
            reopen(session, group)
        elif action == "ignore":
            decide(session, group, Verdict.IGNORED, actor)
        elif action == "accept":
            decide(session, group, Verdict.ACCEPTED, actor)
        elif action == "relabel":
            decide(session, group, Verdict.ACCEPTED, actor, intent=intent)
        elif action == "annotate":
            decide(session, group, Verdict.ACCEPTED, actor, intent=intent, example=example)
        else:
            raise DecisionError("Choose an action.")
        audit.record(
            session,
            actor.name,
            "nlu_inbox",
            group.id[:255],
            action,
            {"from": before, "intent": group.decision.intent if group.decision else None},
            actor_id=actor.user_id,
        )
    return Outcome(groups)


# --- pages -----------------------------------------------------------------------------------


def _inbox_context(
    request: Request,
    current: Current,
    session: Session,
    engine: Any,
    settings: Settings,
    params: dict[str, str],
) -> tuple[dict[str, Any], int]:
    error, code = None, 200
    try:
        query = InboxQuery.model_validate(params)
    except ValidationError as exc:
        error, code, query = _errors(exc), 422, InboxQuery()
    page = inbox(
        session,
        engine,
        settings.nlu_data_dir,
        query.to_filter(),
        limit=query.per_page,
        offset=query.offset,
    )
    filters = {k: v for k, v in params.items() if k not in ("done", "page")}
    known = known_intents(settings.nlu_data_dir, settings.domain_dir)
    return {
        "current": current,
        "section": "analyst",
        "query": query,
        "params": params,
        "back": urlencode(filters),
        "inbox": page,
        "error": error,
        "done": params.get("done"),
        "intents": sorted(set(page.intents) | set(known)),
    }, code


@router.get("/inbox", response_class=HTMLResponse)
def inbox_page(
    request: Request,
    current: AnalystUser,
    session: SessionDep,
    engine: TrackerDep,
    settings: SettingsDep,
) -> HTMLResponse:
    """Delegates' messages that are not training data yet, least confident first."""
    context, code = _inbox_context(
        request, current, session, engine, settings, dict(request.query_params)
    )
    return templates.TemplateResponse(request, "inbox.html", context, status_code=code)


@router.get("/inbox/group/{group_id}", response_class=HTMLResponse)
def group_page(
    request: Request,
    group_id: str,
    current: AnalystUser,
    session: SessionDep,
    engine: TrackerDep,
    settings: SettingsDep,
) -> HTMLResponse:
    """One group of identical messages: relabel it or mark its entities."""
    group = find_groups(session, engine, settings.nlu_data_dir, [group_id]).get(group_id)
    if group is None:
        return templates.TemplateResponse(
            request,
            "error.html",
            {"current": current, "message": "This message is not in the inbox."},
            status_code=404,
        )
    return _group_response(request, current, settings, group, request.query_params.get("back", ""))


def _group_response(
    request: Request,
    current: Current,
    settings: Settings,
    group: Group,
    back: str,
    error: str | None = None,
    example: str | None = None,
    intent: str | None = None,
) -> HTMLResponse:
    decision = group.decision
    return templates.TemplateResponse(
        request,
        "inbox_group.html",
        {
            "current": current,
            "section": "analyst",
            "g": group,
            "back": back,
            "error": error,
            "example": example
            or (decision.example if decision and decision.example else None)
            or group.suggested,
            "intent": intent
            or (decision.intent if decision and decision.intent else None)
            or group.intent
            or "",
            "intents": known_intents(settings.nlu_data_dir, settings.domain_dir),
            "entities": known_entities(settings.domain_dir),
        },
        status_code=422 if error else 200,
    )


@router.post("/inbox/decide")
def decide_form(
    request: Request,
    current: AnalystForm,
    session: SessionDep,
    engine: TrackerDep,
    settings: SettingsDep,
    group: Annotated[list[str] | None, Form(max_length=BULK_LIMIT + 1)] = None,
    row: Annotated[str, Form(max_length=100)] = "",
    action: Annotated[str, Form(max_length=20)] = "",
    intent: Annotated[str, Form(max_length=100)] = "",
    example: Annotated[str, Form(max_length=2000)] = "",
    back: Annotated[str, Form(max_length=2000)] = "",
    origin: Annotated[str, Form(max_length=10)] = "list",
) -> Response:
    """Accept, relabel, annotate, ignore or reopen the selected messages (one or many)."""
    ids = list(group or [])
    if row:
        # A row's own button: "accept:<group id>" acts on that row only.
        action, _, only = row.partition(":")
        ids = [only]
    session = service.writing(session)
    try:
        outcome = apply(
            session, engine, settings, ids, action, _actor(current), intent=intent, example=example
        )
    except DecisionError as exc:
        session.rollback()
        if origin == "group" and len(ids) == 1:
            found = find_groups(session, engine, settings.nlu_data_dir, ids).get(ids[0])
            if found is not None:
                return _group_response(
                    request, current, settings, found, back, str(exc), example or None, intent
                )
        params = dict(_parse_back(back))
        context, _ = _inbox_context(request, current, session, engine, settings, params)
        context["error"] = str(exc)
        return templates.TemplateResponse(request, "inbox.html", context, status_code=422)
    session.commit()
    verb = {
        "accept": "accepted",
        "relabel": "relabelled",
        "annotate": "annotated",
        "ignore": "ignored",
        "reopen": "reopened",
    }[action]
    done = f"{len(outcome.changed)} message group(s) {verb}."
    query = "&".join(p for p in (back, urlencode({"done": done})) if p)
    return RedirectResponse(f"/analyst/inbox?{query}", status.HTTP_303_SEE_OTHER)


def _parse_back(back: str) -> list[tuple[str, str]]:
    return parse_qsl(back, keep_blank_values=False)


def _export_page(
    request: Request,
    current: Current,
    session: Session,
    settings: Settings,
    *,
    error: str | None = None,
    result: exporter.Result | None = None,
    code: int = 200,
) -> HTMLResponse:
    """The export page: the pending decisions and their diff, or what an export did."""
    decisions = exporter.pending(session)
    plan = result.plan if result is not None else exporter.Plan()
    if result is None:
        try:
            plan = exporter.plan(decisions, settings.nlu_data_dir, settings.domain_dir)
        except exporter.ExportError as exc:
            planned = f"The export cannot be planned: {exc}."
            error = f"{error} {planned}" if error else planned
            code = 422 if code == 200 else code
    context = {
        "current": current,
        "section": "analyst",
        "decisions": decisions,
        "plan": plan,
        "error": error,
        "result": result,
    }
    return templates.TemplateResponse(request, "export.html", context, status_code=code)


@router.get("/export", response_class=HTMLResponse)
def export_preview(
    request: Request, current: AnalystUser, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    """What an export would write, as a diff, before anything is written."""
    return _export_page(request, current, session, settings)


@router.post("/export", response_class=HTMLResponse)
def export_write(
    request: Request,
    current: AnalystForm,
    session: SessionDep,
    settings: SettingsDep,
    digest: Annotated[str, Form(max_length=64)] = "",
) -> HTMLResponse:
    """Write the previewed examples, run `rasa data validate`, mark them exported."""
    session = service.writing(session)
    try:
        result = exporter.export(
            session, settings.nlu_data_dir, settings.domain_dir, expected_digest=digest
        )
    except exporter.ExportError as exc:
        session.rollback()
        message = f"Nothing was written: {exc}. Check the new preview and confirm again."
        return _export_page(request, current, session, settings, error=message, code=409)
    if result.written:
        audit.record(
            session,
            current.user.username,
            "nlu_export",
            result.plan.digest,
            "export",
            {"examples": result.plan.examples, "files": len(result.plan.changes)},
            actor_id=current.user.id,
        )
    session.commit()
    code = 200 if result.written or not result.plan.targets else 422
    return _export_page(request, current, session, settings, result=result, code=code)


# --- JSON API --------------------------------------------------------------------------------


@api.get("/inbox", response_model=InboxPublic)
def inbox_api(
    request: Request,
    who: AnalystClient,
    session: SessionDep,
    engine: TrackerDep,
    settings: SettingsDep,
) -> InboxPublic:
    """The NLU inbox with the page's filters, least confident first."""
    try:
        query = InboxQuery.model_validate(dict(request.query_params))
    except ValidationError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, _errors(exc)) from None
    page = inbox(
        session, engine, settings.nlu_data_dir, query.to_filter(), query.per_page, query.offset
    )
    return InboxPublic(
        data=[GroupPublic.of(g) for g in page.groups], count=page.total, messages=page.messages
    )


@api.post(
    "/inbox/decisions",
    response_model=DecisionsPublic,
    dependencies=[CsrfChecked],
    responses={
        409: {
            "description": "The decision cannot be applied as asked (messages no longer in "
            "the inbox, a relabel without an intent, …); the detail says why."
        }
    },
)
def decisions_api(
    body: DecisionIn,
    who: AnalystClient,
    session: SessionDep,
    engine: TrackerDep,
    settings: SettingsDep,
) -> DecisionsPublic:
    """Apply one action to one or more groups, all or nothing."""
    session = service.writing(session)
    try:
        outcome = apply(
            session,
            engine,
            settings,
            body.groups,
            body.action,
            _actor(who.current),
            intent=body.intent,
            example=body.example,
        )
    except DecisionError as exc:
        session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    session.commit()
    return DecisionsPublic(
        changed=len(outcome.changed), groups=[GroupPublic.of(g) for g in outcome.changed]
    )

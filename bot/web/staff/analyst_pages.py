"""Analyst pages: models and retraining, evaluations, the dashboard."""

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, status
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from bot.analyst import dashboard, jobs, models
from bot.analyst.evaluation import side_by_side
from bot.auth.deps import AnalystForm, AnalystUser
from bot.auth.sessions import Current
from bot.settings import Settings
from bot.web.deps import SessionDep, SettingsDep
from bot.web.staff.deps import IndexerDep, TrackerDep, catch_up
from bot.web.staff.templating import templates

router = APIRouter(prefix="/analyst", include_in_schema=False)
DASHBOARD_DAYS = 30
MAX_DASHBOARD_DAYS = 366


def _page(
    request: Request, current: Current, name: str, context: dict[str, Any], code: int = 200
) -> HTMLResponse:
    return templates.TemplateResponse(
        request, name, {"current": current, "section": "analyst"} | context, status_code=code
    )


def _not_found(request: Request, current: Current, message: str) -> HTMLResponse:
    return templates.TemplateResponse(
        request, "error.html", {"current": current, "message": message}, status_code=404
    )


def _see(url: str) -> Response:
    return RedirectResponse(url, status.HTTP_303_SEE_OTHER)


# Models and retraining


def _models(
    request: Request, current: Current, settings: Settings, error: str = "", code: int = 200
) -> HTMLResponse:
    ctx = jobs.Context.from_settings(settings)
    status_of = [models.rasa_status(u, settings.rasa_token, timeout=3) for u in settings.rasa_urls]
    return _page(
        request,
        current,
        "analyst_models.html",
        {
            "records": ctx.registry.read(),
            "jobs": ctx.jobs.recent(15),
            "running": ctx.jobs.running(),
            "servers": list(zip(settings.rasa_urls, status_of, strict=True)),
            "tolerance": settings.model_gate_tolerance,
            "error": error,
        },
        code,
    )


def _job(
    request: Request,
    current: Current,
    settings: Settings,
    job_id: str,
    error: str = "",
    code: int = 200,
) -> HTMLResponse:
    ctx = jobs.Context.from_settings(settings)
    job = ctx.jobs.read(job_id)
    if job is None:
        return _not_found(request, current, "There is no retraining job with this id.")
    active = ctx.registry.active()
    return _page(
        request,
        current,
        "analyst_job.html",
        {
            "job": job,
            "states": jobs.STATES,
            "finished": job["state"] in jobs.FINISHED,
            "log_tail": ctx.jobs.log_tail(job_id),
            "is_active": active is not None and active.name == job.get("model"),
            "error": error,
        },
        code,
    )


@router.get("/models", response_class=HTMLResponse)
def models_page(request: Request, current: AnalystUser, settings: SettingsDep) -> HTMLResponse:
    """Registered models, the retraining jobs and the Retrain button."""
    return _models(request, current, settings)


@router.post("/models/retrain")
def retrain(request: Request, current: AnalystForm, settings: SettingsDep) -> Response:
    """Start a retraining job in the background."""
    ctx = jobs.Context.from_settings(settings)
    try:
        job = jobs.start_background(ctx, current.user.username, settings)
    except jobs.Busy as exc:
        return _models(request, current, settings, str(exc), 409)
    return _see(f"/analyst/jobs/{job['id']}")


@router.post("/models/{name}/activate")
def activate(
    request: Request,
    name: str,
    current: AnalystForm,
    settings: SettingsDep,
    job_id: Annotated[str, Form(max_length=80)] = "",
) -> Response:
    """Load a registered model into the running Rasa server(s) and mark it active."""
    ctx = jobs.Context.from_settings(settings)
    job = ctx.jobs.read(job_id) if job_id else None
    note = f"override of job {job['id']}" if job else "reactivated"
    try:
        models.activate(
            ctx.registry, name, settings.rasa_urls, settings.rasa_token, current.user.username, note
        )
    except (models.RegistryError, models.LoadError) as exc:
        code = 404 if isinstance(exc, models.RegistryError) else 502
        if job is not None:
            return _job(request, current, settings, job["id"], str(exc), code)
        return _models(request, current, settings, str(exc), code)
    if job is None:
        return _see("/analyst/models")
    job.setdefault("messages", []).append(
        f"{models.now_iso()}  loaded {name} anyway ({current.user.username})"
    )
    job["overridden_by"] = current.user.username
    ctx.jobs.write(job)
    return _see(f"/analyst/jobs/{job['id']}")


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(
    request: Request, job_id: str, current: AnalystUser, settings: SettingsDep
) -> HTMLResponse:
    """One retraining job: its progress, log, scores and decision."""
    return _job(request, current, settings, job_id)


# Evaluations


@router.get("/evaluations", response_class=HTMLResponse)
def evaluations_page(request: Request, current: AnalystUser, settings: SettingsDep) -> HTMLResponse:
    """Every evaluation, newest first, and the choice of two to compare."""
    ctx = jobs.Context.from_settings(settings)
    return _page(
        request, current, "analyst_evaluations.html", {"history": ctx.evaluations.history()}
    )


@router.get("/evaluations/compare", response_class=HTMLResponse)
def compare_page(
    request: Request,
    current: AnalystUser,
    settings: SettingsDep,
    a: Annotated[str, Query(max_length=120)],
    b: Annotated[str, Query(max_length=120)],
) -> HTMLResponse:
    """Two evaluations side by side: per-intent F1, old and new, and the difference."""
    store = jobs.Context.from_settings(settings).evaluations
    old, new = store.get(a), store.get(b)
    if old is None or new is None:
        return _not_found(request, current, "One of these evaluations does not exist.")
    return _page(
        request,
        current,
        "analyst_compare.html",
        {"old": old, "new": new, "cmp": side_by_side(old, new)},
    )


@router.get("/evaluations/{evaluation_id}", response_class=HTMLResponse)
def evaluation_page(
    request: Request, evaluation_id: str, current: AnalystUser, settings: SettingsDep
) -> HTMLResponse:
    """One evaluation: scores per intent, confusion matrix, confused pairs, thin intents."""
    store = jobs.Context.from_settings(settings).evaluations
    evaluation = store.get(evaluation_id)
    if evaluation is None:
        return _not_found(request, current, "There is no evaluation with this id.")
    others = [h for h in store.history() if h["id"] != evaluation_id]
    return _page(request, current, "analyst_evaluation.html", {"e": evaluation, "others": others})


@router.get("/evaluations/{evaluation_id}/confusion.png")
def confusion_png(
    request: Request, evaluation_id: str, current: AnalystUser, settings: SettingsDep
) -> Response:
    """The confusion-matrix image of an evaluation."""
    store = jobs.Context.from_settings(settings).evaluations
    try:
        path = store.path(evaluation_id, ".png")
    except KeyError:
        path = None
    if path is None or not path.exists():
        return Response("no such image", status_code=404, media_type="text/plain")
    return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private"})


# Dashboard


def _day(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(
    request: Request,
    current: AnalystUser,
    session: SessionDep,
    engine: TrackerDep,
    indexer: IndexerDep,
    date_from: Annotated[str | None, Query(max_length=10)] = None,
    date_to: Annotated[str | None, Query(max_length=10)] = None,
) -> HTMLResponse:
    """Conversations per day, fallback rate, top intents, languages and the request funnel."""
    today = datetime.now(UTC).date()
    end = _day(date_to, today)
    start = _day(date_from, end - timedelta(days=DASHBOARD_DAYS - 1))
    if start > end:
        start, end = end, start
    start = max(start, end - timedelta(days=MAX_DASHBOARD_DAYS - 1))
    pending = catch_up(indexer, session)
    # Analysts read the redacted conversation list; admins (staff too) keep the full transcripts.
    target = dashboard.TRANSCRIPTS if current.user.role == "admin" else dashboard.REDACTED
    figures = dashboard.build(session, engine, start, end, target)
    return _page(request, current, "analyst_dashboard.html", {"d": figures, "pending": pending})

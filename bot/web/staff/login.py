"""Sign-in and sign-out pages, and where each role lands afterwards."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.auth import limits, sessions, users
from bot.auth.deps import AnalystUser, CurrentDep, StaffUser, check_form_csrf
from bot.auth.sessions import COOKIE, LOGIN_CSRF_COOKIE, new_token, tokens_match
from bot.settings import Settings
from bot.store.staff_models import Role
from bot.web.deps import SessionDep, SettingsDep
from bot.web.staff.templating import templates

router = APIRouter(include_in_schema=False)


def home_for(role: str) -> str:
    """Where an account lands after signing in."""
    return "/analyst" if role == Role.ANALYST.value else "/staff/requests"


def safe_next(value: str | None) -> str | None:
    """Only paths on this site; never another host (open redirect)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return None


def _login_page(
    request: Request,
    settings: Settings,
    *,
    next_url: str | None,
    error: str | None = None,
    username: str = "",
    code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    token = new_token()
    response = templates.TemplateResponse(
        request,
        "login.html",
        {"csrf_token": token, "next": next_url or "", "error": error, "username": username},
        status_code=code,
        headers=headers,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
        path="/login",
        max_age=3600,
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request, current: CurrentDep, settings: SettingsDep, next: str | None = None
) -> Response:
    """The sign-in form (or the role's home page when already signed in)."""
    if current is not None:
        return RedirectResponse(
            safe_next(next) or home_for(current.user.role), status.HTTP_303_SEE_OTHER
        )
    return _login_page(request, settings, next_url=safe_next(next))


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    db: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Check the credentials within the attempt limits and start a session."""
    next_url = safe_next(next)
    if not tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE, ""), csrf_token):
        return _login_page(
            request,
            settings,
            next_url=next_url,
            code=403,
            error="The form had expired. Please sign in again.",
        )
    address = request.client.host if request.client else "unknown"
    keys = limits.keys_for(settings, username, address)
    verdict = limits.check(db, settings, keys)
    if not verdict.allowed:
        minutes = max(1, round(verdict.retry_after_seconds / 60))
        return _login_page(
            request,
            settings,
            next_url=next_url,
            username=username,
            code=429,
            error=f"{verdict.reason} Try again in {minutes} minute{'s' if minutes > 1 else ''}.",
            headers={"Retry-After": str(verdict.retry_after_seconds)},
        )
    user = users.authenticate(db, username, password) if username and password else None
    limits.note(db, keys, succeeded=user is not None)
    if user is None:
        db.commit()
        return _login_page(
            request,
            settings,
            next_url=next_url,
            username=username,
            code=401,
            error="That username and password do not match an active account.",
        )
    opened = sessions.open_session(db, user, settings)
    limits.purge(db, settings)
    sessions.purge_expired(db)
    db.commit()
    response = RedirectResponse(next_url or home_for(user.role), status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        COOKIE,
        opened.token,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
        max_age=settings.session_max_hours * 3600,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout", dependencies=[Depends(check_form_csrf)])
def logout(request: Request, db: SessionDep, settings: SettingsDep) -> Response:
    """End this browser's session."""
    token = request.cookies.get(COOKIE)
    if token:
        sessions.close_session(db, token)
        db.commit()
    response = RedirectResponse("/login", status.HTTP_303_SEE_OTHER)
    response.delete_cookie(COOKIE, path="/", secure=settings.secure_cookies, httponly=True)
    return response


@router.get("/staff")
def staff_home(current: StaffUser) -> Response:
    """The staff console opens on the request queue."""
    return RedirectResponse("/staff/requests", status.HTTP_303_SEE_OTHER)


@router.get("/analyst", response_class=HTMLResponse)
def analyst_home(request: Request, current: AnalystUser) -> HTMLResponse:
    """The analyst workbench's entry page (its tools arrive with the workbench)."""
    return templates.TemplateResponse(
        request, "analyst_home.html", {"current": current, "section": "analyst"}
    )

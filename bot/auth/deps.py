"""Role checks as FastAPI dependencies, for pages (redirect / HTML 403) and the JSON API (401/403).

Pages: `StaffUser`, `AnalystUser`, `AdminUser` (a signed-in account of that role; admin passes
every check). Their `...Form` twins also verify the CSRF token of a posted form.
JSON API: `StaffClient`, `AnalystClient` accept a signed-in account or the machine bearer token;
mutations add `CsrfChecked`, which a bearer-token client does not need.
"""

import hmac
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from bot.auth.sessions import COOKIE, Current, resolve, tokens_match
from bot.store.staff_models import Role
from bot.web.deps import SessionDep, SettingsDep

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
MACHINE = "api-token"


class LoginRequired(Exception):
    """An anonymous visitor asked for a page; the handler redirects to the login page."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


class PageForbidden(Exception):
    """A signed-in account asked for a page its role does not open; rendered as HTML 403."""

    def __init__(self, message: str) -> None:
        self.message = message


@dataclass(frozen=True)
class Principal:
    """Who is calling the JSON API: a signed-in account or the machine client."""

    current: Current | None

    @property
    def is_machine(self) -> bool:
        return self.current is None

    @property
    def label(self) -> str:
        return self.current.user.username if self.current else MACHINE

    @property
    def user_id(self) -> int | None:
        return self.current.user.id if self.current else None


def current_session(request: Request, db: SessionDep, settings: SettingsDep) -> Current | None:
    """The signed-in account behind the session cookie, if any."""
    token = request.cookies.get(COOKIE)
    return resolve(db, token, settings) if token else None


CurrentDep = Annotated[Current | None, Depends(current_session)]


def allows(role: str, wanted: Role) -> bool:
    """Admins may do everything; other roles only their own area."""
    return role == Role.ADMIN.value or role == wanted.value


def _page_role(wanted: Role):  # type: ignore[no-untyped-def]
    def dependency(request: Request, current: CurrentDep) -> Current:
        if current is None:
            raise LoginRequired(_here(request))
        if not allows(current.user.role, wanted):
            raise PageForbidden(f"This page is for {wanted.value} accounts.")
        return current

    return dependency


def _api_role(wanted: Role):  # type: ignore[no-untyped-def]
    def dependency(
        current: CurrentDep,
        settings: SettingsDep,
        bearer: Annotated[
            HTTPAuthorizationCredentials | None, Depends(HTTPBearer(auto_error=False))
        ],
    ) -> Principal:
        if bearer is not None:
            if hmac.compare_digest(bearer.credentials.encode(), settings.api_token.encode()):
                return Principal(None)
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "The bearer token is not valid.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if current is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "Sign in or present the bearer token.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if not allows(current.user.role, wanted):
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"This is for {wanted.value} accounts.")
        return Principal(current)

    return dependency


StaffUser = Annotated[Current, Depends(_page_role(Role.STAFF))]
AnalystUser = Annotated[Current, Depends(_page_role(Role.ANALYST))]
AdminUser = Annotated[Current, Depends(_page_role(Role.ADMIN))]
StaffClient = Annotated[Principal, Depends(_api_role(Role.STAFF))]
AnalystClient = Annotated[Principal, Depends(_api_role(Role.ANALYST))]


async def check_form_csrf(request: Request, current: CurrentDep) -> None:
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if current is None or not tokens_match(current.csrf_token, given):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "The form's security token is missing or out of date."
        )


def _staff_form(current: StaffUser, _: Annotated[None, Depends(check_form_csrf)]) -> Current:
    return current


def _analyst_form(current: AnalystUser, _: Annotated[None, Depends(check_form_csrf)]) -> Current:
    return current


StaffForm = Annotated[Current, Depends(_staff_form)]
AnalystForm = Annotated[Current, Depends(_analyst_form)]


def _api_csrf(request: Request, current: CurrentDep) -> None:
    # Only cookie-authenticated calls can be forged by another site; the bearer token cannot.
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return
    if current is None or not tokens_match(current.csrf_token, request.headers.get(CSRF_HEADER)):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, f"Send the session's CSRF token in the {CSRF_HEADER} header."
        )


CsrfChecked = Depends(_api_csrf)


def _here(request: Request) -> str:
    path = request.url.path
    return path + (f"?{request.url.query}" if request.url.query else "")


def login_url(next_url: str) -> str:
    """The login page, returning to `next_url` afterwards."""
    return f"/login?next={quote(next_url, safe='')}"

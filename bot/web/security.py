"""Security headers on every response, and error bodies that are safe whatever the input."""

import json
import secrets
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# FastAPI's interactive docs load Swagger UI / ReDoc from their CDN and start them inline.
DOCS_PATHS = ("/docs", "/redoc", "/docs/oauth2-redirect")
_DOCS_SOURCES = "https://cdn.jsdelivr.net"


def page_policy(nonce: str, frame_ancestors: list[str]) -> str:
    """Our own pages: everything from this origin; inline scripts only with the request's nonce.

    Inline styles stay allowed: the staff console's templates and htmx use them, and a style
    cannot run code. (A nonce would turn 'unsafe-inline' off, so styles get none.)
    """
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {' '.join(frame_ancestors)}",
        ]
    )


def docs_policy(frame_ancestors: list[str]) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'unsafe-inline' {_DOCS_SOURCES}",
            f"style-src 'self' 'unsafe-inline' {_DOCS_SOURCES}",
            "img-src 'self' data: https://fastapi.tiangolo.com",
            "object-src 'none'",
            "base-uri 'none'",
            f"frame-ancestors {' '.join(frame_ancestors)}",
        ]
    )


# Data is never a document: nothing in it runs, and nobody frames it.
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"


class SecurityHeaders:
    """ASGI middleware: CSP, nosniff, Referrer-Policy; a CSP nonce for templates in scope state."""

    def __init__(self, app: ASGIApp, embedding_origins: list[str]) -> None:
        self.app = app
        # Pages (and the widget, if it is framed) may be embedded by the configured sites only.
        self.frame_ancestors = ["'self'", *embedding_origins]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        path: str = scope.get("path", "")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                kind = headers.get("content-type", "")
                if path in DOCS_PATHS:
                    policy = docs_policy(self.frame_ancestors)
                elif kind.startswith("text/html"):
                    policy = page_policy(nonce, self.frame_ancestors)
                else:
                    policy = DATA_POLICY
                headers.setdefault("Content-Security-Policy", policy)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                if self.frame_ancestors == ["'self'"]:
                    headers.setdefault("X-Frame-Options", "SAMEORIGIN")  # browsers without CSP 2
            await send(message)

        await self.app(scope, receive, with_headers)


def csp_nonce(request: Request) -> str:
    """The nonce an inline <script> of this response must carry (`request.state.csp_nonce`)."""
    return str(request.state.csp_nonce)


class SafeJSONResponse(JSONResponse):
    """ASCII-only JSON: a lone surrogate or control character in an echo cannot break it."""

    def render(self, content: Any) -> bytes:
        return json.dumps(
            content, ensure_ascii=True, allow_nan=False, separators=(",", ":")
        ).encode()


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 naming each bad field and why, without echoing the (possibly huge or hostile) input."""
    errors = [
        {
            "loc": [str(p)[:100] for p in e.get("loc", ())],
            "msg": e.get("msg", ""),
            "type": e.get("type", ""),
        }
        for e in exc.errors()[:50]
    ]
    return SafeJSONResponse({"detail": errors}, status_code=422)


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's HTTP errors (404, 405, 429, …) with their headers, as safe JSON."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code in (204, 304):
        return Response(status_code=exc.status_code, headers=exc.headers)
    return SafeJSONResponse(
        {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
    )

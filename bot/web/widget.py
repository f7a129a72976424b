"""The chat widget's files and the demo page of the platform that hosts it at `/`."""

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from bot.settings import ROOT

WIDGET_DIR = ROOT / "web_widget"
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)

# Only these files are served: a name is looked up here, never joined to a path.
ASSETS: dict[str, tuple[Path, str]] = {
    "trilateral-chat.js": (WIDGET_DIR / "trilateral-chat.js", "text/javascript; charset=utf-8"),
    "trilateral-chat.css": (WIDGET_DIR / "trilateral-chat.css", "text/css; charset=utf-8"),
    "platform.css": (WIDGET_DIR / "demo" / "platform.css", "text/css; charset=utf-8"),
}

PageLanguage = Literal["en", "fr", "es"]
LANGUAGES: tuple[PageLanguage, ...] = ("en", "fr", "es")

# The demo page runs only its own files: a second line of defence should a message ever
# reach the page as HTML.
PAGE_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


@router.get("/widget/{name}")
def widget_asset(name: str, request: Request) -> Response:
    """A file of the widget, revalidated by ETag so a new version is picked up at once."""
    if name not in ASSETS:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"No widget file {name!r}.")
    path, media_type = ASSETS[name]
    body = path.read_bytes()
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {
        "ETag": etag,
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
        # Host pages on other origins load the script and the stylesheet.
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, lang: Annotated[PageLanguage | None, Query()] = None) -> HTMLResponse:
    """The demo page: the platform, with the assistant in its corner."""
    language = lang or preferred_language(request.headers.get("accept-language", ""))
    response = templates.TemplateResponse(
        request,
        "home.html",
        {"lang": language, "copy": page_copy()[language], "languages": LANGUAGES},
    )
    response.headers["Content-Security-Policy"] = PAGE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def preferred_language(accept_language: str) -> PageLanguage:
    """The first of en/fr/es in the browser's Accept-Language, by its q weights; else English."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        if weight <= 0:
            continue  # q=0 means "not this one"
        ranked.append((-weight, index, tag.strip()[:2].lower()))
    for _, _, code in sorted(ranked):
        if code in LANGUAGES:
            return code  # type: ignore[return-value]
    return "en"


@lru_cache
def page_copy() -> dict[str, dict[str, Any]]:
    """The demo page's text in each language."""
    with (WIDGET_DIR / "demo" / "home.yaml").open(encoding="utf-8") as f:
        return yaml.safe_load(f)  # type: ignore[no-any-return]

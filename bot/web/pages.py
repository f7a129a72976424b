"""Public pages: the demo host page and the privacy notice."""

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """The demo page: the platform with the assistant."""
    return templates.TemplateResponse(request, "home.html")


@router.get("/privacy", response_class=HTMLResponse)
def privacy(request: Request) -> HTMLResponse:
    """What happens to a delegate's details."""
    return templates.TemplateResponse(request, "privacy.html")

"""The staff console: sign-in, conversations and the request queue (pages and JSON API)."""

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from bot.auth.deps import LoginRequired, PageForbidden, current_session, login_url
from bot.settings import Settings
from bot.transcripts.indexer import Indexer
from bot.web.staff import (
    analyst_conversation_pages,
    analyst_pages,
    api,
    conversation_pages,
    inbox_pages,
    login,
    request_pages,
)
from bot.web.staff.templating import HERE, templates


def install(app: FastAPI) -> None:
    """Add the console's routes, static files and sign-in error pages to `app`."""
    app.include_router(login.router)
    app.include_router(conversation_pages.router)
    app.include_router(request_pages.router)
    app.include_router(api.router)
    app.include_router(analyst_pages.router)
    app.include_router(analyst_conversation_pages.router)
    app.include_router(inbox_pages.router)
    app.include_router(inbox_pages.api)
    app.mount("/staff/static", StaticFiles(directory=HERE / "static"), name="staff-static")

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(login_url(exc.next_url), status.HTTP_303_SEE_OTHER)

    @app.exception_handler(PageForbidden)
    async def _forbidden(request: Request, exc: PageForbidden) -> HTMLResponse:
        return templates.TemplateResponse(
            request, "error.html", {"message": exc.message, "current": None}, status_code=403
        )


@contextlib.asynccontextmanager
async def background(app: FastAPI, settings: Settings) -> AsyncIterator[None]:
    """Run the transcript indexer while the app serves, unless another worker runs it."""
    indexer = Indexer(settings.database_url, settings.tracker_database_url)
    app.state.indexer = indexer
    if settings.transcript_index_seconds <= 0:
        yield
        return
    task = asyncio.create_task(indexer.loop(settings.transcript_index_seconds))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


__all__ = ["background", "current_session", "install"]

"""The FastAPI application factory."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from starlette.exceptions import HTTPException

from bot.catalogue.examples import check_examples
from bot.catalogue.loader import get_catalogue
from bot.settings import get_settings
from bot.store.db import session_factory
from bot.web import catalogue_api, chat, pages, requests_api, staff, widget
from bot.web.conversation_lock import ConversationLocks, RedisConversationLocks
from bot.web.limits import BodyLimit
from bot.web.rasa_client import RasaClient
from bot.web.ratelimit import Limiter
from bot.web.replies_cache import RepliesCache
from bot.web.security import SecurityHeaders, http_error, validation_error

# Nothing legitimate is larger: a 4,000-character message plus metadata fits in 64 kB.
MAX_BODY_BYTES = 64 * 1024


def create_app() -> FastAPI:
    settings = get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # A broken catalogue stops start-up here, naming the file, the entry and the reason.
        check_examples(get_catalogue())
        app.state.rasa = RasaClient(
            settings.rasa_urls, settings.rasa_token, settings.rasa_timeout_seconds
        )
        # A turn ends within Rasa's timeout (plus the tracker read): three times that is safe.
        app.state.replies = RepliesCache(
            session_factory(), stale_seconds=3 * settings.rasa_timeout_seconds
        )
        app.state.conversation_locks = (
            RedisConversationLocks(
                settings.redis_url, settings.lock_key_prefix, settings.rasa_timeout_seconds
            )
            if settings.conversation_lock
            else ConversationLocks()
        )
        async with staff.background(app, settings):
            yield
        await app.state.rasa.close()
        await app.state.conversation_locks.close()
        await app.state.limiter.counter.close()

    app = FastAPI(
        title="Trilateral TA triage assistant",
        summary="Chat gateway and request API of the WHO–WIPO–WTO technical-assistance assistant.",
        version="0.1.0",
        lifespan=lifespan,
        # Error bodies that stay valid JSON whatever hostile text they name.
        exception_handlers={
            RequestValidationError: validation_error,
            HTTPException: http_error,
        },
    )
    app.state.limiter = Limiter.from_settings(settings)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
        )

    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)
    app.add_middleware(SecurityHeaders, embedding_origins=settings.cors_origins)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(chat.router)
    app.include_router(requests_api.router)
    app.include_router(catalogue_api.router)
    app.include_router(pages.router)
    app.include_router(widget.router)
    staff.install(app)
    return app

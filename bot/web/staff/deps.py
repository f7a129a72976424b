"""Dependencies of the staff routes: the tracker store, the indexer, who is acting."""

import logging
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.auth.deps import Principal
from bot.auth.sessions import Current
from bot.store.workflow import Actor
from bot.transcripts.indexer import Indexer
from bot.transcripts.tracker import tracker_engine
from bot.web.deps import SettingsDep

log = logging.getLogger(__name__)


def get_tracker(settings: SettingsDep) -> Engine:
    return tracker_engine(settings.tracker_database_url)


def get_indexer(request: Request, settings: SettingsDep) -> Indexer:
    indexer = getattr(request.app.state, "indexer", None)
    if indexer is None:
        # An app without the background task (e.g. a test client without lifespan).
        indexer = Indexer(settings.database_url, settings.tracker_database_url)
        request.app.state.indexer = indexer
    return indexer  # type: ignore[no-any-return]


TrackerDep = Annotated[Engine, Depends(get_tracker)]
IndexerDep = Annotated[Indexer, Depends(get_indexer)]


def actor_of(who: Principal | Current) -> Actor:
    """The audit log's name for a caller."""
    if isinstance(who, Current):
        return Actor(who.user.username, who.user.id)
    return Actor(who.label, who.user_id)


def catch_up(indexer: Indexer, session: Session) -> int:
    """Index what Rasa wrote since the last pass (one batch at most); returns what is left.

    The pass writes through its own connection. `session` (the request's) may already hold a
    read transaction from the sign-in check, and SQLite and PostgreSQL then keep showing it
    the state from before the pass: its transaction is ended so the list reads the new rows.
    """
    try:
        indexer.run(max_batches=1, wait=2.0)
        left = indexer.pending()
    except SQLAlchemyError as exc:
        # The list still answers from the summaries already built; the background task retries.
        # The class only: a database error's text carries row values (delegates' words).
        log.error("on-demand transcript indexing failed (%s)", type(exc).__name__)
        left = 0
    session.commit()
    return left

"""The staff store on PostgreSQL: migration, index, list filters (LIKE search), workflow lock."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.store import crud
from bot.store.db import engine_for
from bot.store.migrate import upgrade
from bot.store.workflow import Actor, transition
from bot.transcripts.indexer import Indexer
from bot.transcripts.search import ConversationFilter, search
from bot.web.staff.service import locked_request
from tests.staff.test_transcripts import fallback_conversation, filed_conversation
from tests.utils.factories import create_request
from tests.utils.staff import write_tracker

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A throw-away database on the local PostgreSQL (skipped when there is none)."""
    pytest.importorskip("psycopg")
    name = f"staff_{uuid.uuid4().hex[:10]}"
    admin = create_engine(f"{SERVER}/test", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError:
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    url = f"{SERVER}/{name}"
    try:
        yield url
    finally:
        engine_for(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_the_staff_store_works_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    upgrade(pg_url)
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    conversation = fallback_conversation()
    write_tracker(tracker_url, conversation, filed_conversation())
    with Session(engine_for(pg_url)) as s:
        reference = create_request(
            s, conversation_id="conv-filed", submission_key="k1"
        ).request.reference
        s.commit()
    indexer = Indexer(pg_url, tracker_url)
    assert indexer.run() > 0
    conversation.user("une licence obligatoire, s'il vous plaît", "describe_need", 0.6)
    write_tracker(tracker_url, conversation)
    indexer.run()
    with Session(engine_for(pg_url)) as s:
        cases = {
            ConversationFilter(): ["conv-fallback", "conv-filed"],
            ConversationFilter(q="LICENCE"): ["conv-fallback", "conv-filed"],
            ConversationFilter(q="obligatoire", language="fr"): ["conv-fallback"],
            ConversationFilter(fell_back=True, handoff=True): ["conv-fallback"],
            ConversationFilter(has_request=True, action="action_submit_request"): ["conv-filed"],
            ConversationFilter(max_confidence=0.25): ["conv-fallback"],
        }
        for f, expected in cases.items():
            rows, total, _ = search(s, f)
            assert [r.sender_id for r in rows] == expected, f
            assert total == len(expected)
        request = locked_request(s, reference or "")
        assert request is not None
        transition(s, request, "triaged", Actor("sam"))
        s.commit()
        assert (crud.get_by_reference(s, reference or "") or request).status == "triaged"

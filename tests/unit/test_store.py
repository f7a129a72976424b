"""The request store: references, idempotent filing, constraints; on SQLite and PostgreSQL."""

import re
from collections.abc import Iterator

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from bot.store import crud
from bot.store.db import engine_for
from tests.utils.factories import create_request, request_data


@pytest.fixture
def session(any_store_url: str) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test."""
    with engine_for(any_store_url).connect() as conn:
        outer = conn.begin()
        s = Session(bind=conn, join_transaction_mode="create_savepoint")
        try:
            yield s
        finally:
            s.close()
            outer.rollback()


def test_filing_gives_a_reference_in_the_published_format(session: Session) -> None:
    filed = create_request(session)
    assert filed.created
    assert re.fullmatch(r"TA-\d{4}-\d{6}", filed.request.reference or "")
    assert filed.request.reference == crud.format_reference(
        filed.request.created_at.year, filed.request.id
    )


def test_the_same_submission_is_filed_once(session: Session) -> None:
    data = request_data()
    first = crud.file_request(session, data)
    second = crud.file_request(session, data)
    assert first.created and not second.created
    assert second.request.reference == first.request.reference
    _, total = crud.list_requests(session, conversation_id=data.conversation_id)
    assert total == 1


def test_a_new_form_run_in_the_same_conversation_files_a_new_request(session: Session) -> None:
    first = create_request(session, conversation_id="conv-x", submission_key="conv-x:1.0")
    second = create_request(session, conversation_id="conv-x", submission_key="conv-x:2.0")
    assert first.request.reference != second.request.reference


def test_lookup_by_reference_ignores_case_and_spaces(session: Session) -> None:
    filed = create_request(session)
    reference = filed.request.reference or ""
    assert crud.get_by_reference(session, f"  {reference.lower()} ") is filed.request


def test_list_filters_by_status_and_member(session: Session) -> None:
    create_request(session, member="Kenya")
    create_request(session, member="Ghana")
    rows, _ = crud.list_requests(session, member="kenya")
    assert [r.member for r in rows] == ["Kenya"]
    rows, _ = crud.list_requests(session, status="closed")
    assert rows == []


@pytest.mark.parametrize(
    "overrides",
    [
        {"email": "not-an-email"},
        {"consent": False},
        {"need_area": "bananas"},
        {"organizations": []},
        {"topics": ["astrology"]},
        {"member_status": "friend"},
        {"description": ""},
    ],
)
def test_invalid_requests_are_refused_before_the_store(overrides: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        request_data(**overrides)


def test_the_migrations_build_exactly_the_tables_the_models_describe(any_store_url: str) -> None:
    # A column added to a model without a migration (or the reverse) fails here, not in
    # production when the first query names it.
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from bot.store.models import Base

    def ours(name: str | None, kind: str, _parent: object) -> bool:
        # The transcript search index keeps its own tables (created by the indexer).
        return kind != "table" or name in Base.metadata.tables

    with engine_for(any_store_url).connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": False, "include_name": ours}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []

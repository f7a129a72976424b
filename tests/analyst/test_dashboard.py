"""Dashboard figures from a real SQLite tracker store with crafted events, and the lists their
links open on the transcripts page."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

from sqlalchemy.orm import Session

from bot.analyst import dashboard
from bot.store.db import engine_for
from bot.transcripts.indexer import Indexer
from bot.transcripts.search import search
from bot.transcripts.tracker import tracker_engine
from bot.web.staff.schemas import ConversationQuery
from tests.utils.factories import create_request
from tests.utils.staff import Conversation, write_tracker

TODAY = datetime.now(UTC).date()


def at(days_ago: int) -> float:
    day = TODAY - timedelta(days=days_ago)
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC).timestamp()


def filed(sender: str) -> Conversation:
    return (
        Conversation(sender, at(1))
        .user("hello", "greet", 0.95, language="en")
        .user("we need vaccines", "describe_need", 0.9)
        .slot("need_area", "vaccines")
        .action("action_ask_confirmed")
        .user("yes", "affirm", 0.99)
        .action("action_submit_request")
        .slot("request_reference", "TA-2026-000001")
    )


def summary_only(sender: str) -> Conversation:
    return (
        Conversation(sender, at(1))
        .user("bonjour", "greet", 0.9, language="fr")
        .slot("language", "fr")
        .user("euh", "nlu_fallback", 0.15, ranking=[("nlu_fallback", 0.15), ("greet", 0.1)])
        .action("action_handle_unclear")
        .user("des vaccins", "describe_need", 0.8)
        .slot("need_area", "vaccines")
        .action("action_ask_confirmed")
    )


def need_only(sender: str) -> Conversation:
    return (
        Conversation(sender, at(3))
        .user("hola", "greet", 0.9, language="es")
        .slot("language", "es")
        .user("medicamentos", "describe_need", 0.7)
        .slot("need_area", "medicines")
        .slot("need_area", None)  # "stop": the answers are cleared, the need was understood
    )


def fell_back(sender: str) -> Conversation:
    return (
        Conversation(sender, at(3))
        .user("??", "nlu_fallback", 0.1, language="es")
        .slot("language", "es")
        .user("???", "nlu_fallback", 0.1)
    )


def old(sender: str) -> Conversation:
    return Conversation(sender, at(45)).user("hi", "greet", 0.9, language="en")


def test_dashboard_counts_and_every_link_lists_the_same_conversations(
    store: str, tracker_url: str
) -> None:
    write_tracker(
        tracker_url,
        filed("d-filed"),
        summary_only("d-summary"),
        need_only("d-need"),
        fell_back("d-fell"),
        old("d-old"),
    )
    with Session(engine_for(store)) as s:
        create_request(s, conversation_id="d-filed", submission_key="d-filed:1")
        s.commit()
    Indexer(store, tracker_url).run()
    engine = tracker_engine(tracker_url)
    start, end = TODAY - timedelta(days=29), TODAY

    with Session(engine_for(store)) as session:
        d = dashboard.build(session, engine, start, end)

        assert d["conversations"] == 4  # the one 45 days old is outside
        days = {b.label: b.value for b in d["per_day"]}
        assert len(days) == 30
        assert days[(TODAY - timedelta(days=1)).isoformat()] == 2
        assert days[(TODAY - timedelta(days=3)).isoformat()] == 2
        assert sum(days.values()) == 4
        assert {b.label: b.value for b in d["languages"]} == {"en": 1, "fr": 1, "es": 2}
        assert [b.value for b in d["funnel"]] == [4, 3, 2, 1]
        assert [b.note for b in d["funnel"]] == ["100%", "75%", "50%", "25%"]
        # Messages in the period: 3 + 3 + 2 + 2 = 10, three of them nlu_fallback.
        assert d["messages"]["total"] == 10 and d["messages"]["fallback"] == 3
        assert d["messages"]["fallback_rate"] == 0.3
        top = {b.label: b.value for b in d["top_intents"]}
        assert top == {"greet": 3, "describe_need": 3, "nlu_fallback": 3, "affirm": 1}

        bars = [*d["per_day"], *d["languages"], *d["funnel"], *d["top_intents"]]
        for bar in bars:
            assert bar.href.startswith("/staff/conversations?")
            query = ConversationQuery.model_validate(dict(parse_qsl(urlsplit(bar.href).query)))
            listed = search(session, query.to_filter(), limit=200)
            if bar in d["top_intents"]:
                # Messages per intent; the link lists the conversations that have them.
                assert 1 <= listed.total <= bar.value, bar
            else:
                assert listed.total == bar.value, bar
        funnel_filed = ConversationQuery.model_validate(
            dict(parse_qsl(urlsplit(d["funnel"][-1].href).query))
        )
        rows = search(session, funnel_filed.to_filter()).rows
        assert [r.sender_id for r in rows] == ["d-filed"]
        fallback = dict(parse_qsl(urlsplit(d["fallback_link"]).query))
        assert fallback["intent"] == "nlu_fallback"
        listed = search(session, ConversationQuery.model_validate(fallback).to_filter())
        assert {r.sender_id for r in listed.rows} == {"d-summary", "d-fell"}


def test_an_empty_tracker_store_gives_zeros_not_errors(store: str, tracker_url: str) -> None:
    engine = tracker_engine(tracker_url)  # the file does not exist yet
    with Session(engine_for(store)) as session:
        d = dashboard.build(session, engine, TODAY - timedelta(days=6), TODAY)
    assert d["conversations"] == 0 and d["messages"]["fallback_rate"] is None
    assert [b.value for b in d["funnel"]] == [0, 0, 0, 0]
    assert len(d["per_day"]) == 7 and d["top_intents"] == []

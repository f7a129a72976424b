"""Transcripts: summaries built from Rasa-shaped events, the filtered list, the transcript page."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bot.store.db import engine_for
from bot.transcripts.indexer import Indexer
from bot.transcripts.parse import summarise, transcript
from bot.transcripts.search import ConversationFilter, search
from bot.transcripts.tracker import conversation_events, tracker_engine
from bot.web.staff import service
from bot.web.staff.deps import actor_of
from tests.utils.factories import create_request
from tests.utils.staff import Conversation, sign_in, write_tracker

YESTERDAY = (datetime.now(UTC) - timedelta(days=1)).replace(hour=10, minute=0, second=0)
LAST_WEEK = YESTERDAY - timedelta(days=6)


def fallback_conversation(
    sender: str = "conv-fallback", start: datetime = YESTERDAY
) -> Conversation:
    return (
        Conversation(sender, start.timestamp())
        .user("bonjour", "greet", 0.97, language="fr")
        .slot("language", "fr")
        .utter("utter_greet", "Bonjour !")
        .user("Ama Owusu", "nlu_fallback", 0.45, ranking=[("nlu_fallback", 0.45), ("inform", 0.21)])
        .action("action_handle_unclear")
        .utter("utter_default", "Désolé, je n'ai pas compris.")
        .user("je veux parler à quelqu'un", "request_human", 0.88)
        .action("action_handoff")
        .slot("handoff_requested", True)
        .bot("Vous pouvez écrire au secrétariat.", "utter_human")
    )


def filed_conversation(sender: str = "conv-filed", start: datetime = LAST_WEEK) -> Conversation:
    return (
        Conversation(sender, start.timestamp())
        .user('/inform{"need_area":"medicines"}', "inform", 1.0)
        .user(
            "We want a compulsory licence for an antiviral",
            "describe_need",
            0.93,
            entities=[
                {"entity": "topic", "value": "intellectual_property", "extractor": "DIETClassifier"}
            ],
        )
        .action("request_form")
        .slot("description", "We want a compulsory licence for an antiviral")
        .action("action_submit_request")
        .slot("request_reference", "TA-2026-000001")
        .bot(
            "Your reference is TA-2026-000001.",
            "utter_request_filed",
            buttons=[{"title": "Check status", "payload": "/check_status"}],
        )
    )


def test_a_summary_says_what_the_list_filters_on() -> None:
    engine_events = _events(fallback_conversation())
    summary = summarise("conv-fallback", engine_events)
    assert summary is not None
    assert summary.user_messages == 3 and summary.language == "fr"
    # After a fallback, the confidence that counts is that of the best real intent.
    assert summary.min_confidence == pytest.approx(0.21)
    assert summary.fell_back and summary.handoff
    assert {"greet", "nlu_fallback", "request_human"} == summary.intents
    assert {
        "action_handle_unclear",
        "utter_default",
        "action_handoff",
        "utter_human",
    } <= summary.actions
    assert "action_listen" not in summary.actions
    assert summary.preview == "bonjour"


def test_button_payloads_do_not_count_as_words_or_confidence() -> None:
    summary = summarise("conv-filed", _events(filed_conversation()))
    assert summary is not None
    assert summary.min_confidence == pytest.approx(0.93)
    assert summary.texts == ["We want a compulsory licence for an antiviral"]
    assert summary.request_reference == "TA-2026-000001"
    assert not summary.fell_back and summary.language == "en"


def test_the_transcript_groups_events_into_turns_in_time_order() -> None:
    turns = transcript(_events(fallback_conversation()))
    assert turns[0].user is None and turns[0].session_started
    said = [(t.user.text, t.user.intent) for t in turns if t.user]
    assert said == [
        ("bonjour", "greet"),
        ("Ama Owusu", "nlu_fallback"),
        ("je veux parler à quelqu'un", "request_human"),
    ]
    unclear = turns[2]
    assert unclear.fell_back and unclear.user is not None and unclear.user.fallback_from == "inform"
    assert [a.name for a in unclear.actions] == ["action_handle_unclear", "utter_default"]
    assert unclear.bot[0].text == "Désolé, je n'ai pas compris."
    assert [(s.name, s.value) for s in turns[3].slots] == [("handoff_requested", True)]
    assert [t.at for t in turns] == sorted(t.at for t in turns)


def _events(conversation: Conversation) -> list:  # type: ignore[type-arg]
    import json

    from bot.transcripts.tracker import Event

    return [
        Event(i + 1, r["sender_id"], r["type_name"], r["timestamp"], json.loads(r["data"]))
        for i, r in enumerate(conversation.rows)
    ]


def test_the_indexer_is_incremental_and_idempotent(store: str, tracker_url: str) -> None:
    first = fallback_conversation()
    write_tracker(tracker_url, first, filed_conversation())
    indexer = Indexer(store, tracker_url, batch=7)
    assert indexer.pending() > 0
    assert indexer.run() > 0
    assert indexer.pending() == 0 and indexer.run() == 0
    with Session(engine_for(store)) as s:
        _, total, _ = search(s, ConversationFilter())
        assert total == 2
    # The delegate comes back: the same conversation grows, no duplicate appears.
    first.user("I need help with patents on vaccines", "describe_need", 0.35)
    write_tracker(tracker_url, first)
    assert indexer.pending() > 0
    indexer.run()
    with Session(engine_for(store)) as s:
        rows, total, _ = search(s, ConversationFilter(q="patents"))
        assert total == 1 and rows[0].sender_id == "conv-fallback" and rows[0].user_messages == 4
        assert search(s, ConversationFilter())[1] == 2


def test_a_missing_tracker_store_is_an_empty_list_not_an_error(
    store: str, tracker_url: str
) -> None:
    indexer = Indexer(store, tracker_url)
    assert indexer.pending() == 0 and indexer.run() == 0
    assert conversation_events(tracker_engine(tracker_url), "nobody") == []


@pytest.fixture
def indexed(store: str, tracker_url: str) -> str:
    """Three conversations indexed: yesterday's fallback, last week's filing, an old chat."""
    old = (
        Conversation("conv-old", (LAST_WEEK - timedelta(days=30)).timestamp())
        .user("hola", "greet", 0.99, language="es")
        .slot("language", "es")
        .utter("utter_greet", "¡Hola!")
    )
    write_tracker(tracker_url, fallback_conversation(), filed_conversation(), old)
    with Session(engine_for(store)) as s:
        create_request(s, conversation_id="conv-filed", submission_key="conv-filed:1")
        s.commit()
    Indexer(store, tracker_url).run()
    return store


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        (ConversationFilter(), ["conv-fallback", "conv-filed", "conv-old"]),
        (
            ConversationFilter(date_from=YESTERDAY.date(), date_to=YESTERDAY.date()),
            ["conv-fallback"],
        ),
        (ConversationFilter(date_to=LAST_WEEK.date()), ["conv-filed", "conv-old"]),
        (ConversationFilter(language="es"), ["conv-old"]),
        (ConversationFilter(intent="describe_need"), ["conv-filed"]),
        (ConversationFilter(action="utter_default"), ["conv-fallback"]),
        (ConversationFilter(action="action_submit_request"), ["conv-filed"]),
        (ConversationFilter(max_confidence=0.5), ["conv-fallback"]),
        (ConversationFilter(fell_back=True), ["conv-fallback"]),
        (ConversationFilter(fell_back=False), ["conv-filed", "conv-old"]),
        (ConversationFilter(has_request=True), ["conv-filed"]),
        (ConversationFilter(has_request=False), ["conv-fallback", "conv-old"]),
        (ConversationFilter(handoff=True), ["conv-fallback"]),
        (ConversationFilter(q="compulsory antivir"), ["conv-filed"]),
        (ConversationFilter(q="parler"), ["conv-fallback"]),
        (ConversationFilter(q="licence", language="fr"), []),
    ],
)
def test_the_list_filters_and_sorts_by_latest_activity(
    indexed: str, f: ConversationFilter, expected: list[str]
) -> None:
    with Session(engine_for(indexed)) as s:
        rows, total, _ = search(s, f)
    assert [r.sender_id for r in rows] == expected
    assert total == len(expected)


def test_reviewed_and_tag_filters_follow_the_marks_staff_make(indexed: str) -> None:
    from bot.store.workflow import Actor

    actor = Actor("sam")
    with Session(engine_for(indexed)) as s:
        service.set_reviewed(s, "conv-old", True, actor)
        service.add_tag(s, "conv-fallback", "Wrong-Intent", actor)
        service.add_tag(s, "conv-fallback", "wrong-intent", actor)
        s.commit()
        assert [r.sender_id for r in search(s, ConversationFilter(reviewed=True))[0]] == [
            "conv-old"
        ]
        assert search(s, ConversationFilter(reviewed=False))[1] == 2
        rows, _, _ = search(s, ConversationFilter(tag="wrong-intent"))
        assert [(r.sender_id, r.tags) for r in rows] == [("conv-fallback", ["wrong-intent"])]


def test_the_list_paginates(store: str, tracker_url: str) -> None:
    start = time.time() - 3600
    write_tracker(
        tracker_url,
        *(
            Conversation(f"conv-{n:02d}", start + n * 60).user(f"message {n}", "greet")
            for n in range(23)
        ),
    )
    Indexer(store, tracker_url).run()
    with Session(engine_for(store)) as s:
        first, total, _ = search(s, ConversationFilter(), limit=10)
        third, _, _ = search(s, ConversationFilter(), limit=10, offset=20)
    assert total == 23
    assert [r.sender_id for r in first][:2] == ["conv-22", "conv-21"]
    assert [r.sender_id for r in third] == ["conv-02", "conv-01", "conv-00"]


def test_a_broad_filter_counts_up_to_the_cap_and_still_pages_on(
    store: str, tracker_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.transcripts import search as module

    monkeypatch.setattr(module, "COUNT_CAP", 5)
    start = time.time() - 3600
    write_tracker(
        tracker_url,
        *(
            Conversation(f"conv-{n:02d}", start + n * 60).user(f"message {n}", "greet")
            for n in range(12)
        ),
    )
    Indexer(store, tracker_url).run()
    with Session(engine_for(store)) as s:
        first = search(s, ConversationFilter(), limit=3)
        deep = search(s, ConversationFilter(), limit=3, offset=6)
        narrow = search(s, ConversationFilter(q="message 7"), limit=3)
    assert (first.total, first.exact) == (5, False)
    assert (deep.total, deep.exact) == (9, False) and len(deep.rows) == 3
    assert (narrow.total, narrow.exact) == (1, True)


def test_the_transcript_page_shows_turns_understanding_and_the_request_link(
    app_client: TestClient, accounts: dict[str, str], indexed: str
) -> None:
    csrf = sign_in(app_client, "sam")
    listing = app_client.get(
        "/staff/conversations",
        params={"fell_back": "yes", "date_from": YESTERDAY.date().isoformat()},
    )
    assert listing.status_code == 200
    assert 'href="/staff/conversations/conv-fallback"' in listing.text
    assert "conv-filed" not in listing.text
    page = app_client.get("/staff/conversations/conv-filed")
    assert page.status_code == 200
    for shown in (
        "We want a compulsory licence for an antiviral",
        "describe_need",
        "93%",
        "topic = intellectual_property",
        "request_reference = TA-2026-000001",
        "action_submit_request",
        "Your reference is TA-2026-000001.",
        "Check status",
    ):
        assert shown in page.text, shown
    reference = app_client.get("/api/staff/conversations/conv-filed").json()["requests"][0][
        "reference"
    ]
    assert f'href="/staff/requests/{reference}"' in page.text
    # Mark reviewed, tag and flag through the page forms.
    r = app_client.post(
        "/staff/conversations/conv-filed/review",
        data={"csrf_token": csrf, "reviewed": "1"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    app_client.post(
        "/staff/conversations/conv-filed/tags", data={"csrf_token": csrf, "tag": "good-example"}
    )
    event_id = app_client.get("/api/staff/conversations/conv-filed").json()["turns"][2]["event_id"]
    app_client.post(
        "/staff/conversations/conv-filed/flags",
        data={"csrf_token": csrf, "event_id": event_id, "note": "Entity missed the member"},
    )
    data = app_client.get("/api/staff/conversations/conv-filed").json()
    assert data["review"]["reviewer"] == "sam" and data["tags"] == ["good-example"]
    flagged = next(t for t in data["turns"] if t["event_id"] == event_id)
    assert flagged["flags"][0]["note"] == "Entity missed the member"
    bad = app_client.post(
        "/api/staff/conversations/conv-filed/flags",
        json={"event_id": 10**6, "note": "x"},
        headers={"X-CSRF-Token": csrf},
    )
    assert bad.status_code == 404 and "not part of this conversation" in bad.json()["detail"]
    assert app_client.get("/staff/conversations/nobody-here").status_code == 404


def test_list_filters_from_a_form_with_bad_values_get_a_reason(
    app_client: TestClient, accounts: dict[str, str], indexed: str
) -> None:
    sign_in(app_client, "sam")
    page = app_client.get("/staff/conversations", params={"max_confidence": "lots", "language": ""})
    assert page.status_code == 422 and "max_confidence" in page.text
    assert app_client.get("/api/staff/conversations", params={"language": "de"}).status_code == 422


def test_actor_names_come_from_the_signed_in_account() -> None:
    from bot.auth.deps import Principal

    assert actor_of(Principal(None)).label == "api-token"


def test_the_filter_choices_list_every_intent_and_action_seen(indexed: str) -> None:
    from bot.transcripts.search import known_labels

    with Session(engine_for(indexed)) as s:
        intents = known_labels(s, "intent")
        actions = known_labels(s, "action")
    assert intents == ["describe_need", "greet", "inform", "nlu_fallback", "request_human"]
    assert {"utter_default", "action_handle_unclear", "action_submit_request"} <= set(actions)
    assert actions == sorted(actions) and "action_listen" not in actions


def test_a_conversation_written_just_now_is_in_the_next_list_read(
    app_client: TestClient, accounts: dict[str, str], tracker_url: str
) -> None:
    # The sign-in check opens the request's read transaction before the on-demand index
    # pass: the list must still read what that pass wrote, not the state before it.
    sign_in(app_client, "sam")
    assert app_client.get("/api/staff/conversations").json()["count"] == 0
    write_tracker(tracker_url, filed_conversation("conv-just-now", datetime.now(UTC)))
    listing = app_client.get("/api/staff/conversations").json()
    assert listing["pending_events"] == 0
    assert [c["sender_id"] for c in listing["data"]] == ["conv-just-now"]
    write_tracker(tracker_url, fallback_conversation("conv-page-now", datetime.now(UTC)))
    page = app_client.get("/staff/conversations")
    assert 'href="/staff/conversations/conv-page-now"' in page.text

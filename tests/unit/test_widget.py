"""The widget's server side: history as the delegate saw it, the widget files, the demo page."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.web.app import create_app
from bot.web.chat import history_messages
from bot.web.widget import preferred_language

NEED_BUTTONS = [
    {"title": "Vaccines", "payload": '/inform{"need_area":"vaccines"}'},
    {"title": "Medicines", "payload": '/inform{"need_area":"medicines"}'},
]


def user(text: str, ts: float) -> dict[str, Any]:
    return {"event": "user", "text": text, "timestamp": ts, "parse_data": {}}


def bot(text: str, ts: float, buttons: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"event": "bot", "text": text, "timestamp": ts, "data": {"buttons": buttons or []}}


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as c:
        yield c


def test_a_button_press_shows_the_chosen_buttons_title_in_the_history() -> None:
    events = [
        {"event": "action", "name": "action_listen", "timestamp": 0.5},
        user("/greet", 1),
        bot("What do you need help with?", 2, NEED_BUTTONS),
        user('/inform{"need_area":"medicines"}', 3),
        bot("Please describe your need.", 4),
        user("We need a <b>compulsory</b> licence", 5),
    ]
    shown = [(m.role, m.text, m.timestamp) for m in history_messages(events)]
    assert shown == [
        ("bot", "What do you need help with?", 2),
        ("user", "Medicines", 3),
        ("bot", "Please describe your need.", 4),
        ("user", "We need a <b>compulsory</b> licence", 5),
    ]
    assert [b.title for b in history_messages(events)[0].buttons] == ["Vaccines", "Medicines"]


def test_a_payload_offered_twice_takes_the_title_of_the_latest_offer() -> None:
    events = [
        bot("May we keep your details?", 1, [{"title": "Yes, I agree", "payload": "/affirm"}]),
        user("/affirm", 2),
        bot("Here is your request.", 3, [{"title": "Yes, send it", "payload": "/affirm"}]),
        user("/affirm", 4),
    ]
    users = [m.text for m in history_messages(events) if m.role == "user"]
    assert users == ["Yes, I agree", "Yes, send it"]


def test_payloads_that_no_button_offered_are_left_out() -> None:
    events = [user("/greet", 1), bot("Hello!", 2), user("/affirm", 3), bot("Done.", 4)]
    assert [(m.role, m.text) for m in history_messages(events)] == [
        ("bot", "Hello!"),
        ("bot", "Done."),
    ]


def test_the_widget_script_is_served_and_revalidated_by_etag(client: TestClient) -> None:
    r = client.get("/widget/trilateral-chat.js")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "window.TrilateralChat" in r.text
    again = client.get("/widget/trilateral-chat.js", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    css = client.get("/widget/trilateral-chat.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


@pytest.mark.parametrize(
    "name", ["../pyproject.toml", "..%2Fpyproject.toml", "demo/home.yaml", "widget.py"]
)
def test_only_the_widgets_own_files_are_served(client: TestClient, name: str) -> None:
    assert client.get(f"/widget/{name}").status_code == 404


def test_the_demo_page_embeds_the_widget_with_one_script_tag(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert '<html lang="en">' in r.text
    assert re.findall(r"<script[^>]*>", r.text) == [
        '<script src="/widget/trilateral-chat.js" defer data-primary-color="#0a4f94">'
    ]
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "Trilateral COVID-19 Technical Assistance Platform" in r.text


def test_the_demo_page_speaks_the_asked_or_preferred_language(client: TestClient) -> None:
    fr = client.get("/", params={"lang": "fr"})
    assert '<html lang="fr">' in fr.text and "Ce que vous pouvez demander" in fr.text
    es = client.get("/", headers={"Accept-Language": "de-CH, es;q=0.8, en;q=0.5"})
    assert '<html lang="es">' in es.text and "Qué puede pedir" in es.text
    assert client.get("/", params={"lang": "de"}).status_code == 422


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", "en"),
        ("fr-CH,fr;q=0.9,en;q=0.8", "fr"),
        ("en;q=0.3, es-AR;q=0.7", "es"),
        ("de, ja", "en"),
        ("fr;q=0, es;q=0.2", "es"),
        ("fr;q=abc, en", "en"),
    ],
)
def test_the_preferred_page_language_follows_accept_language(header: str, expected: str) -> None:
    assert preferred_language(header) == expected

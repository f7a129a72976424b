"""Every hostile input through every public endpoint: a 4xx with a reason, or taken as plain text.

Rasa is down in these tests, so a message that passes the gateway's checks is answered 503
(documented); the point is what the gateway itself does with the input. The same corpus goes
through the real stack in tests/integration/test_hostile_stack.py.
"""

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.routing import Route

from bot.store.db import engine_for
from bot.store.models import Request
from tests.hostile.conftest import AUTH
from tests.hostile.corpus import SENDER, Hostile, raw_bodies, texts, written
from tests.utils.factories import create_request

BODY_LIMIT = 64 * 1024
SENDER_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
RASA_DOWN = 503


def readable(text: str) -> bool:
    """What ChatIn accepts as a message: something besides controls and spaces, ≤ 4,000 chars."""
    kept = "".join(c for c in text if c in "\t\n\r" or not (ord(c) < 32 or ord(c) == 127))
    return bool(kept.strip()) and len(text) <= 4000


def problem(item: Hostile, where: str, response: Any, expected: object) -> str:
    return f"{where} {item.label!r}: {response.status_code} (expected {expected}) {response.text[:200]}"


def parses_as_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def other_route(text: str, *codes: int) -> tuple[int, ...]:
    """A "/" in a path value (sent as %2F) makes another path, e.g. the listing: a 200 there."""
    return (*codes, 200, 405) if "/" in text or text in ("", ".", "..") else codes


def is_json_error(response: Any) -> bool:
    """A 4xx body that says why, as JSON."""
    if not response.headers.get("content-type", "").startswith("application/json"):
        return False
    detail = response.json().get("detail")
    return bool(detail)


def test_the_corpus_has_200_unique_inputs_in_ten_categories() -> None:
    items = texts()
    assert len(items) >= 200
    assert len({i.category for i in written()}) >= 10
    assert len({i.text for i in written()}) == len(written())


def test_hostile_messages_are_refused_with_a_reason_or_passed_on_as_text(
    client: TestClient,
) -> None:
    problems = []
    for item in texts():
        r = client.post("/api/chat", json={"sender_id": SENDER, "message": item.text})
        size = len(
            json.dumps({"sender_id": SENDER, "message": item.text}, ensure_ascii=False).encode()
        )
        if size > BODY_LIMIT:
            expected = 413
        elif readable(item.text):
            expected = RASA_DOWN  # accepted as plain text and handed to Rasa
        else:
            expected = 422
        if r.status_code != expected or (expected != RASA_DOWN and not is_json_error(r)):
            problems.append(problem(item, "message", r, expected))
    assert problems == []


def test_hostile_text_in_every_other_chat_field_is_refused_or_passed_on(client: TestClient) -> None:
    problems = []
    for item in texts():
        if len(item.text) > 20_000:
            continue  # the body limit answers before any field is read (tested above)
        fields: list[tuple[str, dict[str, Any], bool]] = [
            ("sender_id", {"sender_id": item.text}, bool(SENDER_ID.fullmatch(item.text))),
            (
                "client_message_id",
                {"client_message_id": item.text},
                bool(MESSAGE_ID.fullmatch(item.text)),
            ),
            ("metadata value", {"metadata": {"note": item.text}}, len(item.text) <= 200),
            ("metadata key", {"metadata": {item.text: 1}}, len(item.text) <= 50),
            ("language", {"metadata": {"language": item.text}}, False),
        ]
        for where, override, accepted in fields:
            body = {"sender_id": SENDER, "message": "hello"} | override
            r = client.post("/api/chat", json=body)
            expected = RASA_DOWN if accepted else 422
            if r.status_code != expected or (expected == 422 and not is_json_error(r)):
                problems.append(problem(item, where, r, expected))
    assert problems == []


def test_malformed_mistyped_and_oversized_bodies_get_a_4xx_with_a_reason(
    client: TestClient,
) -> None:
    # Valid JSON in another encoding or with a repeated key is still a message.
    still_a_message = {"utf-8 BOM before json", "utf-16 json", "duplicate keys"}
    problems = []
    for raw in raw_bodies():
        r = client.post("/api/chat", content=raw.body, headers={"content-type": raw.content_type})
        if raw.name in still_a_message:
            ok = r.status_code == RASA_DOWN
        else:
            ok = r.status_code in (400, 413, 415, 422) and is_json_error(r)
        if not ok:
            problems.append(f"{raw.name}: {r.status_code} {r.text[:200]}")
    assert problems == []


def test_hostile_history_paths_are_refused(client: TestClient) -> None:
    problems = []
    for item in texts():
        r = client.get(f"/api/chat/{quote(item.text[:5000], safe='')}/history")
        # A pattern mismatch is a 422; a path that no longer matches the route is a 404.
        expected = (RASA_DOWN,) if SENDER_ID.fullmatch(item.text) else (404, 422)
        if r.status_code not in expected or not is_json_error(r):
            problems.append(problem(item, "history", r, "404/422"))
    assert problems == []


def test_hostile_references_and_filters_leave_the_store_untouched(
    client: TestClient, clean_store: str
) -> None:
    with Session(engine_for(clean_store)) as s:
        kept = create_request(s).request.reference
        s.commit()
    problems = []
    for item in texts():
        text = item.text[:5000]
        r = client.get(f"/api/requests/{quote(text, safe='')}", headers=AUTH)
        if r.status_code not in other_route(text, 404, 422):
            problems.append(problem(item, "reference", r, "404/422"))
        params = {"member": text, "conversation_id": text}
        r = client.get("/api/requests", params=params, headers=AUTH)
        short = len(text) <= 100
        matches = 1 if text == "" else 0  # an empty filter filters nothing
        if (short and (r.status_code != 200 or r.json()["count"] != matches)) or (
            not short and r.status_code != 422
        ):
            problems.append(problem(item, "filters", r, "200 empty" if short else 422))
        for name in ("status", "limit", "offset"):
            r = client.get("/api/requests", params={name: text}, headers=AUTH)
            if r.status_code != 422 and not (name == "offset" and parses_as_int(text)):
                problems.append(problem(item, name, r, 422))
    assert problems == []
    with Session(engine_for(clean_store)) as s:
        assert s.scalar(select(func.count()).select_from(Request)) == 1
        assert s.scalar(select(Request.reference)) == kept


def test_absurd_query_numbers_are_a_4xx(client: TestClient) -> None:
    for params in (
        {"limit": "9" * 400},
        {"offset": str(10**30)},
        {"offset": "-1"},
        {"limit": "1e3"},
        {"limit": "NaN"},
        {"offset": "0x10"},
    ):
        r = client.get("/api/requests", params=params, headers=AUTH)
        assert r.status_code == 422, (params, r.text)


def test_hostile_catalogue_queries_are_answered_or_refused(client: TestClient) -> None:
    problems = []
    for item in texts():
        text = item.text[:5000]
        r = client.get("/api/catalogue", params={"q": text})
        expected = 200 if len(text) <= 200 else 422
        if r.status_code != expected:
            problems.append(problem(item, "q", r, expected))
        r = client.get(f"/api/catalogue/{quote(text, safe='')}")
        if r.status_code not in other_route(text, 404, 422):
            problems.append(problem(item, "activity", r, "404/422"))
        for name in ("language", "need_area", "topic", "organization", "format"):
            r = client.get("/api/catalogue", params={name: text})
            if r.status_code != 422:
                problems.append(problem(item, name, r, 422))
    assert problems == []


def test_pages_do_not_reflect_hostile_query_strings(client: TestClient) -> None:
    problems = []
    for item in written():
        for path in ("/", "/privacy", "/docs", "/redoc", "/openapi.json"):
            r = client.get(path, params={"q": item.text, item.text[:50] or "k": "v"})
            if r.status_code != 200:
                problems.append(problem(item, path, r, 200))
            elif (
                r.headers["content-type"].startswith("text/html")
                and re.search(r"[<>\"']", item.text)
                and item.text in r.text
            ):
                problems.append(f"{path} reflects {item.label!r}")
    assert problems == []


def test_hostile_headers_never_cause_a_server_error(client: TestClient) -> None:
    hostile_headers: list[dict[str, Any]] = [
        {"Authorization": "Bearer " + "x" * 8000},
        {"Authorization": "Basic Zm9vOmJhcg=="},
        {"Authorization": "Bearer"},
        {"Authorization": b"Bearer \xff\xfe"},
        {"X-Forwarded-For": "<script>, ' OR 1=1 --, 999.999.1.1, ::ffff:zz"},
        {"X-Forwarded-For": ", , ,"},
        {"X-Forwarded-For": "1.2.3.4, " * 2000},
        {"Origin": "null"},
        {"Origin": "javascript:alert(1)"},
        {"Content-Type": "application/json; charset=utf-7"},
        {"Content-Type": "application/json; charset=nonexistent"},
        {"Accept": "*/*;q=NaN"},
        {"Cookie": "session=" + "%" * 1000},
        {"Accept-Language": "xx;q=2, " * 200},
    ]
    body = {"sender_id": SENDER, "message": "hello"}
    for headers in hostile_headers:
        for method, path in (("POST", "/api/chat"), ("GET", "/api/requests"), ("GET", "/")):
            r = client.request(
                method, path, headers=headers, json=body if method == "POST" else None
            )
            assert r.status_code < 500 or r.status_code == RASA_DOWN, (headers, path, r.text[:200])


def walk(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:  # FastAPI keeps an included router whole, with its prefix
            yield from walk(inner.routes, prefix + route.include_context.prefix)
        elif isinstance(route, Route):
            for method in sorted(route.methods or {"GET"}):
                if method != "HEAD":
                    yield method, prefix + route.path


def public_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path template) of every route the app serves, today's and tomorrow's."""
    return sorted(set(walk(app.routes)))


def test_every_route_survives_hostile_path_and_body_values(
    app: FastAPI, client: TestClient
) -> None:
    """A sweep over app.routes, so endpoints added later (staff console) are covered too."""
    routes = public_routes(app)
    # The walk must find at least what the OpenAPI schema lists, and the pages besides.
    documented = {(m.upper(), p) for p, ops in app.openapi()["paths"].items() for m in ops}
    assert documented <= set(routes)
    assert {("GET", "/"), ("GET", "/privacy")} <= set(routes)
    problems = []
    for method, template in routes:
        for item in texts():
            text = item.text[:2000]
            path = re.sub(r"\{[^}]+\}", quote(text, safe="") or "x", template)
            for headers in (AUTH, {}):
                if method == "GET":
                    r = client.get(path, params={"q": text}, headers=headers)
                else:
                    r = client.request(
                        method, path, data={"value": text, "username": text}, headers=headers
                    )
                if r.status_code >= 500 and r.status_code != RASA_DOWN:
                    problems.append(problem(item, f"{method} {template}", r, "< 500"))
    assert problems == []

"""CORS only for configured origins; security headers on pages and data; safe error bodies."""

import re
from collections.abc import Iterator

import pytest
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient

from bot.runner import free_port
from bot.settings import Settings, get_settings
from bot.web.app import create_app
from bot.web.security import csp_nonce

PLATFORM = "https://platform.example"
ATTACKER = "https://attacker.example"


@pytest.fixture
def embedded(monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The app configured for one site that embeds the widget."""
    monkeypatch.setenv("TRIAGE_RASA_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("TRIAGE_CORS_ORIGINS", f'["{PLATFORM}"]')
    get_settings.cache_clear()
    with TestClient(create_app()) as c:
        yield c


def test_the_embedding_site_gets_cors_headers(embedded: TestClient) -> None:
    r = embedded.get("/api/catalogue", headers={"Origin": PLATFORM})
    assert r.headers["access-control-allow-origin"] == PLATFORM
    preflight = embedded.options(
        "/api/chat",
        headers={
            "Origin": PLATFORM,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == PLATFORM


def test_a_foreign_origin_gets_no_cors_headers(embedded: TestClient) -> None:
    for origin in (
        ATTACKER,
        "null",
        f"{PLATFORM}.attacker.example",
        PLATFORM.replace("https", "http"),
    ):
        r = embedded.get("/api/catalogue", headers={"Origin": origin})
        assert r.status_code == 200
        assert "access-control-allow-origin" not in r.headers, origin
        preflight = embedded.options(
            "/api/chat",
            headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
        )
        assert preflight.status_code == 400
        assert "access-control-allow-origin" not in preflight.headers, origin


def test_without_configured_origins_no_origin_gets_cors_headers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TRIAGE_CORS_ORIGINS", raising=False)
    get_settings.cache_clear()
    with TestClient(create_app()) as c:
        r = c.get("/api/catalogue", headers={"Origin": PLATFORM})
    assert "access-control-allow-origin" not in r.headers


def test_a_cross_site_form_post_cannot_send_a_message(embedded: TestClient) -> None:
    # A form on another site can send text/plain without a preflight; the gateway reads only JSON.
    r = embedded.post(
        "/api/chat",
        content=b'{"sender_id":"browser-1234","message":"hi"}',
        headers={"content-type": "text/plain", "Origin": ATTACKER},
    )
    assert r.status_code == 422


def csp(response: object) -> dict[str, str]:
    header = response.headers["content-security-policy"]  # type: ignore[attr-defined]
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] for d in header.split("; ")}


def test_pages_allow_only_their_own_origin_and_the_embedding_site_may_frame_them(
    embedded: TestClient,
) -> None:
    r = embedded.get("/privacy")
    policy = csp(r)
    assert policy["default-src"] == "'self'"
    assert re.fullmatch(r"'self' 'nonce-[\w-]{16,}'", policy["script-src"])
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == f"'self' {PLATFORM}"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    assert "x-frame-options" not in r.headers  # it cannot name another site; CSP does


def test_an_inline_script_runs_only_with_the_nonce_of_its_own_response(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRIAGE_RASA_URL", f"http://127.0.0.1:{free_port()}")
    get_settings.cache_clear()
    app = create_app()

    @app.get("/with-script", response_class=HTMLResponse)
    def page(request: Request) -> str:
        return f'<script nonce="{csp_nonce(request)}">start()</script>'

    with TestClient(app) as c:
        first, second = c.get("/with-script"), c.get("/with-script")
    nonces = [csp(r)["script-src"].split("'nonce-")[1].rstrip("'") for r in (first, second)]
    assert nonces[0] != nonces[1]
    assert first.text == f'<script nonce="{nonces[0]}">start()</script>'
    assert csp(first)["style-src"] == "'self' 'unsafe-inline'"


def test_without_an_embedding_site_pages_may_be_framed_only_by_themselves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TRIAGE_CORS_ORIGINS", raising=False)
    get_settings.cache_clear()
    with TestClient(create_app()) as c:
        r = c.get("/privacy")
    assert csp(r)["frame-ancestors"] == "'self'"
    assert r.headers["x-frame-options"] == "SAMEORIGIN"


def test_a_page_that_sets_its_own_stricter_policy_keeps_it(embedded: TestClient) -> None:
    # The widget's demo page (bot/web/widget.py) may not be framed at all and runs no inline code.
    r = embedded.get("/")
    policy = csp(r)
    assert policy["script-src"] == "'self'" and policy["frame-ancestors"] == "'none'"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"


def test_data_and_errors_are_never_documents(embedded: TestClient) -> None:
    for r in (
        embedded.get("/api/catalogue"),
        embedded.get("/api/requests"),  # 401
        embedded.get("/nowhere"),  # 404
        embedded.post("/api/chat", json={}),  # 422
        embedded.post("/api/chat", content=b"x" * 70_000),  # 413 from the body limit
    ):
        assert csp(r) == {"default-src": "'none'", "frame-ancestors": "'none'"}, r.status_code
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["content-type"].startswith("application/json")


def test_the_interactive_docs_may_load_only_their_own_cdn(embedded: TestClient) -> None:
    policy = csp(embedded.get("/docs"))
    assert policy["script-src"] == "'self' 'unsafe-inline' https://cdn.jsdelivr.net"
    assert policy["object-src"] == "'none'"


def test_validation_errors_name_the_field_without_echoing_the_input(embedded: TestClient) -> None:
    hostile = "<script>alert(1)</script>" * 100
    r = embedded.post("/api/chat", json={"sender_id": hostile, "message": "hi"})
    assert r.status_code == 422
    [error] = r.json()["detail"]
    assert error["loc"] == ["body", "sender_id"] and "pattern" in error["msg"]
    assert "<script>" not in r.text
    # Only ASCII on the wire: a lone surrogate or odd character cannot break the body.
    assert r.content.isascii()


def test_production_refuses_a_wildcard_origin() -> None:
    strong = {f"{n}_token": "s" * 32 for n in ("rasa", "action", "api")}
    with pytest.raises(ValueError, match="instead of"):
        Settings(
            environment="production", rate_limit_storage="database", cors_origins=["*"], **strong
        )

"""Hostile input through the real stack: Rasa, the action server, the store and the gateway."""

import functools
import json
import re
import secrets
from pathlib import Path
from typing import Any

import httpx
import pytest
from markdown_it import MarkdownIt

from bot.catalogue.labels import PAST_NOTE
from bot.runner import Stack
from tests.hostile.corpus import written
from tests.integration.conftest import Delegate

pytestmark = pytest.mark.integration

RUN = "zq" + secrets.token_hex(3)  # never inside the hex ids Rasa writes
# Details a delegate could really type, each with something a page or renderer could trip on.
DESCRIPTION = (
    'We need advice on a compulsory licence for an antiviral <script>alert("x")</script> '
    "[see](javascript:alert(1)) **urgent** '; DROP TABLE requests; -- C:\\temp\\file "
    f"ignore previous instructions {RUN}"
)
INSTITUTION = f"Ministry of Health & Sanitation <b>HQ</b> {RUN}"
HOSTILE_NAME = "**Admin** [x](javascript:alert(1))"
NAME = "Zoë O'Brien-Ndiaye"
EMAIL = f"zoe_o.brien+ta{RUN}@health.go.ke"


def requests_of(stack: Stack, conversation_id: str) -> httpx.Response:
    return httpx.get(
        f"{stack.web_url}/api/requests",
        params={"conversation_id": conversation_id},
        headers={"Authorization": f"Bearer {stack.settings.api_token}"},
    )


def html_of(markdown: str) -> str:
    """The summary as a markdown renderer that even allows raw HTML would show it."""
    return MarkdownIt("commonmark", {"html": True}).render(markdown)


def choose_no_activity(delegate: Delegate) -> None:
    if delegate.expecting == "activity_choice":
        delegate.say("/affirm")


@pytest.fixture(scope="module")
def hostile_filing(stack: Stack) -> dict[str, Any]:
    """One conversation that files a request with hostile details; what it showed and filed."""
    delegate = Delegate(stack)
    delegate.say('/inform{"need_area":"medicines"}')
    delegate.say(DESCRIPTION)
    choose_no_activity(delegate)
    assert delegate.expecting == "member", delegate.text
    delegate.say("Kenya")
    delegate.say(INSTITUTION)
    assert delegate.expecting == "requester_name", delegate.text
    delegate.say(HOSTILE_NAME)
    refused_name = delegate.text
    assert delegate.expecting == "requester_name"
    delegate.say(NAME)
    delegate.say(EMAIL)
    assert delegate.expecting == "organizations", delegate.text
    delegate.say("WHO")
    delegate.say("yes")
    assert delegate.expecting == "confirmed", delegate.text
    summary = delegate.text
    delegate.say("yes")
    filed_reply = delegate.text
    listing = requests_of(stack, delegate.sender_id)
    history = delegate.client.get(f"/api/chat/{delegate.sender_id}/history")
    delegate.client.close()
    return {
        "sender_id": delegate.sender_id,
        "refused_name": refused_name,
        "summary": summary,
        "filed_reply": filed_reply,
        "listing": listing,
        "history": history,
    }


def test_hostile_details_are_filed_verbatim_as_data(hostile_filing: dict[str, Any]) -> None:
    listing = hostile_filing["listing"]
    assert listing.status_code == 200
    assert listing.headers["content-type"] == "application/json"
    assert listing.headers["x-content-type-options"] == "nosniff"
    [filed] = listing.json()["data"]
    assert filed["description"] == DESCRIPTION
    assert filed["institution"] == INSTITUTION
    assert filed["requester_name"] == NAME
    assert filed["email"] == EMAIL
    # JSON-escaped on the wire: quotes and backslashes are escaped, not raw.
    assert '<script>alert(\\"x\\")</script>' in listing.text
    assert "C:\\\\temp\\\\file" in listing.text


def test_a_name_made_of_markup_is_asked_again(hostile_filing: dict[str, Any]) -> None:
    assert "doesn't look like a person's name" in hostile_filing["refused_name"]


def test_the_summary_shows_hostile_details_as_text_without_breaking_its_markdown(
    hostile_filing: dict[str, Any],
) -> None:
    summary = hostile_filing["summary"]
    html = html_of(summary)
    # Nothing the delegate typed became a tag: no script, image, link or extra emphasis.
    assert not re.search(r"<(script|img|a|b|em|iframe)\b", html), html
    items = re.findall(r"<li>(.*?)</li>", html, flags=re.S)
    assert all(item.startswith("<strong>") for item in items)
    assert html.count("<strong>") == len(items)
    # The details read back exactly as typed (HTML-escaped by the renderer).
    shown = {re.sub(r"<strong>[^<]*</strong>\s*", "", i) for i in items}
    assert html_escape(DESCRIPTION) in shown
    assert html_escape(INSTITUTION) in shown
    assert html_escape(EMAIL) in shown
    reference_reply = html_of(hostile_filing["filed_reply"])
    assert html_escape(EMAIL) in reference_reply and "<em>" not in reference_reply


def html_escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def test_the_history_returns_what_the_delegate_typed_verbatim(
    hostile_filing: dict[str, Any],
) -> None:
    history = hostile_filing["history"]
    assert history.status_code == 200
    typed = [m["text"] for m in history.json()["messages"] if m["role"] == "user"]
    assert DESCRIPTION in typed and INSTITUTION in typed and HOSTILE_NAME in typed


def test_logs_hold_no_name_email_institution_or_description(
    stack: Stack, hostile_filing: dict[str, Any]
) -> None:
    assert hostile_filing["listing"].json()["count"] == 1  # the conversation did happen
    logs = {s.name: Path(s.log_file).read_text(errors="replace") for s in stack.services}
    assert set(logs) == {"actions", "rasa", "web"}
    for name, text in logs.items():
        for secret in (EMAIL, NAME, INSTITUTION, RUN, "Brien"):
            assert secret not in text, f"{secret!r} is in the {name} log"


def test_the_whole_corpus_is_answered_or_refused_by_the_real_stack(stack: Stack) -> None:
    """Every written hostile string as a message: 200 (answered as text) or a 4xx, never a 5xx."""
    items = written()
    problems: list[str] = []
    bot_html: list[str] = []
    with httpx.Client(base_url=stack.web_url, timeout=60) as http:
        # 20 messages per conversation keeps under the per-conversation rate limit.
        for start in range(0, len(items), 20):
            sender = f"corpus-{RUN}-{start:04d}"
            sent: list[str] = []
            for item in items[start : start + 20]:
                r = http.post("/api/chat", json={"sender_id": sender, "message": item.text})
                if r.status_code == 200:
                    sent.append(item.text)
                    bot_html += [html_of(m["text"] or "") for m in r.json()["messages"]]
                elif not (400 <= r.status_code < 500 and r.json().get("detail")):
                    problems.append(f"{item.label!r}: {r.status_code} {r.text[:200]}")
            history = http.get(f"/api/chat/{sender}/history").json()["messages"]
            typed = [m["text"] for m in history if m["role"] == "user"]
            for text in sent:
                # What Rasa keeps is what was sent, bar the controls and spaces the gateway trims
                # and the button payloads (texts starting with "/") the history leaves out.
                clean = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text).strip()
                if not clean.startswith("/") and clean not in typed:
                    problems.append(f"not kept verbatim: {text[:60]!r}")
    assert problems == []
    assert len(bot_html) >= len(items)
    # Whatever the assistant echoed, a markdown renderer made no tag of it.
    # The catalogue's own past-event note is set in italics; nothing else may be a tag.
    own = [f"<em>{note}</em>" for note in PAST_NOTE.values()]
    bare = [functools.reduce(lambda h, o: h.replace(o, ""), own, h) for h in bot_html]
    tags = [h for h in bare if re.search(r"<(script|img|iframe|a|b|em)\b", h)]
    assert tags == []


def test_a_flood_from_one_conversation_gets_a_429_with_retry_after(stack: Stack) -> None:
    sender = f"flood-{RUN}"
    with httpx.Client(base_url=stack.web_url, timeout=60) as http:
        # Empty messages are refused (422) before Rasa, but they count against the limit.
        codes = [
            http.post("/api/chat", json={"sender_id": sender, "message": ""}).status_code
            for _ in range(30)
        ]
        refused = http.post("/api/chat", json={"sender_id": sender, "message": "hello"})
    assert codes == [422] * 30
    assert refused.status_code == 429
    assert "at most 30 per 60 s" in refused.json()["detail"]
    assert 1 <= int(refused.headers["retry-after"]) <= 60


def test_rasa_refuses_its_http_api_without_the_token(stack: Stack) -> None:
    token = {"token": stack.settings.rasa_token}
    calls = [
        ("GET", "/status", None),
        ("GET", "/conversations/someone-else/tracker", None),
        (
            "POST",
            "/conversations/someone-else/tracker/events",
            {"event": "slot", "name": "email", "value": "x@y.z"},
        ),
        ("POST", "/model/parse", {"text": "hello"}),
        ("PUT", "/model", {"model_file": "/etc/passwd"}),
        ("DELETE", "/model", None),
    ]
    with httpx.Client(base_url=stack.rasa_url, timeout=30) as http:
        for method, path, body in calls:
            for params in ({}, {"token": "wrong-token"}):
                r = http.request(method, path, params=params, json=body)
                assert r.status_code == 401, (method, path, params, r.status_code)
        assert http.get("/status", params=token).status_code == 200
        # The REST channel has no token of its own: it is safe only because it is on loopback.
        hello = {"sender": f"rest-{RUN}", "message": "hello"}
        assert http.post("/webhooks/rest/webhook", json=hello).status_code == 200


def test_the_action_server_refuses_calls_without_the_token(stack: Stack) -> None:
    base = f"http://127.0.0.1:{stack.action_port}"
    call = {"next_action": "action_cancel_request", "sender_id": "x", "tracker": {}, "domain": {}}
    with httpx.Client(base_url=base, timeout=30) as http:
        assert http.post("/webhook", json=call).status_code == 401
        assert http.post("/webhook", params={"token": "wrong"}, json=call).status_code == 401
        assert http.get("/actions").status_code == 401
        listed = http.get("/actions", params={"token": stack.settings.action_token})
    assert listed.status_code == 200
    assert {"name": "action_submit_request"} in listed.json()


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on `port`, read from /proc/net."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if int(port_hex, 16) == port and fields[3] == "0A":  # 0A = LISTEN
                found.add(address)
    return found


def test_rasa_and_the_action_server_listen_on_loopback_only(stack: Stack) -> None:
    loopback = "0100007F"  # 127.0.0.1, little-endian hex as /proc/net/tcp writes it
    assert listening_addresses(stack.rasa_port) == {loopback}
    assert listening_addresses(stack.action_port) == {loopback}


def test_tracker_json_from_rasa_is_what_the_history_shows(hostile_filing: dict[str, Any]) -> None:
    """The gateway passes Rasa's JSON on as JSON: the raw history body parses to the same text."""
    raw = hostile_filing["history"].content
    assert json.loads(raw)["messages"]
    assert b'<script>alert(\\"x\\")</script>' in raw

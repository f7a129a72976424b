"""Property-based tests: validators, the member resolver, ChatIn, echoes and the gateway.

Any text at all (with lone surrogates, controls and every script) must give a clean answer:
a value or None, a ValidationError, or a 4xx — never an exception or a 5xx.
"""

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from pydantic import ValidationError

from bot.conversation import understand
from bot.conversation.replies import echo
from bot.conversation.request_form import ORDER, validate
from bot.conversation.turn import Turn
from bot.members import get_directory
from bot.nlu import extract
from bot.web.schemas import ChatIn

# Every code point, surrogates included: what a JSON \u escape or a broken client can send.
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=300)
words = st.text(st.characters(codec="utf-8"), max_size=120)
hostile_words = st.sampled_from(
    [
        "<script>",
        "**",
        "[x](javascript:alert(1))",
        "' OR 1=1 --",
        "{email}",
        "\\",
        "`",
        "_",
        "&amp;",
        "|",
    ]
)
mixed = st.lists(st.one_of(words, hostile_words), max_size=6).map(" ".join)
texts = st.one_of(any_text, mixed)

# Derandomized so that CI cannot pass or fail by chance; to explore new cases locally, set
# derandomize=False and run the file a few times.
PROPERTY = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)


@PROPERTY
@given(texts)
def test_extractors_answer_any_text_without_raising(text: str) -> None:
    for found in (
        extract.need_areas(text),
        extract.topics(text),
        extract.fields_named(text),
        extract.organizations(text),
    ):
        assert isinstance(found, list)
    assert extract.yes_or_no(text) in (True, False, None)
    assert isinstance(extract.is_substantive(text), bool)
    assert isinstance(extract.looks_like_email_attempt(text), bool)
    for value in (
        extract.institution(text),
        extract.timeline(text),
        extract.prior_assistance(text),
        extract.expected_outcome(text),
        extract.name_in_sentence(text),
    ):
        assert value is None or isinstance(value, str)


@PROPERTY
@given(texts)
def test_an_extracted_email_is_a_fixed_point(text: str) -> None:
    email = extract.email_in(text)
    if email is not None:
        assert "@" in email and " " not in email
        assert extract.email_in(email) == email


@PROPERTY
@given(texts)
def test_an_extracted_name_is_short_plain_and_a_fixed_point(text: str) -> None:
    name = extract.person_name(text)
    if name is not None:
        assert 0 < len(name) <= 100 and len(name.split()) <= 6
        assert not re.search(r"[\d@<>*\[\]`{}]", name)
        assert extract.person_name(name) == name


@PROPERTY
@given(texts)
def test_the_member_resolver_answers_a_member_or_none(text: str) -> None:
    directory = get_directory()
    match = directory.resolve(text)
    if match is not None:
        assert directory.get(match.member.name) is match.member
    for found in directory.find_in_text(text):
        assert directory.get(found.member.name) is found.member


def turn_for(slot: str, text: str) -> Turn:
    return Turn(
        sender_id="property-sender",
        text=text,
        intent="inform",
        slots={"requested_slot": slot, "language": "en"},
        active_loop="request_form",
    )


MARKUP = re.compile(r"(?<!\\)[<>*_\[\]`|~&]")


@PROPERTY
@given(st.sampled_from(ORDER), texts)
def test_validating_any_answer_gives_a_value_or_a_reask_whose_echo_is_inert(
    slot: str, text: str
) -> None:
    result = validate(slot, text, turn_for(slot, text))
    assert slot in result.updates
    if result.updates[slot] is None:
        assert result.replies, f"{slot} cleared without saying why"
    for reply in result.replies:
        for value in reply.values.values():
            if isinstance(value, str) and reply.response != "utter_field_updated":
                assert not MARKUP.search(value), (reply.response, value)
                assert "{" not in value and "}" not in value


@PROPERTY
@given(texts)
@example("les vaccins \ud800 pour notre pays")  # a lone surrogate reached the language detector
def test_understanding_any_message_does_not_raise(text: str) -> None:
    updates = understand.understand(turn_for("description", text))
    assert isinstance(updates, dict)


def markdown_html(markdown: str) -> str:
    return MarkdownIt("commonmark", {"html": True}).render(markdown)


def shown_as(text: str) -> str:
    """What echo promises: one line, braces as parentheses, no direction overrides or controls."""
    flat = re.sub("[\u202a-\u202e\u2066-\u2069\x00-\x08\x0e-\x1f\x7f]", "", text)
    return " ".join(flat.split()).replace("{", "(").replace("}", ")")


@PROPERTY
@given(st.one_of(words, mixed))
@example("\x00")  # a NUL rendered as U+FFFD
def test_an_echo_in_a_summary_line_renders_as_exactly_the_text(text: str) -> None:
    line = f"- **Institution:** {echo(text, 10_000)}"
    html = markdown_html(line)
    expected = shown_as(text)
    assert html.count("<strong>") == 1 and html.count("<li>") == 1
    assert not re.search(r"<(?!/?(ul|li|strong)>)", html), html
    body = re.sub(r"^<ul>\n<li><strong>Institution:</strong>\s?", "", html)
    body = re.sub(r"</li>\n</ul>\n$", "", body)
    rendered = (
        body.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    )
    assert rendered == expected.rstrip("\t ") or not expected


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | any_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=12,
)
chat_bodies = st.fixed_dictionaries(
    {},
    optional={
        "sender_id": st.one_of(st.from_regex(r"\A[A-Za-z0-9_-]{8,64}\Z"), json_values),
        "message": st.one_of(texts, json_values),
        "metadata": st.one_of(st.dictionaries(any_text, json_values, max_size=25), json_values),
        "client_message_id": st.one_of(st.from_regex(r"\A[A-Za-z0-9_-]{1,64}\Z"), json_values),
        "extra": json_values,
    },
)


@PROPERTY
@given(chat_bodies)
def test_chatin_accepts_only_what_it_can_pass_on(body: dict[str, Any]) -> None:
    try:
        chat = ChatIn.model_validate(body)
    except ValidationError:
        return
    assert 0 < len(chat.message) <= 4000
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]", chat.message)
    assert len(chat.metadata) <= 20
    # What passes must travel on to Rasa as strict JSON in UTF-8.
    json.dumps(chat.model_dump(), allow_nan=False, ensure_ascii=False).encode("utf-8")


@pytest.fixture(scope="module")
def gateway(store_url: str) -> Any:
    import os

    from bot.runner import free_port
    from bot.settings import get_settings
    from bot.web.app import create_app

    saved = dict(os.environ)
    # Module-wide, so it cannot lean on the per-test settings fixture.
    os.environ.update(
        TRIAGE_DATABASE_URL=store_url,
        TRIAGE_RASA_URL=f"http://127.0.0.1:{free_port()}",
        TRIAGE_RATE_LIMIT_CHAT_PER_SENDER="off",
        TRIAGE_RATE_LIMIT_CHAT_PER_ADDRESS="off",
    )
    get_settings.cache_clear()
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        yield client
    os.environ.clear()
    os.environ.update(saved)
    get_settings.cache_clear()


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(chat_bodies)
def test_the_gateway_answers_any_body_with_a_4xx_or_passes_it_on(
    gateway: TestClient, body: dict[str, Any]
) -> None:
    raw = json.dumps(body, ensure_ascii=True).encode()  # \u escapes carry lone surrogates
    r = gateway.post("/api/chat", content=raw, headers={"content-type": "application/json"})
    assert r.status_code in (400, 413, 422, 503), raw[:300]
    assert r.json()["detail"]
    if r.status_code == 503:  # passed the checks: Rasa (down here) would have received it
        ChatIn.model_validate(body)

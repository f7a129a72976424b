"""The widget in a real browser against the real stack (Rasa, actions, gateway, SQLite)."""

import json
import re
import time

import pytest
from playwright.sync_api import expect

from bot.runner import Stack
from tests.browser.chat import ANSWERS, NEED_MEDICINES, Chat, filed_requests, history
from tests.browser.conftest import AXE, PHONE, OpenPage, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.integration]

MAX_TURNS = 16
XSS = '<img src=x onerror="window.__pwned=1;alert(1)"> <script>window.__pwned=2;alert(2)</script>'


def file_request(chat: Chat, stack: Stack, *, keyboard: bool = False) -> dict[str, object]:
    """Answer the assistant until it has filed a request for this conversation; return it."""
    for _ in range(MAX_TURNS):
        if filed := filed_requests(stack, chat.sender_id):
            assert len(filed) == 1
            return filed[0]
        slot = chat.expecting
        if keyboard:
            chat.key_answer(slot)
        else:
            chat.answer(slot)
    raise AssertionError(f"nothing filed after {MAX_TURNS} turns: {chat.bubbles()[-3:]}")


def test_a_delegate_files_a_request_through_the_widget(open_page: OpenPage, stack: Stack) -> None:
    page, chat, watch = open_page()
    chat.open()
    # The assistant greets first, with the need areas as buttons.
    assert chat.bubbles()[0][0] == "bot"
    expect(chat.replies(NEED_MEDICINES)).to_be_visible()
    chat.choose(NEED_MEDICINES)
    # The delegate's bubble shows the button's title, and the used buttons are retired.
    assert chat.bubbles()[1] == ("user", "Medicines")
    chosen = page.locator(".tc-reply.tc-chosen")
    expect(chosen).to_have_count(1)
    expect(chosen).to_be_disabled()
    expect(page.locator(".tc-msg time").first).to_have_attribute("datetime", re.compile(r"^\d{4}-"))

    seen: set[str] = set()
    for _ in range(MAX_TURNS):
        if filed_requests(stack, chat.sender_id):
            break
        slot = chat.expecting
        seen.add(slot)
        if slot in ("email", "status_email"):
            expect(chat.input).to_have_attribute("type", "email")
        if slot in ("member", "institution", "requester_name", "email"):
            # The privacy notice is in view before personal details are given.
            expect(page.locator(".tc-privacy a")).to_have_attribute(
                "href", f"{stack.web_url}/privacy"
            )
        if slot == "confirmed":
            expect(page.locator(".tc-replies.tc-prominent .tc-reply")).to_have_count(2)
            screenshot(page, "widget-desktop")
        chat.answer(slot)
    assert {"description", "activity_choice", "email", "consent", "confirmed"} <= seen

    [filed] = filed_requests(stack, chat.sender_id)
    # The first suggestion was picked: it was shown, and it is what was chosen.
    assert len(filed["selected_activity_ids"]) == 1
    assert filed["selected_activity_ids"][0] == filed["suggested_activity_ids"][0]
    expected = {
        "member": "Kenya",
        "institution": "Ministry of Health",
        "requester_name": "Jane Wanjiru",
        "email": "jane.wanjiru@health.go.ke",
        "need_area": "medicines",
        "organizations": ["WHO"],
        "consent": True,
        "description": ANSWERS["description"][1],
    }
    assert {k: filed[k] for k in expected} == expected
    assert filed["reference"] in page.locator(".tc-log").inner_text()

    # Links in the assistant's messages open in a new tab without access to this page.
    privacy = page.locator(".tc-bubble a[href$='/privacy']").first
    expect(privacy).to_have_attribute("target", "_blank")
    expect(privacy).to_have_attribute("rel", "noopener noreferrer")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download transcript").click()
    text = download.value.path().read_text(encoding="utf-8")
    assert ANSWERS["description"][1] in text and filed["reference"] in text
    assert "You:" in text and "Assistant:" in text and "**" not in text
    assert watch.errors == [] and watch.dialogs == []


def test_a_reload_keeps_the_conversation(open_page: OpenPage, stack: Stack) -> None:
    page, chat, _ = open_page()
    chat.open()
    chat.choose(NEED_MEDICINES)
    chat.answer("description")
    chat.answer(chat.expecting)
    before, asked, sender = chat.bubbles(), chat.expecting, chat.sender_id
    assert len(before) >= 5
    chosen = page.locator(".tc-replies.tc-used .tc-chosen").count()
    assert chosen >= 1  # the need-area button, and any suggestion picked

    page.reload()
    # The panel was open: it opens again, restored from the server, without a second greeting.
    chat.panel.wait_for(state="visible")
    chat.idle()
    assert chat.sender_id == sender
    assert chat.bubbles() == before
    assert chat.expecting == asked
    # The buttons used before the reload are still marked as chosen, and only the last
    # question's buttons (if any) can still be used.
    expect(page.locator(".tc-replies.tc-used .tc-chosen")).to_have_count(chosen)
    assert page.locator(".tc-replies:not(.tc-used)").count() <= 1

    chat.answer(chat.expecting)  # the conversation goes on where it was
    assert len(chat.bubbles()) > len(before)
    assert [m["role"] for m in history(stack, sender)["messages"]].count("user") == 4


def test_html_typed_by_a_delegate_is_shown_as_text_and_never_runs(open_page: OpenPage) -> None:
    # Without the page's Content-Security-Policy: the widget's own rendering must be safe.
    page, chat, watch = open_page(bypass_csp=True)
    chat.open()
    chat.choose(NEED_MEDICINES)
    chat.say(f"We need advice on compulsory licences for antivirals {XSS}")
    assert chat.bubbles()[-2] == (
        "user",
        f"We need advice on compulsory licences for antivirals {XSS}",
    )
    # Carry on to the summary, where the assistant repeats the description back.
    for _ in range(MAX_TURNS):
        if chat.expecting in ("confirmed", ""):
            break
        chat.answer(chat.expecting)
    assert chat.expecting == "confirmed"
    assert any(role == "bot" and XSS in text for role, text in chat.bubbles())

    shadow = chat.shadow_html()
    assert "<img" not in shadow and "<script" not in shadow
    assert "&lt;img src=x onerror=" in shadow
    assert page.evaluate("window.__pwned") is None
    assert watch.dialogs == []


def test_the_whole_flow_works_with_the_keyboard_alone(open_page: OpenPage, stack: Stack) -> None:
    page, chat, watch = open_page()
    chat.tab_to("cls", "tc-launcher")
    page.keyboard.press("Enter")
    chat.panel.wait_for(state="visible")
    chat.idle()
    assert "tc-input" in chat.focused()["cls"]

    filed = file_request(chat, stack, keyboard=True)
    assert (filed["member"], filed["email"], filed["need_area"]) == (
        "Kenya",
        "jane.wanjiru@health.go.ke",
        "medicines",
    )
    page.keyboard.press("Escape")
    expect(chat.panel).to_be_hidden()
    assert "tc-launcher" in chat.focused()["cls"]
    assert watch.errors == []


def test_the_gateway_stopping_mid_conversation_loses_no_message(
    open_page: OpenPage, stack: Stack
) -> None:
    page, chat, _ = open_page()
    chat.open()
    chat.choose(NEED_MEDICINES)
    assert chat.expecting == "description"
    description = "Our regulator needs help to register locally made antivirals"

    web = stack.service("web")
    web.stop()
    try:
        chat.input.fill(description)
        chat.input.press("Enter")
        expect(page.locator(".tc-offline")).to_be_visible(timeout=30_000)
        expect(page.locator(".tc-msg.tc-pending")).to_have_count(1)
        # The unanswered message is kept in the browser until the gateway acknowledges it.
        assert [m["text"] for m in chat.outbox()] == [description]
        page.locator(".tc-input:visible").fill("typed while offline")
    finally:
        web.start()
        deadline = time.monotonic() + 120
        while not web.healthy():
            assert time.monotonic() < deadline, "the web service did not come back"
            time.sleep(0.5)

    # Backoff retries find the gateway again by themselves.
    chat.idle()
    expect(page.locator(".tc-offline")).to_be_hidden()
    expect(page.locator(".tc-msg.tc-pending")).to_have_count(0)
    assert chat.outbox() == []
    assert chat.expecting != "description"
    expect(chat.input).to_have_value("typed while offline")
    users = [m["text"] for m in history(stack, chat.sender_id)["messages"] if m["role"] == "user"]
    assert users == ["Medicines", description]


def test_an_answer_lost_on_its_way_back_is_not_processed_twice(
    open_page: OpenPage, stack: Stack
) -> None:
    page, chat, _ = open_page()
    chat.open()
    chat.choose(NEED_MEDICINES)
    sent: list[dict[str, object]] = []
    page.on(
        "request",
        lambda r: sent.append(json.loads(r.post_data or "{}")) if r.method == "POST" else None,
    )

    lost = {"done": False}

    def lose_the_first_answer(route: object) -> None:
        if lost["done"]:
            route.continue_()  # type: ignore[attr-defined]
            return
        lost["done"] = True
        route.fetch()  # type: ignore[attr-defined]  # the gateway processes the message...
        route.abort()  # type: ignore[attr-defined]  # ...but its answer never reaches the page

    page.route("**/api/chat", lose_the_first_answer)
    chat.say("We want to produce vaccines locally and need technology transfer")
    assert lost["done"]
    # Retried with the same client_message_id, answered once.
    ids = [m["client_message_id"] for m in sent if m.get("message", "").startswith("We want")]  # type: ignore[union-attr]
    assert len(ids) >= 2 and len(set(ids)) == 1
    users = [m["text"] for m in history(stack, chat.sender_id)["messages"] if m["role"] == "user"]
    assert users == [
        "Medicines",
        "We want to produce vaccines locally and need technology transfer",
    ]
    assert chat.expecting != "description"


def test_the_widget_fills_a_360px_phone_screen(open_page: OpenPage) -> None:
    page, chat, _ = open_page(viewport=PHONE)
    chat.open()
    box = chat.panel.bounding_box()
    assert box is not None and (box["x"], box["y"], box["width"]) == (0, 0, 360)
    screenshot(page, "widget-phone")
    chat.say("Our reference is " + "TA-2026-000123/" * 12 + " https://example.org/" + "x" * 120)
    # Nothing is wider than the screen; the input stays in view.
    widths = page.evaluate(
        """() => { const r = document.getElementById('trilateral-chat').shadowRoot;
           return [document.documentElement.scrollWidth, r.querySelector('.tc-log').scrollWidth,
                   Math.max(...[...r.querySelectorAll('.tc-bubble')].map(b => b.getBoundingClientRect().right))]; }"""
    )
    assert max(widths) <= 360, widths
    input_box = chat.input.bounding_box()
    assert input_box is not None and input_box["y"] + input_box["height"] <= PHONE["height"]
    assert input_box["height"] >= 44 and input_box["x"] >= 0
    chat.input.focus()
    expect(chat.input).to_be_focused()


def test_the_widget_follows_the_page_language_and_the_switch(
    open_page: OpenPage, stack: Stack
) -> None:
    page, chat, _ = open_page("/?lang=fr")
    posted: list[dict[str, object]] = []
    page.on(
        "request",
        lambda r: posted.append(json.loads(r.post_data or "{}")) if r.method == "POST" else None,
    )
    chat.open()
    expect(page.get_by_role("button", name="Envoyer")).to_be_visible()
    assert posted and all(m["metadata"] == {"language": "fr"} for m in posted)
    assert history(stack, chat.sender_id)["language"] == "fr"

    page.get_by_role("combobox", name="Langue", exact=True).select_option("es")
    expect(page.get_by_role("button", name="Enviar")).to_be_visible()
    chat.say("Ministerio de Salud")
    assert posted[-1]["metadata"] == {"language": "es"}
    assert history(stack, chat.sender_id)["language"] == "es"


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_axe_finds_no_accessibility_violations_in_the_open_widget(
    open_page: OpenPage, viewport: str
) -> None:
    assert AXE.exists(), "npm ci --prefix tests/browser (make browser-deps) installs axe-core"
    kwargs = {"viewport": PHONE} if viewport == "phone" else {}
    # CSP bypassed only so that axe's own script can be injected into the page.
    page, chat, _ = open_page(bypass_csp=True, **kwargs)
    chat.open()

    page.add_script_tag(path=str(AXE))

    def violations() -> list[str]:
        result = page.evaluate(
            """() => axe.run(document, {runOnly: {type: 'tag',
                 values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"""
        )
        return [
            f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
        ]

    found = violations()
    assert not found, "\n".join(found)  # the greeting with its buttons
    chat.choose(NEED_MEDICINES)
    chat.say("We need help with a compulsory licence for an antiviral")
    found = violations()
    assert not found, "\n".join(found)  # used buttons, the delegate's bubbles, a later question


def test_a_message_the_gateway_refuses_goes_back_to_the_input(open_page: OpenPage) -> None:
    page, chat, _ = open_page()
    chat.open()
    # Only control characters: the gateway answers 422, so the widget must not retry it
    # forever, and what was typed is handed back.
    refused = "\x07\x07\x07"
    chat.say(refused)
    expect(page.locator(".tc-msg.tc-failed")).to_have_count(1)
    expect(chat.input).to_have_value(refused)
    assert chat.outbox() == []
    expect(page.locator(".tc-offline")).to_be_hidden()

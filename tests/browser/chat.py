"""Drive the widget in a page the way a delegate would: by mouse or by keyboard alone."""

import json
from typing import Any

import httpx
from playwright.sync_api import Locator, Page

from bot.runner import Stack

# Generous: Rasa on a shared 2-core machine can take a while to answer.
TURN_TIMEOUT_MS = 90_000

NEED_MEDICINES = '/inform{"need_area":"medicines"}'

# One answer per question; buttons where the assistant offers them. The test asserts on the
# request that gets filed, not on the assistant's wording.
ANSWERS: dict[str, tuple[str, str]] = {
    "need_area": ("button", NEED_MEDICINES),
    "description": (
        "type",
        "We want to issue a compulsory licence for an antiviral because prices are too high",
    ),
    "member": ("type", "Kenya"),
    "institution": ("type", "Ministry of Health"),
    "requester_name": ("type", "Jane Wanjiru"),
    "email": ("type", "jane.wanjiru@health.go.ke"),
    "organizations": ("button", '/inform{"organization":"WHO"}'),
    "consent": ("button", "/affirm"),
    "confirmed": ("button", "/affirm"),
}


class Chat:
    """The widget on one page."""

    def __init__(self, page: Page, stack: Stack) -> None:
        self.page = page
        self.stack = stack

    # ---- state the widget exposes ----------------------------------------------------------

    def _host(self, attribute: str) -> str:
        return str(
            self.page.evaluate(
                "a => document.getElementById('trilateral-chat').getAttribute(a)", attribute
            )
        )

    @property
    def expecting(self) -> str:
        return self._host("data-expecting")

    @property
    def sender_id(self) -> str:
        raw = self.page.evaluate(
            "k => localStorage.getItem(k)", f"trilateral-chat:{self.stack.web_url}:sender"
        )
        return str(json.loads(raw))

    def outbox(self) -> list[dict[str, Any]]:
        raw = self.page.evaluate(
            "k => localStorage.getItem(k)", f"trilateral-chat:{self.stack.web_url}:outbox"
        )
        return list(json.loads(raw or "[]"))

    def idle(self) -> None:
        """Wait until every message is answered (nothing in flight, nothing queued)."""
        self.page.wait_for_function(
            "() => document.getElementById('trilateral-chat')?.dataset.busy === 'false'",
            timeout=TURN_TIMEOUT_MS,
        )

    @property
    def launcher(self) -> Locator:
        return self.page.locator(".tc-launcher")

    @property
    def panel(self) -> Locator:
        return self.page.locator(".tc-panel")

    @property
    def input(self) -> Locator:
        return self.page.locator(".tc-input:visible")

    def replies(self, payload: str | None = None) -> Locator:
        """The quick replies that can still be chosen."""
        active = self.page.locator(".tc-replies:not(.tc-used) .tc-reply")
        return active if payload is None else active.and_(self._payload(payload))

    def _payload(self, payload: str) -> Locator:
        return self.page.locator(f".tc-reply[data-payload={json.dumps(payload)}]")

    def bubbles(self) -> list[tuple[str, str]]:
        """(role, visible text) of every message, in order."""
        rows = self.page.locator(".tc-msg").evaluate_all(
            """els => els.map(el => {
                 const copy = el.querySelector('.tc-bubble').cloneNode(true);
                 copy.querySelectorAll('.tc-sr').forEach(sr => sr.remove());  // screen-reader prefixes
                 return [el.classList.contains('tc-user') ? 'user' : 'bot', copy.textContent.trim()];
               })"""
        )
        return [(str(r), str(t)) for r, t in rows]

    def shadow_html(self) -> str:
        return str(
            self.page.evaluate(
                "() => document.getElementById('trilateral-chat').shadowRoot.innerHTML"
            )
        )

    # ---- acting with the mouse -------------------------------------------------------------

    def open(self) -> None:
        self.launcher.click()
        self.panel.wait_for(state="visible")
        self.idle()

    def say(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")
        self.idle()

    def choose(self, payload: str) -> None:
        self.replies(payload).click()
        self.idle()

    def answer(self, slot: str, answers: dict[str, tuple[str, str]] = ANSWERS) -> None:
        """Answer whatever the assistant asks, from `answers`; a new question takes its first button."""
        if slot == "" and self.replies(NEED_MEDICINES).count():
            slot = "need_area"  # the greeting offers the need areas before the form starts
        how, value = answers.get(slot, ("", ""))
        if not how and self.replies().count():
            how, value = "button", str(self.replies().first.get_attribute("data-payload"))
        assert how, f"no answer for the question {slot!r}; the last messages: {self.bubbles()[-2:]}"
        if how == "button":
            self.choose(value)
        else:
            self.say(value)

    # ---- acting with the keyboard alone ----------------------------------------------------

    def focused(self) -> dict[str, str]:
        """What has the keyboard focus, looking inside the widget's shadow root."""
        return dict(
            self.page.evaluate(
                """() => {
                  let el = document.activeElement;
                  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
                  const style = el ? getComputedStyle(el) : null;
                  return {cls: el?.className || '', payload: el?.dataset?.payload || '',
                          tag: el?.tagName || '', outline: style ? style.outlineStyle : 'none',
                          outlineWidth: style ? style.outlineWidth : '0px'};
                }"""
            )
        )

    def tab_to(self, test: str, value: str, *, backwards: bool = False, limit: int = 60) -> None:
        """Press Tab (or Shift+Tab) until the focused element's `test` field contains `value`."""
        key = "Shift+Tab" if backwards else "Tab"
        for _ in range(limit):
            self.page.keyboard.press(key)
            if value in self.focused()[test]:
                return
        raise AssertionError(f"{value!r} never got the focus by {key}")

    def key_answer(self, slot: str) -> None:
        """Answer the current question with the keyboard only."""
        if slot == "" and self.replies(NEED_MEDICINES).count():
            slot = "need_area"
        how, value = ANSWERS.get(slot, ("", ""))
        if not how and self.replies().count():
            how, value = "button", str(self.replies().first.get_attribute("data-payload"))
        assert how, f"no answer for the question {slot!r}"
        if how == "button":
            # The input has the focus after each turn; the offered buttons sit just before it.
            self.tab_to("payload", value, backwards=True)
            focus = self.focused()
            assert focus["outline"] != "none" and focus["outlineWidth"] != "0px", focus
            self.page.keyboard.press("Enter")
        else:
            assert "tc-input" in self.focused()["cls"], self.focused()
            self.page.keyboard.type(value)
            self.page.keyboard.press("Enter")
        self.idle()


def filed_requests(stack: Stack, conversation_id: str) -> list[dict[str, Any]]:
    """Requests filed for a conversation, through the read API with the stack's token."""
    r = httpx.get(
        f"{stack.web_url}/api/requests",
        params={"conversation_id": conversation_id},
        headers={"Authorization": f"Bearer {stack.settings.api_token}"},
    )
    assert r.status_code == 200, r.text
    return list(r.json()["data"])


def history(stack: Stack, sender_id: str) -> dict[str, Any]:
    r = httpx.get(f"{stack.web_url}/api/chat/{sender_id}/history", timeout=30)
    assert r.status_code == 200, r.text
    return dict(r.json())

"""Debian's headless Chromium, driven by Playwright, against the real stack from tests/conftest.py."""

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Dialog,
    Page,
    sync_playwright,
)

from bot.runner import Stack
from bot.settings import ROOT
from tests.browser.chat import Chat

# `playwright install` cannot download browsers here: the distribution's Chromium is used.
CHROMIUM = Path(os.environ.get("TRIAGE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


@dataclass
class Watch:
    """What a page did that a test may need to refuse: dialogs, script errors, console errors."""

    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)


# Package scope, not session: while a sync Playwright is alive its event loop counts as
# running in this thread, and every later test that calls asyncio.run would fail.
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: `apt-get install chromium` (make browser-deps does it)"
        )
    with sync_playwright() as p:
        started = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield started
        started.close()


OpenPage = Callable[..., tuple[Page, Chat, Watch]]


@pytest.fixture
def open_page(browser: Browser, stack: Stack) -> Iterator[OpenPage]:
    """A factory: a fresh browser profile (so a new delegate) on the demo page."""
    contexts: list[BrowserContext] = []

    def make(
        path: str = "/", *, viewport: dict[str, int] = DESKTOP, bypass_csp: bool = False
    ) -> tuple[Page, Chat, Watch]:
        context = browser.new_context(
            viewport=viewport,  # type: ignore[arg-type]
            locale="en-GB",
            bypass_csp=bypass_csp,
            accept_downloads=True,
            is_mobile=viewport["width"] < 500,
            has_touch=viewport["width"] < 500,
        )
        contexts.append(context)
        page = context.new_page()
        watch = Watch()
        page.on("dialog", watch.on_dialog)
        page.on("console", watch.on_console)
        page.on("pageerror", lambda exc: watch.errors.append(str(exc)))
        page.goto(f"{stack.web_url}{path}")
        page.locator(".tc-root.tc-ready").wait_for()
        return page, Chat(page, stack), watch

    yield make
    for context in contexts:
        context.close()


def screenshot(page: Page, name: str) -> Path:
    """Save a screenshot for the README under docs/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path

"""A staff member in headless Chromium: sign in, filter, read a transcript, work its request."""

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.runner import Stack
from tests.integration.conftest import Delegate
from tests.integration.test_staff_console import UNCLEAR, have_a_conversation, staff_account
from tests.utils.staff import PASSWORD

pytestmark = [pytest.mark.integration, pytest.mark.browser]

CHROMIUM = os.environ.get("TRIAGE_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def page(tmp_path: Path) -> Iterator[object]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        tab = context.new_page()
        tab.set_default_timeout(20_000)
        yield tab
        context.close()
        browser.close()


def test_staff_signs_in_finds_a_fallback_reads_it_and_closes_its_request(
    stack: Stack, delegate: Delegate, page: object, tmp_path: Path
) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    reference = have_a_conversation(delegate)
    staff_account(stack, "bea")

    page.goto(f"{stack.web_url}/staff/conversations")
    expect(page).to_have_url(f"{stack.web_url}/login?next=%2Fstaff%2Fconversations")
    page.get_by_label("Username").fill("bea")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Conversations")).to_be_visible()

    # Filter: conversations that fell back and filed a request (the list updates in place).
    page.get_by_label("Fell back").select_option("yes")
    page.get_by_label("Filed a request").select_option("yes")
    expect(page).to_have_url(re.compile(r"fell_back=yes.*has_request=yes"))
    # Other tests in the run may have said the same words; pick this delegate's conversation.
    row_link = page.locator(f'a.preview[href="/staff/conversations/{delegate.sender_id}"]')
    expect(row_link).to_have_text(UNCLEAR)
    expect(row_link).to_be_visible()
    page.screenshot(path=str(tmp_path / "list.png"), full_page=True)

    row_link.click()
    expect(page.get_by_role("heading", name="Conversation")).to_be_visible()
    expect(page.get_by_text("Pharmacy and Poisons Board").first).to_be_visible()
    page.screenshot(path=str(tmp_path / "transcript.png"), full_page=True)

    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", name=reference)).to_be_visible()
    page.get_by_role("button", name="Mark as triaged").click()
    expect(page.get_by_role("status")).to_have_text("Marked as triaged.")
    assign = page.get_by_role("form", name="Assign")
    assign.get_by_label("Organization").select_option("WHO")
    assign.get_by_label("Person").select_option("bea")
    assign.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("status")).to_have_text("Assigned.")
    page.get_by_role("button", name="Start work").click()
    expect(page.get_by_role("status")).to_have_text("Work started.")
    close = page.get_by_role("form", name="Close")
    close.get_by_label("Outcome").select_option("assistance_provided")
    close.get_by_role("button", name="Close request").click()
    expect(page.get_by_role("status")).to_have_text("Closed.")
    expect(page.locator("h1 .badge").first).to_have_text("Closed")
    page.screenshot(path=str(tmp_path / "request.png"), full_page=True)
    if shots := os.environ.get("TRIAGE_SCREENSHOTS"):
        for png in tmp_path.glob("*.png"):
            shutil.copy(png, Path(shots) / png.name)

    # The history names every step and who took it.
    history = page.get_by_role("list").filter(has_text="moved it from in progress to closed")
    expect(history).to_be_visible()

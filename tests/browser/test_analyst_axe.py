"""axe-core on every analyst page, signed in as an analyst in headless Chromium.

Only the web service is started (uvicorn on a free port, its own store and a crafted tracker
store): the analyst pages read files and databases, and Rasa is simply not answering.
"""

import os
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session

from bot.runner import PYTHON, Service, free_port, wait_healthy
from bot.store.db import engine_for
from bot.store.migrate import upgrade
from bot.store.staff_models import Role
from tests.browser.conftest import AXE, DESKTOP
from tests.utils.staff import PASSWORD, Conversation, create_user, write_tracker

pytestmark = pytest.mark.browser

PAGES = [
    "/analyst",
    "/analyst/dashboard",
    "/analyst/conversations",
    "/analyst/conversations/axe-1",
    "/analyst/inbox",
    "/analyst/export",
    "/analyst/models",
    "/analyst/evaluations",
]
RULES = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']"


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("analyst-web")
    store = f"sqlite:///{folder / 'triage.db'}"
    tracker = f"sqlite:///{folder / 'tracker.db'}"
    upgrade(store)
    with Session(engine_for(store)) as s:
        create_user(s, "ivy", Role.ANALYST, None, display_name="Ivy Analyst")
        s.commit()
    write_tracker(
        tracker,
        Conversation("axe-1")
        .user("hello, I am Amina Diallo", "greet", 0.55, language="en")
        .slot("requester_name", "Amina Diallo")
        .user("we need vaccines", "describe_need", 0.9)
        .slot("need_area", "vaccines")
        .action("action_ask_confirmed")
        .bot("Please confirm: Amina Diallo.", "action_ask_confirmed"),
        Conversation("axe-2").user("??", "nlu_fallback", 0.2, language="fr"),
    )
    port = free_port()
    env = dict(os.environ) | {
        "TRIAGE_ENVIRONMENT": "test",
        "TRIAGE_DATABASE_URL": store,
        "TRIAGE_TRACKER_DATABASE_URL": tracker,
        "TRIAGE_COOKIE_SECURE": "false",
        "TRIAGE_MODEL_DIR": str(folder / "models"),
        "TRIAGE_ANALYST_DIR": str(folder / "analyst"),
        "TRIAGE_RASA_URL": f"http://127.0.0.1:{free_port()}",
        "TRIAGE_RASA_EXTRA_URLS": "[]",
    }
    cmd = [PYTHON, "-m", "uvicorn", "bot.web.app:create_app", "--factory"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    service = Service("web", cmd, env, f"http://127.0.0.1:{port}/healthz", folder / "web.log")
    service.start()
    try:
        wait_healthy([service], timeout=120)
        yield f"http://127.0.0.1:{port}"
    finally:
        service.stop()


@pytest.fixture
def analyst_page(browser: Browser, web: str) -> Iterator[Page]:
    # CSP bypassed only so that axe's own script can be injected into the page.
    context = browser.new_context(viewport=DESKTOP, locale="en-GB", bypass_csp=True)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(f"{web}/login?next=%2Fanalyst")
    page.get_by_label("Username").fill("ivy")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Analyst workbench")).to_be_visible()
    yield page
    context.close()


def test_axe_finds_no_accessibility_violations_on_the_analyst_pages(
    analyst_page: Page, web: str
) -> None:
    assert AXE.exists(), "npm ci --prefix tests/browser (make browser-deps) installs axe-core"
    found: list[str] = []
    for path in PAGES:
        response = analyst_page.goto(f"{web}{path}")
        assert response is not None and response.status == 200, path
        analyst_page.add_script_tag(path=str(AXE))
        result = analyst_page.evaluate(
            f"() => axe.run(document, {{runOnly: {{type: 'tag', values: {RULES}}}}})"
        )
        found += [
            f"{path}: {v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
        ]
        # The header's role label, the contrast failure this check was added for.
        label = analyst_page.locator("header.top .who .muted")
        expect(label).to_have_text("(analyst)")
        text = analyst_page.content()
        assert "Amina" not in text and "Diallo" not in text, path
    assert not found, "\n".join(found)


def test_the_role_label_is_light_on_the_dark_header(analyst_page: Page) -> None:
    color = analyst_page.locator("header.top .who .muted").evaluate(
        "e => getComputedStyle(e).color"
    )
    channels = [int(c) for c in re.findall(r"\d+", color)[:3]]
    assert min(channels) > 150, color  # was #5b6475 (2.6:1 on #17233a)

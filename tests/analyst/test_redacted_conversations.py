"""An analyst follows every dashboard link: the redacted conversation list and transcripts open,
list the conversations the dashboard counted, and show none of the delegates' personal data."""

import html
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bot.analyst import dashboard
from bot.store.db import engine_for
from bot.transcripts.indexer import Indexer
from bot.transcripts.search import search
from bot.transcripts.tracker import tracker_engine
from bot.web.staff.schemas import ConversationQuery
from tests.staff.conftest import new_client
from tests.utils.factories import create_request
from tests.utils.staff import Conversation, sign_in, write_tracker

TODAY = datetime.now(UTC).date()
NAME = "Dr. Amina Wanjiru-Odhiambo"
INSTITUTION = "Pharmacy and Poisons Board"
EMAIL = "amina.odhiambo@pharmacyboard.go.ke"
PHONE = "+254 20 271 6905"
REFUSED = "Kenyatta National Hospital Tumaini wing"
DESCRIPTION = "Odhiambo's team needs a compulsory licence for an antiviral"
# Nothing of these may reach a page an analyst can open.
SECRETS = (
    "Amina",
    "Wanjiru",
    "Odhiambo",
    "Pharmacy and Poisons",
    "pharmacyboard",
    EMAIL,
    "271 6905",
    "2716905",
    "Kenyatta",
    "Tumaini",
    "Maria",
    "Gonzalez",
    "maria.g@salud.gob.example",
    "Instituto Nacional de Salud Zeta",
)


def at(days_ago: int) -> float:
    day = TODAY - timedelta(days=days_ago)
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC).timestamp()


def filed(sender: str) -> Conversation:
    """The request form, answered with a name, an institution, an email and a phone number."""
    return (
        Conversation(sender, at(1))
        .user(f"Hello, I am Amina from the {INSTITUTION}", "greet", 0.62, language="en")
        .utter("utter_greet", "Hello! What do you need help with?")
        .user("we need vaccines", "describe_need", 0.9)
        .slot("need_area", "vaccines")
        .slot("requested_slot", "description")
        .user(DESCRIPTION, "inform", 0.4)
        .slot("description", DESCRIPTION)
        .slot("requested_slot", "institution")
        .user(REFUSED, "inform", 0.3)  # refused by the form: hidden whole
        .slot("requested_slot", "institution")
        .user(f"the {INSTITUTION}", "inform", 0.8)
        .slot("institution", INSTITUTION)
        .slot("requested_slot", "requester_name")
        .user(NAME, "inform", 0.5, entities=[{"entity": "person", "value": NAME}])
        .slot("requester_name", NAME)
        .slot("requested_slot", "email")
        .user(
            f"{EMAIL} or call {PHONE}",
            "inform",
            0.7,
            entities=[{"entity": "email", "value": EMAIL, "start": 0, "end": len(EMAIL)}],
        )
        .slot("email", EMAIL)
        .slot("requested_slot", None)
        .action("action_ask_confirmed")
        .bot(
            f"Please confirm: {NAME}, {INSTITUTION}, {EMAIL}.",
            "action_ask_confirmed",
            buttons=[{"title": f"Yes, I am {NAME}", "payload": "/affirm"}],
        )
        .user("/affirm", "affirm", 1.0)
        .action("action_submit_request")
        .slot("request_reference", "TA-2026-000777")
    )


def spanish(sender: str) -> Conversation:
    return (
        Conversation(sender, at(3))
        .user("hola, soy Maria Gonzalez", "greet", 0.5, language="es")
        .slot("language", "es")
        .user("escriba a maria.g@salud.gob.example", "nlu_fallback", 0.2)
        .action("action_handle_unclear")
        .slot("requester_name", "Maria Gonzalez")
        .slot("institution", "Instituto Nacional de Salud Zeta")
        .user("trabajo en el Instituto Nacional de Salud Zeta", "inform", 0.45)
        .slot("need_area", "medicines")
    )


def plain(sender: str) -> Conversation:
    return Conversation(sender, at(2)).user("bonjour", "greet", 0.95, language="fr")


def hrefs(page: str, prefix: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(rf'href="({re.escape(prefix)}[^"]*)"', page)]


def listed_count(page: str) -> int:
    match = re.search(r'id="count">([\d,]+)\+? conversation', page)
    assert match, page[:2000]
    return int(match.group(1).replace(",", ""))


def test_an_analyst_follows_every_dashboard_link_and_sees_no_personal_data(
    app_client: TestClient, accounts: dict[str, str], store: str, tracker_url: str
) -> None:
    write_tracker(tracker_url, filed("r-filed"), spanish("r-es"), plain("r-fr"))
    with Session(engine_for(store)) as s:
        create_request(s, conversation_id="r-filed", submission_key="r-filed:1")
        s.commit()
    Indexer(store, tracker_url).run()
    sign_in(app_client, "ann")

    board = app_client.get("/analyst/dashboard")
    assert board.status_code == 200
    assert "/staff/conversations" not in board.text  # analysts cannot open the staff list
    links = set(hrefs(board.text, "/analyst/conversations?"))
    with Session(engine_for(store)) as session:
        d = dashboard.build(
            session,
            tracker_engine(tracker_url),
            TODAY - timedelta(days=29),
            TODAY,
            dashboard.REDACTED,
        )
        bars = [*d["per_day"], *d["languages"], *d["funnel"], *d["top_intents"]]
        assert {b.href for b in bars} | {d["fallback_link"]} == links
        expected = {
            b.href: {
                r.sender_id
                for r in search(
                    session,
                    ConversationQuery.model_validate(
                        dict(parse_qsl(urlsplit(b.href).query))
                    ).to_filter(),
                    limit=200,
                ).rows
            }
            for b in bars
        }
    assert [b.value for b in d["funnel"]] == [3, 2, 1, 1]

    pages = {"/analyst/dashboard": board.text}
    transcripts: set[str] = set()
    for bar in bars:
        page = app_client.get(bar.href)
        assert page.status_code == 200, bar
        if bar not in d["top_intents"]:  # an intent bar counts messages, not conversations
            assert listed_count(page.text) == bar.value, bar
        shown = {h.rsplit("/", 1)[1] for h in hrefs(page.text, "/analyst/conversations/r-")}
        assert shown == expected[bar.href], bar
        pages[bar.href] = page.text
        transcripts |= shown
    assert transcripts == {"r-filed", "r-es", "r-fr"}
    for sender in sorted(transcripts):
        page = app_client.get(f"/analyst/conversations/{sender}")
        assert page.status_code == 200
        pages[sender] = page.text
    for url in ("/analyst", "/analyst/conversations", "/analyst/inbox"):
        page = app_client.get(url)
        assert page.status_code == 200, url
        pages[url] = page.text

    for url, text in pages.items():
        for secret in SECRETS:
            assert secret.casefold() not in html.unescape(text).casefold(), (url, secret)

    # The words are there, redacted: placeholders stand where the personal data was.
    transcript = html.unescape(pages["r-filed"])
    assert "Hello, I am [NAME] from the [INSTITUTION]" in transcript
    assert "[EMAIL] or call [PHONE]" in transcript
    assert "requester_name = [NAME]" in transcript and "institution = [INSTITUTION]" in transcript
    assert "email = [EMAIL]" in transcript and "description = [TEXT]" in transcript
    assert "person = [NAME]" in transcript and "need_area = vaccines" in transcript
    assert "Please confirm: [NAME], [INSTITUTION], [EMAIL]." in transcript
    assert "request_reference = TA-2026-000777" in transcript
    assert "compulsory licence" in transcript  # the need itself is not personal
    assert "/staff/requests" not in transcript and "Flag this turn" not in transcript
    assert "hola, soy [NAME]" in html.unescape(pages["r-es"])


def test_staff_words_search_is_not_offered_to_analysts(
    app_client: TestClient, accounts: dict[str, str], store: str, tracker_url: str
) -> None:
    write_tracker(tracker_url, filed("r-filed"), plain("r-fr"))
    Indexer(store, tracker_url).run()
    sign_in(app_client, "ann")
    # A words filter would tell whether someone wrote a name: it is ignored, not applied.
    page = app_client.get("/analyst/conversations", params={"q": "Amina"})
    assert page.status_code == 200 and listed_count(page.text) == 2
    assert app_client.get("/analyst/conversations/nobody").status_code == 404


def test_admins_keep_full_transcript_links_and_staff_cannot_open_the_redacted_pages(
    app_client: TestClient, accounts: dict[str, str], store: str, tracker_url: str
) -> None:
    write_tracker(tracker_url, filed("r-filed"))
    Indexer(store, tracker_url).run()
    sign_in(app_client, "ada")
    board = app_client.get("/analyst/dashboard").text
    assert hrefs(board, "/staff/conversations?") and not hrefs(board, "/analyst/conversations?")
    assert app_client.get("/staff/conversations/r-filed").status_code == 200
    assert app_client.get("/analyst/conversations/r-filed").status_code == 200

    staff = new_client(app_client)
    sign_in(staff, "sam")
    assert staff.get("/analyst/conversations").status_code == 403
    assert staff.get("/analyst/conversations/r-filed").status_code == 403
    anonymous = new_client(app_client).get("/analyst/conversations/r-filed", follow_redirects=False)
    assert anonymous.status_code == 303 and "/login" in anonymous.headers["location"]

"""The NLU inbox: redacted, grouped, least confident first, filtered; decisions through the pages."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.analyst_models import NluDecision
from bot.store.db import engine_for
from bot.store.staff_models import AuditEntry
from tests.staff.conftest import API_TOKEN
from tests.utils.staff import Conversation, sign_in, write_tracker

YESTERDAY = (datetime.now(UTC) - timedelta(days=1)).replace(hour=9, minute=0, second=0)
LAST_MONTH = YESTERDAY - timedelta(days=30)

EMAIL = "k.mensah@moti.gov.gh"
PHONE = "+233 30 266 2345"
NAME = "Kwame Mensah"
INSTITUTION = "Ministry of Trade and Industry"
WHO_PAYS = "I want to know who pays for the training"


def delegate_conversations() -> list[Conversation]:
    """Four conversations in three languages, with form answers and repeated messages."""
    filed = (
        Conversation("conv-en-1", YESTERDAY.timestamp())
        .user("hello", "greet", 0.99)  # training data already
        .user(WHO_PAYS, "ask_platform", 0.31)
        .user('/inform{"need_area":"vaccines"}', "inform", 1.0)  # a button, not words
        .slot("requested_slot", "requester_name")
        .user(f"my name is {NAME}", "inform", 0.62)
        .slot("requester_name", NAME)
        .slot("requested_slot", "institution")
        .user(f"I work at the {INSTITUTION}", "inform", 0.58)
        .slot("institution", INSTITUTION)
        .slot("requested_slot", "email")
        .user(f"contact me at {EMAIL} or {PHONE}", "inform", 0.55)
        .slot("email", EMAIL)
        .slot("requested_slot", None)
    )
    again = Conversation("conv-en-2", YESTERDAY.timestamp() + 600).user(
        "i want to know  who pays for the TRAINING", "ask_platform", 0.44
    )
    french = (
        Conversation("conv-fr", YESTERDAY.timestamp() + 1200)
        .user("bonjour", "greet", 0.97, language="fr")
        .slot("language", "fr")
        .user(
            "combien coûte la formation ?",
            "nlu_fallback",
            0.4,
            ranking=[("nlu_fallback", 0.4), ("ask_platform", 0.22)],
        )
    )
    spanish = (
        Conversation("conv-es", LAST_MONTH.timestamp())
        .slot("language", "es")
        .user(
            "necesito ayuda con licencias obligatorias",
            "describe_need",
            0.71,
            entities=[
                {
                    "entity": "topic",
                    "value": "intellectual_property",
                    "start": 19,
                    "end": 41,
                    "extractor": "CRFEntityExtractor",
                }
            ],
        )
    )
    return [filed, again, french, spanish]


@pytest.fixture
def analyst(app_client: TestClient, accounts: dict[str, str], tracker_url: str) -> str:
    """The analyst signed in, the tracker store written; returns the session's CSRF token."""
    write_tracker(tracker_url, *delegate_conversations())
    return sign_in(app_client, "ann")


def api_inbox(client: TestClient, **params: str) -> list[dict]:  # type: ignore[type-arg]
    r = client.get("/api/analyst/inbox", params=params)
    assert r.status_code == 200, r.text
    return r.json()["data"]  # type: ignore[no-any-return]


def group_id(client: TestClient, text: str, **params: str) -> str:
    for g in api_inbox(client, status="all", **params):
        if g["text"] == text:
            return str(g["id"])
    raise AssertionError(f"no group {text!r}")


def test_the_inbox_shows_redacted_groups_least_confident_first(
    app_client: TestClient, analyst: str
) -> None:
    groups = api_inbox(app_client)
    texts = [g["text"] for g in groups]
    assert texts == [
        # The fallback's confidence is that of the best real intent (22%).
        "combien coûte la formation ?",
        WHO_PAYS,  # both spellings, least confident of the two (31%)
        "contact me at [EMAIL] or [PHONE]",
        "I work at the [INSTITUTION]",
        "my name is [NAME]",
        "necesito ayuda con licencias obligatorias",
    ]
    who_pays = groups[1]
    assert who_pays["count"] == 2 and who_pays["conversations"] == 2
    assert who_pays["intent"] == "ask_platform" and who_pays["confidence"] == pytest.approx(0.31)
    french = groups[0]
    assert french["language"] == "fr" and french["fell_back"] and french["intent"] == "ask_platform"
    spanish = groups[-1]
    assert spanish["language"] == "es"
    assert spanish["entities"] == [{"entity": "topic", "value": "intellectual_property"}]
    assert spanish["suggested_example"] == (
        "necesito ayuda con [licencias obligatorias](topic:intellectual_property)"
    )

    page = app_client.get("/analyst/inbox")
    assert page.status_code == 200
    for secret in (EMAIL, "30 266 2345", NAME, "Kwame", INSTITUTION, "conv-en-1"):
        assert secret not in page.text
    assert "[EMAIL]" in page.text and "×2" in page.text


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"language": "fr"}, ["combien coûte la formation ?"]),
        ({"intent": "describe_need"}, ["necesito ayuda con licencias obligatorias"]),
        (
            {
                "date_from": (LAST_MONTH - timedelta(days=1)).date().isoformat(),
                "date_to": (LAST_MONTH + timedelta(days=1)).date().isoformat(),
            },
            ["necesito ayuda con licencias obligatorias"],
        ),
        (
            {"min_confidence": "0.5", "max_confidence": "0.6"},
            ["contact me at [EMAIL] or [PHONE]", "I work at the [INSTITUTION]"],
        ),
        ({"q": "TRAINING"}, [WHO_PAYS]),
    ],
)
def test_filters_narrow_the_inbox(
    app_client: TestClient, analyst: str, params: dict[str, str], expected: list[str]
) -> None:
    assert [g["text"] for g in api_inbox(app_client, **params)] == expected
    page = app_client.get("/analyst/inbox", params=params)
    assert page.status_code == 200
    assert len(re.findall(r'name="group" value="', page.text)) == len(expected)


def test_a_bad_filter_is_explained_not_ignored(app_client: TestClient, analyst: str) -> None:
    page = app_client.get(
        "/analyst/inbox", params={"min_confidence": "0.9", "max_confidence": "0.1"}
    )
    assert page.status_code == 422 and "lowest confidence is above the highest" in page.text


def test_only_analysts_open_the_inbox(
    app_client: TestClient, accounts: dict[str, str], tracker_url: str
) -> None:
    write_tracker(tracker_url, *delegate_conversations())
    anonymous = app_client.get("/analyst/inbox", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    sign_in(app_client, "sam")
    staff = app_client.get("/analyst/inbox")
    assert staff.status_code == 403 and "[EMAIL]" not in staff.text
    assert app_client.get("/api/analyst/inbox").status_code == 403


def decisions(store: str) -> dict[str, NluDecision]:
    with Session(engine_for(store)) as s:
        return {d.text: d for d in s.scalars(select(NluDecision))}


def test_accept_relabel_and_ignore_from_the_pages(
    app_client: TestClient, analyst: str, store: str
) -> None:
    who_pays = group_id(app_client, WHO_PAYS)
    french = group_id(app_client, "combien coûte la formation ?")
    name = group_id(app_client, "my name is [NAME]")

    # A row's own button accepts with the predicted intent.
    r = app_client.post(
        "/analyst/inbox/decide",
        data={"csrf_token": analyst, "row": f"accept:{who_pays}", "back": "language=en"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/analyst/inbox?language=en")
    # The group page relabels the French fallback to a new intent.
    page = app_client.get(f"/analyst/inbox/group/{french}")
    assert page.status_code == 200 and "fell back" in page.text
    r = app_client.post(
        "/analyst/inbox/decide",
        data={
            "csrf_token": analyst,
            "group": french,
            "action": "relabel",
            "intent": "ask_cost",
            "origin": "group",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = app_client.post(
        "/analyst/inbox/decide",
        data={"csrf_token": analyst, "row": f"ignore:{name}"},
        follow_redirects=False,
    )
    assert r.status_code == 303

    stored = decisions(analyst_store := store)
    assert stored[WHO_PAYS].verdict == "accepted" and stored[WHO_PAYS].intent == "ask_platform"
    assert stored[WHO_PAYS].messages == 2 and stored[WHO_PAYS].decided_by == "ann"
    assert stored["combien coûte la formation ?"].intent == "ask_cost"
    assert stored["combien coûte la formation ?"].predicted_intent == "ask_platform"
    assert stored["my name is [NAME]"].verdict == "ignored"
    assert stored["my name is [NAME]"].intent is None
    # Nothing personal is stored with a decision.
    assert all(
        NAME not in d.text and EMAIL not in d.text for d in decisions(analyst_store).values()
    )

    open_texts = [g["text"] for g in api_inbox(app_client)]
    assert WHO_PAYS not in open_texts and "my name is [NAME]" not in open_texts
    assert [g["text"] for g in api_inbox(app_client, status="ignored")] == ["my name is [NAME]"]
    with Session(engine_for(store)) as s:
        actions = [
            a.action
            for a in s.scalars(
                select(AuditEntry).where(AuditEntry.entity == "nlu_inbox").order_by(AuditEntry.id)
            )
        ]
    assert actions == ["accept", "relabel", "ignore"]

    # Reopen puts a group back in the open inbox.
    app_client.post("/analyst/inbox/decide", data={"csrf_token": analyst, "row": f"reopen:{name}"})
    assert "my name is [NAME]" in [g["text"] for g in api_inbox(app_client)]


def test_bulk_actions_apply_to_the_selection_only(
    app_client: TestClient, analyst: str, store: str
) -> None:
    email = group_id(app_client, "contact me at [EMAIL] or [PHONE]")
    institution = group_id(app_client, "I work at the [INSTITUTION]")
    r = app_client.post(
        "/analyst/inbox/decide",
        data={
            "csrf_token": analyst,
            "group": [email, institution],
            "action": "relabel",
            "intent": "inform",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert "2+message+group%28s%29+relabelled" in r.headers["location"]
    r = app_client.post(
        "/analyst/inbox/decide",
        data={"csrf_token": analyst, "group": [group_id(app_client, WHO_PAYS)], "action": "ignore"},
    )
    assert r.status_code == 200 and "1 message group(s) ignored." in r.text
    stored = decisions(store)
    assert {t: (d.verdict, d.intent) for t, d in stored.items()} == {
        "contact me at [EMAIL] or [PHONE]": ("accepted", "inform"),
        "I work at the [INSTITUTION]": ("accepted", "inform"),
        WHO_PAYS: ("ignored", None),
    }


def test_decisions_need_the_forms_csrf_token(
    app_client: TestClient, analyst: str, store: str
) -> None:
    who_pays = group_id(app_client, WHO_PAYS)
    r = app_client.post("/analyst/inbox/decide", data={"row": f"accept:{who_pays}"})
    assert r.status_code == 403
    r = app_client.post(
        "/analyst/inbox/decide", data={"csrf_token": "forged", "row": f"accept:{who_pays}"}
    )
    assert r.status_code == 403
    assert decisions(store) == {}


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"action": "relabel", "intent": "Ask Cost!"}, "An intent name has"),
        ({"action": "relabel", "intent": ""}, "Give the intent"),
        ({"action": "relabel", "intent": "nlu_fallback"}, "not an intent to train"),
        (
            {"action": "annotate", "example": "necesito ayuda con [licencias obligatorias](tema)"},
            "Unknown entity tema",
        ),
        (
            {"action": "annotate", "example": "necesito ayuda con [licencias](topic) urgentes"},
            "must read exactly as the message",
        ),
        (
            {"action": "annotate", "example": "necesito ayuda con [licencias obligatorias(topic)"},
            "must read exactly as the message",
        ),
    ],
)
def test_invalid_decisions_are_refused_with_a_reason(
    app_client: TestClient, analyst: str, store: str, form: dict[str, str], message: str
) -> None:
    spanish = group_id(app_client, "necesito ayuda con licencias obligatorias")
    r = app_client.post(
        "/analyst/inbox/decide",
        data={"csrf_token": analyst, "group": spanish, "origin": "group"} | form,
    )
    assert r.status_code == 422 and message in r.text.replace("&#39;", "'")
    assert decisions(store) == {}


def test_fixing_entities_stores_the_annotated_example(
    app_client: TestClient, analyst: str, store: str
) -> None:
    spanish = group_id(app_client, "necesito ayuda con licencias obligatorias")
    r = app_client.post(
        "/analyst/inbox/decide",
        data={
            "csrf_token": analyst,
            "group": spanish,
            "origin": "group",
            "action": "annotate",
            "intent": "describe_need",
            "example": "necesito [ayuda](topic:procurement) con [licencias  obligatorias](topic:intellectual_property)",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    stored = decisions(store)["necesito ayuda con licencias obligatorias"]
    assert stored.example == (
        "necesito [ayuda](topic:procurement) con [licencias obligatorias](topic:intellectual_property)"
    )
    assert stored.intent == "describe_need" and stored.language == "es"


def test_the_json_api_decides_with_the_bearer_token(
    app_client: TestClient, analyst: str, store: str
) -> None:
    machine = TestClient(app_client.app, base_url="https://testserver")
    machine.headers["Authorization"] = f"Bearer {API_TOKEN}"
    groups = api_inbox(machine, language="en")
    ids = [g["id"] for g in groups if "[" in g["text"]]
    r = machine.post("/api/analyst/inbox/decisions", json={"groups": ids, "action": "ignore"})
    assert r.status_code == 200 and r.json()["changed"] == 3
    assert {g["status"] for g in r.json()["groups"]} == {"ignored"}
    r = machine.post(
        "/api/analyst/inbox/decisions", json={"groups": ids[:1], "action": "relabel", "intent": "x"}
    )
    assert r.status_code == 409 and "intent" in r.json()["detail"]
    r = machine.post("/api/analyst/inbox/decisions", json={"groups": [""], "action": "ignore"})
    assert r.status_code == 422
    # Signed in with a cookie, the API wants the CSRF header.
    r = app_client.post("/api/analyst/inbox/decisions", json={"groups": ids, "action": "reopen"})
    assert r.status_code == 403
    r = app_client.post(
        "/api/analyst/inbox/decisions",
        json={"groups": ids, "action": "reopen"},
        headers={"X-CSRF-Token": analyst},
    )
    assert r.status_code == 200 and len(decisions(store)) == 0


def test_an_answer_the_form_refused_is_hidden_whole(
    app_client: TestClient, accounts: dict[str, str], tracker_url: str
) -> None:
    refused = (
        Conversation("conv-refused", YESTERDAY.timestamp())
        .slot("requested_slot", "requester_name")
        .user("they call me Ama from Kumasi", "inform", 0.35)
        .slot("requester_name", None)  # the validator asked again
        .user("Ama Owusu", "inform", 0.6)
        .slot("requester_name", "Ama Owusu")
        .slot("requested_slot", None)
        .user("what is the deadline for requests", "ask_platform", 0.5)
    )
    write_tracker(tracker_url, refused)
    sign_in(app_client, "ann")
    texts = [g["text"] for g in api_inbox(app_client)]
    assert texts == ["[NAME]", "what is the deadline for requests"]
    assert api_inbox(app_client)[0]["count"] == 2
    assert "Ama" not in app_client.get("/analyst/inbox").text


def test_french_and_spanish_form_answers_never_reach_the_inbox(
    app_client: TestClient, accounts: dict[str, str], tracker_url: str
) -> None:
    french = (
        Conversation("conv-fr-form", YESTERDAY.timestamp())
        .slot("language", "fr")
        .user("Bonjour, je suis Aminata Diallo du Ministère de la Santé", "inform", 0.4)
        .slot("requested_slot", "requester_name")
        .user("Aminata Diallo", "inform", 0.7)
        .slot("requester_name", "Aminata Diallo")
        .slot("requested_slot", "institution")
        .user("ministere de la sante", "inform", 0.6)
        .slot("institution", "Ministère de la Santé")
        .slot("requested_slot", None)
        .user("vous pouvez m'appeler au +221 33 869 42 42", "inform", 0.3)
    )
    spanish = (
        Conversation("conv-es-form", YESTERDAY.timestamp())
        .slot("language", "es")
        .slot("requested_slot", "email")
        .user("mi correo es jperez@minsa.gob.pe", "inform", 0.66)
        .slot("email", "jperez@minsa.gob.pe")
        .slot("requested_slot", None)
        .user("Juan Pérez aquí otra vez, tel. (01) 315-6600", "inform", 0.2)
        .slot("requester_name", "Juan Pérez")
    )
    write_tracker(tracker_url, french, spanish)
    sign_in(app_client, "ann")
    texts = {(g["language"], g["text"]) for g in api_inbox(app_client)}
    assert texts == {
        ("es", "[NAME] aquí otra vez, tel. [PHONE]"),
        ("fr", "vous pouvez m'appeler au [PHONE]"),
        ("fr", "Bonjour, je suis [NAME] du [INSTITUTION]"),
        ("es", "mi correo es [EMAIL]"),
        ("fr", "[NAME]"),
        ("fr", "[INSTITUTION]"),
    }
    page = app_client.get("/analyst/inbox").text
    for secret in (
        "Aminata",
        "Diallo",
        "Santé",
        "sante",
        "jperez",
        "Juan",
        "869 42 42",
        "315-6600",
    ):
        assert secret not in page

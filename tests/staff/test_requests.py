"""The request queue: workflow steps and refusals, routing, notes, audit log, filters, CSV."""

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bot.auth import users
from bot.store import audit, queue
from bot.store.db import engine_for
from bot.store.models import Request
from bot.store.workflow import (
    Actor,
    WorkflowError,
    add_note,
    set_routing,
    suggest_routing,
    transition,
)
from tests.staff.conftest import API_TOKEN
from tests.utils.factories import by_reference, filed_reference
from tests.utils.staff import sign_in

ACTOR = Actor("sam", None)


@pytest.mark.parametrize(
    ("topics", "organizations", "expected"),
    [
        (["intellectual_property"], ["WTO"], "WIPO"),
        (["trade"], ["WHO"], "WTO"),
        (["regulation", "local_production"], ["WIPO"], "WHO"),
        (["intellectual_property", "trade"], ["WIPO"], "joint"),
        (["procurement"], ["WTO"], "WTO"),
        (["procurement"], ["WHO", "WTO"], "joint"),
        (["local_production"], ["not_sure"], None),
    ],
)
def test_routing_follows_the_topics_then_the_delegates_choice(
    topics: list[str], organizations: list[str], expected: str | None
) -> None:
    request = Request(topics=topics, organizations=organizations)
    assert suggest_routing(request).routing == expected


def test_a_request_goes_from_new_to_closed_and_every_step_is_audited(
    store: str, accounts: dict[str, str]
) -> None:
    reference = filed_reference(store)
    with Session(engine_for(store)) as s:
        sam = users.get_by_username(s, "sam")
        request = by_reference(s, reference)
        transition(s, request, "triaged", ACTOR)
        set_routing(s, request, "WIPO", ACTOR)
        transition(s, request, "assigned", ACTOR, organization="WHO", assignee=sam)
        transition(s, request, "in_progress", ACTOR)
        add_note(s, request, "Called the ministry; workshop planned for May.", ACTOR)
        transition(s, request, "closed", ACTOR, outcome="assistance_provided")
        s.commit()
        request = by_reference(s, reference)
        assert (request.status, request.outcome, request.assigned_organization) == (
            "closed",
            "assistance_provided",
            "WHO",
        )
        assert request.closed_at is not None and sam is not None and request.assignee_id == sam.id
        log = [
            (e.actor, e.action, e.details.get("to")) for e in audit.history(s, "request", reference)
        ]
    assert log == [
        ("sam", "status", "triaged"),
        ("sam", "routing", "WIPO"),
        ("sam", "status", "assigned"),
        ("sam", "status", "in_progress"),
        ("sam", "note", None),
        ("sam", "status", "closed"),
    ]


@pytest.mark.parametrize(
    ("path", "to", "extra", "reason"),
    [
        (
            [],
            "assigned",
            {},
            "a request that is new cannot move to assigned; next steps: triaged, closed",
        ),
        ([], "in_progress", {}, "cannot move to in progress"),
        (["triaged"], "in_progress", {}, "a request that is triaged cannot move to in progress"),
        ([], "closed", {}, "closing needs an outcome"),
        (["triaged"], "closed", {"outcome": "assistance_provided"}, "only a request in progress"),
        (["triaged"], "assigned", {"organization": "WIPO"}, "works for WHO, not WIPO"),
        (["triaged"], "assigned", {"organization": "UNICEF"}, "needs an organization"),
        (["triaged"], "new", {}, "cannot move to new"),
    ],
)
def test_steps_outside_the_workflow_are_refused_with_the_reason(
    store: str,
    accounts: dict[str, str],
    path: list[str],
    to: str,
    extra: dict[str, Any],
    reason: str,
) -> None:
    reference = filed_reference(store)
    with Session(engine_for(store)) as s:
        request = by_reference(s, reference)
        for step in path:
            transition(s, request, step, ACTOR)
        with pytest.raises(WorkflowError, match=reason):
            transition(s, request, to, ACTOR, assignee=users.get_by_username(s, "sam"), **extra)


def test_a_closed_request_is_final(store: str) -> None:
    reference = filed_reference(store)
    with Session(engine_for(store)) as s:
        request = by_reference(s, reference)
        transition(s, request, "closed", ACTOR, outcome="duplicate")
        for to in ("new", "triaged", "assigned", "in_progress", "closed"):
            with pytest.raises(WorkflowError, match="next steps: none"):
                transition(s, request, to, ACTOR, outcome="duplicate")
        with pytest.raises(WorkflowError, match="cannot be rerouted"):
            set_routing(s, request, "WHO", ACTOR)


def test_routing_records_whether_staff_accepted_the_suggestion(store: str) -> None:
    reference = filed_reference(store, topics=["trade"])
    with Session(engine_for(store)) as s:
        request = by_reference(s, reference)
        set_routing(s, request, "WTO", ACTOR)
        set_routing(s, request, "joint", ACTOR)
        details = [e.details for e in audit.history(s, "request", reference)]
    assert [(d["to"], d["accepted_suggestion"]) for d in details] == [
        ("WTO", True),
        ("joint", False),
    ]


def test_the_api_refuses_a_forbidden_transition_with_409_and_logs_nothing(
    app_client: TestClient, accounts: dict[str, str], store: str
) -> None:
    reference = filed_reference(store)
    csrf = sign_in(app_client, "sam")
    r = app_client.post(
        f"/api/staff/requests/{reference}/transition",
        json={"to": "in_progress"},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 409
    assert (
        r.json()["detail"]
        == "a request that is new cannot move to in progress; next steps: triaged, closed"
    )
    detail = app_client.get(f"/api/staff/requests/{reference}").json()
    assert detail["request"]["status"] == "new" and detail["history"] == []


def test_the_api_walks_the_workflow_and_shows_the_audit_log(
    app_client: TestClient, accounts: dict[str, str], store: str
) -> None:
    reference = filed_reference(store, topics=["intellectual_property"])
    csrf = sign_in(app_client, "wanda")
    h = {"X-CSRF-Token": csrf}
    base = f"/api/staff/requests/{reference}"
    assert app_client.get(base).json()["suggested_routing"]["routing"] == "WIPO"
    assert app_client.put(f"{base}/routing", json={"routing": "WIPO"}, headers=h).status_code == 200
    assert (
        app_client.post(f"{base}/transition", json={"to": "triaged"}, headers=h).status_code == 200
    )
    r = app_client.post(
        f"{base}/transition",
        json={"to": "assigned", "organization": "WIPO", "assignee": "wanda"},
        headers=h,
    )
    assert r.status_code == 200
    assert r.json()["request"]["assignee"]["display_name"] == "Wanda Wipo"
    assert r.json()["allowed_next"] == ["in_progress", "assigned", "closed"]
    assert (
        app_client.post(
            f"{base}/notes", json={"body": "Spoke to the delegate."}, headers=h
        ).status_code
        == 201
    )
    assert (
        app_client.post(f"{base}/transition", json={"to": "in_progress"}, headers=h).status_code
        == 200
    )
    r = app_client.post(
        f"{base}/transition", json={"to": "closed", "outcome": "referred"}, headers=h
    )
    assert r.status_code == 200
    detail = r.json()
    assert detail["request"]["status"] == "closed" and detail["request"]["outcome"] == "referred"
    assert [n["body"] for n in detail["notes"]] == ["Spoke to the delegate."]
    assert [(e["actor"], e["action"]) for e in detail["history"]] == [
        ("wanda", "routing"),
        ("wanda", "status"),
        ("wanda", "status"),
        ("wanda", "note"),
        ("wanda", "status"),
        ("wanda", "status"),
    ]
    assert (
        app_client.post(
            f"{base}/transition", json={"to": "closed", "outcome": "bogus"}, headers=h
        ).status_code
        == 422
    )


def test_json_changes_need_the_csrf_header_unless_the_bearer_token_is_used(
    app_client: TestClient, accounts: dict[str, str], store: str
) -> None:
    reference = filed_reference(store)
    sign_in(app_client, "sam")
    url = f"/api/staff/requests/{reference}/notes"
    r = app_client.post(url, json={"body": "no token"})
    assert r.status_code == 403 and "X-CSRF-Token" in r.json()["detail"]
    assert (
        app_client.post(url, json={"body": "forged"}, headers={"X-CSRF-Token": "guess"}).status_code
        == 403
    )
    bearer = TestClient(app_client.app, base_url="https://testserver")
    r = bearer.post(
        url, json={"body": "from a script"}, headers={"Authorization": f"Bearer {API_TOKEN}"}
    )
    assert r.status_code == 201 and r.json()["author"] == "api-token"


def test_page_forms_without_the_csrf_token_are_refused(
    app_client: TestClient, accounts: dict[str, str], store: str
) -> None:
    reference = filed_reference(store)
    csrf = sign_in(app_client, "sam")
    url = f"/staff/requests/{reference}/transition"
    assert app_client.post(url, data={"to": "triaged"}).status_code == 403
    assert app_client.post(url, data={"to": "triaged", "csrf_token": "stale"}).status_code == 403
    r = app_client.post(url, data={"to": "triaged", "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("?done=triaged")
    page = app_client.post(url, data={"to": "closed", "csrf_token": csrf})
    assert page.status_code == 409
    assert "closing needs an outcome" in page.text


def test_the_request_page_shows_fields_suggestion_and_transcript_link(
    app_client: TestClient, accounts: dict[str, str], store: str
) -> None:
    reference = filed_reference(
        store, conversation_id="conv-page-1", topics=["trade"], institution="Ministry of Trade"
    )
    sign_in(app_client, "sam")
    page = app_client.get(f"/staff/requests/{reference}")
    assert page.status_code == 200
    assert "Ministry of Trade" in page.text and "ama.owusu@moh.gov.gh" in page.text
    assert "trade → WTO" in page.text
    assert 'href="/staff/conversations/conv-page-1"' in page.text
    assert app_client.get("/staff/requests/TA-1999-000001").status_code == 404


def test_the_queue_filters_counts_and_exports_csv(
    app_client: TestClient, accounts: dict[str, str], store: str
) -> None:
    ghana = filed_reference(
        store, member="Ghana", need_area="medicines", description='=HYPERLINK("x") antivirals'
    )
    filed_reference(
        store,
        member="Kenya",
        need_area="vaccines",
        language="fr",
        topics=["trade"],
        organizations=["WTO"],
    )
    filed_reference(
        store, member="Kenya", need_area="vaccines", topics=["regulation"], organizations=["WHO"]
    )
    with Session(engine_for(store)) as s:
        transition(s, by_reference(s, ghana), "triaged", ACTOR)
        s.commit()
        assert queue.counts_by_status(s, queue.RequestFilter(member="kenya"))["new"] == 2
        rows, total = queue.list_requests(s, queue.RequestFilter(organization="WTO"))
        assert total == 2  # Ghana asked WIPO and WTO; one Kenyan request asked WTO
        _, total = queue.list_requests(s, queue.RequestFilter(q="antivirals", status="triaged"))
        assert total == 1
    sign_in(app_client, "sam")
    listing = app_client.get(
        "/api/staff/requests", params={"need_area": "vaccines", "language": "fr"}
    ).json()
    assert listing["count"] == 1 and listing["data"][0]["member"] == "Kenya"
    assert listing["counts"] == {
        "new": 1,
        "triaged": 0,
        "assigned": 0,
        "in_progress": 0,
        "closed": 0,
    }
    assert app_client.get("/api/staff/requests", params={"status": "lost"}).status_code == 422
    page = app_client.get("/staff/requests", params={"member": "Kenya", "need_area": ""})
    assert page.status_code == 200 and page.text.count('href="/staff/requests/TA-') == 2
    exported = app_client.get("/staff/requests/export.csv", params={"member": "Ghana"})
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["reference"] for r in rows] == [ghana]
    assert rows[0]["description"].startswith("'=HYPERLINK")
    assert rows[0]["status"] == "triaged"

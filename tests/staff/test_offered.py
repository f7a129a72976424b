"""What the secretariats offered: recorded on a request, exported as labelled needs, measured."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bot.analyst.delegate_needs import labelled_needs, write
from bot.catalogue import evaluate
from bot.cli import main as triage
from bot.store import audit
from bot.store.db import engine_for
from bot.store.workflow import Actor, WorkflowError, record_offered, transition
from bot.web.staff.service import catalogue_ids
from tests.utils.factories import by_reference, filed_reference
from tests.utils.staff import sign_in

ACTOR = Actor("sam", None)
MPP = "who-mpp-covid-antiviral-licences"
SCL = "wto-special-compulsory-licensing-31bis"


def test_offered_activities_are_recorded_in_order_once_each_and_audited(store: str) -> None:
    reference = filed_reference(store)
    with Session(engine_for(store)) as s:
        request = by_reference(s, reference)
        assert request.offered_activity_ids is None  # not recorded is not "none offered"
        record_offered(s, request, [SCL, MPP, SCL], catalogue_ids(), ACTOR)
        s.commit()
        assert by_reference(s, reference).offered_activity_ids == [SCL, MPP]
        [entry] = audit.history(s, "request", reference)
    assert entry.action == "offered" and entry.details == {"from": None, "to": [SCL, MPP]}


def test_an_id_outside_the_catalogue_is_refused_and_nothing_changes(store: str) -> None:
    reference = filed_reference(store)
    with Session(engine_for(store)) as s:
        request = by_reference(s, reference)
        with pytest.raises(WorkflowError, match="not in the catalogue: made-up-activity"):
            record_offered(s, request, [MPP, "made-up-activity"], catalogue_ids(), ACTOR)
        assert request.offered_activity_ids is None


def test_offers_can_be_recorded_after_the_request_is_closed(store: str) -> None:
    reference = filed_reference(store)
    with Session(engine_for(store)) as s:
        request = by_reference(s, reference)
        transition(s, request, "closed", ACTOR, outcome="duplicate")
        record_offered(s, request, [], catalogue_ids(), ACTOR)
        assert request.offered_activity_ids == []


def test_staff_record_offers_on_the_request_page_and_through_the_api(
    app_client: TestClient, accounts: dict[str, str], store: str
) -> None:
    reference = filed_reference(store, selected_activity_ids=[MPP])
    csrf = sign_in(app_client, "sam")
    page = app_client.get(f"/staff/requests/{reference}")
    assert "not recorded yet" in page.text
    assert f'value="{MPP}"' in page.text and "chosen by the delegate" in page.text

    form = {"csrf_token": csrf, "activity": [MPP, SCL]}
    r = app_client.post(f"/staff/requests/{reference}/offered", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("?done=offered")
    detail = app_client.get(f"/api/staff/requests/{reference}").json()
    assert [a["id"] for a in detail["offered_activities"]] == [MPP, SCL]
    assert detail["request"]["offered_activity_ids"] == [MPP, SCL]

    bad = app_client.post(
        f"/staff/requests/{reference}/offered", data={"csrf_token": csrf, "activity": ["nope"]}
    )
    assert bad.status_code == 422 and "not in the catalogue: nope" in bad.text

    url = f"/api/staff/requests/{reference}/offered"
    headers = {"X-CSRF-Token": csrf}
    assert app_client.put(url, json={"activity_ids": ["nope"]}, headers=headers).status_code == 422
    none = app_client.put(url, json={"activity_ids": []}, headers=headers)
    assert none.status_code == 200 and none.json()["offered_activities"] == []
    assert app_client.put(url, json={"activity_ids": [MPP]}).status_code == 403  # no CSRF token
    page = app_client.get(f"/staff/requests/{reference}")
    assert "none of the catalogue" in page.text and "recorded the offered activities" in page.text


def test_recorded_requests_become_redacted_labelled_needs(store: str, tmp_path: Path) -> None:
    described = (
        "Ama Owusu here, from the Ministry of Health: can we issue a compulsory licence for "
        "an antiviral? Write to ama.owusu@moh.gov.gh or call +233 30 266 4000."
    )
    offered = filed_reference(store, description=described, language="en")
    filed_reference(store, conversation_id="c-not-recorded")
    erased = filed_reference(store, conversation_id="c-erased")
    with Session(engine_for(store)) as s:
        record_offered(s, by_reference(s, offered), [SCL, MPP], catalogue_ids(), ACTOR)
        gone = by_reference(s, erased)
        record_offered(s, gone, [MPP], catalogue_ids(), ACTOR)
        gone.erased_at = datetime.now(UTC)
        s.commit()
        items, left_out = labelled_needs(s)
    assert left_out == 1
    [item] = items
    assert item["reference"] == offered and item["relevant"] == [SCL, MPP]
    assert item["language"] == "en" and item["need_area"] == "medicines"
    text = item["text"]
    assert "compulsory licence for an antiviral" in text
    for personal in ("Ama", "Owusu", "ama.owusu@moh.gov.gh", "266 4000", "Ministry of Health"):
        assert personal not in text

    # Written as the evaluation reads it, and measured as its own set.
    path = tmp_path / "needs.yaml"
    assert triage(["catalogue", "export-needs", "--out", str(path)]) == 0
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["items"][0]["relevant"] == [SCL, MPP]
    [loaded] = evaluate.load_items(path)
    assert loaded.split == "delegates" and loaded.relevant == {SCL, MPP}
    metrics = evaluate.evaluate([loaded], lambda q, n: [SCL, MPP, "x"][:n], ["delegates"])
    assert metrics["delegates"]["en"]["recall@3"] == 1.0
    assert (
        write(Session(engine_for(store)), path, since=datetime(2999, 1, 1, tzinfo=UTC)).items == 0
    )

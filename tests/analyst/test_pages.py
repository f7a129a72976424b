"""Analyst pages: who may open them, what they show, the PNG, the forms and their errors."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.analyst import evaluation as ev
from bot.analyst import jobs, models
from bot.evaluation.dataset import Example
from bot.evaluation.metrics import Prediction
from bot.runner import free_port
from bot.settings import get_settings
from tests.staff.conftest import new_client
from tests.utils.staff import Conversation, sign_in, write_tracker

TEST = [
    Example("greet", "en", "hello", "hello"),
    Example("greet", "en", "hi, call me on +41 22 791 21 11", "hi, call me on +41 22 791 21 11"),
    Example("goodbye", "en", "bye", "bye"),
]


@pytest.fixture
def workbench(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> jobs.Context:
    """Model and analyst folders of the test's own; Rasa on a port where nothing listens."""
    monkeypatch.setenv("TRIAGE_MODEL_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("TRIAGE_ANALYST_DIR", str(tmp_path / "analyst"))
    monkeypatch.setenv("TRIAGE_RASA_URL", f"http://127.0.0.1:{free_port()}")
    get_settings.cache_clear()
    ctx = jobs.Context.from_settings(get_settings())
    for name, predicted in (("model-a", ["greet", "goodbye", "goodbye"]), ("model-b", None)):
        path = ctx.model_dir / f"{name}.tar.gz"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(name.encode())
        guesses = predicted or [e.intent for e in TEST]
        result = ev.scores(TEST, [Prediction(g, 0.9, 0.1) for g in guesses], TEST, minimum=5)
        result |= {
            "id": ev.new_id(name),
            "created": models.now_iso(),
            "model": {"name": name, "file": str(path), "digest": models.file_digest(path)},
            "split": {"id": "split1", "test": 3, "train": 10},
        }
        ctx.evaluations.save(result)
        ev.render_confusion(result, ctx.evaluations.path(result["id"], ".png"))
        ctx.registry.register(path, evaluation_id=result["id"], macro_f1=result["macro_f1"])
    ctx.registry.set_active("model-b", "ann")
    return ctx


def test_staff_and_anonymous_visitors_cannot_open_analyst_pages(
    app_client: TestClient, accounts: dict[str, str], workbench: jobs.Context
) -> None:
    evaluation_id = workbench.evaluations.history()[0]["id"]
    urls = [
        "/analyst/models",
        "/analyst/evaluations",
        f"/analyst/evaluations/{evaluation_id}",
        f"/analyst/evaluations/{evaluation_id}/confusion.png",
        "/analyst/dashboard",
    ]
    for url in urls:
        r = app_client.get(url, follow_redirects=False)
        assert r.status_code == 303 and "/login" in r.headers["location"], url
    sign_in(app_client, "sam")
    for url in urls:
        assert app_client.get(url).status_code == 403, url


def test_evaluation_pages_show_scores_the_image_and_a_comparison(
    app_client: TestClient, accounts: dict[str, str], workbench: jobs.Context
) -> None:
    sign_in(app_client, "ann")
    history = workbench.evaluations.history()
    newest, older = history[0], history[1]
    page = app_client.get("/analyst/evaluations")
    assert page.status_code == 200 and "model-a" in page.text and "model-b" in page.text

    page = app_client.get(f"/analyst/evaluations/{older['id']}")
    assert page.status_code == 200
    assert (
        "goodbye" in page.text and f"/analyst/evaluations/{older['id']}/confusion.png" in page.text
    )
    assert "+41 22" not in page.text and "[phone]" in page.text  # the confused example, redacted
    png = app_client.get(f"/analyst/evaluations/{older['id']}/confusion.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content[:4] == b"\x89PNG"
    assert app_client.get("/analyst/evaluations/nope").status_code == 404
    assert app_client.get("/analyst/evaluations/nope/confusion.png").status_code == 404

    cmp = app_client.get(f"/analyst/evaluations/compare?a={older['id']}&b={newest['id']}")
    assert cmp.status_code == 200
    assert f"{older['macro_f1']:.3f}" in cmp.text and f"{newest['macro_f1']:.3f}" in cmp.text
    assert f"{newest['macro_f1'] - older['macro_f1']:+.3f}" in cmp.text


def test_models_page_lists_models_and_reactivation_failure_changes_nothing(
    app_client: TestClient, accounts: dict[str, str], workbench: jobs.Context
) -> None:
    csrf = sign_in(app_client, "ann")
    page = app_client.get("/analyst/models")
    assert page.status_code == 200
    assert "model-a" in page.text and "Reactivate" in page.text and "Retrain" in page.text
    assert "not answering" in page.text

    # Without the CSRF token the form is refused.
    other = new_client(app_client)
    sign_in(other, "ann")
    refused = other.post("/analyst/models/model-a/activate", data={}, follow_redirects=False)
    assert refused.status_code == 403

    r = app_client.post("/analyst/models/model-a/activate", data={"csrf_token": csrf})
    assert r.status_code == 502 and "did not answer" in r.text
    r = app_client.post("/analyst/models/no-such-model/activate", data={"csrf_token": csrf})
    assert r.status_code == 404 and "no model no-such-model" in r.text
    active = workbench.registry.active()
    assert active is not None and active.name == "model-b"


def test_retrain_is_refused_while_a_job_runs_and_a_job_page_shows_its_progress(
    app_client: TestClient, accounts: dict[str, str], workbench: jobs.Context
) -> None:
    csrf = sign_in(app_client, "ann")
    job = workbench.jobs.create("ann")  # queued: counts as running for its grace period
    r = app_client.post("/analyst/models/retrain", data={"csrf_token": csrf})
    assert r.status_code == 409 and "still running" in r.text
    page = app_client.get(f"/analyst/jobs/{job['id']}")
    assert page.status_code == 200 and 'aria-current="step">queued' in page.text
    assert 'http-equiv="refresh"' in page.text

    job.update(
        state="kept",
        model="model-a",
        decision=models.gate(0.5, 0.9, 0.01).to_json(),
        messages=["kept model-b"],
        pid=1,
    )
    workbench.jobs.write(job)
    page = app_client.get(f"/analyst/jobs/{job['id']}")
    assert "Load this model anyway" in page.text and "0.500" in page.text
    assert 'http-equiv="refresh"' not in page.text
    # Rasa is down: the override fails on the job's page and nothing changes.
    r = app_client.post(
        "/analyst/models/model-a/activate", data={"csrf_token": csrf, "job_id": job["id"]}
    )
    assert (
        r.status_code == 502 and "Load this model anyway" in r.text and "did not answer" in r.text
    )
    assert workbench.registry.active().name == "model-b"  # type: ignore[union-attr]
    assert app_client.get("/analyst/jobs/20990101-000000-ffffff").status_code == 404


def test_dashboard_page_shows_the_funnel_with_links(
    app_client: TestClient, accounts: dict[str, str], tracker_url: str
) -> None:
    yesterday = (datetime.now(UTC) - timedelta(days=1)).timestamp()
    write_tracker(
        tracker_url,
        Conversation("p-1", yesterday).user("hello", "greet", 0.9).slot("need_area", "vaccines"),
        Conversation("p-2", yesterday).user("??", "nlu_fallback", 0.1),
    )
    sign_in(app_client, "ann")
    page = app_client.get("/analyst/dashboard")
    assert page.status_code == 200
    assert "Need understood" in page.text and "50%" in page.text
    assert "/analyst/conversations?date_from=" in page.text and "slot=need_area" in page.text
    assert "/staff/conversations" not in page.text  # an analyst's links open the redacted list
    home = app_client.get("/analyst")
    assert "<title>Analyst workbench · Trilateral TA</title>" in home.text
    links = (
        "/analyst/dashboard",
        "/analyst/evaluations",
        "/analyst/models",
        "/analyst/conversations",
    )
    for link in links:
        assert f'href="{link}"' in home.text
    # The funnel's link, opened by an admin, lists only the conversation whose need was set.
    admin = new_client(app_client)
    sign_in(admin, "ada")
    assert "/staff/conversations?date_from=" in admin.get("/analyst/dashboard").text
    listed = admin.get("/staff/conversations?slot=need_area")
    assert listed.status_code == 200
    assert (
        "/staff/conversations/p-1" in listed.text and "/staff/conversations/p-2" not in listed.text
    )
    assert 'name="slot" value="need_area"' in listed.text

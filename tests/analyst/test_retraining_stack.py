"""The retraining job end to end on a tiny assistant: train, evaluate, gate, load into a real
Rasa server through its HTTP API, and reactivate; no mocks."""

import time
from pathlib import Path

import httpx
import pytest

from bot.analyst import jobs, models
from bot.evaluation import rasa_jobs
from bot.settings import Settings
from tests.analyst import tiny

pytestmark = pytest.mark.integration


def loaded_file(url: str) -> str:
    response = httpx.get(f"{url}/status", params={"token": rasa_jobs.PARSE_TOKEN}, timeout=30)
    response.raise_for_status()
    return str(response.json()["model_file"])


def wait_finished(store: jobs.JobStore, job_id: str, timeout: float = 900) -> dict:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        job = store.read(job_id)
        assert job is not None
        if not seen or seen[-1] != job["state"]:
            seen.append(job["state"])
        if job["state"] in jobs.FINISHED:
            job["seen"] = seen
            return job
        time.sleep(1)
    raise AssertionError(f"job {job_id} still {seen[-1]} after {timeout:.0f} s")


def test_retraining_loads_a_model_only_when_it_does_not_score_worse(tmp_path: Path) -> None:
    good = tiny.make(tmp_path / "assistant")
    worse = tiny.make(tmp_path / "assistant", worse=True)
    model_dir, analyst_dir = tmp_path / "models", tmp_path / "analyst"
    ctx = jobs.Context(model_dir, analyst_dir, [], rasa_jobs.PARSE_TOKEN, 0.01, 5)
    registry = ctx.registry

    # 1. First model, no Rasa running yet: nothing to compare with, so it becomes active.
    first = jobs.run(ctx.jobs.create("test", inputs=good)["id"], ctx)
    assert first["state"] == "loaded", first
    assert [s["state"] for s in first["steps"]] == [
        "queued",
        "training",
        "evaluating",
        "gating",
        "loaded",
    ]
    a = registry.active()
    assert a is not None and a.name == first["model"] and a.trained_on == models.TRAIN_PART
    evaluation = ctx.evaluations.get(first["evaluation_id"])
    assert evaluation is not None and evaluation["macro_f1"] > 0.6
    assert ctx.evaluations.path(first["evaluation_id"], ".png").read_bytes()[:4] == b"\x89PNG"

    with rasa_jobs.serving(registry.file_of(a), tmp_path / "rasa.log") as url:
        assert loaded_file(url) == a.file
        ctx.rasa_urls = [url]
        settings = Settings(
            model_dir=model_dir,
            analyst_dir=analyst_dir,
            rasa_url=url,
            rasa_token=rasa_jobs.PARSE_TOKEN,
            model_gate_tolerance=0.01,
            min_examples_per_intent=5,
        )

        # 2. A worse pipeline, run in the background as the workbench runs it: kept.
        started = jobs.start_background(ctx, "analyst", settings, inputs=worse)
        with pytest.raises(jobs.Busy):
            jobs.start_background(ctx, "analyst", settings, inputs=worse)
        kept = wait_finished(ctx.jobs, started["id"])
        assert kept["state"] == "kept", kept
        assert kept["decision"]["load"] is False
        assert kept["new_f1"] < kept["decision"]["active_f1"] - 0.01
        assert kept["baseline"] == a.name
        assert loaded_file(url) == a.file
        assert registry.active() is not None and registry.active().name == a.name  # type: ignore[union-attr]

        # 3. New training data, same pipeline: not worse on the same held-out split, loaded.
        nlu = tmp_path / "assistant" / "nlu" / "en" / "nlu.yml"
        nlu.write_text(tiny.nlu_yaml({"thank": ["thank you, that was useful"]}), encoding="utf-8")
        better = jobs.run(ctx.jobs.create("test", inputs=good)["id"], ctx)
        assert better["state"] == "loaded", better
        assert better["loaded_into"] == [url]
        b = registry.active()
        assert b is not None and b.name == better["model"] != a.name
        assert loaded_file(url) == b.file
        new_eval = ctx.evaluations.get(better["evaluation_id"])
        old_eval = ctx.evaluations.get(better["baseline_evaluation_id"])
        assert new_eval and old_eval and new_eval["split"]["id"] == old_eval["split"]["id"]

        # 4. The analyst overrides: the kept, worse model goes live; then the first comes back.
        models.activate(registry, kept["model"], [url], rasa_jobs.PARSE_TOKEN, "analyst")
        assert loaded_file(url) == f"{kept['model']}.tar.gz"
        models.activate(registry, a.name, [url], rasa_jobs.PARSE_TOKEN, "analyst")
        assert loaded_file(url) == a.file
        assert [r.name for r in registry.read() if r.active] == [a.name]
        assert len(registry.read()) == 3

        # 5. Someone loads a model behind the registry's back: the next gate compares with
        # what Rasa actually runs.
        models.load_into_rasa([url], rasa_jobs.PARSE_TOKEN, registry.file_of(b))
        running = models.adopt_running(registry, [url], rasa_jobs.PARSE_TOKEN)
        assert running is not None and running.name == b.name
        assert [r.name for r in registry.read() if r.active] == [b.name]

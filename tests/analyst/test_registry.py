"""The model registry (a JSON file beside real model files), the gate and the job bookkeeping."""

import json
import os
from pathlib import Path

import pytest

from bot.analyst import jobs, models


def model_file(folder: Path, name: str, body: bytes = b"model") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.tar.gz"
    path.write_bytes(body)
    return path


def test_registered_models_are_kept_and_one_is_active(tmp_path: Path) -> None:
    registry = models.Registry(tmp_path)
    first = registry.register(model_file(tmp_path, "model-a", b"a"), created="2026-11-01T10:00:00")
    registry.register(model_file(tmp_path, "model-b", b"b"), created="2026-11-02T10:00:00")
    assert registry.active() is None
    assert [r.name for r in registry.read()] == ["model-b", "model-a"]  # newest first
    assert first.fingerprint == models.file_digest(tmp_path / "model-a.tar.gz")

    registry.set_active("model-b", "ann", "better")
    registry.set_active("model-a", "ann", "reactivated")
    assert [r.name for r in registry.read() if r.active] == ["model-a"]
    on_disk = json.loads((tmp_path / models.REGISTRY_FILE).read_text())
    assert {m["name"] for m in on_disk["models"]} == {"model-a", "model-b"}
    a = registry.get("model-a")
    assert a is not None and a.activated_by == "ann"
    assert [h["note"] for h in a.history] == ["reactivated"]
    # A second Registry on the same folder (another process) reads the same state.
    assert models.Registry(tmp_path).active() == registry.active()


def test_registering_again_updates_instead_of_duplicating(tmp_path: Path) -> None:
    registry = models.Registry(tmp_path)
    path = model_file(tmp_path, "model-a")
    registry.register(path)
    registry.register(path, macro_f1=0.8, evaluation_id="e1")
    assert len(registry.read()) == 1
    record = registry.get("model-a")
    assert record is not None and record.macro_f1 == 0.8 and record.evaluation_id == "e1"


def test_a_model_outside_the_model_directory_or_without_its_file_is_refused(
    tmp_path: Path,
) -> None:
    registry = models.Registry(tmp_path / "models")
    with pytest.raises(models.RegistryError):
        registry.register(model_file(tmp_path / "elsewhere", "stray"))
    path = model_file(tmp_path / "models", "gone")
    registry.register(path)
    path.unlink()
    with pytest.raises(models.RegistryError, match="no longer"):
        registry.set_active("gone", "ann")
    with pytest.raises(models.RegistryError, match="no model"):
        registry.set_active("never-registered", "ann")


def test_a_renamed_model_file_is_found_by_its_content(tmp_path: Path) -> None:
    registry = models.Registry(tmp_path)
    registry.register(model_file(tmp_path, "model-a", b"same bytes"))
    copy = model_file(tmp_path / "other", "renamed", b"same bytes")
    found = registry.find_by_file(copy)
    assert found is not None and found.name == "model-a"


@pytest.mark.parametrize(
    ("new", "active", "override", "load"),
    [
        (0.80, None, False, True),  # nothing to compare with
        (0.85, 0.80, False, True),  # better
        (0.80, 0.80, False, True),  # equal
        (0.795, 0.80, False, True),  # within the tolerance of 0.01
        (0.789, 0.80, False, False),  # worse by more than the tolerance
        (0.50, 0.80, True, True),  # worse, but the analyst overrides
    ],
)
def test_the_gate_refuses_only_a_model_that_scores_worse_than_the_tolerance(
    new: float, active: float | None, override: bool, load: bool
) -> None:
    decision = models.gate(new, active, 0.01, override=override)
    assert decision.load is load
    assert decision.new_f1 == new and decision.active_f1 == active
    if active is not None:
        assert f"{new:.3f}" in decision.reason and f"{active:.3f}" in decision.reason


def test_the_gate_says_when_the_active_model_saw_the_held_out_messages() -> None:
    decision = models.gate(0.7, 0.9, 0.01, active_saw_test=True)
    assert not decision.load
    assert "optimistic" in decision.reason


def test_loading_into_a_server_that_does_not_answer_fails_and_changes_nothing(
    tmp_path: Path,
) -> None:
    from bot.runner import free_port

    registry = models.Registry(tmp_path)
    registry.register(model_file(tmp_path, "model-a"))
    registry.set_active("model-a", "ann")
    registry.register(model_file(tmp_path, "model-b", b"b"))
    with pytest.raises(models.LoadError, match="did not answer"):
        models.activate(registry, "model-b", [f"http://127.0.0.1:{free_port()}"], "t", "ann")
    active = registry.active()
    assert active is not None and active.name == "model-a"


def test_a_job_survives_a_reload_and_one_runs_at_a_time(tmp_path: Path) -> None:
    store = jobs.JobStore(tmp_path)
    job = store.create("ann")
    again = store.read(job["id"])
    assert again is not None and again["state"] == "queued" and again["by"] == "ann"
    assert store.running() is not None  # queued, within its grace period
    with store.lock(), pytest.raises(jobs.Busy), store.lock():
        pass
    # A job whose process is gone is shown as failed, not as running forever.
    job["pid"], job["state"] = _dead_pid(), "training"
    store.write(job)
    shown = store.read(job["id"])
    assert shown is not None and shown["state"] == "failed" and "ended" in shown["error"]
    assert store.running() is None


def _dead_pid() -> int:
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return pid


def test_unsafe_ids_are_not_paths(tmp_path: Path) -> None:
    store = jobs.JobStore(tmp_path)
    assert store.read("../../etc/passwd") is None
    assert store.read("x/y") is None


def test_without_an_answering_server_the_registry_says_which_model_is_active(
    tmp_path: Path,
) -> None:
    from bot.runner import free_port

    registry = models.Registry(tmp_path)
    registry.register(model_file(tmp_path, "model-a"))
    assert models.adopt_running(registry, [], "t") is None
    registry.set_active("model-a", "ann")
    found = models.adopt_running(registry, [f"http://127.0.0.1:{free_port()}"], "t")
    assert found is not None and found.name == "model-a"

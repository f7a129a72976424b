"""Which model `make run` starts Rasa on: an analyst's active model survives a restart only
while nothing it depends on changed; otherwise the all-data model (real files, real registry)."""

import os
import time
from pathlib import Path

import pytest

from bot.analyst.models import (
    SYSTEM,
    Registry,
    current_inputs,
    record_startup,
    startup_model,
)
from bot.model import fingerprint

INPUTS = "a1b2c3d4e5f60718"


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "models"
    folder.mkdir()
    return folder


def model(folder: Path, name: str, age_seconds: float = 0.0) -> Path:
    path = folder / f"{name}.tar.gz"
    path.write_bytes(name.encode())
    stamp = time.time() - age_seconds
    os.utime(path, (stamp, stamp))
    return path


def test_no_active_model_starts_the_all_data_model_and_the_registry_says_so(
    model_dir: Path,
) -> None:
    all_data = model(model_dir, f"model-{INPUTS}")
    registry = Registry(model_dir)
    choice = startup_model(registry, all_data, INPUTS)
    assert choice.model == all_data and not choice.from_registry
    assert choice.reason == "no model is active in the registry"

    record = record_startup(registry, choice)
    active = registry.active()
    assert active is not None and active.name == record.name == f"model-{INPUTS}"
    assert active.activated_by == SYSTEM and "started by make run" in active.history[-1]["note"]
    again = startup_model(registry, all_data, INPUTS)
    assert again.model == all_data and again.reason == "it is the active model"


def test_a_model_an_analyst_activated_after_the_all_data_build_survives_a_restart(
    model_dir: Path,
) -> None:
    all_data = model(model_dir, f"model-{INPUTS}", age_seconds=3600)
    retrained = model(model_dir, "retrained-20261128-040000-abcdef01")
    registry = Registry(model_dir)
    registry.register(all_data)
    registry.register(retrained)
    registry.set_active(all_data.name.removesuffix(".tar.gz"), SYSTEM, inputs=INPUTS)
    registry.set_active("retrained-20261128-040000-abcdef01", "ann", "reactivated", INPUTS)

    choice = startup_model(registry, all_data, INPUTS)
    assert choice.model == retrained and choice.from_registry
    assert choice.reason.startswith("ann activated it on ")
    assert "have not changed since" in choice.reason
    before = registry.path.read_bytes()
    record_startup(registry, choice)
    assert registry.path.read_bytes() == before  # the analyst's choice stands as recorded


def test_changed_training_inputs_start_the_all_data_model(model_dir: Path) -> None:
    all_data = model(model_dir, "model-ffff000011112222", age_seconds=3600)
    retrained = model(model_dir, "retrained-1")
    registry = Registry(model_dir)
    registry.register(retrained)
    registry.set_active("retrained-1", "ann", "loaded by the job", INPUTS)

    # An export changed data/nlu: the fingerprint is no longer the activation's.
    choice = startup_model(registry, all_data, "ffff000011112222")
    assert choice.model == all_data and not choice.from_registry
    assert choice.reason == "the training inputs changed since retrained-1 was activated"
    record_startup(registry, choice)
    active = registry.active()
    assert active is not None and active.name == "model-ffff000011112222"
    retrained_record = registry.get("retrained-1")
    assert retrained_record is not None and not retrained_record.active


def test_an_all_data_model_built_after_the_activation_wins(model_dir: Path) -> None:
    retrained = model(model_dir, "retrained-1")
    registry = Registry(model_dir)
    registry.register(retrained)
    registry.set_active("retrained-1", "ann", inputs=INPUTS)
    time.sleep(1.1)  # activation times are kept to the second
    all_data = model(model_dir, f"model-{INPUTS}")  # e.g. deleted and trained again
    choice = startup_model(registry, all_data, INPUTS)
    assert choice.model == all_data and not choice.from_registry
    assert "after retrained-1 was activated" in choice.reason


@pytest.mark.parametrize("case", ["system", "file gone"])
def test_no_analyst_choice_or_no_file_starts_the_all_data_model(model_dir: Path, case: str) -> None:
    all_data = model(model_dir, f"model-{INPUTS}", age_seconds=3600)
    other = model(model_dir, "found-running")
    registry = Registry(model_dir)
    registry.register(other)
    registry.set_active("found-running", SYSTEM if case == "system" else "ann", inputs=INPUTS)
    if case == "file gone":
        other.unlink()
    choice = startup_model(registry, all_data, INPUTS)
    assert choice.model == all_data and not choice.from_registry
    expected = "made active by the system" if case == "system" else "is gone"
    assert expected in choice.reason


def test_an_activation_records_the_repository_training_inputs(model_dir: Path) -> None:
    registry = Registry(model_dir)
    registry.register(model(model_dir, "retrained-1"))
    record = registry.set_active("retrained-1", "ann")
    assert record.activated_inputs == current_inputs() == fingerprint()


def test_make_run_starts_the_all_data_model_when_the_registry_is_unreadable(
    model_dir: Path,
) -> None:
    from bot.runner import choose_model

    all_data = model(model_dir, "model-anything")
    (model_dir / "registry.json").write_text("{ half written", encoding="utf-8")
    choice = choose_model(model_dir, all_data)
    assert choice.model == all_data and not choice.from_registry
    assert choice.reason == "the model registry could not be read (JSONDecodeError)"


def test_make_run_chooses_with_the_repository_fingerprint(model_dir: Path) -> None:
    from bot.runner import choose_model

    all_data = model(model_dir, f"model-{fingerprint()}", age_seconds=3600)
    retrained = model(model_dir, "retrained-1")
    registry = Registry(model_dir)
    registry.register(retrained)
    registry.set_active("retrained-1", "ann")  # records the repository's inputs now
    assert choose_model(model_dir, all_data).model == retrained
    registry.set_active("retrained-1", "ann", inputs="0000000000000000")  # as if data changed
    assert choose_model(model_dir, all_data).model == all_data

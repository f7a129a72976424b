"""Rasa's own checks: the assistant's YAML validates and the test stories predict right."""

import subprocess
from pathlib import Path

import pytest

from bot.model import CONFIG, DOMAIN, RASA, TRAINING_DATA, rasa_env
from bot.settings import ROOT

pytestmark = pytest.mark.integration


def rasa(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(RASA), *args], cwd=ROOT, env=rasa_env(), capture_output=True, text=True, timeout=900
    )


def test_rasa_data_validate_passes() -> None:
    data = [str(p) for p in TRAINING_DATA if p.is_dir()]
    done = rasa(
        "data", "validate", "--domain", str(DOMAIN), "--config", str(CONFIG), "--data", *data
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_stories_with_real_text_have_no_prediction_error(
    trained_model: Path, tmp_path: Path
) -> None:
    done = rasa(
        "test",
        "core",
        "--model",
        str(trained_model),
        "--stories",
        str(ROOT / "tests" / "stories"),
        "--fail-on-prediction-errors",
        "--out",
        str(tmp_path),
    )
    failed = tmp_path / "failed_test_stories.yml"
    detail = failed.read_text() if failed.exists() else done.stdout[-3000:]
    assert done.returncode == 0, detail

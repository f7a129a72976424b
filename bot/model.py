"""Training the Rasa model, only when what it is trained from has changed."""

import hashlib
import logging
import os
import subprocess
import time
from pathlib import Path

from bot.settings import ROOT

log = logging.getLogger(__name__)

RASA_ENV = ROOT / ".venv-rasa"
RASA = RASA_ENV / "bin" / "rasa"
DOMAIN = ROOT / "bot" / "domain"
CONFIG = ROOT / "config.yml"
TRAINING_DATA = [ROOT / "data" / "nlu", ROOT / "data" / "rules", ROOT / "data" / "stories"]
LOCK = ROOT / "rasa" / "requirements.lock"


class TrainingError(RuntimeError):
    """`rasa train` failed; the message carries its error lines."""


def rasa_env() -> dict[str, str]:
    """Environment for every Rasa command: no telemetry, quiet TensorFlow, fixed hashing."""
    env = dict(os.environ)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        PYTHONHASHSEED="0",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    return env


def training_inputs(config: Path = CONFIG, data: list[Path] | None = None) -> list[Path]:
    files = [config, LOCK, *sorted(DOMAIN.rglob("*.yml"))]
    for folder in data or TRAINING_DATA:
        files += sorted(p for p in folder.rglob("*.yml")) if folder.is_dir() else []
    return files


def fingerprint(config: Path = CONFIG, data: list[Path] | None = None) -> str:
    """A hash of everything the model is trained from."""
    digest = hashlib.sha256()
    for path in training_inputs(config, data):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def model_path(model_dir: Path, config: Path = CONFIG, data: list[Path] | None = None) -> Path:
    return model_dir / f"model-{fingerprint(config, data)}.tar.gz"


def ensure_model(
    model_dir: Path,
    *,
    config: Path = CONFIG,
    data: list[Path] | None = None,
    log_file: Path | None = None,
) -> Path:
    """The model for the current domain, config and data; trained if it does not exist."""
    target = model_path(model_dir, config, data)
    if target.exists():
        log.info("model %s is up to date", target.name)
        return target
    model_dir.mkdir(parents=True, exist_ok=True)
    folders = [str(p) for p in (data or TRAINING_DATA) if p.is_dir()]
    cmd = [
        str(RASA),
        "train",
        "--config",
        str(config),
        "--domain",
        str(DOMAIN),
        "--data",
        *folders,
        "--out",
        str(model_dir),
        "--fixed-model-name",
        target.name.removesuffix(".tar.gz"),
    ]
    log.info("training %s (this takes a few minutes on 2 cores)", target.name)
    started = time.monotonic()
    done = subprocess.run(cmd, cwd=ROOT, env=rasa_env(), capture_output=True, text=True)
    if log_file:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        log_file.write_text(done.stdout + done.stderr)
    if done.returncode != 0:
        errors = [
            line
            for line in (done.stdout + done.stderr).splitlines()
            if "Error" in line or "🚨" in line
        ]
        raise TrainingError(
            "rasa train failed:\n" + "\n".join(errors[-15:] or [done.stderr[-2000:]])
        )
    log.info("trained %s in %.0f s", target.name, time.monotonic() - started)
    return target

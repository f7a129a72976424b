"""Dialogue policy settings: `rasa train core` time, full `rasa train` time, test stories."""

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import yaml

from bot.evaluation import rasa_jobs
from bot.evaluation.compare import EVAL_DIR, TOOL_VERSION
from bot.model import CONFIG, DOMAIN, LOCK, TRAINING_DATA
from bot.settings import ROOT

log = logging.getLogger(__name__)

POLICIES_DIR = Path(__file__).parent / "candidates" / "policies"
STORIES = ROOT / "tests" / "stories"


def merged_config(policies_file: Path, config: Path = CONFIG) -> str:
    """config.yml with its policies replaced by those of `policies_file`."""
    base = yaml.safe_load(config.read_text(encoding="utf-8"))
    base["policies"] = yaml.safe_load(policies_file.read_text(encoding="utf-8"))["policies"]
    return yaml.safe_dump(base, sort_keys=False, allow_unicode=True)


def _inputs() -> list[Path]:
    files = [LOCK, *sorted(DOMAIN.rglob("*.yml")), *sorted(STORIES.rglob("*.yml"))]
    for folder in TRAINING_DATA:
        files += sorted(folder.rglob("*.yml")) if folder.is_dir() else []
    return files


def policy_key(config_text: str) -> str:
    """A hash of the merged config and everything the dialogue model is trained and tested on."""
    digest = hashlib.sha256(TOOL_VERSION.encode() + config_text.encode())
    for path in _inputs():
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def run_policy(name: str, policies_file: Path) -> dict[str, Any]:
    """Train core alone, then everything, then run the test stories; cached by inputs."""
    text = merged_config(policies_file)
    key = policy_key(text)
    cached = EVAL_DIR / "cache" / f"policies-{key}.json"
    if cached.exists():
        log.info("policies %s: cached", name)
        return json.loads(cached.read_text(encoding="utf-8")) | {"name": name}
    config = EVAL_DIR / "configs" / f"policies-{name}.yml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text, encoding="utf-8")
    logs = EVAL_DIR / "logs"
    result: dict[str, Any] = {"name": name, "key": key}
    try:
        log.info("policies %s: rasa train core", name)
        core = EVAL_DIR / "models" / f"core-{name}-{key}.tar.gz"
        timed = rasa_jobs.train("core", config, TRAINING_DATA[1:], core, logs / f"core-{name}.log")
        result["core_seconds"], result["core_cpu_seconds"] = timed.seconds, timed.cpu_seconds
        core.unlink(missing_ok=True)
        log.info("policies %s: full rasa train", name)
        full = EVAL_DIR / "models" / f"full-{name}-{key}.tar.gz"
        timed = rasa_jobs.train("full", config, TRAINING_DATA, full, logs / f"full-{name}.log")
        result["full_seconds"], result["full_cpu_seconds"] = timed.seconds, timed.cpu_seconds
        result["model_bytes"] = full.stat().st_size
        log.info("policies %s: rasa test core", name)
        out = EVAL_DIR / "stories" / name
        result["stories_pass"], result["stories_detail"] = rasa_jobs.test_stories(
            full, STORIES, out
        )
        full.unlink(missing_ok=True)
    except rasa_jobs.RasaJobError as error:
        result["error"] = str(error)
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return result


def compare_policies(only: list[str] | None = None) -> list[dict[str, Any]]:
    """Every policy candidate (or those named), one after the other."""
    files = {p.stem: p for p in sorted(POLICIES_DIR.glob("*.yml"))}
    unknown = [n for n in only or [] if n not in files]
    if unknown:
        raise ValueError(f"unknown policy candidates {unknown}; known: {sorted(files)}")
    return [run_policy(n, files[n]) for n in (only or list(files))]

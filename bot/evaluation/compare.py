"""Train and score candidate NLU pipelines on one held-out split, cached by config and data."""

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.evaluation import dataset, metrics, rasa_jobs
from bot.evaluation import split as splitting
from bot.evaluation.dataset import Example
from bot.evaluation.metrics import Prediction
from bot.model import CONFIG, LOCK
from bot.settings import ROOT

log = logging.getLogger(__name__)

CANDIDATES_DIR = Path(__file__).parent / "candidates"
EVAL_DIR = ROOT / "var" / "eval"
NLU_DATA = ROOT / "data" / "nlu"
CONFIGURED = "configured"
# --quick: the configured pipeline and the two cheapest serious alternatives.
QUICK = ("diet_light", "logreg_crf")
# Bump when a change to this tool makes cached results incomparable.
TOOL_VERSION = "2"
THRESHOLDS = [round(0.05 * i, 2) for i in range(0, 20)]
AMBIGUITIES = [0.0, 0.02, 0.05, 0.1, 0.15, 0.2]


@dataclass
class Candidate:
    """A pipeline to compare: a name and a Rasa config file."""

    name: str
    config: Path


def available(quick: bool = False, only: list[str] | None = None) -> list[Candidate]:
    """config.yml first, then the candidate files (all, the quick few, or those named)."""
    files = {p.stem: p for p in sorted(CANDIDATES_DIR.glob("*.yml"))}
    wanted = only or (list(QUICK) if quick else list(files))
    unknown = [n for n in wanted if n not in files and n != CONFIGURED]
    if unknown:
        raise ValueError(f"unknown candidates {unknown}; known: {sorted(files)}")
    chosen = [Candidate(CONFIGURED, CONFIG)]
    chosen += [Candidate(n, files[n]) for n in wanted if n != CONFIGURED]
    return chosen


def pipeline_of(config: Path) -> list[dict[str, Any]]:
    """The config's NLU pipeline."""
    return list((yaml.safe_load(config.read_text(encoding="utf-8")) or {}).get("pipeline") or [])


def fallback_thresholds(config: Path = CONFIG) -> tuple[float, float]:
    """(threshold, ambiguity_threshold) of the config's FallbackClassifier."""
    for component in pipeline_of(config):
        if component.get("name") == "FallbackClassifier":
            return float(component.get("threshold", 0.3)), float(
                component.get("ambiguity_threshold", 0.1)
            )
    return 0.0, 0.0


def cache_key(config: Path, train_yml: Path, test_jsonl: Path) -> str:
    """A hash of what a candidate's predictions depend on.

    The FallbackClassifier is left out: it does not change the classifier's ranking, and the
    fallback rate is computed here from the ranking for whichever thresholds are configured.
    """
    pipeline = [c for c in pipeline_of(config) if c.get("name") != "FallbackClassifier"]
    language = (yaml.safe_load(config.read_text(encoding="utf-8")) or {}).get("language")
    digest = hashlib.sha256(TOOL_VERSION.encode())
    digest.update(json.dumps([language, pipeline], sort_keys=True).encode())
    for path in (train_yml, test_jsonl, LOCK):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def prepare_split(folder: Path = EVAL_DIR / "split") -> tuple[dict[str, Path], list[Example]]:
    """Write the split of today's data; returns its paths and the held-out examples."""
    s = splitting.split(dataset.load(NLU_DATA))
    paths = splitting.write(s, folder)
    return paths, s.test


def _train(candidate: Candidate, paths: dict[str, Path], model: Path, stage: Path) -> dict:
    """Train unless an earlier, interrupted run left this very model and its timing."""
    if stage.exists() and model.exists():
        return dict(json.loads(stage.read_text(encoding="utf-8")))
    result: dict[str, Any] = {"load_average": round(os.getloadavg()[0], 2)}
    log_file = EVAL_DIR / "logs" / f"train-{model.name.removesuffix('.tar.gz')}.log"
    try:
        timed = rasa_jobs.train_nlu(candidate.config, paths["train"], model, log_file)
    except rasa_jobs.RasaJobError as error:
        # The same config on the same data fails the same way: worth caching.
        return result | {"error": str(error)}
    result |= {"train_seconds": timed.seconds, "train_cpu_seconds": timed.cpu_seconds}
    result["model_bytes"] = model.stat().st_size
    stage.write_text(json.dumps(result), encoding="utf-8")
    return result


def _run_once(candidate: Candidate, paths: dict[str, Path], key: str, run: int) -> dict:
    model = EVAL_DIR / "models" / f"{candidate.name}-{key}-run{run}.tar.gz"
    stage = EVAL_DIR / "cache" / f"{key}-run{run}.train.json"
    result: dict[str, Any] = {"candidate": candidate.name, "key": key}
    result |= _train(candidate, paths, model, stage)
    if result.get("error"):
        return result
    texts = [e.text for e in splitting.read_test(paths["test_jsonl"])]
    started = time.monotonic()
    log_file = EVAL_DIR / "logs" / f"serve-{model.name.removesuffix('.tar.gz')}.log"
    with rasa_jobs.serving(model, log_file) as url:
        result["load_seconds"] = time.monotonic() - started
        predictions, result["latency"] = rasa_jobs.parse_all(url, texts)
    result["predictions"] = [p.to_json() for p in predictions]
    model.unlink()
    stage.unlink()
    return result


def run_candidate(candidate: Candidate, paths: dict[str, Path], run: int = 1) -> dict:
    """Train, serve and parse the held-out split, unless the same inputs were run before."""
    key = cache_key(candidate.config, paths["train"], paths["test_jsonl"])
    cached = EVAL_DIR / "cache" / f"{key}-run{run}.json"
    if cached.exists():
        log.info("%s: cached (%s)", candidate.name, cached.name)
        result = json.loads(cached.read_text(encoding="utf-8"))
        result["candidate"] = candidate.name
        return result
    log.info("%s: training and parsing (run %d)", candidate.name, run)
    cached.parent.mkdir(parents=True, exist_ok=True)
    result = _run_once(candidate, paths, key, run)
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return result


def predictions_of(result: dict) -> list[Prediction]:
    """The predictions stored in a run result."""
    return [Prediction.from_json(p) for p in result.get("predictions") or []]


def score(result: dict, test: list[Example], threshold: float, ambiguity: float) -> dict:
    """Every figure of the comparison for one candidate."""
    row: dict[str, Any] = {
        k: result.get(k)
        for k in ("candidate", "key", "error", "train_seconds", "train_cpu_seconds", "model_bytes")
    }
    row |= {"load_average": result.get("load_average"), "load_seconds": result.get("load_seconds")}
    if result.get("error"):
        return row
    predictions = predictions_of(result)
    row["intent"] = metrics.intent_scores(test, predictions)
    row["entities"] = metrics.entity_scores(
        [e.entities for e in test], [p.entities for p in predictions]
    )
    fell_back = [metrics.falls_back(p, threshold, ambiguity) for p in predictions]
    row["fallback_rate"] = sum(fell_back) / len(fell_back) if fell_back else 0.0
    row["latency"] = result["latency"]
    return row


def compare(
    quick: bool = False, only: list[str] | None = None, repro: list[str] | None = None
) -> dict[str, Any]:
    """Run the comparison; returns everything the report shows."""
    paths, test = prepare_split()
    threshold, ambiguity = fallback_thresholds()
    rows = []
    configured_result: dict = {}
    for candidate in available(quick, only):
        result = run_candidate(candidate, paths)
        row = score(result, test, threshold, ambiguity)
        if candidate.name in (repro if repro is not None else [CONFIGURED]) and not row.get(
            "error"
        ):
            again = run_candidate(candidate, paths, run=2)
            row["reproducible"] = metrics.compare_predictions(
                predictions_of(result), predictions_of(again)
            )
        if candidate.name == CONFIGURED:
            configured_result = result
        rows.append(row)
    manifest = json.loads(paths["manifest"].read_text(encoding="utf-8"))
    return {
        "split": {k: manifest[k] for k in ("seed", "fraction", "train", "test")}
        | {"test_by_language": _count_langs(test)},
        "configured_fallback": {"threshold": threshold, "ambiguity": ambiguity},
        "configured_pipeline": [c.get("name") for c in pipeline_of(CONFIG)],
        "candidates": rows,
        "threshold_analysis": _threshold_analysis(configured_result, test),
    }


def _count_langs(test: list[Example]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for e in test:
        counts[e.lang] = counts.get(e.lang, 0) + 1
    return dict(sorted(counts.items()))


def _threshold_analysis(result: dict, test: list[Example]) -> dict[str, Any]:
    predictions = predictions_of(result)
    if not predictions:
        return {}
    rows = metrics.threshold_table(test, predictions, THRESHOLDS, AMBIGUITIES)
    return {
        "table": rows,
        "histogram": metrics.confidence_histogram(test, predictions),
        "suggested": metrics.choose_threshold(rows),
    }

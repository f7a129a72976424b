"""Rasa as a subprocess: timed training without Rasa's cache, serving a model, parsing."""

import resource
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bot.evaluation.dataset import Entity
from bot.evaluation.metrics import Prediction
from bot.model import DOMAIN, RASA, rasa_env
from bot.runner import Service, free_port
from bot.settings import ROOT

FALLBACK_INTENT = "nlu_fallback"
PARSE_TOKEN = "eval-parse-token"


class RasaJobError(RuntimeError):
    """A Rasa command failed; the message carries its last error lines."""


@dataclass
class Timed:
    """A finished Rasa command, its wall-clock time and the CPU time it used."""

    seconds: float
    cpu_seconds: float
    returncode: int
    output: str


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cold_env(cache_dir: str) -> dict[str, str]:
    # Rasa caches trained components under .rasa/cache: a second training of the same
    # component would be a cache hit, which would fake both the timing and reproducibility.
    return rasa_env() | {"RASA_MAX_CACHE_SIZE": "0", "RASA_CACHE_DIRECTORY": cache_dir}


def _error_of(output: str) -> str:
    """Rasa's last exception line and the lines that explain it."""
    lines = output.splitlines()
    marks = [i for i, line in enumerate(lines) if "Exception:" in line or "Error:" in line]
    if not marks:
        return "\n".join(lines[-15:])
    return "\n".join(line for line in lines[marks[-1] : marks[-1] + 4] if line.strip())


def run_timed(args: list[str], log_file: Path, check: bool = True) -> Timed:
    """Run `rasa <args>` with Rasa's training cache off, output to `log_file` as it comes."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="rasa-cache-") as cache_dir,
        log_file.open("w", encoding="utf-8") as log,
    ):
        # CPU time as well as wall time: on 2 cores shared by a team, the wall clock says
        # more about the neighbours than about the pipeline.
        cpu, started = _children_cpu(), time.monotonic()
        done = subprocess.run(
            [str(RASA), *args], cwd=ROOT, env=_cold_env(cache_dir), stdout=log, stderr=log
        )
        seconds, cpu = time.monotonic() - started, _children_cpu() - cpu
    output = log_file.read_text(encoding="utf-8", errors="replace")
    if check and done.returncode != 0:
        raise RasaJobError(_error_of(output))
    return Timed(seconds, cpu, done.returncode, output)


def train_nlu(config: Path, train_yml: Path, model: Path, log_file: Path) -> Timed:
    """Train an NLU-only model, timed with Rasa's start-up included."""
    model.parent.mkdir(parents=True, exist_ok=True)
    args = ["train", "nlu", "--config", str(config), "--nlu", str(train_yml)]
    args += ["--out", str(model.parent), "--fixed-model-name", model.name.removesuffix(".tar.gz")]
    return run_timed(args, log_file)


def train(kind: str, config: Path, data: list[Path], model: Path, log_file: Path) -> Timed:
    """`rasa train` (kind "full") or `rasa train core`, timed."""
    model.parent.mkdir(parents=True, exist_ok=True)
    out = ["--out", str(model.parent), "--fixed-model-name", model.name.removesuffix(".tar.gz")]
    folders = [str(p) for p in data if p.is_dir()]
    if kind == "core":
        args = ["train", "core", "--config", str(config), "--domain", str(DOMAIN)]
        args += ["--stories", *folders]
    else:
        args = ["train", "--config", str(config), "--domain", str(DOMAIN), "--data", *folders]
    return run_timed([*args, *out], log_file)


def test_stories(model: Path, stories: Path, out: Path) -> tuple[bool, str]:
    """`rasa test core --fail-on-prediction-errors`; returns (passed, what failed)."""
    args = ["test", "core", "--model", str(model), "--stories", str(stories)]
    args += ["--fail-on-prediction-errors", "--out", str(out)]
    done = run_timed(args, out / "rasa-test.log", check=False)
    failed = out / "failed_test_stories.yml"
    detail = failed.read_text(encoding="utf-8") if failed.exists() else ""
    if done.returncode != 0 and not detail:
        detail = "\n".join(done.output.splitlines()[-20:])
    return done.returncode == 0, detail


@contextmanager
def serving(model: Path, log_file: Path, timeout: float = 1200) -> Iterator[str]:
    """`rasa run --enable-api` with the model on a free loopback port; yields its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [str(RASA), "run", "--enable-api", "--auth-token", PARSE_TOKEN, "--interface"]
    cmd += ["127.0.0.1", "--port", str(port), "--model", str(model)]
    service = Service("rasa-eval", cmd, rasa_env(), f"{url}/status?token={PARSE_TOKEN}", log_file)
    service.start()
    try:
        deadline = time.monotonic() + timeout
        while not service.healthy():
            if not service.running():
                raise RasaJobError(f"rasa run exited during start-up; see {log_file}")
            if time.monotonic() > deadline:
                raise RasaJobError(f"rasa run not ready after {timeout:.0f} s; see {log_file}")
            time.sleep(0.5)
        yield url
    finally:
        service.stop()


def to_prediction(parsed: dict[str, Any]) -> Prediction:
    """The classifier's own top intent (under any fallback) and the entities."""
    ranking = [r for r in parsed.get("intent_ranking") or [] if r["name"] != FALLBACK_INTENT]
    top = parsed.get("intent") or {}
    if not ranking and top.get("name") not in (None, FALLBACK_INTENT):
        ranking = [top]
    first: dict[str, Any] = ranking[0] if ranking else {"name": "", "confidence": 0.0}
    second = float(ranking[1]["confidence"]) if len(ranking) > 1 else 0.0
    entities = {
        Entity(e["entity"], int(e["start"]), int(e["end"]), str(e.get("value", "")))
        for e in parsed.get("entities") or []
    }
    return Prediction(
        intent=first["name"],
        confidence=float(first["confidence"]),
        second=second,
        entities=sorted(entities, key=lambda e: (e.start, e.end, e.entity)),
        fell_back=top.get("name") == FALLBACK_INTENT,
    )


def parse_all(url: str, texts: list[str], warmup: int = 5) -> tuple[list[Prediction], dict]:
    """Parse each text once through /model/parse; returns predictions and latency figures."""
    latencies: list[float] = []
    predictions: list[Prediction] = []
    with httpx.Client(base_url=url, timeout=60, params={"token": PARSE_TOKEN}) as client:
        for text in texts[:warmup]:
            client.post("/model/parse", json={"text": text}).raise_for_status()
        for text in texts:
            started = time.perf_counter()
            response = client.post("/model/parse", json={"text": text})
            latencies.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
            predictions.append(to_prediction(response.json()))
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if ordered else 0.0
    median = statistics.median(ordered) if ordered else 0.0
    return predictions, {"median_ms": median, "p95_ms": p95, "n": len(ordered)}

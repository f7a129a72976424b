"""The retraining job: train on the split's training part, evaluate, gate, load into Rasa.

A job is a JSON file under `<analyst_dir>/jobs/`; whoever runs it (a detached process started
by the workbench, or `triage model train --retrain` in a terminal) writes its progress there,
so a reloaded page shows where it is. One job runs at a time (an exclusive file lock).

    queued → training → evaluating → gating → loaded | kept | failed
"""

import fcntl
import hashlib
import json
import logging
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.analyst import models
from bot.analyst.evaluation import EvaluationStore, evaluate, held_out
from bot.evaluation import rasa_jobs
from bot.model import CONFIG, DOMAIN, LOCK
from bot.settings import ROOT, Settings, get_settings

log = logging.getLogger(__name__)

STATES = ("queued", "training", "evaluating", "gating", "loaded", "kept", "failed")
FINISHED = frozenset({"loaded", "kept", "failed"})
# A queued job whose process has not taken the lock yet still counts as running this long.
QUEUED_GRACE_SECONDS = 120
LOG_TAIL_LINES = 30


@dataclass
class Inputs:
    """What a model is trained from."""

    config: Path = CONFIG
    domain: Path = DOMAIN
    nlu_root: Path = ROOT / "data" / "nlu"
    other_data: list[Path] = field(
        default_factory=lambda: [ROOT / "data" / "rules", ROOT / "data" / "stories"]
    )

    def to_json(self) -> dict[str, Any]:
        return {
            "config": str(self.config),
            "domain": str(self.domain),
            "nlu_root": str(self.nlu_root),
            "other_data": [str(p) for p in self.other_data],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Inputs":
        return cls(
            Path(data["config"]),
            Path(data["domain"]),
            Path(data["nlu_root"]),
            [Path(p) for p in data["other_data"]],
        )

    def fingerprint(self) -> str:
        """A hash of every input file (and Rasa's locked versions)."""
        digest = hashlib.sha256()
        files = [self.config, LOCK] if LOCK.exists() else [self.config]
        for folder in (self.domain, self.nlu_root, *self.other_data):
            if folder.is_file():
                files.append(folder)
            elif folder.is_dir():
                files += sorted(folder.rglob("*.yml"))
        for path in files:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()[:16]


@dataclass
class Context:
    """Where models, evaluations and jobs live, and which Rasa servers to load into."""

    model_dir: Path
    analyst_dir: Path
    rasa_urls: list[str]
    rasa_token: str
    tolerance: float
    min_examples: int

    @classmethod
    def from_settings(cls, s: Settings) -> "Context":
        return cls(
            s.model_dir,
            s.analyst_dir,
            s.rasa_urls,
            s.rasa_token,
            s.model_gate_tolerance,
            s.min_examples_per_intent,
        )

    @property
    def registry(self) -> models.Registry:
        return models.Registry(self.model_dir)

    @property
    def evaluations(self) -> EvaluationStore:
        return EvaluationStore(self.analyst_dir / "evaluations")

    @property
    def jobs(self) -> "JobStore":
        return JobStore(self.analyst_dir / "jobs")


def settings_env(s: Settings) -> dict[str, str]:
    """Environment that gives a child process the same workbench settings."""
    return {
        "TRIAGE_MODEL_DIR": str(s.model_dir),
        "TRIAGE_ANALYST_DIR": str(s.analyst_dir),
        "TRIAGE_RASA_URL": s.rasa_url,
        "TRIAGE_RASA_EXTRA_URLS": json.dumps(s.rasa_extra_urls),
        "TRIAGE_RASA_TOKEN": s.rasa_token,
        "TRIAGE_MODEL_GATE_TOLERANCE": str(s.model_gate_tolerance),
        "TRIAGE_MIN_EXAMPLES_PER_INTENT": str(s.min_examples_per_intent),
    }


class Busy(RuntimeError):
    """Another retraining job is running."""


class JobStore:
    """Job files (`<id>.json`), their folders (split, logs) and the one-at-a-time lock."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, job_id: str) -> Path:
        if not job_id.replace("-", "").isalnum():
            raise KeyError(job_id)
        return self.folder / f"{job_id}.json"

    def work_dir(self, job_id: str) -> Path:
        return self.folder / job_id

    def read(self, job_id: str) -> dict[str, Any] | None:
        try:
            job = models.read_json(self.path(job_id))
        except KeyError:
            return None
        return self._with_liveness(job) if job is not None else None

    def write(self, job: dict[str, Any]) -> None:
        job["updated"] = models.now_iso()
        models.write_json(self.path(job["id"]), job)

    def create(
        self, by: str, *, override: bool = False, inputs: Inputs | None = None, note: str = ""
    ) -> dict[str, Any]:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        job = {
            "id": f"{stamp}-{uuid.uuid4().hex[:6]}",
            "state": "queued",
            "created": models.now_iso(),
            "by": by,
            "override": override,
            "note": note,
            "inputs": (inputs or Inputs()).to_json(),
            "steps": [{"state": "queued", "at": models.now_iso()}],
            "messages": [],
        }
        self.write(job)
        return job

    def recent(self, limit: int = 20) -> list[dict[str, Any]]:
        """The newest jobs first."""
        if not self.folder.is_dir():
            return []
        paths = sorted(self.folder.glob("*.json"), reverse=True)[:limit]
        return [self._with_liveness(json.loads(p.read_text(encoding="utf-8"))) for p in paths]

    def _with_liveness(self, job: dict[str, Any]) -> dict[str, Any]:
        """A job that says it is running but whose process is gone has failed."""
        if job["state"] in FINISHED:
            return job
        pid = job.get("pid")
        if pid is not None and not _alive(int(pid)):
            job["state"] = "failed"
            job["error"] = "the job's process ended without finishing (killed or restarted)"
        elif pid is None and _age(job["created"]) > QUEUED_GRACE_SECONDS:
            job["state"] = "failed"
            job["error"] = "the job never started"
        return job

    def running(self) -> dict[str, Any] | None:
        """The job in progress, if any."""
        if self._locked():
            return next((j for j in self.recent() if j["state"] not in FINISHED), {"id": "?"})
        return next((j for j in self.recent(5) if j["state"] == "queued"), None)

    def _locked(self) -> bool:
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / "job.lock").open("a") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(f, fcntl.LOCK_UN)
            return False

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Held for a whole run; refuses at once if another run holds it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / "job.lock").open("a") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise Busy("another retraining job is running") from exc
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    def log_tail(self, job_id: str, lines: int = LOG_TAIL_LINES) -> list[str]:
        """The last lines of the job's training log."""
        path = self.work_dir(job_id) / "train.log"
        if not path.exists():
            return []
        with path.open("rb") as f:
            f.seek(max(0, path.stat().st_size - 64_000))
            text = f.read().decode("utf-8", errors="replace")
        return text.splitlines()[-lines:]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A finished child that nobody waited for is a zombie: it still answers signal 0.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().split(") ", 1)[1][:1] != "Z"
    except OSError:
        return True


def _age(iso: str) -> float:
    return (datetime.now(UTC) - datetime.fromisoformat(iso)).total_seconds()


class _Progress:
    """Writes the job's state and messages to its file as it goes."""

    def __init__(self, store: JobStore, job: dict[str, Any]) -> None:
        self.store, self.job = store, job

    def state(self, state: str, message: str = "") -> None:
        assert state in STATES
        self.job["state"] = state
        self.job["steps"].append({"state": state, "at": models.now_iso()})
        if message:
            self.say(message)
        else:
            self.store.write(self.job)

    def say(self, message: str) -> None:
        log.info("%s", message)
        self.job["messages"].append(f"{models.now_iso()}  {message}")
        self.store.write(self.job)

    def set(self, **fields: Any) -> None:
        self.job.update(fields)
        self.store.write(self.job)


def run(job_id: str, ctx: Context) -> dict[str, Any]:
    """Run a queued job to its end; returns the finished job (it never raises for a failure)."""
    store = ctx.jobs
    job = store.read(job_id)
    if job is None:
        raise KeyError(job_id)
    progress = _Progress(store, job)
    progress.set(pid=os.getpid())
    try:
        with store.lock():
            _run(job, ctx, progress)
    except Busy as exc:
        progress.set(error=str(exc))
        progress.state("failed", str(exc))
    except models.LoadError as exc:
        # Trained, scored and registered: it can be loaded from the models page later.
        message = f"the model passed but could not be loaded: {exc}"
        progress.set(error=message)
        progress.state("failed", message)
    except Exception as exc:  # the job file must say how it ended, whatever happened
        log.exception("retraining job %s failed", job_id)
        progress.set(error=f"{type(exc).__name__}: {exc}")
        progress.state("failed", f"failed: {type(exc).__name__}: {exc}")
    return progress.job


def _run(job: dict[str, Any], ctx: Context, progress: _Progress) -> None:
    inputs = Inputs.from_json(job["inputs"])
    registry = ctx.registry
    work = ctx.jobs.work_dir(job["id"])
    split = held_out(inputs.nlu_root, work / "split")
    progress.set(split={"id": split.split_id, "train": len(split.train), "test": len(split.test)})

    fingerprint = inputs.fingerprint()
    name = f"retrained-{datetime.now(UTC):%Y%m%d-%H%M%S}-{fingerprint[:8]}"
    model = ctx.model_dir / f"{name}.tar.gz"
    progress.state(
        "training",
        f"training {name} on {len(split.train)} examples"
        f" ({len(split.test)} held out for evaluation)",
    )
    folders = [str(p) for p in inputs.other_data if p.exists()]
    args = ["train", "--config", str(inputs.config), "--domain", str(inputs.domain)]
    args += ["--data", str(split.paths["train"]), *folders]
    args += ["--out", str(ctx.model_dir), "--fixed-model-name", name]
    ctx.model_dir.mkdir(parents=True, exist_ok=True)
    timed = rasa_jobs.run_timed(args, work / "train.log")
    registry.register(
        model,
        fingerprint=models.file_digest(model),
        trained_on=models.TRAIN_PART,
        config=str(inputs.config),
        note=f"inputs {fingerprint}",
    )
    progress.set(model=name, train_seconds=round(timed.seconds, 1))
    progress.say(f"trained in {timed.seconds:.0f} s")

    progress.state("evaluating", f"evaluating {name} on {len(split.test)} held-out messages")
    started = time.monotonic()
    new = evaluate(model, split, ctx.evaluations, minimum=ctx.min_examples, log_dir=work)
    registry.update(name, evaluation_id=new["id"], macro_f1=new["macro_f1"])
    progress.set(evaluation_id=new["id"], new_f1=new["macro_f1"])
    progress.say(f"{name}: macro-F1 {new['macro_f1']:.3f}")

    baseline = models.adopt_running(registry, ctx.rasa_urls, ctx.rasa_token)
    old: dict[str, Any] | None = None
    if baseline is not None and registry.file_of(baseline).exists():
        progress.say(f"evaluating the active model {baseline.name} on the same messages")
        old = evaluate(
            registry.file_of(baseline),
            split,
            ctx.evaluations,
            minimum=ctx.min_examples,
            log_dir=work,
        )
        registry.update(baseline.name, evaluation_id=old["id"], macro_f1=old["macro_f1"])
        progress.set(baseline=baseline.name, baseline_evaluation_id=old["id"])
    progress.set(evaluate_seconds=round(time.monotonic() - started, 1))

    progress.state("gating")
    decision = models.gate(
        new["macro_f1"],
        old["macro_f1"] if old else None,
        ctx.tolerance,
        override=bool(job.get("override")),
        active_saw_test=baseline is not None and baseline.trained_on == models.ALL_DATA,
    )
    progress.set(decision=decision.to_json())
    progress.say(decision.reason)
    if not decision.load:
        progress.state("kept", f"kept {baseline.name if baseline else 'the active model'}")
        return
    loaded = models.load_into_rasa(ctx.rasa_urls, ctx.rasa_token, model)
    registry.set_active(name, str(job.get("by") or "job"), decision.reason)
    progress.set(loaded_into=loaded)
    where = ", ".join(loaded) if loaded else "no Rasa server configured; marked active"
    progress.state("loaded", f"loaded {name} into {where}")


def start_background(
    ctx: Context,
    by: str,
    settings: Settings,
    *,
    override: bool = False,
    inputs: Inputs | None = None,
) -> dict[str, Any]:
    """Queue a job and run it in a detached process; refuses when one is already running."""
    store = ctx.jobs
    if (running := store.running()) is not None:
        raise Busy(f"retraining job {running.get('id')} is still running")
    job = store.create(by, override=override, inputs=inputs)
    work = store.work_dir(job["id"])
    work.mkdir(parents=True, exist_ok=True)
    env = os.environ | settings_env(settings)
    with (work / "job.log").open("ab") as out:
        # A session of its own: the job outlives a reload, and a web worker's restart.
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.analyst.jobs", job["id"]],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    # The child records its own pid; writing here could overwrite the progress it made.
    job["pid"] = process.pid
    return job


def main(argv: list[str] | None = None) -> int:
    """Entry point of the detached process: run one job by id."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    args = argv if argv is not None else sys.argv[1:]
    finished = run(args[0], Context.from_settings(get_settings()))
    return 0 if finished["state"] in ("loaded", "kept") else 1


if __name__ == "__main__":
    sys.exit(main())

"""The model registry: every trained model kept in the model directory, one of them active.

The registry is a JSON file beside the models (`registry.json`). Loading a model into the
running Rasa servers goes through Rasa's HTTP API (`PUT /model`), so nothing restarts.
"""

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

REGISTRY_FILE = "registry.json"
# Who marks a model active when no analyst chose it (a model found running, `make run`).
SYSTEM = "system"
# Trained on every example (`triage model train`, `make run`) or on the training part of
# the held-out split only (the retraining job), which is what makes a held-out score honest.
ALL_DATA = "all data"
TRAIN_PART = "training part of the split"


def now_iso() -> str:
    """The current UTC time, to the second, as ISO 8601."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically: a reader sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON object from a file, None when there is no file."""
    if not path.exists():
        return None
    return dict(json.loads(path.read_text(encoding="utf-8")))


def file_digest(path: Path) -> str:
    """A short SHA-256 of a model file: what identifies it across renames and reloads."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


@dataclass
class ModelRecord:
    """One model file in the model directory and what is known about it."""

    name: str
    file: str
    created: str
    fingerprint: str
    trained_on: str = ALL_DATA
    config: str = ""
    evaluation_id: str | None = None
    macro_f1: float | None = None
    active: bool = False
    activated_at: str | None = None
    activated_by: str | None = None
    # The fingerprint of the training inputs (`bot.model.fingerprint`) when it was activated:
    # `make run` keeps an analyst's choice across a restart only while they are unchanged.
    activated_inputs: str | None = None
    note: str = ""
    history: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ModelRecord":
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


class RegistryError(RuntimeError):
    """An unknown model, or a model whose file is gone."""


class Registry:
    """Read and change `registry.json` in a model directory; every change is atomic."""

    def __init__(self, model_dir: Path) -> None:
        self.model_dir = model_dir
        self.path = model_dir / REGISTRY_FILE

    def read(self) -> list[ModelRecord]:
        """Every registered model, newest first."""
        data = read_json(self.path) or {}
        records = [ModelRecord.from_json(item) for item in data.get("models", [])]
        return sorted(records, key=lambda r: r.created, reverse=True)

    def _write(self, records: list[ModelRecord]) -> None:
        body = {"models": [asdict(r) for r in sorted(records, key=lambda r: r.created)]}
        write_json(self.path, body)

    @contextlib.contextmanager
    def _changing(self) -> Iterator[list[ModelRecord]]:
        """The records under an exclusive lock; written back when the block ends."""
        self.model_dir.mkdir(parents=True, exist_ok=True)
        with (self.model_dir / ".registry.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                records = self.read()
                yield records
                self._write(records)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def get(self, name: str) -> ModelRecord | None:
        return next((r for r in self.read() if r.name == name), None)

    def active(self) -> ModelRecord | None:
        return next((r for r in self.read() if r.active), None)

    def file_of(self, record: ModelRecord) -> Path:
        return self.model_dir / record.file

    def register(self, model: Path, **fields: Any) -> ModelRecord:
        """Add a model file (or update what is known about it); returns its record."""
        if model.parent.resolve() != self.model_dir.resolve():
            raise RegistryError(f"{model} is not in the model directory {self.model_dir}")
        name = model.name.removesuffix(".tar.gz")
        with self._changing() as records:
            record = next((r for r in records if r.name == name), None)
            if record is None:
                record = ModelRecord(
                    name=name,
                    file=model.name,
                    created=fields.pop("created", None) or now_iso(),
                    fingerprint=fields.pop("fingerprint", None) or file_digest(model),
                )
                records.append(record)
            for key, value in fields.items():
                setattr(record, key, value)
            return record

    def update(self, name: str, **fields: Any) -> ModelRecord:
        """Change fields of a registered model."""
        with self._changing() as records:
            record = next((r for r in records if r.name == name), None)
            if record is None:
                raise RegistryError(f"no model {name} in the registry")
            for key, value in fields.items():
                setattr(record, key, value)
            return record

    def set_active(
        self, name: str, by: str, note: str = "", inputs: str | None = None
    ) -> ModelRecord:
        """Mark one model active (the others not); keeps a line of history on it.

        `inputs`: the training inputs' fingerprint now (computed from the repository when
        not given).
        """
        inputs = inputs or current_inputs()
        with self._changing() as records:
            chosen = next((r for r in records if r.name == name), None)
            if chosen is None:
                raise RegistryError(f"no model {name} in the registry")
            if not (self.model_dir / chosen.file).exists():
                raise RegistryError(f"the file of {name} is no longer in {self.model_dir}")
            for record in records:
                record.active = record is chosen
            chosen.activated_at, chosen.activated_by = now_iso(), by
            chosen.activated_inputs = inputs
            chosen.history.append({"at": chosen.activated_at, "by": by, "note": note})
            return chosen

    def find_by_file(self, path: Path) -> ModelRecord | None:
        """The record of a model file, by name or (if renamed) by content."""
        by_name = self.get(path.name.removesuffix(".tar.gz"))
        if by_name is not None:
            return by_name
        digest = file_digest(path) if path.exists() else None
        return next((r for r in self.read() if r.fingerprint == digest), None)


def current_inputs() -> str | None:
    """The fingerprint of the repository's training inputs (what names the all-data model)."""
    from bot.model import fingerprint

    try:
        return fingerprint()
    except OSError:
        return None


@dataclass(frozen=True)
class StartupChoice:
    """The model `make run` starts Rasa on, and why."""

    model: Path
    reason: str
    from_registry: bool  # the registry's active model rather than the all-data one


def _when(iso: str | None) -> datetime | None:
    try:
        stamp = datetime.fromisoformat(iso) if iso else None
    except ValueError:
        return None
    return stamp.replace(tzinfo=UTC) if stamp and stamp.tzinfo is None else stamp


def startup_model(registry: Registry, all_data: Path, inputs: str | None) -> StartupChoice:
    """The registry's active model if an analyst activated it after `all_data` (the model
    `triage model train` makes from every example) was built and the training inputs are
    still those of the activation; otherwise `all_data`.

    An analyst's choice survives a restart; a change of data, domain or config (or a model
    rebuilt since) means the all-data model, which is trained on what is there now.
    """

    def fallback(reason: str) -> StartupChoice:
        return StartupChoice(all_data, reason, False)

    active = registry.active()
    if active is None:
        return fallback("no model is active in the registry")
    if active.file == all_data.name:
        return fallback("it is the active model")
    model = registry.file_of(active)
    if not model.exists():
        return fallback(f"the file of the active model {active.name} is gone")
    if not active.activated_by or active.activated_by == SYSTEM:
        return fallback(f"{active.name} was made active by the system, not an analyst")
    activated = _when(active.activated_at)
    built = datetime.fromtimestamp(all_data.stat().st_mtime, UTC) if all_data.exists() else None
    if activated is None or (built is not None and activated <= built):
        return fallback(
            f"it was built ({built:%Y-%m-%d %H:%M:%S} UTC) after {active.name} was activated"
            if built is not None
            else f"the activation time of {active.name} is unknown"
        )
    if inputs is None or active.activated_inputs != inputs:
        return fallback(f"the training inputs changed since {active.name} was activated")
    return StartupChoice(
        model,
        f"{active.activated_by} activated it on {active.activated_at}, after {all_data.name}"
        " was built, and the training data, domain and config have not changed since",
        True,
    )


def record_startup(registry: Registry, choice: StartupChoice) -> ModelRecord:
    """Make the registry say what Rasa was started on (the all-data model: registered and
    marked active by the system)."""
    if choice.from_registry:
        record = registry.find_by_file(choice.model)
        assert record is not None
        return record
    record = registry.find_by_file(choice.model) or registry.register(
        choice.model, trained_on=ALL_DATA, note="started by make run"
    )
    active = registry.active()
    if active is not None and active.name == record.name:
        return active
    return registry.set_active(record.name, SYSTEM, f"started by make run: {choice.reason}")


@dataclass(frozen=True)
class GateDecision:
    """Whether a newly trained model goes live, and why."""

    load: bool
    reason: str
    new_f1: float
    active_f1: float | None
    tolerance: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def gate(
    new_f1: float,
    active_f1: float | None,
    tolerance: float,
    *,
    override: bool = False,
    active_saw_test: bool = False,
) -> GateDecision:
    """Load the new model unless its held-out macro-F1 is worse than the active one's.

    "Worse" means lower by more than `tolerance`: one held-out message more or less moves a
    macro-F1 by about that much, and refusing a model over that noise would only frustrate.
    """
    if active_f1 is None:
        return GateDecision(True, "no active model to compare with", new_f1, None, tolerance)
    diff = new_f1 - active_f1
    verdict = f"macro-F1 {new_f1:.3f} vs {active_f1:.3f} for the active model ({diff:+.3f})"
    caveat = (
        "; the active model was trained on the held-out examples too, so its score is optimistic"
        if active_saw_test
        else ""
    )
    if diff >= -tolerance:
        return GateDecision(True, f"{verdict}: not worse{caveat}", new_f1, active_f1, tolerance)
    if override:
        return GateDecision(
            True,
            f"{verdict}: worse, loaded anyway by override{caveat}",
            new_f1,
            active_f1,
            tolerance,
        )
    return GateDecision(
        False,
        f"{verdict}: worse by more than {tolerance:.3f}, kept the active model{caveat}",
        new_f1,
        active_f1,
        tolerance,
    )


class LoadError(RuntimeError):
    """A Rasa server refused or could not be reached to load a model."""


def rasa_status(url: str, token: str, timeout: float = 10) -> dict[str, Any] | None:
    """Rasa's GET /status (model file and id), None when it does not answer."""
    try:
        response = httpx.get(f"{url}/status", params={"token": token}, timeout=timeout)
    except httpx.HTTPError:
        return None
    if response.status_code != 200:
        return None
    return dict(response.json())


def load_into_rasa(urls: list[str], token: str, model: Path, timeout: float = 900) -> list[str]:
    """`PUT /model` on every server; returns the URLs that loaded it, raises on the first refusal.

    Rasa answers once the new agent is loaded and swaps it in atomically; conversations in
    progress keep their trackers (the tracker store is not part of the model).
    """
    loaded: list[str] = []
    for url in urls:
        try:
            response = httpx.put(
                f"{url}/model",
                params={"token": token},
                json={"model_file": str(model.resolve())},
                timeout=timeout,
            )
        except httpx.HTTPError as exc:
            raise LoadError(
                f"{url} did not answer ({type(exc).__name__}); loaded: {loaded}"
            ) from exc
        if response.status_code != 204:
            raise LoadError(
                f"{url} refused the model ({response.status_code}: {response.text[:300]});"
                f" loaded: {loaded}"
            )
        loaded.append(url)
    return loaded


def activate(
    registry: Registry, name: str, urls: list[str], token: str, by: str, note: str = ""
) -> list[str]:
    """Load a registered model into the Rasa servers, then mark it active."""
    record = registry.get(name)
    if record is None:
        raise RegistryError(f"no model {name} in the registry")
    model = registry.file_of(record)
    if not model.exists():
        raise RegistryError(f"the file of {name} is no longer in {registry.model_dir}")
    loaded = load_into_rasa(urls, token, model)
    registry.set_active(name, by, note)
    return loaded


def adopt_running(registry: Registry, urls: list[str], token: str) -> ModelRecord | None:
    """The model the first Rasa server runs (registered and marked active if it was not),
    or the registry's active model when no server answers.

    `make run` starts Rasa with the model `triage model train` made from all the data, also
    after a restart: the gate must compare with what delegates are talking to.
    """
    active = registry.active()
    status = rasa_status(urls[0], token) if urls else None
    if not status or not status.get("model_file"):
        return active
    path = registry.model_dir / Path(str(status["model_file"])).name
    if not path.exists():
        return active
    record = registry.find_by_file(path)
    if record is None:
        record = registry.register(path, trained_on=ALL_DATA, note="found running in Rasa")
    if active is not None and active.name == record.name:
        return active
    return registry.set_active(record.name, SYSTEM, "found running in Rasa")

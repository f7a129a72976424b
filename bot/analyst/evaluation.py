"""Evaluating a model on the held-out split: per-intent scores, confusions, history on disk.

One evaluation is a JSON file (and its confusion-matrix PNG) under the analyst directory,
named by its id, so the history is the folder and two evaluations compare side by side.
"""

import hashlib
import json
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.analyst.models import file_digest, now_iso, read_json, write_json
from bot.evaluation import dataset, metrics, rasa_jobs
from bot.evaluation import split as splitting
from bot.evaluation.dataset import Example
from bot.evaluation.metrics import Prediction

ID = re.compile(r"^[A-Za-z0-9_.-]{1,120}$")
EXAMPLES_PER_PAIR = 3
TOP_PAIRS = 10

# Held-out examples are our training data, but an analyst page must never show an address
# or a number someone might have typed into an example; the inbox has the full redaction.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
PHONE = re.compile(r"(?<![\w-])(?:\+|\()?\d[\d\s().-]{6,}\d(?![\w-])")
# Fewer digits than this is a date, a year or a count, not a phone number.
PHONE_DIGITS = 9


def _phone(match: re.Match[str]) -> str:
    digits = sum(c.isdigit() for c in match[0])
    return "[phone]" if digits >= PHONE_DIGITS else match[0]


def redact(text: str) -> str:
    """Emails and phone numbers replaced by placeholders."""
    return PHONE.sub(_phone, EMAIL.sub("[email]", text))


@dataclass
class HeldOut:
    """The split of the current data: where it is written, the test examples, its id."""

    paths: dict[str, Path]
    test: list[Example]
    train: list[Example]
    split_id: str


def held_out(nlu_root: Path, folder: Path) -> HeldOut:
    """Split the data under `nlu_root` (seeded, stable) and write it to `folder`."""
    s = splitting.split(dataset.load(nlu_root))
    paths = splitting.write(s, folder)
    split_id = hashlib.sha256(paths["test_jsonl"].read_bytes()).hexdigest()[:12]
    return HeldOut(paths, s.test, s.train, split_id)


def scores(
    test: list[Example], predictions: list[Prediction], all_examples: list[Example], minimum: int
) -> dict[str, Any]:
    """Every figure of an evaluation, from predictions on the held-out examples."""
    gold = [e.intent for e in test]
    predicted = [p.intent or "(none)" for p in predictions]
    labels, matrix = metrics.confusion(gold, predicted)
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for example, guess in zip(test, predicted, strict=True):
        if example.intent != guess:
            pairs[(example.intent, guess)].append(example.text)
    confused = [
        {
            "gold": g,
            "predicted": p,
            "count": len(texts),
            "examples": [redact(t) for t in texts[:EXAMPLES_PER_PAIR]],
        }
        for (g, p), texts in sorted(pairs.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ][:TOP_PAIRS]
    per_lang: dict[str, Counter[str]] = defaultdict(Counter)
    for e in all_examples:
        per_lang[e.intent][e.lang] += 1
    # Per language: one model serves three, and an intent learnt from English examples
    # alone is guessed in French.
    few = [
        {
            "intent": intent,
            "total": sum(c.values()),
            "by_language": {lang: c.get(lang, 0) for lang in dataset.LANGUAGES},
            "short": [lang for lang in dataset.LANGUAGES if c.get(lang, 0) < minimum],
        }
        for intent, c in sorted(per_lang.items())
        if any(c.get(lang, 0) < minimum for lang in dataset.LANGUAGES)
    ]
    intent = metrics.intent_scores(test, predictions)
    return {
        "macro_f1": metrics.macro_f1(gold, predicted),
        "accuracy": metrics.accuracy(gold, predicted),
        "by_language": {k: v for k, v in intent.items() if k != "all"},
        "per_intent": metrics.per_intent(gold, predicted),
        "labels": labels,
        "confusion": matrix,
        "confused_pairs": confused,
        "few_examples": few,
        "min_examples": minimum,
        "n": len(test),
    }


def new_id(model_name: str) -> str:
    """An evaluation id: the time, then the model, so a listing sorts by time."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")[:-3]
    return f"{stamp}-{re.sub(r'[^A-Za-z0-9_.-]', '_', model_name)[:80]}"


class EvaluationStore:
    """The evaluation history: `<id>.json` and `<id>.png` in one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, evaluation_id: str, suffix: str = ".json") -> Path:
        if not ID.match(evaluation_id):
            raise KeyError(evaluation_id)
        return self.folder / f"{evaluation_id}{suffix}"

    def save(self, evaluation: dict[str, Any]) -> Path:
        target = self.path(evaluation["id"])
        write_json(target, evaluation)
        return target

    def get(self, evaluation_id: str) -> dict[str, Any] | None:
        try:
            return read_json(self.path(evaluation_id))
        except KeyError:
            return None

    def history(self) -> list[dict[str, Any]]:
        """Every evaluation's headline figures, newest first."""
        if not self.folder.is_dir():
            return []
        out = []
        for path in sorted(self.folder.glob("*.json"), reverse=True):
            data = json.loads(path.read_text(encoding="utf-8"))
            out.append({k: data.get(k) for k in ("id", "created", "model", "split", "macro_f1")})
            out[-1]["accuracy"] = data.get("accuracy")
        return out

    def find(self, model_digest: str, split_id: str) -> dict[str, Any] | None:
        """An earlier evaluation of the same model file on the same held-out split."""
        for item in self.history():
            model, split = item.get("model") or {}, item.get("split") or {}
            if model.get("digest") == model_digest and split.get("id") == split_id:
                return self.get(str(item["id"]))
        return None


def evaluate(
    model: Path,
    split: HeldOut,
    store: EvaluationStore,
    *,
    minimum: int,
    log_dir: Path,
    reuse: bool = True,
) -> dict[str, Any]:
    """Serve `model` in a Rasa process of its own, parse the held-out examples, score them."""
    digest = file_digest(model)
    if reuse and (found := store.find(digest, split.split_id)) is not None:
        return found
    name = model.name.removesuffix(".tar.gz")
    evaluation_id = new_id(name)
    started = time.monotonic()
    texts = [e.text for e in split.test]
    with rasa_jobs.serving(model, log_dir / f"serve-{evaluation_id}.log") as url:
        loaded = time.monotonic() - started
        predictions, latency = rasa_jobs.parse_all(url, texts)
    result: dict[str, Any] = {
        "id": evaluation_id,
        "created": now_iso(),
        "model": {"name": name, "file": str(model), "digest": digest},
        "split": {
            "id": split.split_id,
            "seed": splitting.SEED,
            "fraction": splitting.TEST_FRACTION,
            "train": len(split.train),
            "test": len(split.test),
        },
        "seconds": {"load": round(loaded, 1), "total": round(time.monotonic() - started, 1)},
        "latency": latency,
    }
    result |= scores(split.test, predictions, split.train + split.test, minimum)
    store.save(result)
    render_confusion(result, store.path(evaluation_id, ".png"))
    return result


def render_confusion(evaluation: dict[str, Any], target: Path) -> Path:
    """The confusion matrix as a PNG: rows are the right intents, columns the predicted ones."""
    import matplotlib

    matplotlib.use("Agg")  # no display on a server
    import matplotlib.pyplot as plt

    labels: list[str] = evaluation["labels"]
    matrix: list[list[int]] = evaluation["confusion"]
    size = max(4.0, 0.38 * len(labels) + 2.5)
    fig, ax = plt.subplots(figsize=(size, size), dpi=100)
    # Colour by share of the row, so a rare intent's confusions show as clearly as a common one's.
    shares = [[c / (sum(row) or 1) for c in row] for row in matrix]
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), labels=labels, rotation=90, fontsize=8)
    ax.set_yticks(range(len(labels)), labels=labels, fontsize=8)
    ax.set_xlabel("predicted intent")
    ax.set_ylabel("right intent")
    model = (evaluation.get("model") or {}).get("name", "")
    ax.set_title(f"{model}\nmacro-F1 {evaluation['macro_f1']:.3f}, {evaluation['n']} messages")
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            if count:
                colour = "white" if shares[i][j] > 0.5 else ("black" if i == j else "firebrick")
                ax.text(j, i, str(count), ha="center", va="center", fontsize=7, color=colour)
    fig.tight_layout()
    target.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(target, format="png")
    plt.close(fig)
    return target


def side_by_side(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Per-intent F1 of two evaluations and the difference, largest changes first."""
    a = {r["intent"]: r for r in old.get("per_intent", [])}
    b = {r["intent"]: r for r in new.get("per_intent", [])}
    rows = []
    for intent in sorted(set(a) | set(b)):
        f_old = a[intent]["f1"] if intent in a else None
        f_new = b[intent]["f1"] if intent in b else None
        delta = None if f_old is None or f_new is None else f_new - f_old
        rows.append(
            {
                "intent": intent,
                "old": f_old,
                "new": f_new,
                "delta": delta,
                "support_old": a[intent]["support"] if intent in a else None,
                "support_new": b[intent]["support"] if intent in b else None,
            }
        )
    rows.sort(key=lambda r: (-(abs(r["delta"]) if r["delta"] is not None else 2), r["intent"]))
    same_split = (old.get("split") or {}).get("id") == (new.get("split") or {}).get("id")
    return {
        "rows": rows,
        "macro_f1": {"old": old["macro_f1"], "new": new["macro_f1"]},
        "delta": new["macro_f1"] - old["macro_f1"],
        "same_split": same_split,
    }

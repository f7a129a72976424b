"""Scores computed from predictions on the held-out split; no Rasa needed."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.evaluation.dataset import Entity, Example

# The entities the assistant reads from Rasa (the rest come from our own lexicons).
EVALUATED_ENTITIES = ("need_area", "topic", "member", "organization", "field", "email", "reference")


@dataclass
class Prediction:
    """What the model said about one held-out example, before any fallback."""

    intent: str
    confidence: float
    second: float
    entities: list[Entity] = field(default_factory=list)
    fell_back: bool = False

    @property
    def margin(self) -> float:
        return self.confidence - self.second

    def to_json(self) -> dict[str, Any]:
        return {
            "intent": self.intent,
            "confidence": self.confidence,
            "second": self.second,
            "entities": [e.__dict__ for e in self.entities],
            "fell_back": self.fell_back,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Prediction":
        entities = [Entity(**e) for e in data["entities"]]
        return cls(data["intent"], data["confidence"], data["second"], entities, data["fell_back"])


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Unweighted mean F1 over every label seen in gold or predictions (as sklearn does)."""
    labels = sorted(set(gold) | set(predicted))
    if not labels:
        return 0.0
    scores = []
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, predicted, strict=True))
        scores.append(_f1(tp, fp, fn))
    return sum(scores) / len(scores)


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Share of exact matches."""
    return sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold) if gold else 0.0


def _spans(entities: Iterable[Entity], wanted: Iterable[str]) -> set[tuple[str, int, int]]:
    keep = set(wanted)
    return {(e.entity, e.start, e.end) for e in entities if e.entity in keep}


def entity_scores(
    gold: Sequence[list[Entity]],
    predicted: Sequence[list[Entity]],
    entities: Sequence[str] = EVALUATED_ENTITIES,
) -> dict[str, dict[str, float]]:
    """Exact-span F1 per entity type and micro-averaged over all of them ("all")."""
    counts = {name: [0, 0, 0] for name in (*entities, "all")}
    for g_list, p_list in zip(gold, predicted, strict=True):
        g, p = _spans(g_list, entities), _spans(p_list, entities)
        for name in entities:
            g_n = {s for s in g if s[0] == name}
            p_n = {s for s in p if s[0] == name}
            for key in (name, "all"):
                counts[key][0] += len(g_n & p_n)
                counts[key][1] += len(p_n - g_n)
                counts[key][2] += len(g_n - p_n)
    return {
        name: {"f1": _f1(tp, fp, fn), "support": tp + fn, "predicted": tp + fp}
        for name, (tp, fp, fn) in counts.items()
    }


def falls_back(p: Prediction, threshold: float, ambiguity: float) -> bool:
    """Rasa's FallbackClassifier rule: low confidence or too close to the runner-up."""
    return p.confidence < threshold or p.margin < ambiguity


def intent_scores(examples: Sequence[Example], predictions: Sequence[Prediction]) -> dict:
    """Macro-F1 and accuracy overall and per language, with the number of examples."""
    out: dict[str, dict[str, float]] = {}
    langs = sorted({e.lang for e in examples})
    for lang in ["all", *langs]:
        pairs = [
            (e, p) for e, p in zip(examples, predictions, strict=True) if lang in ("all", e.lang)
        ]
        gold = [e.intent for e, _ in pairs]
        pred = [p.intent for _, p in pairs]
        out[lang] = {
            "macro_f1": macro_f1(gold, pred),
            "accuracy": accuracy(gold, pred),
            "n": len(pairs),
        }
    return out


def threshold_table(
    examples: Sequence[Example],
    predictions: Sequence[Prediction],
    thresholds: Sequence[float],
    ambiguities: Sequence[float],
) -> list[dict[str, float]]:
    """For each (threshold, ambiguity): how often we fall back, and how often wrongly or not."""
    n = len(examples) or 1
    rows = []
    for ambiguity in ambiguities:
        for threshold in thresholds:
            fb = [falls_back(p, threshold, ambiguity) for p in predictions]
            right = [e.intent == p.intent for e, p in zip(examples, predictions, strict=True)]
            rows.append(
                {
                    "threshold": threshold,
                    "ambiguity": ambiguity,
                    "fallback_rate": sum(fb) / n,
                    # a wrong intent that gets through and drives the dialogue
                    "accepted_wrong": sum(not f and not r for f, r in zip(fb, right, strict=True))
                    / n,
                    # a right intent thrown away: the delegate is asked to rephrase
                    "rejected_right": sum(f and r for f, r in zip(fb, right, strict=True)) / n,
                }
            )
    return rows


def choose_threshold(
    rows: Sequence[dict[str, float]], wrong_cost: float = 2.0, max_fallback: float = 0.3
) -> dict[str, float]:
    """The least costly row among those that fall back on at most `max_fallback` of messages.

    A wrong intent counts `wrong_cost` needless fallbacks: it drives the dialogue somewhere
    the delegate did not ask for, while a fallback costs at most one rephrasing. The cap
    keeps a weak model from "winning" by refusing most messages. Ties go to the lower
    fallback rate; rows that still tie (no held-out message lies between their thresholds)
    resolve to the middle one, the choice furthest from the messages on either side.
    """
    allowed = [r for r in rows if r["fallback_rate"] <= max_fallback] or list(rows)

    def cost(r: dict[str, float]) -> tuple[float, float]:
        return round(wrong_cost * r["accepted_wrong"] + r["rejected_right"], 9), r["fallback_rate"]

    best = min(cost(r) for r in allowed)
    ties = sorted(
        (r for r in allowed if cost(r) == best), key=lambda r: (r["ambiguity"], r["threshold"])
    )
    same_ambiguity = [r for r in ties if r["ambiguity"] == ties[0]["ambiguity"]]
    return same_ambiguity[len(same_ambiguity) // 2]


def confidence_histogram(
    examples: Sequence[Example], predictions: Sequence[Prediction], bins: int = 10
) -> list[dict[str, float]]:
    """How many right and wrong top predictions fall in each confidence band."""
    rows = [{"from": i / bins, "to": (i + 1) / bins, "right": 0, "wrong": 0} for i in range(bins)]
    for e, p in zip(examples, predictions, strict=True):
        band = rows[min(bins - 1, int(p.confidence * bins))]
        band["right" if e.intent == p.intent else "wrong"] += 1
    return rows


def compare_predictions(a: Sequence[Prediction], b: Sequence[Prediction]) -> dict[str, Any]:
    """How two trainings' predictions on the same examples differ (reproducibility check)."""
    intents = sum(x.intent != y.intent for x, y in zip(a, b, strict=True))
    entities = sum(set(x.entities) != set(y.entities) for x, y in zip(a, b, strict=True))
    delta = max((abs(x.confidence - y.confidence) for x, y in zip(a, b, strict=True)), default=0.0)
    return {
        "n": len(a),
        "intent_differences": intents,
        "entity_differences": entities,
        "max_confidence_delta": delta,
        # Float noise below 1e-6 does not change any decision the assistant makes.
        "identical": intents == 0 and entities == 0 and delta < 1e-6,
    }


def per_intent(gold: Sequence[str], predicted: Sequence[str]) -> list[dict[str, Any]]:
    """Precision, recall, F1 and support of every intent seen in gold or predictions."""
    rows = []
    for label in sorted(set(gold) | set(predicted)):
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, predicted, strict=True))
        rows.append(
            {
                "intent": label,
                "precision": tp / (tp + fp) if tp + fp else 0.0,
                "recall": tp / (tp + fn) if tp + fn else 0.0,
                "f1": _f1(tp, fp, fn),
                "support": tp + fn,
                "predicted": tp + fp,
            }
        )
    return rows


def confusion(gold: Sequence[str], predicted: Sequence[str]) -> tuple[list[str], list[list[int]]]:
    """Labels and a matrix counting, per gold intent (row), each predicted intent (column)."""
    labels = sorted(set(gold) | set(predicted))
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, predicted, strict=True):
        matrix[index[g]][index[p]] += 1
    return labels, matrix

"""Scores of the pipeline comparison, fallback analysis and the reproducibility check."""

import random

from sklearn.metrics import f1_score

from bot.evaluation import metrics
from bot.evaluation.dataset import Entity, Example
from bot.evaluation.metrics import Prediction
from bot.evaluation.rasa_jobs import to_prediction


def ex(intent: str, lang: str = "en", entities: list[Entity] | None = None) -> Example:
    return Example(intent, lang, "text", "text", entities or [])


def pred(intent: str, confidence: float = 0.9, second: float = 0.05) -> Prediction:
    return Prediction(intent, confidence, second)


def test_macro_f1_agrees_with_sklearn() -> None:
    rng = random.Random(3)
    labels = ["greet", "affirm", "deny", "inform", "cancel"]
    gold = [rng.choice(labels) for _ in range(200)]
    predicted = [g if rng.random() < 0.7 else rng.choice(labels) for g in gold]
    predicted[0] = "never_in_gold"
    assert (
        abs(metrics.macro_f1(gold, predicted) - f1_score(gold, predicted, average="macro")) < 1e-12
    )


def test_intent_scores_are_split_by_language() -> None:
    examples = [ex("greet", "en"), ex("greet", "fr"), ex("deny", "fr")]
    scores = metrics.intent_scores(examples, [pred("greet"), pred("deny"), pred("deny")])
    assert scores["en"] == {"macro_f1": 1.0, "accuracy": 1.0, "n": 1}
    assert scores["fr"]["accuracy"] == 0.5
    assert scores["all"]["n"] == 3
    assert "es" not in scores


def test_entity_f1_counts_exact_spans_of_the_evaluated_entities_only() -> None:
    gold = [[Entity("member", 0, 5, "Kenya"), Entity("topic", 10, 15, "trade")]]
    predicted = [
        [
            Entity("member", 0, 5, "Kenya"),
            Entity("topic", 10, 14, "trade"),  # one character short: a miss
            Entity("activity", 20, 25, "x"),  # not an entity we read from Rasa
        ]
    ]
    scores = metrics.entity_scores(gold, predicted)
    assert scores["member"]["f1"] == 1.0
    assert scores["topic"]["f1"] == 0.0
    assert scores["all"]["f1"] == 0.5
    assert scores["all"]["support"] == 2


def test_fallback_follows_rasa_threshold_and_ambiguity_rules() -> None:
    assert metrics.falls_back(pred("greet", 0.40, 0.1), threshold=0.45, ambiguity=0.05)
    assert metrics.falls_back(pred("greet", 0.50, 0.47), threshold=0.45, ambiguity=0.05)
    assert not metrics.falls_back(pred("greet", 0.50, 0.40), threshold=0.45, ambiguity=0.05)


def test_threshold_table_accounts_for_every_fallback() -> None:
    examples = [ex("greet"), ex("deny"), ex("affirm"), ex("cancel")]
    predictions = [pred("greet", 0.9), pred("affirm", 0.3), pred("affirm", 0.5), pred("greet", 0.7)]
    rows = metrics.threshold_table(examples, predictions, [0.0, 0.6, 1.0], [0.0])
    by_t = {r["threshold"]: r for r in rows}
    assert by_t[0.0] == {
        "threshold": 0.0,
        "ambiguity": 0.0,
        "fallback_rate": 0.0,
        "accepted_wrong": 0.5,
        "rejected_right": 0.0,
    }
    assert by_t[0.6]["fallback_rate"] == 0.5  # the 0.3 (wrong) and the 0.5 (right)
    assert by_t[0.6]["accepted_wrong"] == 0.25
    assert by_t[0.6]["rejected_right"] == 0.25
    assert by_t[1.0]["fallback_rate"] == 1.0


def test_chosen_threshold_weighs_a_wrong_intent_twice_a_rephrase() -> None:
    rows = [
        {
            "threshold": 0.2,
            "ambiguity": 0.0,
            "fallback_rate": 0.0,
            "accepted_wrong": 0.10,
            "rejected_right": 0.0,
        },
        {
            "threshold": 0.5,
            "ambiguity": 0.0,
            "fallback_rate": 0.1,
            "accepted_wrong": 0.02,
            "rejected_right": 0.08,
        },
        {
            "threshold": 0.8,
            "ambiguity": 0.0,
            "fallback_rate": 0.4,
            "accepted_wrong": 0.0,
            "rejected_right": 0.30,
        },
    ]
    assert metrics.choose_threshold(rows)["threshold"] == 0.5


def test_tied_thresholds_resolve_to_the_middle_one() -> None:
    rows = [
        {
            "threshold": t,
            "ambiguity": 0.1,
            "fallback_rate": 0.2,
            "accepted_wrong": 0.1,
            "rejected_right": 0.1,
        }
        for t in (0.1, 0.2, 0.3)
    ]
    assert metrics.choose_threshold(rows)["threshold"] == 0.2


def test_chosen_threshold_never_sends_most_messages_to_the_fallback() -> None:
    rows = [
        {
            "threshold": 0.3,
            "ambiguity": 0.0,
            "fallback_rate": 0.2,
            "accepted_wrong": 0.25,
            "rejected_right": 0.05,
        },
        {
            "threshold": 0.7,
            "ambiguity": 0.0,
            "fallback_rate": 0.7,
            "accepted_wrong": 0.01,
            "rejected_right": 0.3,
        },
    ]
    assert metrics.choose_threshold(rows)["threshold"] == 0.3
    assert metrics.choose_threshold(rows, max_fallback=1.0)["threshold"] == 0.7


def test_histogram_separates_right_and_wrong_by_confidence() -> None:
    bands = metrics.confidence_histogram(
        [ex("greet"), ex("deny"), ex("deny")],
        [pred("greet", 0.95), pred("affirm", 0.12), pred("deny", 1.0)],
    )
    assert bands[9]["right"] == 2
    assert bands[1]["wrong"] == 1
    assert sum(b["right"] + b["wrong"] for b in bands) == 3


def test_reproducibility_check_notices_any_changed_prediction() -> None:
    a = [pred("greet", 0.9), Prediction("inform", 0.8, 0.1, [Entity("member", 0, 5, "Kenya")])]
    assert metrics.compare_predictions(a, list(a))["identical"]
    other_intent = [pred("affirm", 0.9), a[1]]
    drifted = [pred("greet", 0.9001), a[1]]
    lost_entity = [a[0], Prediction("inform", 0.8, 0.1, [])]
    assert metrics.compare_predictions(a, other_intent)["intent_differences"] == 1
    assert not metrics.compare_predictions(a, drifted)["identical"]
    assert metrics.compare_predictions(a, lost_entity)["entity_differences"] == 1


def test_parse_result_under_a_fallback_keeps_the_classifier_own_ranking() -> None:
    parsed = {
        "intent": {"name": "nlu_fallback", "confidence": 0.45},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.45},
            {"name": "deny", "confidence": 0.41},
            {"name": "affirm", "confidence": 0.30},
        ],
        "entities": [
            {
                "entity": "member",
                "start": 0,
                "end": 5,
                "value": "Kenya",
                "extractor": "DIETClassifier",
            },
            {
                "entity": "member",
                "start": 0,
                "end": 5,
                "value": "Kenya",
                "extractor": "CRFEntityExtractor",
            },
        ],
    }
    p = to_prediction(parsed)
    assert (p.intent, p.confidence, p.second, p.fell_back) == ("deny", 0.41, 0.30, True)
    assert p.entities == [Entity("member", 0, 5, "Kenya")]

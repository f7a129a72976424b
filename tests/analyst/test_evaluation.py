"""Evaluation figures from predictions (no Rasa), the confusion-matrix PNG, history, comparison."""

from pathlib import Path

import pytest

from bot.analyst import evaluation as ev
from bot.evaluation.dataset import Example
from bot.evaluation.metrics import Prediction, confusion, per_intent


def ex(intent: str, text: str, lang: str = "en") -> Example:
    return Example(intent, lang, text, text)


def guess(intent: str) -> Prediction:
    return Prediction(intent, 0.9, 0.05)


TEST = [
    ex("greet", "hello"),
    ex("greet", "hi there"),
    ex("greet", "bonjour", "fr"),
    ex("goodbye", "bye"),
    ex("goodbye", "write to ama.owusu@moh.gov.gh or call +233 24 123 4567, bye"),
    ex("ask_vaccines", "vaccines please"),
]
PREDICTED = ["greet", "greet", "goodbye", "goodbye", "greet", "ask_vaccines"]


def test_per_intent_precision_recall_f1_and_support() -> None:
    rows = {r["intent"]: r for r in per_intent([e.intent for e in TEST], PREDICTED)}
    # greet: 2 right of 3 gold, 1 wrong guess among 3 guesses
    assert rows["greet"]["support"] == 3 and rows["greet"]["predicted"] == 3
    assert rows["greet"]["precision"] == pytest.approx(2 / 3)
    assert rows["greet"]["recall"] == pytest.approx(2 / 3)
    # goodbye: 1 right of 2 gold, 2 guesses
    assert rows["goodbye"]["precision"] == pytest.approx(1 / 2)
    assert rows["goodbye"]["recall"] == pytest.approx(1 / 2)
    assert rows["goodbye"]["f1"] == pytest.approx(1 / 2)
    assert rows["ask_vaccines"]["f1"] == 1.0


def test_confusion_matrix_rows_are_gold_and_columns_predicted() -> None:
    labels, matrix = confusion([e.intent for e in TEST], PREDICTED)
    assert labels == ["ask_vaccines", "goodbye", "greet"]
    assert matrix == [[1, 0, 0], [0, 1, 1], [0, 1, 2]]


def test_scores_list_confused_pairs_with_redacted_examples_and_thin_intents() -> None:
    training = TEST + [ex("greet", f"hello {i}") for i in range(12)]
    training += [ex("greet", f"salut {i}", "fr") for i in range(12)]
    training += [ex("greet", f"hola {i}", "es") for i in range(12)]
    result = ev.scores(TEST, [guess(p) for p in PREDICTED], training, minimum=10)
    pairs = {(p["gold"], p["predicted"]): p for p in result["confused_pairs"]}
    assert set(pairs) == {("greet", "goodbye"), ("goodbye", "greet")}
    shown = pairs[("goodbye", "greet")]["examples"][0]
    assert "ama.owusu" not in shown and "4567" not in shown
    assert shown == "write to [email] or call [phone], bye"
    thin = {f["intent"]: f for f in result["few_examples"]}
    assert "greet" not in thin  # 12+ examples in each language
    assert thin["goodbye"]["short"] == ["en", "fr", "es"]
    assert result["macro_f1"] == pytest.approx((2 / 3 + 1 / 2 + 1) / 3)
    assert result["by_language"]["fr"]["n"] == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail me at jean.dupont@sante.gouv.fr merci", "mail me at [email] merci"),
        ("llámeme al +34 912 345 678", "llámeme al [phone]"),
        ("tel. (022) 791-2111 please", "tel. [phone] please"),
        ("request TA-2026-000123 from 2026", "request TA-2026-000123 from 2026"),
        ("a workshop on 2026-11-28 for 120 people", "a workshop on 2026-11-28 for 120 people"),
    ],
)
def test_redaction_of_examples(text: str, expected: str) -> None:
    assert ev.redact(text) == expected


def test_an_evaluation_is_stored_rendered_and_compared(tmp_path: Path) -> None:
    store = ev.EvaluationStore(tmp_path)
    old = ev.scores(TEST, [guess(p) for p in PREDICTED], TEST, minimum=2)
    old |= {"id": "20261101T100000000-model-a", "created": "2026-11-01T10:00:00"}
    old |= {"model": {"name": "model-a", "digest": "aaa"}, "split": {"id": "s1", "test": 6}}
    new = ev.scores(TEST, [guess(e.intent) for e in TEST], TEST, minimum=2)
    new |= {"id": "20261102T100000000-model-b", "created": "2026-11-02T10:00:00"}
    new |= {"model": {"name": "model-b", "digest": "bbb"}, "split": {"id": "s1", "test": 6}}
    for item in (old, new):
        store.save(item)
        png = ev.render_confusion(item, store.path(item["id"], ".png"))
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert png.stat().st_size > 5000
    assert [h["id"] for h in store.history()] == [new["id"], old["id"]]
    assert store.find("aaa", "s1") == old
    assert store.find("aaa", "other-split") is None
    with pytest.raises(KeyError):
        store.path("../escape")

    cmp = ev.side_by_side(old, new)
    assert cmp["same_split"] is True
    assert cmp["delta"] == pytest.approx(1.0 - old["macro_f1"])
    rows = {r["intent"]: r for r in cmp["rows"]}
    assert rows["goodbye"]["old"] == pytest.approx(0.5) and rows["goodbye"]["new"] == 1.0
    assert rows["goodbye"]["delta"] == pytest.approx(0.5)
    assert rows["ask_vaccines"]["delta"] == 0.0
    assert cmp["rows"][-1]["intent"] == "ask_vaccines"  # largest changes first

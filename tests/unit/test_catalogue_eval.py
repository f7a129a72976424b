"""The labelled development set and the evaluation harness (metrics are not asserted)."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.catalogue import get_catalogue
from bot.catalogue.evaluate import baseline_ranker, evaluate, load_items, main, suggest_ranker


def test_labelled_set_has_90_items_balanced_across_languages() -> None:
    items = load_items()
    counts = Counter(item.query.language for item in items)
    assert len(items) >= 90
    assert set(counts) == {"en", "fr", "es"}
    assert min(counts.values()) >= len(items) // 3 - 2


def test_labels_only_use_catalogue_ids() -> None:
    known = set(get_catalogue().ids)
    for item in load_items():
        assert item.relevant
        assert item.relevant <= known


def test_every_fourth_item_is_held_out_for_test() -> None:
    splits = [item.split for item in load_items()]
    assert all((s == "test") == (i % 4 == 3) for i, s in enumerate(splits))


def test_harness_reports_both_splits_and_languages_for_both_rankers() -> None:
    items = load_items()[:12]
    catalogue = get_catalogue()
    for ranker in (suggest_ranker(catalogue), baseline_ranker(catalogue)):
        metrics = evaluate(items, ranker)
        assert set(metrics) == {"dev", "test", "all"}
        assert set(metrics["all"]) == {"en", "fr", "es", "overall"}
        assert 0.0 <= metrics["all"]["overall"]["recall@3"] <= 1.0


def test_command_line_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--json"]) == 0
    assert '"baseline_keyword_match"' in capsys.readouterr().out

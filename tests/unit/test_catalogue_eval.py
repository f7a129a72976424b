"""The labelled sets and the evaluation harness (metrics are measured, not asserted)."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from bot.catalogue import get_catalogue
from bot.catalogue.evaluate import (
    DEV_SET,
    FRESH_SET,
    HOLDOUT_SET,
    baseline_ranker,
    evaluate,
    failures,
    load_all,
    load_items,
    main,
    suggest_ranker,
)


def test_development_file_has_90_items_balanced_across_languages() -> None:
    items = load_items(DEV_SET)
    counts = Counter(item.query.language for item in items)
    assert len(items) >= 90
    assert set(counts) == {"en", "fr", "es"}
    assert min(counts.values()) >= len(items) // 3 - 2


def test_holdout_has_at_least_15_needs_per_language() -> None:
    items = load_items(HOLDOUT_SET)
    counts = Counter(item.query.language for item in items)
    assert len(items) >= 45
    assert set(counts) == {"en", "fr", "es"}
    assert min(counts.values()) >= 15
    assert {item.split for item in items} == {"holdout"}


def test_holdout_needs_are_not_copies_of_development_needs() -> None:
    dev = {item.query.text.casefold() for item in load_items(DEV_SET)}
    assert not [it for it in load_items(HOLDOUT_SET) if it.query.text.casefold() in dev]


def test_the_fresh_set_is_its_own_split_with_20_needs_or_more_per_language() -> None:
    items = load_items(FRESH_SET)
    assert {item.split for item in items} == {"fresh"}
    counts = Counter(item.query.language for item in items)
    assert set(counts) == {"en", "fr", "es"} and min(counts.values()) >= 20
    earlier = {item.query.text.casefold() for item in load_items(DEV_SET) + load_items(HOLDOUT_SET)}
    assert not [it for it in items if it.query.text.casefold() in earlier]


def test_labels_only_use_catalogue_ids() -> None:
    known = set(get_catalogue().ids)
    for item in load_all():
        assert item.relevant
        assert item.relevant <= known


def test_every_fourth_development_item_is_held_out_for_test() -> None:
    splits = [item.split for item in load_items(DEV_SET)]
    assert all((s == "test") == (i % 4 == 3) for i, s in enumerate(splits))


def test_harness_reports_every_set_and_language_for_both_rankers() -> None:
    items = [it for it in load_all() if it.position < 8]
    catalogue = get_catalogue()
    for ranker in (suggest_ranker(catalogue), baseline_ranker(catalogue)):
        metrics = evaluate(items, ranker)
        assert set(metrics) == {"dev", "test", "holdout", "fresh"}
        assert set(metrics["holdout"]) == {"en", "fr", "es", "overall"}
        assert 0.0 <= metrics["holdout"]["overall"]["recall@3"] <= 1.0


def test_failure_listing_never_shows_test_or_holdout_items() -> None:
    never = [it for it in load_all() if it.split != "dev"]
    ranker = baseline_ranker(get_catalogue())  # misses often, so the listing is not empty
    assert failures(never, ranker) == []
    dev = [it for it in load_all() if it.split == "dev"]
    assert failures(dev, ranker)


def test_command_line_prints_json_with_baseline_and_latency(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--json", "--sets", "holdout"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"suggest", "baseline_keyword_match", "latency"}
    assert set(out["suggest"]) == {"holdout"}
    assert out["latency"]["median_ms"] > 0


def test_command_line_rejects_an_unknown_set() -> None:
    with pytest.raises(SystemExit):
        main(["--sets", "train"])

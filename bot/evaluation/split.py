"""The held-out split: stratified by intent and language, chosen by a seeded hash."""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.evaluation.dataset import Example, NluData

SEED = 2026
TEST_FRACTION = 0.2
# A stratum smaller than this stays whole in training: with two examples, holding one out
# would halve what the model learns from and say little about it.
MIN_STRATUM_FOR_TEST = 3


@dataclass
class Split:
    """Training and held-out examples; extras (regexes, lookups) go with training."""

    train: list[Example]
    test: list[Example]
    extras: list[dict[str, Any]]
    seed: int
    fraction: float


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def _rank(seed: int, text: str) -> str:
    # A hash rather than a shuffle: adding an example moves at most one other between the
    # sides, so the test part stays the test part as the data grows.
    return hashlib.sha256(f"{seed}\0{_normal(text)}".encode()).hexdigest()


def held_out_size(n: int, fraction: float) -> int:
    """How many of a stratum's n examples are held out."""
    if n < MIN_STRATUM_FOR_TEST:
        return 0
    return min(n - 2, max(1, round(n * fraction)))


def split(data: NluData, seed: int = SEED, fraction: float = TEST_FRACTION) -> Split:
    """Hold out `fraction` of every (intent, language) stratum; duplicates stay together."""
    groups: dict[str, list[Example]] = defaultdict(list)
    for example in data.examples:
        groups[_normal(example.text)].append(example)
    strata: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, members in groups.items():
        # A text that appears twice is one group; a text under two intents is a data error
        # that `rasa data validate` reports, and is kept out of the test part.
        if len({m.intent for m in members}) == 1:
            strata[(members[0].intent, members[0].lang)].append(key)
    held: set[str] = set()
    for (_intent, _lang), keys in sorted(strata.items()):
        ranked = sorted(keys, key=lambda k: _rank(seed, k))
        held.update(ranked[: held_out_size(len(ranked), fraction)])
    train = [e for e in data.examples if _normal(e.text) not in held]
    test = [e for e in data.examples if _normal(e.text) in held]
    # Keep one example per held-out text so a duplicate is not scored twice.
    seen: set[str] = set()
    unique_test = []
    for example in test:
        if _normal(example.text) not in seen:
            seen.add(_normal(example.text))
            unique_test.append(example)
    return Split(train, unique_test, data.extras, seed, fraction)


class _Block(str):
    """A string YAML writes as a literal block, the way Rasa examples are written."""


def _block(dumper: yaml.SafeDumper, value: _Block) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")


yaml.SafeDumper.add_representer(_Block, _block)


def to_rasa_yaml(examples: list[Example], extras: list[dict[str, Any]] | None = None) -> str:
    """Rasa NLU YAML for the examples, grouped by intent in first-seen order."""
    by_intent: dict[str, list[str]] = defaultdict(list)
    for example in examples:
        by_intent[example.intent].append(example.annotated)
    nlu: list[dict[str, Any]] = [
        {"intent": intent, "examples": _Block("".join(f"- {line}\n" for line in lines))}
        for intent, lines in by_intent.items()
    ]
    for extra in extras or []:
        item = dict(extra)
        if isinstance(item.get("examples"), str):
            item["examples"] = _Block(item["examples"])
        nlu.append(item)
    return yaml.safe_dump(
        {"version": "3.1", "nlu": nlu}, allow_unicode=True, sort_keys=False, width=10_000
    )


def write(s: Split, folder: Path) -> dict[str, Path]:
    """Write train.yml, test.yml, test.jsonl and split.json; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "train": folder / "train.yml",
        "test": folder / "test.yml",
        "test_jsonl": folder / "test.jsonl",
        "manifest": folder / "split.json",
    }
    paths["train"].write_text(to_rasa_yaml(s.train, s.extras), encoding="utf-8")
    paths["test"].write_text(to_rasa_yaml(s.test), encoding="utf-8")
    paths["test_jsonl"].write_text(
        "".join(json.dumps(e.to_json(), ensure_ascii=False) + "\n" for e in s.test),
        encoding="utf-8",
    )
    counts: dict[str, dict[str, int]] = {}
    for side, examples in (("train", s.train), ("test", s.test)):
        for e in examples:
            counts.setdefault(f"{e.intent}/{e.lang}", {"train": 0, "test": 0})[side] += 1
    manifest = {
        "seed": s.seed,
        "fraction": s.fraction,
        "train": len(s.train),
        "test": len(s.test),
        "strata": dict(sorted(counts.items())),
    }
    paths["manifest"].write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return paths


def read_test(path: Path) -> list[Example]:
    """The held-out examples written by `write`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [Example.from_json(json.loads(line)) for line in lines if line.strip()]

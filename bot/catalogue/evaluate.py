"""Measure `suggest` against the labelled need descriptions and a keyword-match baseline.

Usage: python -m bot.catalogue.evaluate [--json] [--failures dev] [--path FILE]

Split rule (fixed before tuning): item i (0-based) is TEST when i % 4 == 3, else DEV.
recall@3 is |relevant ∩ top-3| / min(|relevant|, 3), so a perfect ranker scores 1 even
when more than three activities are relevant. MRR uses the first relevant activity among
the top 10 (0 when none).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.catalogue.loader import REPO_ROOT, get_catalogue
from bot.catalogue.ranking import NeedQuery, suggest
from bot.catalogue.schema import LANGUAGES, Activity, Catalogue

DEV_SET = REPO_ROOT / "tests" / "eval" / "suggestions_dev.yaml"
K = 3
MRR_DEPTH = 10
_WORD = re.compile(r"\w+")

Ranker = Callable[[NeedQuery, int], list[str]]


@dataclass(frozen=True)
class Item:
    """One labelled need description."""

    position: int
    query: NeedQuery
    relevant: frozenset[str]

    @property
    def split(self) -> str:
        """'test' for every fourth item (position % 4 == 3), else 'dev'."""
        return "test" if self.position % 4 == 3 else "dev"


def load_items(path: Path = DEV_SET) -> list[Item]:
    """Read the labelled set into queries and relevant ids."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
    items = []
    for i, row in enumerate(raw):
        query = NeedQuery(
            text=row["text"],
            need_area=row.get("need_area"),
            topics=tuple(row.get("topics", ())),
            member_status=row.get("member_status"),
            ldc=bool(row.get("ldc", False)),
            organizations=tuple(row.get("organizations", ())),
            language=row["language"],
        )
        items.append(Item(i, query, frozenset(row["relevant"])))
    return items


def suggest_ranker(catalogue: Catalogue) -> Ranker:
    """The production ranker as a function returning ids."""
    return lambda q, n: [s.activity.id for s in suggest(q, limit=n, catalogue=catalogue)]


def _plain_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if len(w) >= 3}


def _activity_text(a: Activity) -> str:
    parts = [a.description]
    for lang in LANGUAGES:
        parts += [a.title.get(lang), a.summary.get(lang), " ".join(getattr(a.keywords, lang))]
    return " ".join(parts)


def baseline_ranker(catalogue: Catalogue) -> Ranker:
    """Plain keyword match: count of distinct query words present in the activity text."""
    words = [(a.id, _plain_words(_activity_text(a))) for a in catalogue.activities]

    def rank(query: NeedQuery, n: int) -> list[str]:
        q = _plain_words(query.text)
        scored = [(len(q & w), i, aid) for i, (aid, w) in enumerate(words)]
        scored.sort(key=lambda t: (-t[0], t[1]))
        return [aid for count, _, aid in scored if count > 0][:n]

    return rank


def _recall(ranked: Sequence[str], relevant: frozenset[str]) -> float:
    hits = len(relevant.intersection(ranked[:K]))
    return hits / min(len(relevant), K)


def _rr(ranked: Sequence[str], relevant: frozenset[str]) -> float:
    for rank, aid in enumerate(ranked[:MRR_DEPTH], start=1):
        if aid in relevant:
            return 1.0 / rank
    return 0.0


def evaluate(items: list[Item], ranker: Ranker) -> dict[str, dict[str, dict[str, float]]]:
    """Metrics per split ('dev', 'test', 'all') and language ('en', 'fr', 'es', 'overall')."""
    per_item = [(it, ranker(it.query, MRR_DEPTH)) for it in items]
    out: dict[str, dict[str, dict[str, float]]] = {}
    for split in ("dev", "test", "all"):
        out[split] = {}
        for lang in (*LANGUAGES, "overall"):
            rows = [
                (it, ranked)
                for it, ranked in per_item
                if split in ("all", it.split) and lang in ("overall", it.query.language)
            ]
            n = len(rows)
            out[split][lang] = {
                "n": n,
                "recall@3": round(sum(_recall(r, it.relevant) for it, r in rows) / n, 3)
                if n
                else 0.0,
                "mrr": round(sum(_rr(r, it.relevant) for it, r in rows) / n, 3) if n else 0.0,
            }
    return out


def failures(items: list[Item], ranker: Ranker, split: str) -> list[str]:
    """Human-readable lines for items of `split` whose top 3 miss a relevant activity."""
    lines = []
    for it in items:
        if it.split != split:
            continue
        ranked = ranker(it.query, K)
        if _recall(ranked, it.relevant) < 1.0:
            lines.append(f"#{it.position} [{it.query.language}] {it.query.text[:70]!r}")
            lines.append(f"    want {sorted(it.relevant)}")
            lines.append(f"    got  {ranked}")
    return lines


def _table(name: str, metrics: dict[str, dict[str, dict[str, float]]]) -> list[str]:
    lines = [f"{name}", f"  {'split':<5} {'lang':<8} {'n':>3} {'recall@3':>9} {'MRR':>6}"]
    for split, by_lang in metrics.items():
        for lang, m in by_lang.items():
            lines.append(
                f"  {split:<5} {lang:<8} {m['n']:>3} {m['recall@3']:>9.3f} {m['mrr']:>6.3f}"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print metrics as JSON")
    parser.add_argument("--path", type=Path, default=DEV_SET, help="labelled set (YAML)")
    parser.add_argument("--failures", choices=("dev", "test"), help="list missed items")
    args = parser.parse_args(argv)
    catalogue = get_catalogue()
    items = load_items(args.path)
    results = {
        "suggest": evaluate(items, suggest_ranker(catalogue)),
        "baseline_keyword_match": evaluate(items, baseline_ranker(catalogue)),
    }
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"{len(items)} labelled needs; test = every 4th item (position % 4 == 3)")
        for name, metrics in results.items():
            print("\n".join(_table(name, metrics)))
    if args.failures:
        print("\n".join(failures(items, suggest_ranker(catalogue), args.failures)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Measure `suggest` against labelled need descriptions and a keyword-match baseline.

Usage: python -m bot.catalogue.evaluate [--sets dev,test,holdout] [--json] [--failures]

Three sets, fixed before tuning:
- dev and test come from tests/eval/suggestions_dev.yaml: item i (0-based) is TEST when
  i % 4 == 3, else DEV. Only DEV may be used to tune the ranker.
- holdout is tests/eval/suggestions_holdout.yaml, written later by another author before any
  further ranker change; never used for tuning.
- fresh is tests/eval/suggestions_fresh.yaml, written on 6 Dec 2026 by an advisor who saw
  only the catalogue, after the ranker learnt from the example needs; never used for tuning.
recall@3 is |relevant ∩ top-3| / min(|relevant|, 3), so a perfect ranker scores 1 even
when more than three activities are relevant. MRR uses the first relevant activity among
the top 10 (0 when none). `--failures` lists missed DEV items only, on purpose.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from bot.catalogue.loader import REPO_ROOT, get_catalogue
from bot.catalogue.ranking import NeedQuery, suggest
from bot.catalogue.schema import LANGUAGES, Activity, Catalogue

DEV_SET = REPO_ROOT / "tests" / "eval" / "suggestions_dev.yaml"
HOLDOUT_SET = REPO_ROOT / "tests" / "eval" / "suggestions_holdout.yaml"
FRESH_SET = REPO_ROOT / "tests" / "eval" / "suggestions_fresh.yaml"
SECOND_ADVISOR = REPO_ROOT / "tests" / "eval" / "advisor_b_dev.yaml"
SETS = ("dev", "test", "holdout", "fresh")
DELEGATES = "delegates"
K = 3
MRR_DEPTH = 10
_WORD = re.compile(r"\w+")

Ranker = Callable[[NeedQuery, int], list[str]]
Metrics = dict[str, dict[str, dict[str, float]]]


@dataclass(frozen=True)
class Item:
    """One labelled need description."""

    position: int
    query: NeedQuery
    relevant: frozenset[str]
    split: str  # dev | test | holdout


def _split(path: Path, position: int) -> str:
    if path.resolve() not in {p.resolve() for p in (DEV_SET, HOLDOUT_SET, FRESH_SET)}:
        return "delegates"  # `triage catalogue export-needs`: real delegates, real offers
    if path.resolve() == HOLDOUT_SET.resolve():
        return "holdout"
    if path.resolve() == FRESH_SET.resolve():
        return "fresh"
    return "test" if position % 4 == 3 else "dev"


def load_items(path: Path = DEV_SET) -> list[Item]:
    """Read one labelled file into queries, relevant ids and their split."""
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
        items.append(Item(i, query, frozenset(row["relevant"]), _split(path, i)))
    return items


def load_all() -> list[Item]:
    """Dev, test, holdout and fresh items together."""
    return load_items(DEV_SET) + load_items(HOLDOUT_SET) + load_items(FRESH_SET)


def suggest_ranker(catalogue: Catalogue) -> Ranker:
    """The production ranker as a function returning ids."""
    return lambda q, n: [s.activity.id for s in suggest(q, limit=n, catalogue=catalogue)]


def _plain_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if len(w) >= 3}


def _activity_text(a: Activity) -> str:
    parts = list(a.description.all_texts())
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


def second_advisor_ranker(items: list[Item], path: Path = SECOND_ADVISOR) -> Ranker:
    """A second advisor's blind top three, for the DEV needs it labelled (others get none)."""
    picks = {p["n"]: p["top3"] for p in yaml.safe_load(path.read_text(encoding="utf-8"))["picks"]}
    by_text = {it.query.text: picks.get(it.position, []) for it in items if it.split == "dev"}
    return lambda query, n: list(by_text.get(query.text, []))[:n]


def _recall(ranked: Sequence[str], relevant: frozenset[str]) -> float:
    hits = len(relevant.intersection(ranked[:K]))
    return hits / min(len(relevant), K)


def _rr(ranked: Sequence[str], relevant: frozenset[str]) -> float:
    for rank, aid in enumerate(ranked[:MRR_DEPTH], start=1):
        if aid in relevant:
            return 1.0 / rank
    return 0.0


def evaluate(items: list[Item], ranker: Ranker, sets: Sequence[str] = SETS) -> Metrics:
    """Metrics per set and language ('en', 'fr', 'es', 'overall'); recall@3 and MRR."""
    per_item = [(it, ranker(it.query, MRR_DEPTH)) for it in items if it.split in sets]
    out: Metrics = {}
    for split in sets:
        out[split] = {}
        for lang in (*LANGUAGES, "overall"):
            rows = [
                (it, ranked)
                for it, ranked in per_item
                if it.split == split and lang in ("overall", it.query.language)
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


def failures(items: list[Item], ranker: Ranker) -> list[str]:
    """Human-readable lines for DEV items whose top 3 miss a relevant activity."""
    lines = []
    for it in items:
        if it.split != "dev":
            continue
        ranked = ranker(it.query, K)
        if _recall(ranked, it.relevant) < 1.0:
            lines.append(f"#{it.position} [{it.query.language}] {it.query.text[:70]!r}")
            lines.append(f"    want {sorted(it.relevant)}")
            lines.append(f"    got  {ranked}")
    return lines


def latency_ms(items: list[Item], catalogue: Catalogue, rounds: int = 3) -> dict[str, float]:
    """Wall time (median, max) and CPU time (mean) of one suggest() call, index prebuilt.

    CPU time is the figure to compare: on a shared machine wall time mostly measures the
    other processes.
    """
    suggest(items[0].query, catalogue=catalogue)
    times = []
    cpu_start = time.process_time()
    for _ in range(rounds):
        for it in items:
            start = time.perf_counter()
            suggest(it.query, catalogue=catalogue)
            times.append((time.perf_counter() - start) * 1000)
    cpu = (time.process_time() - cpu_start) * 1000 / len(times)
    return {
        "cpu_mean_ms": round(cpu, 2),
        "median_ms": round(statistics.median(times), 2),
        "max_ms": round(max(times), 2),
    }


def _table(name: str, metrics: Metrics) -> list[str]:
    langs = (*LANGUAGES, "overall")
    lines = [
        f"{name}: recall@3 / MRR (n)",
        f"  {'set':<8}" + "".join(f"{lang:>22}" for lang in langs),
    ]
    for split, by_lang in metrics.items():
        cells = "".join(
            f"{m['recall@3']:>10.3f} / {m['mrr']:.3f} ({m['n']:>2})"
            for m in (by_lang[lang] for lang in langs)
        )
        lines.append(f"  {split:<8}{cells}")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS), help="comma list of dev,test,holdout")
    parser.add_argument("--json", action="store_true", help="print metrics as JSON")
    parser.add_argument("--failures", action="store_true", help="list missed DEV items")
    parser.add_argument(
        "--delegates",
        type=Path,
        help="also measure on needs exported by `triage catalogue export-needs`",
    )
    args = parser.parse_args(argv)
    sets = [s for s in args.sets.split(",") if s]
    unknown = set(sets) - set(SETS)
    if unknown:
        parser.error(f"unknown set(s): {', '.join(sorted(unknown))}")
    catalogue = get_catalogue()
    items = [it for it in load_all() if it.split in sets]
    if args.delegates:
        try:
            delegates = load_items(args.delegates)
        except (OSError, KeyError, TypeError, yaml.YAMLError) as exc:
            parser.error(f"cannot read {args.delegates}: {exc}")
        known = {a.id for a in catalogue.activities}
        # An activity removed from the catalogue since the offer cannot be suggested: left out.
        items += [
            replace(it, relevant=it.relevant & known) for it in delegates if it.relevant & known
        ]
        sets = [*sets, DELEGATES]
    results: dict[str, object] = {
        "suggest": evaluate(items, suggest_ranker(catalogue), sets),
        "baseline_keyword_match": evaluate(items, baseline_ranker(catalogue), sets),
        "latency": latency_ms(items, catalogue),
    }
    if "dev" in sets:
        # How far two advisors agree: the reference for the figures above (DEV only).
        results["second_advisor"] = evaluate(items, second_advisor_ranker(items), ["dev"])
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"{len(items)} labelled needs; sets: {', '.join(sets)} (only dev is used for tuning)")
        for name in ("suggest", "baseline_keyword_match", "second_advisor"):
            metrics = results.get(name)
            if metrics is None:
                continue
            assert isinstance(metrics, dict)
            print("\n".join(_table(name, metrics)))
        lat = results["latency"]
        assert isinstance(lat, dict)
        print(
            f"suggest() per call: CPU {lat['cpu_mean_ms']} ms (mean); "
            f"wall {lat['median_ms']} ms median, {lat['max_ms']} ms max"
        )
    if args.failures:
        print("\n".join(failures(items, suggest_ranker(catalogue))))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`make bench`: simulated delegates against the bare assistant, the embedded default and
the production configuration, at several concurrencies; JSON and a markdown table."""

import argparse
import asyncio
import json
import logging
import os
import platform
import tempfile
import time
from contextlib import AbstractContextManager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from bot.bench import targets
from bot.bench.bare import bare_model
from bot.bench.delegates import bare_conversation, run_level, triage_conversation, warm_up
from bot.bench.race import RaceResult, direct_race
from bot.bench.report import LevelResult, add_ratios, check_filings, markdown, summarize
from bot.model import ensure_model
from bot.settings import ROOT, get_settings

log = logging.getLogger(__name__)

OUT = ROOT / "var" / "bench"
TARGETS = ("bare", "embedded", "production")
# The server the production target creates its scratch databases on.
POSTGRES_URL = os.environ.get(
    "TRIAGE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("TRIAGE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short smoke run: 1 and 5, 10 s")
    parser.add_argument("--levels", default="1,5,20,50", help="concurrent conversations")
    parser.add_argument("--seconds", type=float, default=60.0, help="per level and target")
    parser.add_argument("--targets", default=",".join(TARGETS))
    args = parser.parse_args(argv)
    if args.quick:
        args.levels, args.seconds = "1,5", 10.0
    args.levels = [int(x) for x in args.levels.split(",")]
    args.targets = [t for t in args.targets.split(",") if t]
    unknown = set(args.targets) - set(TARGETS)
    if unknown:
        parser.error(f"unknown targets: {', '.join(sorted(unknown))}")
    return args


def _start(name: str, work: Path, logs: Path) -> AbstractContextManager[targets.Target]:
    if name == "bare":
        return targets.bare(bare_model(), logs)
    model = ensure_model(get_settings().model_dir, log_file=logs / "train.log")
    if name == "embedded":
        return targets.embedded(model, work, logs)
    return targets.production(model, POSTGRES_URL, REDIS_URL, work, logs)


def measure(
    name: str, levels: list[int], seconds: float, work: Path
) -> tuple[list[LevelResult], RaceResult | None]:
    """Start one target, warm it up, then run every concurrency level against it."""
    logs = OUT / "logs" / name
    logs.mkdir(parents=True, exist_ok=True)
    conversation = bare_conversation if name == "bare" else triage_conversation
    results: list[LevelResult] = []
    race = None
    with _start(name, work, logs) as target:
        asyncio.run(warm_up(target.base_url, conversation))
        for level in levels:
            log.info("%s: %d concurrent conversations for %.0f s", name, level, seconds)
            outcomes, elapsed = asyncio.run(
                run_level(target.base_url, conversation, level, seconds)
            )
            filings = check_filings(target.database_url, outcomes) if target.database_url else None
            results.append(summarize(name, level, outcomes, elapsed, filings))
            log.info("%s", results[-1])
        if len(target.rasa_urls) > 1:
            race = asyncio.run(direct_race(list(target.rasa_urls), target.rasa_token))
            log.info("Rasa lock store alone, simultaneous deliveries: %s", race)
    return results, race


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    for noisy in ("httpx", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    args = parse_args(argv)
    results: list[LevelResult] = []
    race: RaceResult | None = None
    started = time.monotonic()
    for name in args.targets:
        with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as work:
            measured, found = measure(name, args.levels, args.seconds, Path(work))
            results += measured
            race = found or race
    add_ratios(results)
    table = markdown(results)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {
        "when": stamp,
        "quick": args.quick,
        "seconds_per_level": args.seconds,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "load_average_at_end": os.getloadavg(),
        "wall_seconds": round(time.monotonic() - started),
        "results": [r.as_dict() for r in results],
        "rasa_lock_store_race": asdict(race) if race else None,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"bench-{stamp}.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    (OUT / "latest.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    if race:
        table += (
            f"\nRasa's Redis lock store alone (no gateway lock), one conversation's two messages "
            f"sent to both instances at the same instant: events lost in {race.lost_events} "
            f"of {race.trials} trials.\n"
        )
    (OUT / "latest.md").write_text(table, encoding="utf-8")
    print(table)
    bad = [r for r in results if r.filings and (r.filings.lost or r.filings.duplicated)]
    return 1 if bad else 0

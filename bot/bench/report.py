"""Benchmark figures: latency percentiles, throughput, filings checked in the store."""

import math
from collections import Counter
from dataclasses import asdict, dataclass

from sqlalchemy import select

from bot.bench.delegates import Outcome
from bot.store.db import engine_for
from bot.store.models import Request


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class Filings:
    """Requests in the store against the conversations that confirmed one."""

    expected: int = 0
    filed: int = 0
    lost: int = 0
    duplicated: int = 0
    wrong_reference: int = 0
    # Filed for a conversation whose delegate never saw the confirmation answer.
    unacknowledged: int = 0


def check_filings(database_url: str, outcomes: list[Outcome]) -> Filings:
    """Count, by conversation id, what the store holds for each simulated delegate."""
    ids = [o.sender_id for o in outcomes]
    rows: list[tuple[str, str | None]] = []
    with engine_for(database_url).connect() as conn:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows += [
                (r.conversation_id, r.reference)
                for r in conn.execute(
                    select(Request.conversation_id, Request.reference).where(
                        Request.conversation_id.in_(chunk)
                    )
                )
            ]
    per_conversation = Counter(cid for cid, _ in rows)
    references = {cid: ref for cid, ref in rows}
    confirmed = [o for o in outcomes if o.confirmed]
    confirmed_ids = {o.sender_id for o in confirmed}
    return Filings(
        expected=len(confirmed),
        filed=sum(1 for o in confirmed if per_conversation[o.sender_id] >= 1),
        lost=sum(1 for o in confirmed if per_conversation[o.sender_id] == 0),
        duplicated=sum(1 for count in per_conversation.values() if count > 1),
        wrong_reference=sum(
            1 for o in confirmed if o.reference and references.get(o.sender_id) != o.reference
        ),
        unacknowledged=sum(1 for cid in per_conversation if cid not in confirmed_ids),
    )


@dataclass
class LevelResult:
    """One target at one concurrency."""

    target: str
    concurrency: int
    seconds: float
    conversations: int
    completed: int
    turns: int
    turns_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    error_kinds: dict[str, int]
    suggestion_picks: int
    filings: Filings | None
    p95_vs_bare: float | None = None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def summarize(
    target: str, concurrency: int, outcomes: list[Outcome], elapsed: float, filings: Filings | None
) -> LevelResult:
    latencies = [t for o in outcomes for t in o.latencies]
    errors = Counter(o.error for o in outcomes if o.error)
    return LevelResult(
        target=target,
        concurrency=concurrency,
        seconds=round(elapsed, 1),
        conversations=len(outcomes),
        completed=sum(o.completed for o in outcomes),
        turns=len(latencies),
        turns_per_second=round(len(latencies) / elapsed, 2) if elapsed else 0.0,
        p50_ms=round(percentile(latencies, 50) * 1000, 1),
        p95_ms=round(percentile(latencies, 95) * 1000, 1),
        p99_ms=round(percentile(latencies, 99) * 1000, 1),
        errors=sum(errors.values()),
        error_kinds=dict(errors),
        suggestion_picks=sum(o.picked_suggestion for o in outcomes),
        filings=filings,
    )


def add_ratios(results: list[LevelResult]) -> None:
    """Our p95 as a multiple of the bare assistant's at the same concurrency."""
    bare = {r.concurrency: r.p95_ms for r in results if r.target == "bare"}
    for r in results:
        if r.target != "bare" and bare.get(r.concurrency):
            r.p95_vs_bare = round(r.p95_ms / bare[r.concurrency], 2)


def markdown(results: list[LevelResult]) -> str:
    """The table the README shows."""
    head = (
        "| target | conc. | convs done | turns/s | p50 ms | p95 ms | p99 ms | p95 ÷ bare "
        "| filed / expected | lost | dup. | errors |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    lines = []
    for r in results:
        f = r.filings
        filed = f"{f.filed} / {f.expected}" if f else "n/a"
        ratio = f"{r.p95_vs_bare:.2f}×" if r.p95_vs_bare is not None else "—"
        lines.append(
            f"| {r.target} | {r.concurrency} | {r.completed} / {r.conversations} "
            f"| {r.turns_per_second:.1f} | {r.p50_ms:.0f} | {r.p95_ms:.0f} | {r.p99_ms:.0f} "
            f"| {ratio} | {filed} | {f.lost if f else 'n/a'} | {f.duplicated if f else 'n/a'} "
            f"| {r.errors} |"
        )
    return head + "\n".join(lines) + "\n"

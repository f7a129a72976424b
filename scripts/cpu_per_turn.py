"""CPU per delegate turn of each process group, read from /proc, at one concurrency.

Starts the production (or embedded) target as `make bench` does, warms it up, runs
simulated delegates for a while and divides each process group's CPU time by the turns.
PostgreSQL and Redis are counted machine-wide (every postgres / redis-server process), so
other work on the machine shows up in those two rows.
"""

import argparse
import asyncio
import os
import tempfile
from pathlib import Path

from bot.bench import targets
from bot.bench.delegates import run_level, triage_conversation, warm_up
from bot.bench.report import summarize
from bot.bench.run import OUT, POSTGRES_URL, REDIS_URL
from bot.model import ensure_model
from bot.settings import get_settings

TICK = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, str, float]]:
    """pid -> (parent pid, command line, CPU seconds) of every process we can read."""
    found: dict[int, tuple[int, str, float]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmd = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        found[int(entry)] = (int(fields[1]), cmd, (int(fields[11]) + int(fields[12])) / TICK)
    return found


def _group(pid: int, procs: dict[int, tuple[int, str, float]], me: int) -> str | None:
    cmd = procs[pid][1]
    if "postgres" in cmd.split(" ")[0] or cmd.startswith("postgres"):
        return "postgresql"
    if "redis-server" in cmd:
        return "redis"
    p = pid
    while p > 1 and p in procs:
        if procs[p][0] == me:
            break
        p = procs[p][0]
    else:
        return None
    if " run " in cmd and "rasa" in cmd:
        return "rasa"
    if "bot.action_server" in cmd:
        return "actions"
    if "uvicorn" in cmd or "bot.web" in cmd:
        return "web"
    if "nginx" in cmd:
        return "nginx"
    return "other"


def _cpu() -> dict[str, float]:
    procs = _processes()
    me = os.getpid()
    totals: dict[str, float] = {}
    for pid, (_, _, seconds) in procs.items():
        group = _group(pid, procs, me)
        if group:
            totals[group] = totals.get(group, 0.0) + seconds
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--target", choices=("production", "embedded"), default="production")
    parser.add_argument("--level", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    logs = OUT / "logs" / f"cpu-{args.target}"
    logs.mkdir(parents=True, exist_ok=True)
    model = ensure_model(get_settings().model_dir, log_file=logs / "train.log")
    with tempfile.TemporaryDirectory(prefix="cpu-") as work:
        if args.target == "production":
            started = targets.production(model, POSTGRES_URL, REDIS_URL, Path(work), logs)
        else:
            started = targets.embedded(model, Path(work), logs)
        with started as target:
            asyncio.run(warm_up(target.base_url, triage_conversation, rounds=3))
            for _ in range(args.rounds):
                before = _cpu()
                outcomes, elapsed = asyncio.run(
                    run_level(target.base_url, triage_conversation, args.level, args.seconds)
                )
                after = _cpu()
                result = summarize(args.target, args.level, outcomes, elapsed, None)
                turns = sum(len(o.latencies) for o in outcomes)
                per_turn = {g: 1000 * (after[g] - before.get(g, 0.0)) / turns for g in after}
                ours = sum(v for g, v in per_turn.items() if g not in ("postgresql", "redis"))
                print(
                    f"{turns} turns in {elapsed:.0f} s ({turns / elapsed:.1f}/s), "
                    f"errors {sum(1 for o in outcomes if o.error)}; {result}"
                )
                print(
                    "CPU ms/turn: "
                    + ", ".join(f"{g} {v:.1f}" for g, v in sorted(per_turn.items()))
                    + f"; ours (no pg/redis) {ours:.1f}; load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()

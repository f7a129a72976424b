"""What one rate-limit check costs on each store: `python scripts/bench_ratelimit.py`.

Times 500 checks one after another (the latency a chat message pays) and 2,000 checks from
20 concurrent tasks (the throughput one web worker gets). PostgreSQL and Redis are the
machine's own (127.0.0.1).
"""

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.store.db import engine_for
from bot.store.migrate import upgrade
from bot.web.ratelimit import Limiter, MemoryCounter, Rate, RedisCounter, SqlCounter

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS = "redis://127.0.0.1:6379/2"


async def measure(limiter: Limiter) -> tuple[list[float], float]:
    rate = Rate(10**9, 3600)
    times: list[float] = []
    for i in range(500):
        started = time.perf_counter()
        await limiter.hit("bench", f"sender-{i % 5}", rate)
        times.append(time.perf_counter() - started)

    async def worker(n: int) -> None:
        for i in range(100):
            await limiter.hit("bench", f"sender-{n}-{i % 5}", rate)

    started = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(20)))
    per_second = 2000 / (time.perf_counter() - started)
    await limiter.counter.close()
    return times, per_second


def report(name: str, measured: tuple[list[float], float]) -> None:
    times, per_second = measured
    times.sort()
    p50 = statistics.median(times) * 1000
    p95 = times[int(len(times) * 0.95)] * 1000
    print(f"| {name:<10} | {p50:6.2f} ms | {p95:6.2f} ms | {per_second:8.0f} |")


def main() -> None:
    print("| store      | median    | p95       | checks/s |\n|---|---|---|---|")
    report("memory", asyncio.run(measure(Limiter(MemoryCounter(), "bench"))))
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        upgrade(url)
        report("sqlite", asyncio.run(measure(Limiter(SqlCounter(engine_for(url)), "bench"))))
    try:
        admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('DROP DATABASE IF EXISTS "triage_bench_rl" WITH (FORCE)'))
            conn.execute(text('CREATE DATABASE "triage_bench_rl"'))
        url = POSTGRES.rsplit("/", 1)[0] + "/triage_bench_rl"
        upgrade(url)
        report("postgresql", asyncio.run(measure(Limiter(SqlCounter(engine_for(url)), "bench"))))
        engine_for(url).dispose()
        with admin.connect() as conn:
            conn.execute(text('DROP DATABASE "triage_bench_rl" WITH (FORCE)'))
    except Exception as exc:
        print(f"| postgresql | unavailable: {type(exc).__name__} | | |")
    report("redis", asyncio.run(measure(Limiter(RedisCounter(REDIS), "bench"))))


if __name__ == "__main__":
    main()

"""Rate limits for public routes: fixed windows counted in memory, the database or Redis.

Use it as a dependency; the limit is read from a settings field at each request:

    Depends(rate_limited("login", "rate_limit_login_per_address", client_address))

A refused request gets a 429 with the limit in its reason and a Retry-After header. Keys
are HMACs of the subject (an address or a sender id), so no store holds them in clear.
"""

import hashlib
import hmac
import ipaddress
import json
import logging
import math
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from fastapi import HTTPException, Request, status
from sqlalchemy import Engine, delete
from sqlalchemy.dialects import postgresql, sqlite
from starlette.concurrency import run_in_threadpool

from bot.settings import Settings, get_settings
from bot.store.db import WRITE_OPTION, engine_for
from bot.store.models import RateLimitCounter

log = logging.getLogger(__name__)

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_NAMED = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RATE = re.compile(r"^(\d+)/(?:(\d*)([smhd])|(second|minute|hour|day))$")


@dataclass(frozen=True)
class Rate:
    """At most `limit` requests in each window of `seconds`."""

    limit: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Rate | None":
        """`30/minute`, `5/10s`, `1000/h`; `off` (or empty) means no limit."""
        text = text.strip().lower()
        if text in ("", "off"):
            return None
        m = _RATE.match(text)
        if not m:
            raise ValueError(f"not a rate: {text!r} (write e.g. 30/minute, 5/10s or off)")
        limit, count, unit, named = m.groups()
        seconds = _NAMED[named] if named else int(count or 1) * _PERIODS[unit]
        if seconds < 1:
            raise ValueError(f"not a rate: {text!r} (the window must be at least 1 s)")
        return cls(int(limit), seconds)

    def __str__(self) -> str:
        return f"{self.limit} per {self.seconds} s"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    hits: int
    retry_after: int  # whole seconds until the window ends


class Counter(Protocol):
    """Counts hits per bucket; must be atomic across processes when they share it."""

    async def hit(self, bucket: str, expires: int) -> int:
        """Add one hit to `bucket` and return the bucket's total."""
        ...

    async def close(self) -> None: ...


class MemoryCounter:
    """One process only: the embedded default's single web worker."""

    def __init__(self) -> None:
        self._hits: dict[str, tuple[int, int]] = {}

    async def hit(self, bucket: str, expires: int) -> int:
        if len(self._hits) > 50_000:
            now = int(time.time())
            self._hits = {k: v for k, v in self._hits.items() if v[1] >= now}
        count = self._hits.get(bucket, (0, expires))[0] + 1
        self._hits[bucket] = (count, expires)
        return count

    async def close(self) -> None:
        self._hits.clear()


class SqlCounter:
    """The request store's `rate_limit_counters` table; one upsert per hit (SQLite, PostgreSQL)."""

    PURGE_EVERY = 1000

    def __init__(self, engine: Engine) -> None:
        if engine.dialect.name not in ("sqlite", "postgresql"):
            raise ValueError(
                f"rate limits in the database need SQLite or PostgreSQL, not {engine.dialect.name}"
            )
        self._engine = engine
        self._calls = 0

    async def hit(self, bucket: str, expires: int) -> int:
        return await run_in_threadpool(self._hit, bucket, expires)

    def _hit(self, bucket: str, expires: int) -> int:
        insert = sqlite.insert if self._engine.dialect.name == "sqlite" else postgresql.insert
        stmt = (
            insert(RateLimitCounter)
            .values(bucket=bucket, hits=1, expires=expires)
            .on_conflict_do_update(
                index_elements=[RateLimitCounter.bucket],
                set_={"hits": RateLimitCounter.hits + 1},
            )
            .returning(RateLimitCounter.hits)
        )
        self._calls += 1
        with self._engine.connect().execution_options(**{WRITE_OPTION: True}) as conn:
            with conn.begin():
                if self._engine.dialect.name == "postgresql":
                    # A counter lost in a crash costs nothing; waiting for the WAL flush does.
                    conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
                hits = int(conn.execute(stmt).scalar_one())
            if self._calls % self.PURGE_EVERY == 0:
                with conn.begin():
                    purge_expired(conn)
        return hits

    async def close(self) -> None:
        return None


def purge_expired(conn: Any, now: float | None = None) -> int:
    """Delete counters whose window has ended; returns how many."""
    result = conn.execute(
        delete(RateLimitCounter).where(RateLimitCounter.expires < int(now or time.time()))
    )
    return int(result.rowcount or 0)


class RedisCounter:
    """Redis INCR + EXPIRE in one transaction; shared by every worker and machine."""

    def __init__(self, url: str) -> None:
        from redis.asyncio import Redis

        self._redis = Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    async def hit(self, bucket: str, expires: int) -> int:
        ttl = max(1, expires - int(time.time()) + 1)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(f"triage:rl:{bucket}")
            pipe.expire(f"triage:rl:{bucket}", ttl)
            hits, _ = await pipe.execute()
        return int(hits)

    async def close(self) -> None:
        await self._redis.aclose()


class Limiter:
    """Decides whether a subject may make one more request under a rate."""

    def __init__(self, counter: Counter, secret: str) -> None:
        self.counter = counter
        # A key of its own, derived so that the API token itself never meets the counters.
        self._key = hashlib.sha256(b"triage-rate-limit:" + secret.encode()).digest()

    @classmethod
    def from_settings(cls, settings: Settings) -> "Limiter":
        """Memory, the request store (`database`) or a `redis://` URL, as configured."""
        storage = settings.rate_limit_storage
        counter: Counter
        if storage == "memory":
            counter = MemoryCounter()
        elif storage == "database":
            counter = SqlCounter(engine_for(settings.database_url))
        else:
            counter = RedisCounter(storage)
        return cls(counter, settings.api_token)

    async def hit(self, scope: str, subject: str, rate: Rate, now: float | None = None) -> Decision:
        """Count one request of `subject` in `scope`; fails open if the counter is down."""
        now = time.time() if now is None else now
        window = int(now // rate.seconds)
        ends = (window + 1) * rate.seconds
        digest = hmac.new(self._key, subject.encode("utf-8", "replace"), "sha256").hexdigest()[:32]
        bucket = f"{scope}:{rate.seconds}:{window}:{digest}"
        try:
            hits = await self.counter.hit(bucket, ends)
        except Exception as exc:  # a limiter that is down must not take the service down
            log.warning("rate limit store unavailable (%s); request allowed", type(exc).__name__)
            return Decision(True, 0, 0)
        return Decision(hits <= rate.limit, hits, max(1, math.ceil(ends - now)))


KeyFunc = Callable[[Request], Awaitable[str | None]]


def get_limiter(request: Request) -> Limiter:
    """The app's limiter (made on first use from settings)."""
    limiter: Limiter | None = getattr(request.app.state, "limiter", None)
    if limiter is None:
        limiter = request.app.state.limiter = Limiter.from_settings(get_settings())
    return limiter


def rate_limited(
    scope: str, setting: str, key: KeyFunc, who: str = "this client"
) -> Callable[[Request], Awaitable[None]]:
    """A dependency that answers 429 when `key(request)` exceeds the rate in `setting`."""

    async def dependency(request: Request) -> None:
        rate = Rate.parse(getattr(get_settings(), setting))
        if rate is None:
            return
        subject = await key(request)
        if subject is None:
            return
        decision = await get_limiter(request).hit(scope, subject, rate)
        if not decision.allowed:
            raise HTTPException(
                status.HTTP_429_TOO_MANY_REQUESTS,
                f"Too many requests from {who}: at most {rate}. "
                f"Try again in {decision.retry_after} s.",
                headers={"Retry-After": str(decision.retry_after)},
            )

    dependency.__name__ = f"rate_limit_{scope.replace('-', '_')}"
    return dependency


# --- keys ------------------------------------------------------------------------------


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def resolve_client(peer: str, forwarded_for: str | None, trusted: list[str]) -> str:
    """The client's address: X-Forwarded-For is believed only as far as our own proxies wrote it.

    Walk the header from the right (the hop nearest to us) while the hop is a trusted proxy;
    the first hop that is not one is the client. A value a client put there itself is never
    reached unless every hop after it is ours.
    """
    networks = [ipaddress.ip_network(t, strict=False) for t in trusted]

    def is_trusted(address: str) -> bool:
        ip = _ip(address)
        return ip is not None and any(ip in net for net in networks)

    if not forwarded_for or not is_trusted(peer):
        return peer
    client = peer
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        if _ip(hop) is None:
            break  # not written by a proxy of ours: stop at the last good hop
        client = hop
        if not is_trusted(hop):
            break
    return client


async def client_address(request: Request) -> str | None:
    """Key by the client's network address (behind the configured proxies)."""
    peer = request.client.host if request.client else "unknown"
    return resolve_client(
        peer, request.headers.get("x-forwarded-for"), get_settings().trusted_proxies
    )


def json_field(name: str) -> KeyFunc:
    """Key by a string field of the JSON body; None (no limit by it) when it is absent."""

    async def key(request: Request) -> str | None:
        try:
            value = json.loads(await request.body()).get(name)
        except (ValueError, AttributeError):
            return None
        return value[:200] if isinstance(value, str) and value else None

    return key


def form_field(name: str) -> KeyFunc:
    """Key by a field of a submitted form (e.g. the login's user name), case-folded."""

    async def key(request: Request) -> str | None:
        value = (await request.form()).get(name)
        return value.strip().casefold()[:200] if isinstance(value, str) and value.strip() else None

    return key

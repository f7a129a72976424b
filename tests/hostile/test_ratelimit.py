"""Rate limits: the rule grammar, the client address behind proxies, each store, and the 429."""

import asyncio
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import nullcontext, suppress
from pathlib import Path
from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI, Form
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.runner import free_port
from bot.settings import ROOT, Settings, get_settings
from bot.store.db import engine_for
from bot.store.migrate import upgrade
from bot.store.models import RateLimitCounter
from bot.web.app import create_app
from bot.web.ratelimit import (
    Limiter,
    MemoryCounter,
    Rate,
    RedisCounter,
    SqlCounter,
    client_address,
    form_field,
    rate_limited,
    resolve_client,
)
from tests.hostile.backends import postgres_database, redis_url

SENDER = "rate-limited-sender"


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("30/minute", Rate(30, 60)),
        ("5/10s", Rate(5, 10)),
        ("1000/h", Rate(1000, 3600)),
        ("2/D", Rate(2, 86400)),
        ("7/second", Rate(7, 1)),
        ("off", None),
        ("", None),
    ],
)
def test_rates_are_read_from_their_short_form(text: str, rate: Rate | None) -> None:
    assert Rate.parse(text) == rate


@pytest.mark.parametrize(
    "text", ["30", "30/fortnight", "-1/minute", "30/0s", "a/minute", "30 per minute"]
)
def test_a_malformed_rate_is_refused_with_an_example(text: str) -> None:
    with pytest.raises(ValueError, match=r"write e\.g\. 30/minute|at least 1 s"):
        Rate.parse(text)


def test_settings_refuse_a_malformed_rate_and_memory_counting_in_production() -> None:
    with pytest.raises(ValueError, match="rate_limit_chat_per_sender"):
        Settings(rate_limit_chat_per_sender="lots")
    strong = {f"{n}_token": "s" * 32 for n in ("rasa", "action", "api")}
    with pytest.raises(ValueError, match="TRIAGE_RATE_LIMIT_STORAGE"):
        Settings(environment="production", **strong)
    assert Settings(environment="production", rate_limit_storage="database", **strong)


TRUSTED = ["127.0.0.1", "::1", "10.0.0.0/8"]


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        # No proxy: the peer is the client, whatever header it sends.
        ("203.0.113.5", "198.51.100.1", "203.0.113.5"),
        ("203.0.113.5", None, "203.0.113.5"),
        # nginx on loopback appended the address it saw.
        ("127.0.0.1", "198.51.100.1", "198.51.100.1"),
        # A client's own X-Forwarded-For is on the left, and is not believed.
        ("127.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),
        # Two proxies of ours (a load balancer in 10/8, then nginx).
        ("127.0.0.1", "6.6.6.6, 198.51.100.1, 10.1.2.3", "198.51.100.1"),
        # Garbage a client wrote stops the walk at the last address our proxies wrote.
        ("127.0.0.1", "<script>, 10.1.2.3", "10.1.2.3"),
        ("::1", "2001:db8::7", "2001:db8::7"),
        ("127.0.0.1", "", "127.0.0.1"),
        ("testclient", "198.51.100.1", "testclient"),
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(
    peer: str, forwarded: str | None, client: str
) -> None:
    assert resolve_client(peer, forwarded, TRUSTED) == client


@pytest.fixture(params=["memory", "sqlite", "postgresql", "redis"])
def limiter(request: pytest.FixtureRequest, store_url: str) -> Iterator[Limiter]:
    """A limiter on each store the product can count in."""
    secret = f"secret-{time.time_ns()}"  # a fresh key space per test
    if request.param == "memory":
        yield Limiter(MemoryCounter(), secret)
    elif request.param == "sqlite":
        yield Limiter(SqlCounter(engine_for(store_url)), secret)
    elif request.param == "postgresql":
        with postgres_database() as url:
            upgrade(url)
            yield Limiter(SqlCounter(engine_for(url)), secret)
    else:
        counter = RedisCounter(redis_url())
        yield Limiter(counter, secret)
        with suppress(RuntimeError):  # its connections belong to the test's finished loop
            asyncio.run(counter.close())


def test_concurrent_hits_allow_exactly_the_limit(limiter: Limiter) -> None:
    rate = Rate(25, 3600)
    now = (time.time() // 3600) * 3600 + 1  # fixed: the whole burst falls in one window

    async def burst() -> list[bool]:
        decisions = await asyncio.gather(*(limiter.hit("t", "a", rate, now) for _ in range(40)))
        return [d.allowed for d in decisions]

    allowed = asyncio.run(burst())
    assert allowed.count(True) == 25


def test_a_new_window_allows_again_and_retry_after_names_its_start(limiter: Limiter) -> None:
    rate = Rate(2, 60)
    start = (time.time() // 60) * 60  # the start of a window

    async def run() -> list[tuple[bool, int]]:
        out = []
        for offset in (0, 1, 45, 60):
            d = await limiter.hit("w", "subject", rate, start + offset)
            out.append((d.allowed, d.retry_after))
        return out

    assert asyncio.run(run()) == [(True, 60), (True, 59), (False, 15), (True, 60)]


def test_subjects_are_counted_apart(limiter: Limiter) -> None:
    rate = Rate(1, 60)

    async def run() -> list[bool]:
        return [(await limiter.hit("s", who, rate, time.time())).allowed for who in ("a", "b", "a")]

    assert asyncio.run(run()) == [True, True, False]


def test_the_database_keeps_no_address_or_sender_id_in_clear(clean_store: str) -> None:
    limiter = Limiter(SqlCounter(engine_for(clean_store)), "k" * 20)
    asyncio.run(limiter.hit("chat-address", "198.51.100.23", Rate(5, 60)))
    asyncio.run(limiter.hit("chat-sender", "browser-secret-id", Rate(5, 60)))
    with engine_for(clean_store).connect() as conn:
        buckets = list(conn.scalars(select(RateLimitCounter.bucket)))
    assert len(buckets) == 2
    assert not any("198.51.100.23" in b or "browser-secret-id" in b for b in buckets)


def test_a_limiter_whose_store_is_down_lets_requests_through_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    counter = RedisCounter(f"redis://127.0.0.1:{free_port()}/0")
    limiter = Limiter(counter, "secret")
    with caplog.at_level(logging.WARNING):
        decision = asyncio.run(limiter.hit("x", "y", Rate(1, 60)))
    assert decision.allowed
    assert "rate limit store unavailable" in caplog.text


# --- over HTTP -----------------------------------------------------------------------------


@pytest.fixture
def limited_client(monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("TRIAGE_RASA_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("TRIAGE_RATE_LIMIT_CHAT_PER_SENDER", "3/hour")
    monkeypatch.setenv("TRIAGE_RATE_LIMIT_CHAT_PER_ADDRESS", "5/hour")
    get_settings.cache_clear()
    # As nginx on loopback would reach us.
    with TestClient(create_app(), client=("127.0.0.1", 40000)) as c:
        yield c


def say(client: TestClient, sender: str, address: str) -> httpx.Response:
    return client.post(
        "/api/chat",
        json={"sender_id": sender, "message": "hello"},
        headers={"X-Forwarded-For": address},
    )


def test_a_fourth_message_in_the_hour_from_one_conversation_gets_a_429(
    limited_client: TestClient,
) -> None:
    codes = [say(limited_client, SENDER, "198.51.100.1").status_code for _ in range(3)]
    assert codes == [503, 503, 503]  # allowed (and Rasa is down)
    refused = say(limited_client, SENDER, "198.51.100.1")
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith(
        "Too many requests from this conversation: at most 3 per 3600 s. Try again in "
    )
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    # Another conversation from the same office is not held back by this one.
    assert say(limited_client, "another-sender", "198.51.100.1").status_code == 503


def test_one_address_is_limited_across_conversations_but_not_others(
    limited_client: TestClient,
) -> None:
    codes = [say(limited_client, f"sender-{i:04d}", "198.51.100.2").status_code for i in range(6)]
    assert codes == [503] * 5 + [429]
    assert "from your address" in say(limited_client, "sender-x000", "198.51.100.2").text
    assert say(limited_client, "sender-y000", "198.51.100.3").status_code == 503
    # History reads from that address count too.
    assert (
        limited_client.get(
            "/api/chat/sender-0000/history", headers={"X-Forwarded-For": "198.51.100.2"}
        ).status_code
        == 429
    )


def test_a_forged_forwarded_for_from_a_direct_client_does_not_escape_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRIAGE_RASA_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("TRIAGE_RATE_LIMIT_CHAT_PER_ADDRESS", "2/hour")
    get_settings.cache_clear()
    with TestClient(create_app(), client=("203.0.113.9", 40000)) as direct:
        codes = [say(direct, f"forger-{i:04d}", f"198.51.100.{i}").status_code for i in range(3)]
    assert codes == [503, 503, 429]


def test_the_login_can_reuse_the_limiter_by_address_and_by_user_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRIAGE_RATE_LIMIT_LOGIN_PER_ADDRESS", "2/minute")
    get_settings.cache_clear()
    app = FastAPI()
    by_address = rate_limited(
        "login", "rate_limit_login_per_address", client_address, "your address"
    )
    by_user = rate_limited(
        "login-user", "rate_limit_login_per_address", form_field("username"), "this user name"
    )

    @app.post("/login", dependencies=[Depends(by_address), Depends(by_user)])
    def login(username: Annotated[str, Form()]) -> dict[str, str]:
        return {"user": username}

    with TestClient(app, client=("198.51.100.50", 1)) as c:
        assert c.post("/login", data={"username": "Ana"}).status_code == 200
        assert c.post("/login", data={"username": "ANA "}).status_code == 200
        third = c.post("/login", data={"username": "ana"})
    assert third.status_code == 429 and "Retry-After" in third.headers
    with TestClient(app, client=("198.51.100.51", 1)) as other:
        # A new address, but the same user name: the guessing is held back per name too.
        assert "this user name" in other.post("/login", data={"username": "ana"}).text


# --- several web processes -------------------------------------------------------------------


def start_web(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "uvicorn", "bot.web.app:create_app", "--factory"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    with log.open("ab") as out:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_healthy(ports: list[int], processes: list[subprocess.Popen[bytes]], log: Path) -> None:
    deadline = time.monotonic() + 300  # importing the app takes a while on a busy machine
    for port in ports:
        while True:
            assert all(p.poll() is None for p in processes), log.read_text()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)


async def hammer(ports: list[int], total: int) -> list[int]:
    """`total` messages from one conversation, alternating between the processes."""
    async with httpx.AsyncClient(timeout=30) as http:
        gate = asyncio.Semaphore(8)

        async def one(i: int) -> int:
            async with gate:
                r = await http.post(
                    f"http://127.0.0.1:{ports[i % len(ports)]}/api/chat",
                    json={"sender_id": "two-workers-sender", "message": f"message {i}"},
                )
                return r.status_code

        return list(await asyncio.gather(*(one(i) for i in range(total))))


@pytest.mark.parametrize("storage", ["memory", "sqlite", "postgresql", "redis"])
def test_two_web_processes_share_one_limit_unless_counting_in_memory(
    storage: str, tmp_path: Path
) -> None:
    with postgres_database() if storage == "postgresql" else nullcontext() as pg_url:
        database_url = pg_url or f"sqlite:///{tmp_path / 'triage.db'}"
        upgrade(database_url)
        env = dict(os.environ)
        env.update(
            TRIAGE_DATABASE_URL=database_url,
            TRIAGE_RASA_URL=f"http://127.0.0.1:{free_port()}",
            TRIAGE_API_TOKEN=f"shared-token-{time.time_ns()}",
            TRIAGE_RATE_LIMIT_CHAT_PER_SENDER="25/hour",
            TRIAGE_RATE_LIMIT_CHAT_PER_ADDRESS="off",
            TRIAGE_RATE_LIMIT_STORAGE={
                "memory": "memory",
                "redis": redis_url() if storage == "redis" else "",
            }.get(storage, "database"),
        )
        ports = [free_port(), free_port()]
        log = tmp_path / "web.log"
        processes = [start_web(env, port, log) for port in ports]
        try:
            wait_healthy(ports, processes, log)
            hour = int(time.time() // 3600)
            codes = asyncio.run(hammer(ports, 60))
            if int(time.time() // 3600) != hour:
                pytest.skip("the burst straddled the hour; its two windows cannot be told apart")
        finally:
            for p in processes:
                p.terminate()
                p.wait(15)
    allowed = codes.count(503)
    assert codes.count(429) + allowed == 60
    # In memory each process counts alone: that is why production refuses it.
    assert allowed == (50 if storage == "memory" else 25)

"""Benchmark of the staff console's lists on SQLite (not a test; figures go in the README).

Generates a Rasa-shaped tracker store (default 100,000 conversations / 1,000,000 events) and a
request store with 20,000 requests under var/bench/, builds the conversation index, then times
the filtered conversation list and the request list, in the store functions and through the
JSON API, and prints p50/p95 per query.

    .venv/bin/python scripts/bench_staff.py [--conversations 100000] [--requests 20000] [--fresh]
"""

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

INTENTS = [
    "greet",
    "describe_need",
    "inform",
    "affirm",
    "deny",
    "ask_platform",
    "ask_catalogue",
    "check_status",
    "request_human",
    "thank",
    "goodbye",
    "chitchat",
    "out_of_scope",
]
WORDS = [
    "vaccine",
    "medicine",
    "compulsory",
    "licence",
    "patent",
    "export",
    "restriction",
    "syringes",
    "oxygen",
    "prequalification",
    "regulatory",
    "tariff",
    "customs",
    "antiviral",
    "technology",
    "transfer",
    "mrna",
    "manufacturing",
    "procurement",
    "ministry",
    "health",
    "trade",
    "intellectual",
    "property",
    "waiver",
    "trips",
    "vacuna",
    "medicamento",
    "licencia",
    "patente",
    "exportación",
    "vaccin",
    "médicament",
    "brevet",
    "douane",
]
LANGS = ["en"] * 6 + ["fr"] * 2 + ["es"] * 2
DAYS = 90


def vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """Domain words among 3,000 fillers, drawn with Zipf weights like real text."""
    words = WORDS + [f"w{i}" for i in range(3000)]
    rng.shuffle(words)
    cumulative, total = [], 0.0
    for rank in range(len(words)):
        total += 1 / (rank + 1)
        cumulative.append(total)
    return words, cumulative


def sentence(rng: random.Random, vocab: tuple[list[str], list[float]], n: int) -> str:
    return " ".join(rng.choices(vocab[0], cum_weights=vocab[1], k=n))


def generate_tracker(path: Path, conversations: int, per: int, rng: random.Random) -> list[str]:
    """Write the events table as Rasa does; returns the sender ids that filed a request."""
    db = sqlite3.connect(path)
    db.executescript(
        """CREATE TABLE events (id INTEGER NOT NULL, sender_id VARCHAR(255) NOT NULL,
        type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255),
        action_name VARCHAR(255), data TEXT, PRIMARY KEY (id));
        CREATE INDEX ix_events_sender_id ON events (sender_id);"""
    )
    now = time.time()
    filed: list[str] = []
    batch: list[tuple[object, ...]] = []
    meta = {"model_id": "bench"}
    vocab = vocabulary(rng)
    for n in range(conversations):
        sender = f"bench-{n:07d}"
        t = now - rng.random() * DAYS * 86400
        lang = rng.choice(LANGS)
        fallback, handoff, files = rng.random() < 0.15, rng.random() < 0.05, rng.random() < 0.2
        rows: list[tuple[str, str | None, str | None, dict[str, object]]] = [
            ("action", None, "action_session_start", {"name": "action_session_start"}),
            ("session_started", None, None, {}),
            ("slot", None, None, {"name": "language", "value": lang}),
        ]
        # Turns of three events, then padding, so the last event (slot or listen) still fits.
        while len(rows) + 3 <= per - 1:
            intent = rng.choice(INTENTS)
            confidence = rng.uniform(0.3, 1.0)
            if fallback and len(rows) == 3:
                intent, confidence = "nlu_fallback", 0.45
            text = sentence(rng, vocab, rng.randint(3, 12))
            parse = {
                "intent": {"name": intent, "confidence": confidence},
                "entities": [],
                "text": text,
                "intent_ranking": [{"name": intent, "confidence": confidence}],
            }
            rows.append(
                ("user", intent, None, {"text": text, "parse_data": parse, "metadata": meta})
            )
            response = "utter_default" if intent == "nlu_fallback" else f"utter_{intent}"
            rows.append(("action", None, response, {"name": response, "policy": "RulePolicy"}))
            rows.append(
                (
                    "bot",
                    None,
                    None,
                    {"text": "An answer of the assistant.", "metadata": {"utter_action": response}},
                )
            )
        while len(rows) < per - 1:
            rows.append(("action", None, "action_listen", {"name": "action_listen"}))
        if handoff:
            rows.append(("slot", None, None, {"name": "handoff_requested", "value": True}))
        elif files:
            filed.append(sender)
            rows.append(("slot", None, None, {"name": "request_reference", "value": "TA-x"}))
        else:
            rows.append(("action", None, "action_listen", {"name": "action_listen"}))
        for kind, intent_name, action, data in rows[:per]:
            t += rng.uniform(2, 40)
            body = {"event": kind, "timestamp": t, "metadata": meta} | data
            batch.append((sender, kind, t, intent_name, action, json.dumps(body)))
        if len(batch) >= 50_000:
            _flush(db, batch)
    _flush(db, batch)
    db.close()
    return filed


def _flush(db: sqlite3.Connection, batch: list[tuple[object, ...]]) -> None:
    db.executemany(
        "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        batch,
    )
    db.commit()
    batch.clear()


def generate_requests(url: str, count: int, filed: list[str], rng: random.Random) -> None:
    from sqlalchemy import insert

    from bot.store.db import engine_for
    from bot.store.models import Request

    statuses = ["new"] * 4 + ["triaged"] * 2 + ["assigned", "in_progress"] + ["closed"] * 2
    members = [
        "Kenya",
        "Ghana",
        "Brazil",
        "Viet Nam",
        "Peru",
        "Senegal",
        "Côte d'Ivoire",
        "Bangladesh",
        "Ecuador",
        "Morocco",
        "Indonesia",
        "Nepal",
    ]
    now = datetime.now(UTC)
    rows = []
    for n in range(count):
        created = now - timedelta(seconds=rng.random() * DAYS * 86400)
        rows.append(
            {
                "reference": f"TA-{created.year}-{n + 1:06d}",
                "submission_key": f"bench-{n}",
                "conversation_id": filed[n % len(filed)] if filed else f"bench-x{n}",
                "member": rng.choice(members),
                "member_status": "member",
                "requester_name": f"Delegate {n}",
                "institution": "Ministry of Health",
                "email": f"delegate{n}@example.org",
                "need_area": rng.choice(["vaccines", "medicines", "technologies"]),
                "topics": rng.sample(
                    ["intellectual_property", "trade", "regulation", "procurement"], 2
                ),
                "description": " ".join(rng.choice(WORDS) for _ in range(20)),
                "organizations": [rng.choice(["WHO", "WIPO", "WTO"])],
                "suggested_activity_ids": [],
                "selected_activity_ids": [],
                "language": rng.choice(LANGS),
                "consent": True,
                "status": rng.choice(statuses),
                "created_at": created,
                "updated_at": created,
            }
        )
    with engine_for(url).begin() as conn:
        conn.execute(insert(Request), rows)


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    fn()  # warm-up: the first call fills SQLite's page cache and SQLAlchemy's statement cache
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * len(samples)) - 1)]
    return statistics.median(samples), p95


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--events-per-conversation", type=int, default=10)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--dir", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--fresh", action="store_true", help="regenerate the data")
    args = parser.parse_args()

    folder: Path = args.dir
    tracker_db, store_db = folder / "tracker.db", folder / "triage.db"
    store_url, tracker_url = f"sqlite:///{store_db}", f"sqlite:///{tracker_db}"
    os.environ.update(
        TRIAGE_DATABASE_URL=store_url,
        TRIAGE_TRACKER_DATABASE_URL=tracker_url,
        TRIAGE_API_TOKEN="bench-token-0123456789",
        TRIAGE_ENVIRONMENT="test",
    )

    from bot.store.migrate import upgrade
    from bot.transcripts.indexer import Indexer

    rng = random.Random(2026)
    if args.fresh or not store_db.exists() or not tracker_db.exists():
        folder.mkdir(parents=True, exist_ok=True)
        for f in folder.glob("*.db*"):
            f.unlink()
        start = time.perf_counter()
        filed = generate_tracker(tracker_db, args.conversations, args.events_per_conversation, rng)
        print(
            f"tracker store: {args.conversations:,} conversations written in "
            f"{time.perf_counter() - start:.0f} s"
        )
        upgrade(store_url)
        generate_requests(store_url, args.requests, filed, rng)
        start = time.perf_counter()
        read = Indexer(store_url, tracker_url, batch=20_000).run()
        print(f"index built from {read:,} events in {time.perf_counter() - start:.0f} s")
    return measure(store_url, tracker_url, args.repeat)


def measure(store_url: str, tracker_url: str, repeat: int) -> int:
    from fastapi.testclient import TestClient
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from bot.store import queue
    from bot.store.db import engine_for
    from bot.store.staff_models import ConversationSummary
    from bot.transcripts.search import ConversationFilter, search
    from bot.web.app import create_app

    session = Session(engine_for(store_url))
    n_conv = session.scalar(select(func.count()).select_from(ConversationSummary))
    print(f"\n{n_conv:,} conversations indexed; timing {repeat} runs each (ms)\n")
    today = date.today()
    yesterday = today - timedelta(days=1)
    conversation_cases = {
        "no filter, page 1": ConversationFilter(),
        "yesterday + fell back": ConversationFilter(
            date_from=yesterday, date_to=yesterday, fell_back=True
        ),
        "last 30 days + fr + intent check_status": ConversationFilter(
            date_from=today - timedelta(days=30), language="fr", intent="check_status"
        ),
        "action utter_default": ConversationFilter(action="utter_default"),
        "confidence < 0.4 + not reviewed": ConversationFilter(max_confidence=0.4, reviewed=False),
        "has request + handoff=no": ConversationFilter(has_request=True, handoff=False),
        "free text 'compulsory licence'": ConversationFilter(q="compulsory licence"),
        "free text + 7 days + es": ConversationFilter(
            q="patente", language="es", date_from=today - timedelta(days=7)
        ),
        "tag 'wrong-intent'": ConversationFilter(tag="wrong-intent"),
    }
    request_cases = {
        "no filter, page 1": queue.RequestFilter(),
        "status new + WHO": queue.RequestFilter(status="new", organization="WHO"),
        "member Kenya + vaccines": queue.RequestFilter(member="Kenya", need_area="vaccines"),
        "free text 'antiviral'": queue.RequestFilter(q="antiviral"),
        "last 7 days + fr": queue.RequestFilter(date_from=today - timedelta(days=7), language="fr"),
    }
    worst = 0.0
    print(f"{'conversation list (search + count + page of 50)':<58} {'p50':>7} {'p95':>7}")
    for name, f in conversation_cases.items():
        p50, p95 = timed(lambda f=f: search(session, f, limit=50, offset=0), repeat)  # type: ignore[misc]
        worst = max(worst, p95)
        print(f"  {name:<56} {p50:7.1f} {p95:7.1f}")
    print(f"{'request list (page of 50 + count + counts per status)':<58} {'p50':>7} {'p95':>7}")
    for name, f in request_cases.items():

        def run(f: queue.RequestFilter = f) -> None:
            queue.page(session, f, limit=50)

        p50, p95 = timed(run, repeat)
        worst = max(worst, p95)
        print(f"  {name:<56} {p50:7.1f} {p95:7.1f}")
    session.close()

    auth = {"Authorization": "Bearer bench-token-0123456789"}
    with TestClient(create_app()) as client:
        print(f"{'through the JSON API (HTTP in-process, bearer token)':<58} {'p50':>7} {'p95':>7}")
        urls = [
            f"/api/staff/conversations?fell_back=true&date_from={yesterday}&date_to={yesterday}",
            "/api/staff/conversations?q=licence&language=en",
            "/api/staff/requests?status=new&organization=WHO",
        ]
        for url in urls:
            name = "GET " + url.replace(str(yesterday), "<yesterday>")
            p50, p95 = timed(
                lambda url=url: client.get(url, headers=auth).raise_for_status(), repeat
            )  # type: ignore[misc]
            worst = max(worst, p95)
            print(f"  {name:<56} {p50:7.1f} {p95:7.1f}")
    # The page staff see: sign in once, then the filtered list as HTML (filter choices included).
    from bot.auth import users
    from bot.store.staff_models import Role

    with Session(engine_for(store_url)) as s:
        if users.get_by_username(s, "bench-admin") is None:
            users.create_user(
                s, username="bench-admin", password="bench password 2026", role=Role.ADMIN
            )
            s.commit()
    with TestClient(create_app(), base_url="https://testserver") as client:
        page = client.get("/login")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        client.post(
            "/login",
            data={
                "username": "bench-admin",
                "password": "bench password 2026",
                "csrf_token": token,
            },
        )
        print(f"{'the HTML page (signed in)':<58} {'p50':>7} {'p95':>7}")
        for url in (
            f"/staff/conversations?date_from={yesterday}&date_to={yesterday}&fell_back=yes",
            "/staff/requests?status=new",
        ):
            p50, p95 = timed(lambda url=url: client.get(url).raise_for_status(), repeat)  # type: ignore[misc]
            worst = max(worst, p95)
            print(
                f"  {'GET ' + url.replace(str(yesterday), '<yesterday>'):<56} {p50:7.1f} {p95:7.1f}"
            )
    print(f"\nworst p95: {worst:.1f} ms (target 300 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

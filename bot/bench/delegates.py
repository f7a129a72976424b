"""Simulated delegates: whole conversations, timed turn by turn, at a fixed concurrency."""

import asyncio
import itertools
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from bot.bench.bare import SCRIPT as BARE_SCRIPT

REFERENCE = re.compile(r"\bTA-\d{4}-\d{6}\b")
MAX_TURNS = 25

# Openings that state a need; the form then asks for whatever they did not say.
OPENINGS = (
    "We want to issue a compulsory licence for an antiviral because prices are too high",
    "We need help with WHO prequalification of a locally made vaccine",
    "Shipments of PPE are held up by export restrictions and we would like guidance",
    "We would like to set up local production of oxygen concentrators",
    "Our regulator needs support to speed up the approval of COVID-19 medicines",
)
MEMBERS = ("Kenya", "Peru", "Viet Nam", "Ghana", "Bangladesh", "Ecuador", "Senegal", "Jordan")
# An answer for each slot the request form may ask for.
ANSWERS = {
    "need_area": "medicines",
    "description": "We need advice on patents and licensing for an antiviral medicine",
    "institution": "Ministry of Health",
    "requester_name": "Jane Wanjiru",
    "organizations": "WHO and WTO",
    "consent": "yes",
    "confirmed": "yes",
}
_numbers = itertools.count(1)


@dataclass
class Outcome:
    """What happened in one simulated conversation."""

    sender_id: str
    latencies: list[float] = field(default_factory=list)
    completed: bool = False
    confirmed: bool = False  # the delegate said the final "yes" and was answered
    reference: str | None = None
    picked_suggestion: bool = False
    error: str | None = None


class TurnFailed(Exception):
    """A turn got no usable answer."""


Say = Callable[[str], Awaitable[dict[str, Any]]]


def _timed(client: httpx.AsyncClient, outcome: Outcome, url: str, body: dict[str, Any]) -> Say:
    async def say(message: str) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            response = await client.post(url, json=body | {"message": message})
        except httpx.HTTPError as exc:
            raise TurnFailed(type(exc).__name__) from exc
        if response.status_code != 200:
            raise TurnFailed(f"HTTP {response.status_code}")
        outcome.latencies.append(time.perf_counter() - started)
        return response.json()  # type: ignore[no-any-return]

    return say


def _text(answer: dict[str, Any]) -> str:
    return "\n".join(m.get("text") or "" for m in answer.get("messages") or [])


def _buttons(answer: dict[str, Any]) -> list[dict[str, str]]:
    return [b for m in answer.get("messages") or [] for b in m.get("buttons") or []]


def _reply_to(answer: dict[str, Any], n: int, picked: bool) -> tuple[str, bool]:
    """What the delegate answers next, and whether it picks one of the offered activities."""
    expecting = answer.get("expecting")
    if expecting == "member":
        return MEMBERS[n % len(MEMBERS)], False
    if expecting == "email":
        return f"delegate{n}@health.example.org", False
    if expecting in ANSWERS:
        return ANSWERS[str(expecting)], False
    # The catalogue suggestions (or any other step with buttons): pick the first activity
    # offered, then finish the step with its closing button.
    payloads = [b["payload"] for b in _buttons(answer)]
    offers = [p for p in payloads if p.startswith("/select")]
    if offers and not picked:
        return offers[0], True
    for closing in ("/affirm", "/none_of_these"):
        if closing in payloads:
            return closing, False
    if payloads:
        return payloads[0], False
    raise TurnFailed(f"no answer for expecting={expecting!r}")


async def triage_conversation(client: httpx.AsyncClient) -> Outcome:
    """Opening, answers, a suggestion pick when offered, confirmation: until a reference."""
    n = next(_numbers)
    outcome = Outcome(sender_id=f"bench-{uuid.uuid4().hex[:16]}")
    say = _timed(client, outcome, "/api/chat", {"sender_id": outcome.sender_id})
    try:
        answer = await say(f"{OPENINGS[n % len(OPENINGS)]}. I'm from {MEMBERS[n % len(MEMBERS)]}")
        for _ in range(MAX_TURNS):
            if found := REFERENCE.search(_text(answer)):
                outcome.reference = found.group()
                outcome.completed = True
                return outcome
            reply, pick = _reply_to(answer, n, outcome.picked_suggestion)
            outcome.picked_suggestion |= pick
            confirming = answer.get("expecting") == "confirmed"
            answer = await say(reply)
            outcome.confirmed |= confirming
        raise TurnFailed(f"no reference after {MAX_TURNS} turns")
    except TurnFailed as exc:
        outcome.error = str(exc)
    return outcome


async def bare_conversation(client: httpx.AsyncClient) -> Outcome:
    """The bare `rasa init` assistant's script, straight to its REST channel."""
    outcome = Outcome(sender_id=f"bare-{uuid.uuid4().hex[:16]}")
    started = time.perf_counter
    try:
        for message in BARE_SCRIPT:
            t0 = started()
            try:
                response = await client.post(
                    "/webhooks/rest/webhook", json={"sender": outcome.sender_id, "message": message}
                )
            except httpx.HTTPError as exc:
                raise TurnFailed(type(exc).__name__) from exc
            if response.status_code != 200 or not response.json():
                raise TurnFailed(f"HTTP {response.status_code} or no answer")
            outcome.latencies.append(started() - t0)
        outcome.completed = True
    except TurnFailed as exc:
        outcome.error = str(exc)
    return outcome


Conversation = Callable[[httpx.AsyncClient], Awaitable[Outcome]]


async def run_level(
    base_url: str, conversation: Conversation, concurrency: int, seconds: float
) -> tuple[list[Outcome], float]:
    """`concurrency` delegates start conversations until `seconds` pass; all finish theirs."""
    limits = httpx.Limits(max_connections=concurrency + 4, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as client:
        outcomes: list[Outcome] = []
        deadline = time.monotonic() + seconds

        async def delegate() -> None:
            while time.monotonic() < deadline:
                outcomes.append(await conversation(client))

        started = time.monotonic()
        await asyncio.gather(*(delegate() for _ in range(concurrency)))
        return outcomes, time.monotonic() - started


async def warm_up(base_url: str, conversation: Conversation, rounds: int = 2) -> None:
    """A few unmeasured conversations, so lazy loading is not in the figures."""
    async with httpx.AsyncClient(base_url=base_url, timeout=300) as client:
        for _ in range(rounds):
            await conversation(client)

"""How often Rasa's own Redis lock store lets two instances work on one conversation at once.

Each trial sends one conversation's two messages to the two Rasa instances at the same
instant, bypassing the gateway and its conversation lock, then counts the conversation's
user messages in the shared tracker store. Fewer than sent means one turn's events were
overwritten by the other's save.
"""

import asyncio
import uuid
from dataclasses import dataclass

import httpx


@dataclass
class RaceResult:
    trials: int
    lost_events: int  # trials where a user message is missing from the tracker store


async def _trial(client: httpx.AsyncClient, urls: list[str], token: str) -> bool:
    sender = f"race-{uuid.uuid4().hex[:12]}"
    hook = "/webhooks/rest/webhook"
    await client.post(urls[0] + hook, json={"sender": sender, "message": "hi"})
    await asyncio.gather(
        client.post(urls[0] + hook, json={"sender": sender, "message": "are you a bot?"}),
        client.post(urls[1] + hook, json={"sender": sender, "message": "why do you need this?"}),
    )
    tracker = await client.get(
        f"{urls[0]}/conversations/{sender}/tracker",
        params={"token": token, "include_events": "ALL"},
    )
    users = [e for e in tracker.json()["events"] if e["event"] == "user"]
    return len(users) < 3


async def direct_race(urls: list[str], token: str, trials: int = 30) -> RaceResult:
    """Run `trials` simultaneous deliveries straight to the first two Rasa instances."""
    async with httpx.AsyncClient(timeout=120) as client:
        lost = 0
        for _ in range(trials):
            lost += await _trial(client, urls[:2], token)
    return RaceResult(trials=trials, lost_events=lost)

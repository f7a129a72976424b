"""Build rasa-sdk trackers and run actions the way the action server would."""

import time
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import ValidateRequestForm
from bot.settings import ROOT

DOMAIN_DIR = ROOT / "bot" / "domain"


@cache
def domain() -> dict[str, Any]:
    """The merged domain, as rasa-sdk receives it."""
    merged: dict[str, Any] = {
        "intents": [],
        "entities": [],
        "slots": {},
        "forms": {},
        "responses": {},
        "actions": [],
    }
    for path in sorted(Path(DOMAIN_DIR).glob("*.yml")):
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, value in part.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key].update(value)
            elif isinstance(value, list) and isinstance(merged.get(key), list):
                merged[key].extend(value)
    return merged


def slot_defaults() -> dict[str, Any]:
    return {name: spec.get("initial_value") for name, spec in domain()["slots"].items()} | {
        "requested_slot": None
    }


def tracker(
    text: str = "",
    *,
    intent: str | None = None,
    confidence: float = 0.95,
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    previous: dict[str, Any] | None = None,
    active_loop: str | None = None,
    metadata: dict[str, Any] | None = None,
    sender_id: str = "test-conversation",
    form_started_at: float | None = None,
    earlier_user_messages: int = 1,
    ranking: list[tuple[str, float]] | None = None,
) -> Tracker:
    """A tracker whose latest user message is `text`.

    `previous` are the slot values before that message; `slots` the values now (after
    Rasa's slot extraction), so tests can express "the delegate just changed X".
    """
    before = slot_defaults() | (previous or {})
    now = before | (slots or {})
    events: list[dict[str, Any]] = []
    t = time.time() - 60
    if form_started_at is not None or active_loop:
        events.append(
            {
                "event": "active_loop",
                "name": active_loop or "request_form",
                "timestamp": form_started_at or t,
            }
        )
    for name, value in before.items():
        if value is not None:
            events.append({"event": "slot", "name": name, "value": value, "timestamp": t})
    for i in range(earlier_user_messages):
        events.append({"event": "user", "text": f"earlier {i}", "timestamp": t})
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence} if intent else {},
        "entities": entities or [],
        "metadata": metadata or {},
    }
    if ranking is not None:
        message["intent_ranking"] = [{"name": n, "confidence": c} for n, c in ranking]
    events.append({"event": "user", "text": text, "parse_data": message, "timestamp": t + 1})
    for name, value in now.items():
        if before.get(name) != value:
            events.append({"event": "slot", "name": name, "value": value, "timestamp": t + 1})
    return Tracker(
        sender_id=sender_id,
        slots=now,
        latest_message=message,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


async def run(action: Action, tr: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run `action`; returns its events and the messages it sent."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tr, domain())
    return list(events), dispatcher.messages


def responses(messages: list[dict[str, Any]]) -> list[str]:
    """The domain responses named by the messages, in order."""
    return [m.get("response") for m in messages if m.get("response")]  # type: ignore[misc]


async def answer(
    slot: str, text: str, intent: str = "inform", **kwargs: Any
) -> tuple[dict[str, Any], list[str]]:
    """Run the request form's validation action on `text` given as the answer to `slot`;
    returns the slots it set and the responses it sent."""
    slots = {"requested_slot": slot} | kwargs.pop("slots", {})
    kwargs.setdefault("active_loop", "request_form")
    events, messages = await run(
        ValidateRequestForm(), tracker(text, intent=intent, slots=slots, **kwargs)
    )
    values = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return values, responses(messages)

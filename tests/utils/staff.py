"""Factories for staff-console tests: accounts, signed-in clients, Rasa-shaped tracker events."""

import json
import re
import time
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, insert
from sqlalchemy.orm import Session

from bot.auth import users
from bot.store.staff_models import Role, User
from bot.transcripts.tracker import events, metadata

PASSWORD = "correct horse battery staple"


def create_user(
    session: Session,
    username: str,
    role: Role = Role.STAFF,
    organization: str | None = "WHO",
    password: str = PASSWORD,
    display_name: str | None = None,
) -> User:
    return users.create_user(
        session,
        username=username,
        password=password,
        role=role,
        organization=organization if role == Role.STAFF or organization else None,
        display_name=display_name,
    )


def login_csrf(client: TestClient) -> str:
    page = client.get("/login")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, page.text
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign `client` in; returns the session's CSRF token (read from a page)."""
    r = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": login_csrf(client)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return session_csrf(client)


def session_csrf(client: TestClient) -> str:
    page = client.get("/login", follow_redirects=True)
    match = re.search(r'"X-CSRF-Token": "([^"]+)"', page.text)
    assert match, page.text[:500]
    return match.group(1)


# ---- Rasa-shaped events, as Rasa 3.6's SQLTrackerStore writes them -------------------------


class Conversation:
    """Builds the events of one conversation the way Rasa records them."""

    def __init__(self, sender_id: str, start: float | None = None) -> None:
        self.sender_id = sender_id
        self.t = start if start is not None else time.time()
        self.rows: list[dict[str, Any]] = []
        self._add("action", {"name": "action_session_start"}, action="action_session_start")
        self._add("session_started", {})
        self._add("action", {"name": "action_listen"}, action="action_listen")

    def _add(
        self,
        kind: str,
        data: dict[str, Any],
        *,
        intent: str | None = None,
        action: str | None = None,
    ) -> None:
        self.t += 1.0
        body = {"event": kind, "timestamp": self.t, "metadata": {"model_id": "m"}} | data
        self.rows.append(
            {
                "sender_id": self.sender_id,
                "type_name": kind,
                "timestamp": self.t,
                "intent_name": intent,
                "action_name": action,
                "data": json.dumps(body),
            }
        )

    def user(
        self,
        text: str,
        intent: str,
        confidence: float = 0.9,
        *,
        entities: list[dict[str, Any]] | None = None,
        language: str | None = None,
        ranking: list[tuple[str, float]] | None = None,
    ) -> "Conversation":
        parse = {
            "intent": {"name": intent, "confidence": confidence},
            "entities": entities or [],
            "text": text,
            "intent_ranking": [{"name": n, "confidence": c} for n, c in (ranking or [])],
        }
        meta = {"model_id": "m"} | ({"language": language} if language else {})
        self._add("user", {"text": text, "parse_data": parse, "metadata": meta}, intent=intent)
        self._add("user_featurization", {"use_text_for_featurization": False})
        return self

    def action(self, name: str) -> "Conversation":
        self._add("action", {"name": name, "policy": "RulePolicy", "confidence": 1.0}, action=name)
        return self

    def bot(
        self, text: str, response: str, buttons: list[dict[str, str]] | None = None
    ) -> "Conversation":
        self._add(
            "bot",
            {"text": text, "metadata": {"utter_action": response}, "data": {"buttons": buttons}},
        )
        return self

    def utter(self, response: str, text: str) -> "Conversation":
        return self.action(response).bot(text, response)

    def slot(self, name: str, value: Any) -> "Conversation":
        # Rasa stores every event's "name" in action_name, a slot's name too.
        self._add("slot", {"name": name, "value": value}, action=name)
        return self

    def event(self, kind: str, name: str | None = None) -> "Conversation":
        """Any other event (`active_loop`, `restart`, `rewind`, …), with its name if it has one."""
        self._add(kind, {"name": name} if name is not None else {}, action=name)
        return self


def write_tracker(url: str, *conversations: Conversation) -> None:
    """Append conversations' new events to a Rasa-shaped tracker store at `url` (created if needed)."""
    engine = create_engine(url)
    metadata.create_all(engine)
    with engine.begin() as conn:
        for conversation in conversations:
            conn.execute(insert(events), conversation.rows)
            # Written once: more events on the same object continue the conversation.
            conversation.rows.clear()
    engine.dispose()

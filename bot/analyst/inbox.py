"""The NLU inbox: delegates' messages that are not training data yet, redacted and grouped.

Messages are read from Rasa's tracker store on demand (only `user` events in the chosen date
range, then the slots of their conversations for redaction). Identical messages, after
redaction and normalisation, form one group; analysts decide per group (accept, relabel,
annotate entities, ignore) and the decision is kept in `nlu_decisions` with redacted text only.
"""

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.analyst.messages import Message, cached_messages, group_key, normalise
from bot.analyst.redact import PLACEHOLDERS
from bot.evaluation.dataset import LANGUAGES, load, parse_annotated
from bot.store.analyst_models import NluDecision, Verdict
from bot.transcripts.parse import FALLBACK_INTENT

INTENT_NAME = re.compile(r"^[a-z][a-z0-9_]{1,62}$")
MAX_EXAMPLE_CHARS = 1000
_CHUNK = 500


# --- what is training data already ------------------------------------------------------------


def training_texts(data_dir: Path) -> set[str]:
    """Normalised plain texts of every training example (all languages)."""
    return {normalise(e.text) for e in load(data_dir).examples}


def known_intents(data_dir: Path, domain_dir: Path) -> list[str]:
    """Intents of the domain and of the training data."""
    names = {e.intent for e in load(data_dir).examples}
    for path in sorted(domain_dir.glob("*.yml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in content.get("intents") or []:
            names.add(next(iter(item)) if isinstance(item, dict) else str(item))
    return sorted(names)


def known_entities(domain_dir: Path) -> list[str]:
    """Entity names the domain declares (an annotation may only use these)."""
    names: set[str] = set()
    for path in sorted(domain_dir.glob("*.yml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in content.get("entities") or []:
            names.add(next(iter(item)) if isinstance(item, dict) else str(item))
    return sorted(names)


# --- groups ---------------------------------------------------------------------------------


@dataclass
class Group:
    """Identical messages (after redaction and normalisation) in one language."""

    language: str
    key: str
    text: str
    count: int
    conversations: int
    first_at: datetime
    last_at: datetime
    # The least confident message of the group speaks for it.
    intent: str | None
    confidence: float | None
    fell_back: bool
    entities: list[dict[str, Any]]
    suggested: str
    intents_seen: dict[str, int] = field(default_factory=dict)
    decision: NluDecision | None = None
    typed: frozenset[str] = field(default=frozenset(), repr=False)

    @property
    def id(self) -> str:
        return f"{self.language}.{self.key}"

    @property
    def status(self) -> str:
        if self.decision is None:
            return "open"
        if self.decision.exported_at is not None:
            return "exported"
        return self.decision.verdict

    @property
    def has_placeholder(self) -> bool:
        return any(p in self.text for p in PLACEHOLDERS)


def parse_group_id(value: str) -> tuple[str, str] | None:
    language, _, key = value.partition(".")
    if language in LANGUAGES and re.fullmatch(r"[0-9a-f]{64}", key):
        return language, key
    return None


def group_messages(messages: Iterable[Message]) -> list[Group]:
    buckets: dict[tuple[str, str], list[Message]] = {}
    for message in messages:
        buckets.setdefault((message.language, group_key(message.text)), []).append(message)
    groups = []
    for (language, key), items in buckets.items():
        doubt = min(items, key=lambda m: m.confidence if m.confidence is not None else 2.0)
        items.sort(key=lambda m: m.event_id)
        latest = items[-1]
        # The spelling most messages used (the earliest on a tie) stands for the group.
        shown = Counter(m.text for m in items).most_common(1)[0][0]
        predicted = Counter((m.best_intent or m.intent or "") for m in items)
        groups.append(
            Group(
                language=language,
                key=key,
                text=shown,
                count=len(items),
                conversations=len({m.sender_id for m in items}),
                first_at=min(m.at for m in items),
                last_at=latest.at,
                intent=doubt.best_intent or doubt.intent,
                confidence=doubt.confidence,
                fell_back=doubt.intent == FALLBACK_INTENT,
                entities=list(doubt.entities),
                suggested=doubt.suggested,
                intents_seen={k: v for k, v in predicted.most_common() if k},
                typed=frozenset(m.typed for m in items),
            )
        )
    return groups


@dataclass(frozen=True)
class InboxFilter:
    """What the analyst narrowed the inbox to."""

    intent: str | None = None
    language: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    min_confidence: float | None = None
    max_confidence: float | None = None
    status: str = "open"
    q: str | None = None

    def window(self) -> tuple[datetime | None, datetime | None]:
        since = datetime.combine(self.date_from, time(), UTC) if self.date_from else None
        until = (
            datetime.combine(self.date_to + timedelta(days=1), time(), UTC)
            if self.date_to
            else None
        )
        return since, until

    def keeps(self, group: Group) -> bool:
        if self.language and group.language != self.language:
            return False
        if self.intent and self.intent not in (group.intent, *group.intents_seen):
            return False
        # A group without a confidence (no model answered) passes only an open range.
        low, high = self.min_confidence, self.max_confidence
        if (low is not None or high is not None) and group.confidence is None:
            return False
        if low is not None and group.confidence is not None and group.confidence < low:
            return False
        if high is not None and group.confidence is not None and group.confidence > high:
            return False
        if self.q and normalise(self.q) not in normalise(group.text):
            return False
        return self.status == "all" or group.status == self.status


@dataclass
class Inbox:
    """One page of groups and what the filters can offer."""

    groups: list[Group]
    total: int
    messages: int
    intents: list[str]


def decisions_for(session: Session, groups: Sequence[Group]) -> dict[tuple[str, str], NluDecision]:
    wanted = {(g.language, g.key) for g in groups}
    found: dict[tuple[str, str], NluDecision] = {}
    keys = sorted({k for _, k in wanted})
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        for d in session.scalars(select(NluDecision).where(NluDecision.key.in_(chunk))):
            if (d.language, d.key) in wanted:
                found[(d.language, d.key)] = d
    return found


def build_groups(
    session: Session, engine: Engine, data_dir: Path, flt: InboxFilter = InboxFilter()
) -> list[Group]:
    """Every group in the filter's date range that is not training data, with its decision.

    Exported groups stay (their text is training data now) so the analyst can find them.
    """
    since, until = flt.window()
    training = training_texts(data_dir)
    groups = group_messages(cached_messages(engine, since, until))
    decided = decisions_for(session, groups)
    for group in groups:
        group.decision = decided.get((group.language, group.key))
    return [
        g
        for g in groups
        if g.status == "exported" or not (normalise(g.text) in training or g.typed & training)
    ]


def inbox(
    session: Session,
    engine: Engine,
    data_dir: Path,
    flt: InboxFilter,
    limit: int = 50,
    offset: int = 0,
) -> Inbox:
    """The groups matching `flt`, least confident first (then most frequent)."""
    groups = build_groups(session, engine, data_dir, flt)
    intents = sorted({i for g in groups for i in (g.intent, *g.intents_seen) if i})
    kept = [g for g in groups if flt.keeps(g)]
    kept.sort(
        key=lambda g: (
            g.confidence if g.confidence is not None else 2.0,
            -g.count,
            -g.last_at.timestamp(),
        )
    )
    return Inbox(kept[offset : offset + limit], len(kept), sum(g.count for g in kept), intents)


def find_groups(
    session: Session, engine: Engine, data_dir: Path, ids: Iterable[str]
) -> dict[str, Group]:
    """The groups with these ids (any status), wherever they are in time."""
    wanted = {i for i in ids if parse_group_id(i)}
    if not wanted:
        return {}
    groups = build_groups(session, engine, data_dir, InboxFilter(status="all"))
    return {g.id: g for g in groups if g.id in wanted}


# --- decisions ------------------------------------------------------------------------------


class DecisionError(ValueError):
    """A decision the inbox refuses, with a message for the analyst."""


def check_intent(name: str) -> str:
    name = name.strip()
    if not INTENT_NAME.fullmatch(name):
        raise DecisionError(
            "An intent name has 2–63 lower-case letters, digits or underscores and starts "
            "with a letter."
        )
    if name == FALLBACK_INTENT:
        raise DecisionError("nlu_fallback is not an intent to train; choose the right one.")
    return name


def check_example(example: str, group: Group, entities: Sequence[str]) -> str:
    """An annotated example whose words are exactly the group's (redacted) message."""
    example = " ".join(example.split())
    if not example or len(example) > MAX_EXAMPLE_CHARS:
        raise DecisionError(f"The example must have 1–{MAX_EXAMPLE_CHARS} characters.")
    try:
        plain, found = parse_annotated(example)
    except (ValueError, KeyError, TypeError):
        raise DecisionError("An annotation is malformed; write [words](entity).") from None
    if " ".join(plain.split()) != " ".join(group.text.split()):
        raise DecisionError(
            "Without its annotations the example must read exactly as the message; "
            "mark entities as [words](entity) or [words](entity:value) and change nothing else."
        )
    unknown = sorted({e.entity for e in found} - set(entities))
    if unknown:
        raise DecisionError(
            f"Unknown entity {', '.join(unknown)}; the domain declares: {', '.join(entities)}."
        )
    if any(p in e.value or p in plain[e.start : e.end] for e in found for p in PLACEHOLDERS):
        raise DecisionError("A placeholder cannot be an entity: its value is not known.")
    return example


@dataclass(frozen=True)
class Actor:
    name: str
    user_id: int | None


def decide(
    session: Session,
    group: Group,
    verdict: Verdict,
    actor: Actor,
    intent: str | None = None,
    example: str | None = None,
) -> NluDecision:
    """Record (or change) the decision on a group; an exported decision cannot change."""
    decision = group.decision
    if decision is not None and decision.exported_at is not None:
        raise DecisionError("This message is already in the training data (exported).")
    if verdict == Verdict.ACCEPTED:
        intent = intent or group.intent
        if not intent:
            raise DecisionError("Rasa predicted no intent here; relabel it instead.")
        intent = check_intent(intent)
    if decision is None:
        decision = NluDecision(language=group.language, key=group.key, decided_by=actor.name)
        session.add(decision)
    decision.text = group.text
    decision.verdict = verdict.value
    decision.intent = intent if verdict == Verdict.ACCEPTED else None
    decision.example = (example or group.suggested) if verdict == Verdict.ACCEPTED else None
    decision.predicted_intent = group.intent
    decision.messages = group.count
    decision.decided_by = actor.name
    decision.decided_by_id = actor.user_id
    decision.decided_at = datetime.now(UTC)
    group.decision = decision
    session.flush()
    return decision


def reopen(session: Session, group: Group) -> None:
    """Forget the decision on a group (not once it is exported)."""
    decision = group.decision
    if decision is None:
        return
    if decision.exported_at is not None:
        raise DecisionError("This message is already in the training data (exported).")
    session.delete(decision)
    group.decision = None
    session.flush()

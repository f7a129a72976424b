"""The analyst dashboard's figures, each with the conversation filter that lists its conversations.

Conversation counts go through the very filter the transcripts page applies
(`bot.transcripts.search.conditions`), so a number and the list its link opens always agree.
Message counts (fallback rate, top intents) come from Rasa's tracker store.
"""

from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.store.staff_models import ConversationSummary
from bot.transcripts import tracker
from bot.transcripts.parse import FALLBACK_INTENT
from bot.transcripts.search import ConversationFilter, conditions, day_start

S = ConversationSummary
TRANSCRIPTS = "/staff/conversations"  # staff and admins: the transcripts as written
REDACTED = "/analyst/conversations"  # analysts: the same list and turns, personal data replaced
# The funnel's stages, each one the previous plus one condition.
NEED_SLOT = "need_area"
SUMMARY_ACTION = "action_ask_confirmed"  # the form shows the summary to confirm
TOP_INTENTS = 10


@dataclass
class Bar:
    """One row of a chart: a label, a number and where to read the conversations behind it."""

    label: str
    value: int
    href: str
    share: float = 0.0  # of the chart's largest value, for the bar's width
    note: str = ""


def link(f: ConversationFilter, target: str = TRANSCRIPTS) -> str:
    """The URL of the list (`target`) that shows the conversations of a filter."""
    params: dict[str, str] = {}
    for key, value in asdict(f).items():
        if value is None:
            continue
        params[key] = ("yes" if value else "no") if isinstance(value, bool) else str(value)
    return f"{target}?{urlencode(params)}" if params else target


def count(session: Session, f: ConversationFilter) -> int:
    """Conversations matching a filter (the same conditions as the transcripts page)."""
    return int(session.scalar(select(func.count(S.id)).where(*conditions(session, f))) or 0)


def _shares(bars: list[Bar]) -> list[Bar]:
    top = max((b.value for b in bars), default=0) or 1
    for b in bars:
        b.share = b.value / top
    return bars


def per_day(
    session: Session, base: ConversationFilter, start: date, end: date, target: str = TRANSCRIPTS
) -> list[Bar]:
    """Conversations by the day of their latest activity (the date the transcripts filter on)."""
    stamps = session.scalars(select(S.last_at).where(*conditions(session, base))).all()
    counts: dict[date, int] = {}
    for stamp in stamps:
        day = datetime.fromtimestamp(stamp, UTC).date()
        counts[day] = counts.get(day, 0) + 1
    bars = []
    day = start
    while day <= end:
        f = replace(base, date_from=day, date_to=day)
        bars.append(Bar(day.isoformat(), counts.get(day, 0), link(f, target)))
        day += timedelta(days=1)
    return _shares(bars)


def languages(session: Session, base: ConversationFilter, target: str = TRANSCRIPTS) -> list[Bar]:
    """Conversations per language."""
    rows = session.execute(
        select(S.language, func.count(S.id))
        .where(*conditions(session, base))
        .group_by(S.language)
        .order_by(func.count(S.id).desc())
    ).all()
    bars = [
        Bar(str(lang), int(n), link(replace(base, language=lang), target))
        for lang, n in rows
        if lang
    ]
    return _shares(bars)


def funnel(session: Session, base: ConversationFilter, target: str = TRANSCRIPTS) -> list[Bar]:
    """Conversations → need understood → form completed (summary shown) → request filed."""
    stages = [
        ("Conversations", base),
        ("Need understood (need area set)", replace(base, slot=NEED_SLOT)),
        ("Form completed (summary shown)", replace(base, slot=NEED_SLOT, action=SUMMARY_ACTION)),
        (
            "Request filed",
            replace(base, slot=NEED_SLOT, action=SUMMARY_ACTION, has_request=True),
        ),
    ]
    bars = [Bar(label, count(session, f), link(f, target)) for label, f in stages]
    first = bars[0].value or 1
    for b in bars:
        b.note = f"{b.value / first:.0%}"
    return _shares(bars)


def messages(engine: Engine, start: date, end: date) -> dict[str, Any]:
    """Delegate messages in the period: how many, how many fell back, and per intent."""
    e = tracker.events
    where = [
        e.c.type_name == "user",
        e.c.timestamp >= day_start(start),
        e.c.timestamp < day_start(end + timedelta(days=1)),
    ]
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(e.c.intent_name, func.count(e.c.id)).where(*where).group_by(e.c.intent_name)
            ).all()
    except tracker.NOT_THERE:
        rows = []
    per_intent = {str(name or "(none)"): int(n) for name, n in rows}
    total = sum(per_intent.values())
    fallback = per_intent.get(FALLBACK_INTENT, 0)
    return {
        "total": total,
        "fallback": fallback,
        "fallback_rate": fallback / total if total else None,
        "per_intent": per_intent,
    }


def build(
    session: Session, engine: Engine, start: date, end: date, target: str = TRANSCRIPTS
) -> dict[str, Any]:
    """Every figure of the dashboard for the days start…end (UTC, both included).

    Each bar links to `target`: the staff transcript list, or the analysts' redacted one.
    """
    base = ConversationFilter(date_from=start, date_to=end)
    msgs = messages(engine, start, end)
    ranked = sorted(msgs["per_intent"].items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_INTENTS]
    intents = _shares(
        [
            Bar(
                name,
                n,
                link(replace(base, intent=name), target),
                note=f"{n / (msgs['total'] or 1):.0%}",
            )
            for name, n in ranked
        ]
    )
    return {
        "start": start,
        "end": end,
        "conversations": count(session, base),
        "per_day": per_day(session, base, start, end, target),
        "languages": languages(session, base, target),
        "funnel": funnel(session, base, target),
        "messages": msgs,
        "fallback_link": link(replace(base, intent=FALLBACK_INTENT), target),
        "target": target,
        "top_intents": intents,
    }

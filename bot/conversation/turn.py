"""One delegate message with the state around it, read from a rasa-sdk tracker."""

from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.nlu import extract, ordinals

REQUEST_FORM = "request_form"
STATUS_FORM = "status_form"

# Intents that interrupt a form: answered, then the form asks its question again.
INTERRUPTIONS = frozenset(
    {
        "ask_platform",
        "ask_privacy",
        "ask_catalogue",
        "ask_activity_details",
        "bot_challenge",
        "chitchat",
        "out_of_scope",
        "insult",
        "instruct_bot",
        "request_human",
        "check_status",
        "thank",
        "goodbye",
        "cancel",
        "start_over",
        "change_language",
        "greet",
    }
)
# Below this confidence an "interruption" is more likely an answer that Rasa misread.
INTERRUPTION_CONFIDENCE = 0.6


class TrackerLike(Protocol):
    sender_id: str
    slots: dict[str, Any]
    latest_message: dict[str, Any]
    events: list[dict[str, Any]]
    active_loop: dict[str, Any]

    def get_slot(self, key: str) -> Any: ...


@dataclass(frozen=True)
class Turn:
    """What the delegate just said, how Rasa read it, and the slots around it."""

    sender_id: str
    text: str
    intent: str | None = None
    confidence: float = 1.0
    entities: list[dict[str, Any]] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    slots: dict[str, Any] = field(default_factory=dict)
    previous_slots: dict[str, Any] = field(default_factory=dict)
    active_loop: str | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    # Rasa's intent ranking, best first: what an unclassified message most resembles.
    ranking: tuple[tuple[str, float], ...] = ()

    @classmethod
    def from_tracker(cls, tracker: TrackerLike) -> "Turn":
        message = tracker.latest_message or {}
        intent = message.get("intent") or {}
        return cls(
            sender_id=tracker.sender_id,
            text=(message.get("text") or "").strip(),
            intent=intent.get("name"),
            confidence=float(intent.get("confidence") or 0.0),
            entities=list(message.get("entities") or []),
            metadata=dict(message.get("metadata") or {}),
            slots=dict(tracker.slots),
            previous_slots=slots_before_latest_message(tracker.events),
            active_loop=(tracker.active_loop or {}).get("name"),
            events=list(tracker.events),
            ranking=tuple(
                (str(r.get("name")), float(r.get("confidence") or 0.0))
                for r in message.get("intent_ranking") or []
                if r.get("name")
            ),
        )

    def slot(self, name: str) -> Any:
        return self.slots.get(name)

    @property
    def language(self) -> str:
        value = self.slots.get("language")
        return value if value in ("en", "fr", "es") else "en"

    @property
    def requested_slot(self) -> str | None:
        return self.slots.get("requested_slot") if self.active_loop else None

    @property
    def is_payload(self) -> bool:
        """A button press: the text is `/intent{...}`, not words to read."""
        return self.text.startswith("/")

    @property
    def words_text(self) -> str:
        """The text to read for fields: empty for button payloads."""
        return "" if self.is_payload else self.text

    @property
    def describes_need(self) -> bool:
        """A confident account of the need: never the answer to "what is your name?"."""
        return self.intent == "describe_need" and self.confidence >= 0.8

    @property
    def interrupts(self) -> bool:
        if self.ends_choosing:
            return False
        if self.requested_slot == "activity_choice" and extract.removes_choice(self.text):
            return False  # "cancel that one" takes back a choice; it does not end the request
        if self.tells_the_need:
            return False
        if self.requested_slot == "activity_choice" and ordinals.only_places(self.words_text):
            return False  # "le premier et le deuxième", heard as a question about them: a pick
        if self.intent == "greet" and self.requested_slot and not extract.greets(self.text):
            return False  # "Nadia Benjelloun" at the name question, heard as a greeting
        return self.intent in INTERRUPTIONS and self.confidence >= INTERRUPTION_CONFIDENCE

    @property
    def corrects_need(self) -> bool:
        """ "Actually it's not about diagnostics, it's about oxygen concentrators" in the form:
        a new account of the need, whatever the NLU made of it (a catalogue question, say)."""
        if self.active_loop != REQUEST_FORM or self.is_payload:
            return False
        if not extract.changes_mind(self.text):
            return False
        areas = extract.need_areas(self.text)
        if extract.is_substantive(self.text) and (areas or extract.topics(self.text)):
            return True
        # "non pardon, c'est plutôt pour les vaccins": short, but another need area.
        before = self.previous_slots.get("need_area")
        return bool(before and areas and areas[0] != before)

    @property
    def tells_the_need(self) -> bool:
        """A new account of the need inside the form, whatever the NLU made of it: a
        correction, or "queremos capacitación sobre PI y vacunas" (heard as a catalogue
        question, but no question) typed at the questions about the need."""
        if self.corrects_need:
            return True
        return (
            self.requested_slot in ("need_area", "description", "focus")
            and self.intent == "ask_catalogue"
            and not self.is_payload
            and not extract.is_question(self.text)
            and extract.is_substantive(self.text)
            and bool(extract.need_areas(self.text) or extract.topics(self.text))
        )

    @property
    def ends_choosing(self) -> bool:
        """ "That's all" while picking suggested activities: done choosing, not goodbye (nor
        only thanks: "merci, c'est tout")."""
        return (
            self.intent in ("goodbye", "thank")
            and self.requested_slot == "activity_choice"
            and extract.ends_choosing(self.text)
        )

    def question_just_answered(self) -> str | None:
        """The catalogue question the assistant answered right before this message
        ("what does WIPO offer on patent searches?"), for "I want help with that"."""
        users = [i for i, e in enumerate(self.events) if e.get("event") == "user"]
        if len(users) < 2:
            return None
        answered = any(
            e.get("event") == "bot"
            and (e.get("metadata") or {}).get("utter_action") == "utter_catalogue_results"
            for e in self.events[users[-2] + 1 : users[-1]]
        )
        asked = str(self.events[users[-2]].get("text") or "").strip()
        return asked if answered and asked else None

    def closest_intent(self, floor: float) -> str | None:
        """The intent this message most resembles when Rasa fell back, if it comes near."""
        if self.intent != "nlu_fallback":
            return self.intent
        for name, confidence in self.ranking:
            if name != "nlu_fallback":
                return name if confidence >= floor else None
        return None

    def entity_values(self, entity: str) -> list[str]:
        values = [e.get("value") for e in self.entities if e.get("entity") == entity]
        return [str(v) for v in values if v not in (None, "")]

    def form_activation_time(self, form: str = REQUEST_FORM) -> float | None:
        """When `form` was last activated: one filing per activation."""
        for event in reversed(self.events):
            if event.get("event") == "active_loop" and event.get("name") == form:
                return float(event.get("timestamp") or 0.0)
        return None


def slots_before_latest_message(events: list[dict[str, Any]]) -> dict[str, Any]:
    """Slot values as they stood just before the latest user message."""
    last_user = max(
        (i for i, e in enumerate(events) if e.get("event") == "user"), default=len(events)
    )
    return _slot_values(events[:last_user], resets=("start_over", "reset_slots"))


def _slot_values(events: list[dict[str, Any]], resets: tuple[str, ...]) -> dict[str, Any]:
    """Slot values after replaying `events`; the event kinds in `resets` clear them all."""
    values: dict[str, Any] = {}
    for event in events:
        kind = event.get("event")
        if kind == "slot":
            values[event["name"]] = event.get("value")
        elif kind in resets:
            values.clear()
    return values


_RESETS = ("start_over", "reset_slots", "restart")


def answers_before_stop(events: list[dict[str, Any]], names: tuple[str, ...]) -> dict[str, Any]:
    """The values of `names` just before the request was last stopped — cancelled, or ended
    by a refused consent — if no form has run since (empty otherwise): what "resume my
    request" or "ok fine, yes" brings back. After a refused consent the consent itself is
    left out, so the form asks it again."""
    stop = _last_stop(events)
    if stop is None:
        return {}
    if any(e.get("event") == "active_loop" and e.get("name") for e in events[stop:]):
        return {}  # a request was started since (or the cancel only took back a choice)
    values = _slot_values(events[:stop], resets=_RESETS)
    if values.get("consent") is False:
        values = {**values, "consent": None, "confirmed": None}
    return {name: values[name] for name in names if values.get(name) is not None}


def stopped_just_before(events: list[dict[str, Any]]) -> bool:
    """Whether the request was stopped in answer to the delegate's previous message."""
    stop = _last_stop(events)
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    return stop is not None and len(users) >= 2 and users[-2] < stop < users[-1]


def _last_stop(events: list[dict[str, Any]]) -> int | None:
    for i in range(len(events) - 1, -1, -1):
        event = events[i]
        if event.get("event") != "action":
            continue
        if event.get("name") == "action_cancel_request":
            return i
        if event.get("name") == "action_submit_request":
            declined = _slot_values(events[:i], resets=_RESETS).get("consent") is False
            return i if declined else None  # a filed request is not resumed
    return None

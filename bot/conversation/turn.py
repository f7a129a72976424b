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
        if self.corrects_need:
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
        return (
            self.active_loop == REQUEST_FORM
            and not self.is_payload
            and extract.changes_mind(self.text)
            and bool(extract.need_areas(self.text) or extract.topics(self.text))
            and extract.is_substantive(self.text)
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


def answers_before_cancel(events: list[dict[str, Any]], names: tuple[str, ...]) -> dict[str, Any]:
    """The values of `names` just before the request was last cancelled, if no form has run
    since (empty otherwise): what "Resume my request" brings back."""
    cancelled = max(
        (
            i
            for i, e in enumerate(events)
            if e.get("event") == "action" and e.get("name") == "action_cancel_request"
        ),
        default=None,
    )
    if cancelled is None:
        return {}
    if any(e.get("event") == "active_loop" and e.get("name") for e in events[cancelled:]):
        return {}  # a request was started since (or the cancel only took back a choice)
    values = _slot_values(events[:cancelled], resets=("start_over", "reset_slots", "restart"))
    return {name: values[name] for name in names if values.get(name) is not None}

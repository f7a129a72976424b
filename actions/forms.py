"""Validation of the request form and the question that shows the summary."""

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import say
from bot.conversation import request_form, summary
from bot.conversation.replies import Reply
from bot.conversation.turn import Turn


def _extractor(slot: str) -> Any:
    async def extract(
        self: FormValidationAction,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        return request_form.extract_answer(slot, Turn.from_tracker(tracker))

    extract.__name__ = f"extract_{slot}"
    return extract


def _validator(slot: str) -> Any:
    async def validate(
        self: FormValidationAction,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        result = request_form.validate(slot, value, Turn.from_tracker(tracker))
        say(dispatcher, result.replies)
        return result.updates

    validate.__name__ = f"validate_{slot}"
    return validate


class ValidateRequestForm(FormValidationAction):
    """Reads and checks each answer; a wrong one is cleared and asked again."""

    def name(self) -> str:
        return "validate_request_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return request_form.required_slots(Turn.from_tracker(tracker))


# One extract_<slot> and validate_<slot> per form slot; tests check each one exists,
# because rasa-sdk silently skips a misspelt method.
for _slot in request_form.ORDER:
    setattr(ValidateRequestForm, f"extract_{_slot}", _extractor(_slot))
    setattr(ValidateRequestForm, f"validate_{_slot}", _validator(_slot))


class ActionAskConfirmed(Action):
    """Shows the summary with "send" / "correct" buttons, or asks which field to fix."""

    def name(self) -> str:
        return "action_ask_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        turn = Turn.from_tracker(tracker)
        say(dispatcher, [_confirmation_prompt(turn)])
        return []


def _confirmation_prompt(turn: Turn) -> Reply:
    """The full summary the first time and after a change; otherwise a short question."""
    already_shown = turn.previous_slots.get("requested_slot") == "confirmed"
    changed = [f for f in request_form.CORRECTABLE if turn.slot(f) != turn.previous_slots.get(f)]
    if already_shown and not changed:
        if turn.intent in ("deny", "correct_field"):
            return Reply("utter_ask_which_field", buttons=summary.correction_buttons(turn.language))
        return Reply("utter_confirm_again")
    return Reply("utter_summary", {"summary": summary.render(turn.slots, turn.language)})

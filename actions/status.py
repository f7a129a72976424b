"""Answering "what happened to TA-2026-000123?"."""

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import contact_url, say, slot_events
from bot.conversation import status
from bot.conversation.replies import Reply, echo
from bot.conversation.turn import STATUS_FORM, Turn
from bot.nlu import extract

# Emails tried for one look-up before the refusal is final: enough for a typo, too few to guess.
EMAIL_TRIES = 3


class ValidateStatusForm(FormValidationAction):
    """Asks for the reference, and for the email only when this conversation did not file it."""

    def name(self) -> str:
        return "validate_status_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if status.asks_to_withdraw(Turn.from_tracker(tracker).text):
            return []  # nothing to ask: the answer says how to withdraw it
        reference = tracker.get_slot("status_reference")
        if reference is None:
            return ["status_reference", "status_email"]
        owned = status.filed_here(reference, tracker.sender_id)
        return ["status_reference"] if owned else ["status_reference", "status_email"]

    async def extract_status_reference(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        turn = Turn.from_tracker(tracker)
        found = next(iter(turn.entity_values("reference")), None) or turn.text
        reference = status.reference_in(found) or status.reference_in(turn.text)
        if reference:
            return {"status_reference": reference}
        if turn.requested_slot == "status_reference":
            return {"status_reference": turn.text}
        # "What is the status of my request?" after filing one here: that one.
        filed = tracker.get_slot("request_reference")
        return {"status_reference": filed} if filed else {}

    async def validate_status_reference(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        reference = status.reference_in(str(value or ""))
        if reference is None:
            say(dispatcher, [Reply("utter_ask_status_reference")])
            return {"status_reference": None}
        return {"status_reference": reference}

    async def extract_status_email(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        turn = Turn.from_tracker(tracker)
        if turn.requested_slot != "status_email" or turn.interrupts:
            return {}
        email = extract.email_in(turn.text)
        if email is None and status.reference_in(turn.text):
            return {}  # the reference again, or corrected: taken as such, the email asked again
        return {"status_email": email or turn.text}

    async def validate_status_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        email = extract.email_in(str(value or ""))
        if email is None:
            say(dispatcher, [Reply("utter_invalid_email", {"value": echo(str(value), 60)})])
        return {"status_email": email}


class ActionCheckStatus(Action):
    """Answers the status of the reference asked about, then forgets the look-up."""

    def name(self) -> str:
        return "action_check_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        turn = Turn.from_tracker(tracker)
        reference = turn.slot("status_reference") or status.reference_in(turn.text)
        if status.asks_to_withdraw(turn.text):
            # Only the secretariats close a filed request; nothing about it is told here.
            say(dispatcher, [status.withdrawal_reply(turn, contact_url())])
            return _forgotten()
        if reference is None and turn.active_loop and not status.asks_after_a_request(turn.text):
            return []  # "2 and 3" while choosing: the form reads it, as a pick
        if reference is None:
            say(dispatcher, [Reply("utter_ask_status_reference")])
            return []
        if turn.active_loop and turn.active_loop != STATUS_FORM:
            # Asked in the middle of a request: answer only what needs no email.
            if not status.filed_here(reference, turn.sender_id):
                say(dispatcher, [Reply("utter_status_later", {"reference": reference})])
                return []
        email = turn.slot("status_email")
        reply = status.answer(reference, turn, email)
        if reply.response == "utter_status_unavailable" and email is not None:
            tries = int(turn.slot("status_attempts") or 0) + 1
            if tries < EMAIL_TRIES:
                # A mistyped email (or reference) is asked again rather than ending the look-up.
                say(dispatcher, [Reply("utter_status_unavailable_retry", {"reference": reference})])
                return [
                    SlotSet("status_email", None),
                    SlotSet("status_attempts", float(tries)),
                    FollowupAction("status_form"),
                ]
        say(dispatcher, [reply])
        return _forgotten()


def _forgotten() -> list[EventType]:
    """The look-up's slots cleared: it is answered, refused for good, or stopped."""
    return slot_events(dict.fromkeys(status.SLOTS))

"""Filing the confirmed request, and leaving the form without filing."""

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import contact_url, say, slot_events
from bot.conversation import filing, status, suggestions
from bot.conversation.replies import Reply, echo
from bot.conversation.request_form import IDENTITY_SLOTS, REQUEST_FORM_SLOTS
from bot.conversation.turn import (
    REQUEST_FORM,
    STATUS_FORM,
    Turn,
    answers_before_stop,
    stopped_just_before,
)

log = logging.getLogger(__name__)


def _cleared(keep: tuple[str, ...] = ()) -> dict[str, None]:
    return {name: None for name in REQUEST_FORM_SLOTS if name not in keep}


class ActionSubmitRequest(Action):
    """Files the request once and answers with its reference."""

    def name(self) -> str:
        return "action_submit_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        turn = Turn.from_tracker(tracker)
        if turn.slot("consent") is False:
            say(dispatcher, [Reply("utter_consent_declined", {"contact_url": contact_url()})])
            return slot_events(_cleared())
        if turn.slot("confirmed") is not True:
            # Reached without a confirmation (e.g. a story jumped here): ask again.
            return [ActiveLoop(REQUEST_FORM), SlotSet("requested_slot", None)]
        try:
            filed = filing.file(turn)
        except filing.ValidationError as exc:
            log.error("request form incomplete: %s", [e["loc"] for e in exc.errors()])
            return [ActiveLoop(REQUEST_FORM), SlotSet("requested_slot", None)]
        except filing.FilingError as exc:
            # Nothing was written; the answers stay so the delegate can confirm again.
            log.warning("request store unavailable (%s); asking the delegate to retry", exc)
            say(dispatcher, [Reply("utter_store_unavailable")])
            return [
                SlotSet("confirmed", None),
                ActiveLoop(REQUEST_FORM),
                SlotSet("requested_slot", "confirmed"),
            ]
        request = filed.request
        log.info("request %s filed (new=%s)", request.reference, filed.created)
        say(
            dispatcher,
            [
                Reply(
                    "utter_request_filed",
                    {"reference": request.reference, "email": echo(request.email, 320)},
                )
            ],
        )
        return [
            *slot_events(_cleared(keep=IDENTITY_SLOTS)),
            SlotSet("request_reference", request.reference),
        ]


class ActionCancelRequest(Action):
    """Stops the form, files nothing and clears the answers.

    "Cancel that one" while choosing activities takes back a choice: the form goes on and
    reads it as such (see `suggestions.removed`).
    """

    def name(self) -> str:
        return "action_cancel_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        turn = Turn.from_tracker(tracker)
        if turn.requested_slot == "activity_choice" and suggestions.removed(turn):
            return [FollowupAction(REQUEST_FORM)]
        if turn.active_loop is None and status.asks_to_withdraw(turn.text):
            # "Please withdraw my request" once it is filed: only the secretariats can.
            say(dispatcher, [status.withdrawal_reply(turn, contact_url())])
            return []
        if turn.active_loop == STATUS_FORM:
            # Only the look-up stops; a request's answers, if any, are not this form's.
            say(dispatcher, [Reply("utter_status_stopped")])
            forgotten = slot_events(dict.fromkeys(status.SLOTS))
            return [ActiveLoop(None), SlotSet("requested_slot", None), *forgotten]
        say(dispatcher, [Reply("utter_cancelled")])
        return [ActiveLoop(None), SlotSet("requested_slot", None), *slot_events(_cleared())]


def resumed(turn: Turn) -> list[EventType]:
    """The stopped request's answers back and the form on, or nothing to resume."""
    answers = answers_before_stop(turn.events, REQUEST_FORM_SLOTS)
    if turn.active_loop is not None or not answers:
        return []
    return [*slot_events(answers), FollowupAction(REQUEST_FORM)]


class ActionResumeRequest(Action):
    """ "Resume my request" after a cancel or a refused consent: the answers come back and the
    form goes on (after a refusal, with the consent question)."""

    def name(self) -> str:
        return "action_resume_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        turn = Turn.from_tracker(tracker)
        if turn.active_loop is None and status.asks_to_withdraw(turn.text):
            # "Please withdraw my request", heard as "resume my request".
            say(dispatcher, [status.withdrawal_reply(turn, contact_url())])
            return []
        back = resumed(turn)
        say(dispatcher, [Reply("utter_resumed" if back else "utter_nothing_to_resume")])
        return back


class ActionYesOutsideAQuestion(Action):
    """ "Yes" when no question is open: right after a cancel or a refused consent ("ok fine,
    yes you can file it") the request comes back; otherwise, what do you need?"""

    def name(self) -> str:
        return "action_yes_outside_a_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        turn = Turn.from_tracker(tracker)
        back = resumed(turn) if stopped_just_before(turn.events) else []
        say(dispatcher, [Reply("utter_resumed" if back else "utter_what_need")])
        return back

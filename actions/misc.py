"""Handoff to a person, starting over and changing language."""

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import contact_url, say, slot_events
from actions.requests import resumed
from bot.conversation import catalogue_questions, practical, unclear
from bot.conversation.introduction import is_introduction
from bot.conversation.replies import Reply
from bot.conversation.request_form import REQUEST_FORM_SLOTS
from bot.conversation.turn import REQUEST_FORM, Turn, stopped_just_before
from bot.nlu import extract


class ActionHandoff(Action):
    """Flags the conversation for staff and says how to reach them."""

    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        say(dispatcher, [Reply("utter_human", {"contact_url": contact_url()})])
        return [SlotSet("handoff_requested", True)]


class ActionRestartConversation(Action):
    """Clears the request in progress (not the language) and asks again what is needed."""

    def name(self) -> str:
        return "action_restart_conversation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        say(dispatcher, [Reply("utter_restarted")])
        cleared = {name: None for name in REQUEST_FORM_SLOTS}
        return [ActiveLoop(None), SlotSet("requested_slot", None), *slot_events(cleared)]


class ActionHandleUnclear(Action):
    """When Rasa is unsure of the intent, or reads small talk, but the words describe a need,
    start the request; otherwise answer the small talk or say what the assistant can do."""

    def name(self) -> str:
        return "action_handle_unclear"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        turn = Turn.from_tracker(tracker)
        if (
            extract.agrees(turn.text)  # a regex first; the events are replayed only then
            and stopped_just_before(turn.events)
            and (back := resumed(turn))
        ):
            # "hmm ok fine, yes you can file it" right after refusing the consent.
            say(dispatcher, [Reply("utter_resumed")])
            return back
        if turn.active_loop is None and (picked := catalogue_questions.pick_from_results(turn)):
            # "me interesa el segundo" after a catalogue answer, which Rasa was unsure of.
            replies, slots = picked
            say(dispatcher, replies)
            return [*slot_events(slots), FollowupAction(REQUEST_FORM)] if slots else []
        if unclear.describes_a_need(turn):
            # The message already went through slot extraction: start the form with it.
            return [*slot_events(unclear.need_fields(turn)), FollowupAction(REQUEST_FORM)]
        if turn.active_loop is None and (area := unclear.names_a_need_area(turn)):
            # The form asks for the need in a few sentences next, as after "we need vaccines".
            return [*slot_events({"need_area": area}), FollowupAction(REQUEST_FORM)]
        if turn.active_loop == REQUEST_FORM:
            # An answer Rasa could not classify ("Achats" at the kind-of-help question): the
            # form reads it next, and its own checks re-ask, specifically, when it is none.
            return [FollowupAction(REQUEST_FORM)]
        if extract.about_what_was_shown(turn.text) and (asked := turn.question_just_answered()):
            # "Great, I want to ask for help with that" after a catalogue answer.
            return [*slot_events({"description": asked}), FollowupAction(REQUEST_FORM)]
        if is_introduction(turn.text):
            # "Good morning, I work at the Ministry of Health of Kenya": office and country are
            # already taken from it; the form asks about the need next.
            return [FollowupAction(REQUEST_FORM)]
        reply = "utter_chitchat" if turn.intent == "chitchat" else "utter_default"
        say(dispatcher, [Reply(practical.question_asked(turn.text) or reply)])
        return []


class ActionOutOfScope(Action):
    """Out of scope, unless a government's need was misread as such: "quiero comprar vacunas
    para mi país" starts the request; "where can I get vaccinated?" is told what the
    assistant is for."""

    def name(self) -> str:
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        turn = Turn.from_tracker(tracker)
        if turn.active_loop is None and unclear.speaks_for_a_government(turn):
            return [*slot_events(unclear.need_fields(turn)), FollowupAction(REQUEST_FORM)]
        say(dispatcher, [Reply("utter_out_of_scope")])
        return []


class ActionNoOutsideAQuestion(Action):
    """ "No" when no question is open ends the conversation politely; "I don't know" (what to
    ask for) is answered with examples and the need areas instead of a goodbye."""

    def name(self) -> str:
        return "action_no_outside_a_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        unsure = extract.unsure(Turn.from_tracker(tracker).text)
        say(dispatcher, [Reply("utter_what_need" if unsure else "utter_goodbye")])
        return []


class ActionGoodbyePending(Action):
    """Goodbye in the middle of the request form: the answers are kept for later.

    "That's all" while picking suggested activities reads as goodbye, but means "done
    choosing": the form then goes on instead of saying goodbye.
    """

    def name(self) -> str:
        return "action_goodbye_pending"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if Turn.from_tracker(tracker).ends_choosing:
            return [FollowupAction(REQUEST_FORM)]
        say(dispatcher, [Reply("utter_goodbye_pending")])
        return []

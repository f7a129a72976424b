"""Handoff to a person, starting over and changing language."""

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import contact_url, say, slot_events
from bot.conversation.replies import Reply
from bot.conversation.request_form import REQUEST_FORM_SLOTS


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

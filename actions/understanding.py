"""`action_validate_slot_mappings`: runs after every delegate message, before any policy."""

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from actions.common import say, slot_events
from bot.conversation.turn import Turn
from bot.conversation.understand import language_notice, understand


class ActionValidateSlotMappings(ValidationAction):
    """Reads the message for language and request fields, whatever was asked."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        turn = Turn.from_tracker(tracker)
        updates: dict[str, Any] = understand(turn)
        notice, noted = language_notice(turn, updates)
        if notice is not None:
            # Sent before whatever answers the message: Rasa keeps this action's utterances.
            say(dispatcher, [notice])
        return slot_events(updates | noted)

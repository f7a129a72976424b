"""`action_validate_slot_mappings`: runs after every delegate message, before any policy."""

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from actions.common import slot_events
from bot.conversation.turn import Turn
from bot.conversation.understand import understand


class ActionValidateSlotMappings(ValidationAction):
    """Reads the message for language and request fields, whatever was asked."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        updates: dict[str, Any] = understand(Turn.from_tracker(tracker))
        return slot_events(updates)

"""Small helpers shared by the actions."""

from collections.abc import Iterable
from typing import Any

from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.conversation.replies import Reply
from bot.settings import get_settings


def say(dispatcher: CollectingDispatcher, replies: Iterable[Reply]) -> None:
    """Send each reply as its domain response, with values and any extra buttons."""
    for reply in replies:
        dispatcher.utter_message(
            response=reply.response, buttons=reply.buttons or None, **reply.values
        )


def slot_events(values: dict[str, Any]) -> list[EventType]:
    return [SlotSet(name, value) for name, value in values.items()]


def contact_url() -> str:
    return get_settings().contact_url

"""Suggestions in the form, and questions about the catalogue."""

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import say, slot_events
from bot.catalogue.loader import get_catalogue
from bot.conversation import catalogue_questions, practical, suggestions
from bot.conversation.replies import Reply
from bot.conversation.turn import REQUEST_FORM, Turn


class ActionAskActivityChoice(Action):
    """Shows the next suggestions, or what was added, with the buttons to go on."""

    def name(self) -> str:
        return "action_ask_activity_choice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        turn = Turn.from_tracker(tracker)
        shown = list(turn.slot("suggested_activity_ids") or [])
        selected = list(turn.slot("selected_activity_ids") or [])
        before = turn.previous_slots.get("selected_activity_ids") or []
        newly = [i for i in selected if i not in before]
        dropped = [i for i in before if i not in selected]
        if newly and dropped:
            # "Non, plutôt le premier": one pick in place of the other.
            replaced = _titled("utter_activity_replaced", newly, turn)
            replaced.values["removed"] = suggestions.titles(dropped, turn.language)
            say(dispatcher, [replaced])
            return []
        if newly:
            say(dispatcher, [_added(newly, turn)])
            return []
        if dropped:
            say(dispatcher, [_titled("utter_activity_removed", dropped, turn)])
            return []
        if not shown or suggestions.wants_more(turn) or suggestions.need_changed(turn):
            batch = suggestions.next_batch(turn)
            if not batch:
                buttons = suggestions.control_buttons(turn.language, bool(selected))[1:]
                say(dispatcher, [Reply("utter_no_more_suggestions", buttons=buttons)])
                return []
            first = not shown or suggestions.shown_before(batch, turn)
            say(dispatcher, [suggestions.batch_reply(batch, turn, first=first)])
            return [SlotSet("suggested_activity_ids", shown + [s.activity.id for s in batch])]
        say(dispatcher, [_pick_prompt(turn)])
        return []


def _remaining_buttons(turn: Turn) -> list[dict[str, str]]:
    """The current batch minus what is already chosen, then more / continue."""
    catalogue = get_catalogue()
    selected = set(turn.slot("selected_activity_ids") or [])
    buttons = [
        suggestions.select_button(a, turn.language)
        for i in suggestions.current_batch(turn)
        if i not in selected and (a := catalogue.get(i)) is not None
    ]
    return buttons + suggestions.control_buttons(turn.language, bool(selected))


def _added(ids: list[str], turn: Turn) -> Reply:
    return _titled("utter_activity_added", ids, turn)


def _titled(response: str, ids: list[str], turn: Turn) -> Reply:
    titles = suggestions.titles(ids, turn.language)
    return Reply(response, {"titles": titles}, _remaining_buttons(turn))


def _pick_prompt(turn: Turn) -> Reply:
    return Reply("utter_pick_prompt", buttons=_remaining_buttons(turn))


class ActionDescribeActivity(Action):
    """Answers "tell me more about …"."""

    def name(self) -> str:
        return "action_describe_activity"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        turn = Turn.from_tracker(tracker)
        if turn.requested_slot == "activity_choice" and not turn.interrupts:
            return []  # the form reads it: a pick ("le premier et le deuxième"), or details
        say(dispatcher, catalogue_questions.details_replies(turn))
        return []


class ActionAnswerPlatform(Action):
    """ "What is this platform?"; "is it free?" and "can I attach a document?"; or, when the
    question names an activity ("what does Pat-INFORMED do?", "what does the second one
    do?"), that activity's details."""

    def name(self) -> str:
        return "action_answer_platform"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        turn = Turn.from_tracker(tracker)
        if practical_answer := practical.question_asked(turn.text):
            say(dispatcher, [Reply(practical_answer)])
        elif suggestions.asks_what_chosen(turn.text):
            say(dispatcher, [suggestions.chosen_reply(turn)])
        elif catalogue_questions.names_an_activity(turn):
            say(dispatcher, catalogue_questions.details_replies(turn))
        else:
            say(dispatcher, [Reply("utter_platform")])
        return []


class ActionSearchCatalogue(Action):
    """Answers "what training does WIPO offer on patents?"."""

    def name(self) -> str:
        return "action_search_catalogue"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        turn = Turn.from_tracker(tracker)
        if turn.tells_the_need:
            # "actually it's about oxygen concentrators", "queremos capacitación sobre PI y
            # vacunas" at the need questions: the form takes it as the need
            return []
        say(dispatcher, [catalogue_questions.search_reply(turn)])
        return []


class ActionPickFromResults(Action):
    """A pick outside the form: from a catalogue list just answered it starts the request
    with that activity chosen; a suggestion button of a closed request is said to be so."""

    def name(self) -> str:
        return "action_pick_from_results"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        turn = Turn.from_tracker(tracker)
        picked = catalogue_questions.pick_from_results(turn)
        if picked is None:
            say(dispatcher, [Reply("utter_suggestions_closed")])
            return []
        replies, slots = picked
        say(dispatcher, replies)
        return [*slot_events(slots), FollowupAction(REQUEST_FORM)] if slots else []

"""Questions about the catalogue, in or outside the request form."""

from typing import Any

from bot.catalogue.intents import read_intents
from bot.catalogue.labels import FORMAT_LABELS, PAST_NOTE, label
from bot.catalogue.loader import get_catalogue
from bot.catalogue.ranking import search
from bot.catalogue.schema import Activity
from bot.conversation import suggestions
from bot.conversation.replies import Reply
from bot.conversation.turn import REQUEST_FORM, Turn
from bot.nlu import extract

MAX_RESULTS = 5


def search_reply(turn: Turn) -> Reply:
    """Activities matching "what training does WIPO offer on patents?"."""
    found = _results(turn.words_text, turn.language, turn.slot("member_status"))
    # In the request form the form's own question follows, not an invitation to describe.
    suffix = "_in_form" if turn.active_loop == REQUEST_FORM else ""
    if not found:
        return Reply(f"utter_catalogue_empty{suffix}")
    lines = [_result_line(a, turn.language) for a in found[:MAX_RESULTS]]
    return Reply(f"utter_catalogue_results{suffix}", {"results": "\n".join(lines)})


def _results(text: str, language: str, member_status: str | None) -> list[Activity]:
    organizations = [o for o in extract.organizations(text) if o != "not_sure"]
    topics = extract.topics(text)
    areas = extract.need_areas(text)
    # "Cursos" asks for any kind of course (training, online course, workshop).
    kinds = read_intents(text).formats
    organization = organizations[0] if len(organizations) == 1 else None
    topic = topics[0] if topics else None
    area = areas[0] if areas else None

    def matching(q: str) -> list[Activity]:
        return search(
            q,
            organization=organization,
            topic=topic,
            need_area=area,
            formats=kinds,
            language=language,
        )

    found = matching(text)
    if not found and any((organization, topic, area, kinds)):
        # The words matched nothing specific: the filters alone still answer the question.
        found = matching("")
    # A WTO member is not pointed to what is reserved to acceding governments.
    return [a for a in found if a.open_to(member_status)]


# A list answered outside the form stays open for this many of the delegate's messages
# ("tell me more about the second", then "I'd like that one").
LIST_OPEN_FOR = 3


def listed_results(turn: Turn) -> tuple[str, list[str]] | None:
    """The question and the activity ids of the catalogue list answered outside the form in
    the delegate's last few messages, if nothing else was listed or asked since."""
    seen_users = 0
    question_at: int | None = None
    for i in range(len(turn.events) - 1, -1, -1):
        event = turn.events[i]
        kind = event.get("event")
        if kind == "active_loop" and event.get("name"):
            return None  # a form ran since: its own lists are the ones to pick from
        if kind == "user":
            seen_users += 1
            if question_at is not None:
                question = str(event.get("text") or "").strip()
                found = _results(question, turn.language, turn.slot("member_status"))
                return (question, [a.id for a in found[:MAX_RESULTS]]) if found else None
            if seen_users > LIST_OPEN_FOR:
                return None
        if kind == "bot" and question_at is None:
            action = (event.get("metadata") or {}).get("utter_action")
            if action == "utter_catalogue_results":
                question_at = i
    return None


def pick_from_results(turn: Turn) -> tuple[list[Reply], dict[str, Any]] | None:
    """A pick from a catalogue list answered outside the form ("me interesa el segundo"):
    the reply and the slots that start a request with it chosen (no slots when the delegate
    asks about one instead); None when it is neither."""
    listed = listed_results(turn)
    if listed is None:
        return None if turn.is_payload else _named_outside_a_list(turn)
    question, ids = listed
    words = turn.words_text
    if suggestions.asks_details(words):
        # "cuénteme más sobre el tercero", even when Rasa took it for a pick.
        return details_replies(turn, ids), {}
    # By place or by title only: a word the list shares ("help", "patents") is no pick here.
    chosen = [i for i in turn.entity_values("activity") if i in ids] or (
        suggestions.ordinal_choice(words, ids) or suggestions.named_choice(words, ids)
    )
    if not chosen:
        return None
    return _start_with(turn, question, ids, chosen)


def _named_outside_a_list(turn: Turn) -> tuple[list[Reply], dict[str, Any]] | None:
    """One activity called by its proper name with no list open: "¿Qué es el HTAP?" gets its
    details, "me interesa el MPP para Ecuador" starts a request with it chosen."""
    if (one := suggestions.the_one_named(turn.text)) is None:
        return None
    named = [one]
    words = turn.words_text
    if (
        suggestions.asks_details(words)
        or suggestions.asks_what(words)
        or extract.is_question(turn.text)
    ):
        return details_replies(turn, named), {}
    if suggestions.takes_it(words) or turn.intent == "select_activity":
        return _start_with(turn, turn.text, named, named)
    return None


def _start_with(
    turn: Turn, question: str, ids: list[str], chosen: list[str]
) -> tuple[list[Reply], dict[str, Any]]:
    """The reply and the slots that start a request with `chosen` picked among `ids`."""
    catalogue = get_catalogue()
    activities = [a for a in (catalogue.get(i) for i in chosen) if a is not None]
    slots: dict[str, Any] = {
        "suggested_activity_ids": ids,
        "selected_activity_ids": [a.id for a in activities],
        "activity_choice": suggestions.DONE,
    }
    if not turn.slot("description"):
        slots["description"] = question
    areas = {area for a in activities for area in a.need_areas}
    if not turn.slot("need_area") and len(areas) == 1:
        slots["need_area"] = areas.pop()
    titles = "; ".join(a.title.get(turn.language) for a in activities)
    return [Reply("utter_picked_from_results", {"titles": titles})], slots


def _result_line(activity: Activity, language: str) -> str:
    orgs = suggestions.org_names(activity, language)
    kind = label(FORMAT_LABELS, activity.format, language)
    note = f" _{PAST_NOTE[language]}_" if not activity.is_open else ""
    title, summary = activity.title.get(language), activity.summary.get(language)
    return f"- **{title}** — {orgs} · {kind}: {summary}{note}"


def details_replies(turn: Turn, listed: list[str] | None = None) -> list[Reply]:
    """Details of the activity the delegate asks about: by ordinal, title or id (`listed`:
    the catalogue answer's ids, when the caller already has them); of each one named when
    they compare ("¿cuál es la diferencia entre la primera y la segunda?")."""
    if suggestions.compares(turn.words_text):
        named = suggestions.ordinal_choice(turn.words_text, _batch_in_view(turn, listed))
        catalogue = get_catalogue()
        compared = [a for a in (catalogue.get(i) for i in named) if a is not None]
        if len(compared) >= 2:
            return [
                Reply("utter_activity_details", suggestions.details(a, turn.language))
                for a in compared
            ]
    activity = which_activity(turn, listed)
    if activity is None:
        return [Reply("utter_which_activity")]
    return [Reply("utter_activity_details", suggestions.details(activity, turn.language))]


def names_an_activity(turn: Turn) -> bool:
    """Whether the message names one activity: by its proper name ("Pat-INFORMED", "the
    MPP"), or by its place or title in the list on screen."""
    if suggestions.the_one_named(turn.text) is not None:
        return True
    batch = suggestions.current_batch(turn)
    words = turn.words_text
    chosen = suggestions.ordinal_choice(words, batch) or suggestions.named_choice(words, batch)
    return len(chosen) == 1


def _batch_in_view(turn: Turn, listed: list[str] | None) -> list[str]:
    """The activities an ordinal points at: the suggestions on screen, else the catalogue
    answer's list ("tell me more about the second" after one); `listed` when known."""
    if batch := suggestions.current_batch(turn):
        return batch
    if listed is None:
        answered = listed_results(turn)
        listed = answered[1] if answered else []
    return listed


def which_activity(turn: Turn, listed: list[str] | None = None) -> Activity | None:
    catalogue = get_catalogue()
    for value in turn.entity_values("activity"):
        if (found := catalogue.get(value)) is not None:
            return found
    batch = _batch_in_view(turn, listed)
    words = " ".join([turn.words_text, *turn.entity_values("activity")])
    chosen = (
        suggestions.ordinal_choice(words, batch)
        or suggestions.named_choice(words, batch)
        or suggestions.mentioned_choice(words, batch)
    )
    if not chosen and (last := suggestions.just_mentioned(turn)) and suggestions.says_it(words):
        chosen = [last]  # "what is it exactly?" right after it was added or described
    if not chosen:
        everything = [a.id for a in catalogue.activities]
        chosen = suggestions.named_choice(words, everything) or suggestions.proper_named(
            words, everything
        )
    return catalogue.get(chosen[0]) if chosen else None

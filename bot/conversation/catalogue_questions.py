"""Questions about the catalogue, in or outside the request form."""

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
    text = turn.words_text
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
            language=turn.language,
        )

    found = matching(text)
    if not found and any((organization, topic, area, kinds)):
        # The words matched nothing specific: the filters alone still answer the question.
        found = matching("")
    # A WTO member is not pointed to what is reserved to acceding governments.
    found = [a for a in found if a.open_to(turn.slot("member_status"))]
    # In the request form the form's own question follows, not an invitation to describe.
    suffix = "_in_form" if turn.active_loop == REQUEST_FORM else ""
    if not found:
        return Reply(f"utter_catalogue_empty{suffix}")
    lines = [_result_line(a, turn.language) for a in found[:MAX_RESULTS]]
    return Reply(f"utter_catalogue_results{suffix}", {"results": "\n".join(lines)})


def _result_line(activity: Activity, language: str) -> str:
    orgs = suggestions.org_names(activity, language)
    kind = label(FORMAT_LABELS, activity.format, language)
    note = f" _{PAST_NOTE[language]}_" if not activity.is_open else ""
    title, summary = activity.title.get(language), activity.summary.get(language)
    return f"- **{title}** — {orgs} · {kind}: {summary}{note}"


def details_reply(turn: Turn) -> Reply:
    """Details of the activity the delegate asks about: by ordinal, title or id."""
    activity = which_activity(turn)
    if activity is None:
        return Reply("utter_which_activity")
    return Reply("utter_activity_details", suggestions.details(activity, turn.language))


def which_activity(turn: Turn) -> Activity | None:
    catalogue = get_catalogue()
    for value in turn.entity_values("activity"):
        if (found := catalogue.get(value)) is not None:
            return found
    batch = suggestions.current_batch(turn)
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

"""The request form: which slot to ask next, how to read an answer, how to check it."""

import re
from dataclasses import dataclass, field
from typing import Any

from bot.catalogue.schema import TOPICS
from bot.catalogue.text import content_words
from bot.conversation import catalogue_questions, practical, suggestions
from bot.conversation.introduction import is_introduction
from bot.conversation.people import a_persons_name, an_office, outside_government, reads_as_words
from bot.conversation.replies import Reply, echo
from bot.conversation.turn import Turn
from bot.conversation.understand import FREE_TEXT_SLOTS, NEED_AREAS
from bot.i18n import field_label, join_values, value_label
from bot.members import MemberMatch, get_directory
from bot.nlu import extract
from bot.nlu.text import fold, words

ORGANIZATIONS = ("WHO", "WIPO", "WTO")
NOT_SURE = "not_sure"
# The order questions are asked in; slots already filled are skipped.
ORDER = (
    "need_area",
    "description",
    "focus",
    "activity_choice",
    "member",
    "institution",
    "requester_name",
    "email",
    "organizations",
    "consent",
    "confirmed",
)
# Fields a delegate can correct from the summary, in the order they are listed.
CORRECTABLE = (
    "member",
    "requester_name",
    "institution",
    "email",
    "need_area",
    "description",
    "activity_choice",
    "organizations",
)
# Everything that belongs to one request; cleared after filing, cancelling or declining.
REQUEST_FORM_SLOTS = (
    *ORDER,
    "member_status",
    "topics",
    "timeline",
    "prior_assistance",
    "expected_outcome",
    "suggested_activity_ids",
    "selected_activity_ids",
)
# Kept after filing so a second request in the same conversation need not ask again.
IDENTITY_SLOTS = ("member", "member_status", "institution", "requester_name", "email")


@dataclass
class Validation:
    """Slot values to set and what to say about them."""

    updates: dict[str, Any] = field(default_factory=dict)
    replies: list[Reply] = field(default_factory=list)


def required_slots(turn: Turn) -> list[str]:
    """The form's slots, trimmed to the situation.

    The suggestions step is skipped when nothing in the catalogue fits; a declined consent
    ends the form without a confirmation.
    """
    order = list(ORDER)
    if turn.slot("focus") is None and not needs_focus(turn):
        order.remove("focus")
    if turn.slot("activity_choice") is None and not suggestions.has_suggestions(turn):
        order.remove("activity_choice")
    if turn.slot("consent") is False:
        order.remove("confirmed")
    return order


def needs_focus(turn: Turn) -> bool:
    """A need told only by its area ("vaccines for my country") is asked what kind of help,
    before suggestions are ranked on it; topics already known answer that."""
    description = turn.slot("description")
    return (
        bool(turn.slot("need_area") and description)
        and not turn.slot("topics")
        and extract.is_vague_need(str(description))
    )


def extract_answer(slot: str, turn: Turn) -> dict[str, Any]:
    """Read the answer to the question the form asked; other slots are left alone."""
    if turn.requested_slot != slot or turn.interrupts:
        return {}
    if slot in FREE_TEXT_SLOTS and _about_something_else(turn, slot):
        return {}
    reader = _READERS.get(slot)
    return reader(turn) if reader else {}


def _about_something_else(turn: Turn, slot: str) -> bool:
    """A described need or a correction of another field is not this question's answer."""
    if turn.describes_need:
        return True
    corrected = [f for f in _changed_fields(turn) if f != slot]
    if "email" in corrected and extract.email_in(turn.text):
        return True  # an email given early is the email, taken by `understand`
    if "organizations" in corrected and (
        extract.preferred_organizations(turn.words_text)
        or "organizations" in extract.fields_named(turn.words_text)
        or extract.only_organizations(turn.words_text)
    ):
        return True  # "I'd rather talk to WTO" is not a name, an institution or an email
    return bool(corrected) and turn.intent in ("correct_field", "deny", "describe_need")


def _read_need_area(turn: Turn) -> dict[str, Any]:
    areas = [a for a in turn.entity_values("need_area") if a in NEED_AREAS]
    areas = areas or extract.need_areas(turn.words_text)
    return {"need_area": areas[0] if areas else turn.text}


def _read_text(slot: str) -> Any:
    def read(turn: Turn) -> dict[str, Any]:
        if turn.is_payload or turn.slot(slot) != turn.previous_slots.get(slot):
            return {}  # a button, or already read from the same message
        return {slot: turn.text}

    return read


def _read_focus(turn: Turn) -> dict[str, Any]:
    """A topic button, or words (read for topics by `understand`, which also adds them to the
    description when they say more about the need)."""
    if turn.is_payload:
        chosen = [t for t in turn.entity_values("topic") if t in TOPICS or t == NOT_SURE]
        return {"focus": ",".join(chosen)} if chosen else {}
    return {"focus": turn.text}


def _read_activity_choice(turn: Turn) -> dict[str, Any]:
    """A pick, "more", "none of these", "continue" — or moving on to other details."""
    if dropped := suggestions.removed(turn):
        return {"activity_choice": REMOVE + ",".join(dropped)}
    if suggestions.wants_more(turn):
        return {"activity_choice": MORE}
    if not turn.is_payload and suggestions.asks_what_chosen(turn.text):
        return {"activity_choice": CHOSEN}
    if not turn.is_payload and (
        suggestions.asks_details(turn.text)
        or (suggestions.asks_what(turn.text) and catalogue_questions.which_activity(turn))
    ):
        return {"activity_choice": DETAILS}
    chosen = suggestions.picked(turn)
    if chosen.unknown:
        return {"activity_choice": UNKNOWN + ",".join(chosen.unknown)}
    if chosen.ids:
        return {"activity_choice": PICK + ",".join(chosen.ids)}
    if ended := suggestions.finished(turn):
        return {"activity_choice": ended}
    if suggestions.need_changed(turn):
        # "Actually it's about vaccines", or more about the need: show what fits it now
        # (the form asks again).
        return {"activity_choice": MORE}
    if _changed_fields(turn) or turn.describes_need:
        # The delegate went on with other details: take that as "none for now".
        return {
            "activity_choice": suggestions.DONE
            if turn.slot("selected_activity_ids")
            else suggestions.NONE
        }
    if extract.preferred_organizations(turn.text):
        return {}  # "WTO only", already heard: the list already puts WTO first
    return {"activity_choice": turn.text}


def _read_email(turn: Turn) -> dict[str, Any]:
    if turn.slot("email") != turn.previous_slots.get("email"):
        return {}
    return {"email": extract.email_in(turn.text) or turn.text}


def _read_organizations(turn: Turn) -> dict[str, Any]:
    # Rasa's entities and our lexicon each miss some mentions ("WIPO and WTO"): use both.
    chosen = [
        *turn.entity_values("organization"),
        *extract.organizations(turn.words_text, answer=True),
    ]
    if not chosen and [f for f in _changed_fields(turn) if f != "organizations"]:
        return {}  # a corrected email or name, not an answer: acknowledged, then asked again
    if not chosen and extract.yes_or_no(turn.words_text) is False:
        chosen = ["not_sure"]  # a bare "no" to "which ones, or shall they decide?"
    return {"organizations": list(dict.fromkeys(chosen)) or [turn.text]}


def _read_yes_no(slot: str) -> Any:
    def read(turn: Turn) -> dict[str, Any]:
        answer = extract.yes_or_no(turn.words_text)
        if answer is not True and [f for f in _changed_fields(turn) if f != slot]:
            # "non, en fait c'est pour les vaccins": a correction, acknowledged, then the
            # question again; never taken as a refusal.
            return {}
        if turn.intent == "affirm":
            return {slot: True}
        if turn.intent == "deny":
            return {slot: False}
        return {slot: turn.text if answer is None else answer}

    return read


def _read_confirmation(turn: Turn) -> dict[str, Any]:
    """Yes files; anything else reopens the fields the delegate named or changed."""
    if turn.intent == "affirm" or extract.yes_or_no(turn.words_text) is True:
        if not _changed_fields(turn):
            return {"confirmed": True}
    named = [f for f in turn.entity_values("field") if f in CORRECTABLE]
    named += [f for f in extract.fields_named(turn.words_text) if f in CORRECTABLE]
    changed = _changed_fields(turn)
    reopen = [f for f in dict.fromkeys(named) if f not in changed]
    if reopen:
        return {"confirmed": REOPEN + ",".join(reopen)}
    if not changed and turn.intent not in ("deny", "correct_field"):
        if extract.yes_or_no(turn.words_text) is not False:
            return {"confirmed": turn.text}  # neither yes nor a correction: asked again
    return {"confirmed": None}


def _changed_fields(turn: Turn) -> list[str]:
    return [f for f in CORRECTABLE if turn.slot(f) != turn.previous_slots.get(f)]


_READERS = {
    "need_area": _read_need_area,
    "description": _read_text("description"),
    "focus": _read_focus,
    "activity_choice": _read_activity_choice,
    "member": _read_text("member"),
    "institution": _read_text("institution"),
    "requester_name": _read_text("requester_name"),
    "email": _read_email,
    "organizations": _read_organizations,
    "consent": _read_yes_no("consent"),
    "confirmed": _read_confirmation,
}


# --- validation -----------------------------------------------------------------------


def validate(slot: str, value: Any, turn: Turn) -> Validation:
    """Normalise `value` for `slot`, or clear it with a specific re-ask."""
    if value is None:
        return Validation({slot: None})
    if slot in _NEVER_QUESTIONS and turn.requested_slot == slot and extract.is_question(turn.text):
        # "Ghana?" is an unsure answer, not a question: a government is recognised exactly.
        bare = turn.text.strip(" ?¿")
        if slot != "member" or get_directory().resolve(bare) is None:
            return Validation({slot: None}, [_answer_to_question(turn)])
        value = bare
    check = _CHECKS.get(slot)
    result = check(value, turn) if check else Validation({slot: value})
    _acknowledge_change(slot, result, turn)
    return result


# Answers a name, an office or a government never is: a question typed there is answered
# (when Rasa saw it was near a question it knows) and the field asked again.
_NEVER_QUESTIONS = frozenset({"member", "institution", "requester_name"})
_QUESTION_ANSWERS = {
    "ask_platform": "utter_platform",
    "ask_privacy": "utter_privacy",
    "bot_challenge": "utter_bot_challenge",
}
# How near a known question an unclassified message must come to get its answer.
QUESTION_FLOOR = 0.3


def _a_question_about_nothing(text: str) -> bool:
    """ "cuál es la diferencia?" at the description question: a question that names no area,
    topic or product is not an account of the need ("how do we issue a compulsory licence?"
    is)."""
    if not extract.is_question(text) or extract.need_areas(text) or extract.topics(text):
        return False
    return len(content_words(text)) < 5


def _answer_to_question(turn: Turn) -> Reply:
    answer = practical.question_asked(turn.text)
    answer = answer or _QUESTION_ANSWERS.get(turn.closest_intent(QUESTION_FLOOR) or "")
    return Reply(answer or "utter_question_not_answer")


def _acknowledge_change(slot: str, result: Validation, turn: Turn) -> None:
    """Say so when a volunteered answer replaces one given earlier."""
    new, old = result.updates.get(slot), turn.previous_slots.get(slot)
    # A preference stated while another question is open is confirmed even the first time,
    # or the question asked again would look as if it had not been heard.
    volunteered = (
        slot == "organizations" and turn.requested_slot in (*IDENTITY_SLOTS, "activity_choice")
    ) or (slot == "email" and turn.requested_slot in ("member", "institution", "requester_name"))
    if slot not in CORRECTABLE or new is None or new == old or (old is None and not volunteered):
        return
    if isinstance(new, str) and isinstance(old, str) and new.casefold() == old.casefold():
        return  # the same answer, only tidied ("ministry of health" -> "Ministry of health")
    if turn.requested_slot in (slot, "confirmed"):
        return  # the question itself or the summary's correction: the re-ask shows it
    if slot == "description" and isinstance(old, str) and str(new).startswith(old):
        return  # more about the need, added to it: repeating the whole text helps nobody
    shown = (
        join_values(new, turn.language)
        if isinstance(new, list)
        else value_label(str(new), turn.language)
    )
    result.replies.append(
        Reply(
            "utter_field_updated", {"field": field_label(slot, turn.language), "value": echo(shown)}
        )
    )


_ALL_OF_THEM = re.compile(
    r"\b(?:all|both|several|every|tous|toutes|les trois|plusieurs|todos|todas|las tres"
    r"|los tres|varias|varios|ambos|ambas)\b"
)


def _need_area(value: Any, turn: Turn) -> Validation:
    if value in NEED_AREAS:
        return Validation({"need_area": value})
    areas = extract.need_areas(str(value))
    if areas:
        return Validation({"need_area": areas[0]})
    # "The second one", "la primera": the buttons, in the order they are shown.
    shown = suggestions.ordinal_choice(str(value), list(NEED_AREAS))
    if len(shown) == 1 and len(words(str(value))) <= 5:
        return Validation({"need_area": shown[0]})
    if (
        extract.unsure(str(value))
        or _leaves_it_open(str(value))
        or _ALL_OF_THEM.search(fold(str(value)))
    ):
        # "Not sure", "all of them": the form needs one; say how to choose.
        return Validation({"need_area": None}, [Reply("utter_need_area_unsure")])
    return Validation({"need_area": None}, [Reply("utter_invalid_need_area")])


def _only_unsure(text: str) -> bool:
    """ "Aucune idée", "not sure, something with vaccines": unsure, and saying little else; not
    "we want to make them ourselves but don't know where to start", which is the need."""
    if not extract.unsure(text) or extract.topics(text):
        return False
    return len(content_words(extract.without_unsure(text))) <= 3


def _description(value: Any, turn: Turn) -> Validation:
    text = str(value).strip()
    area = turn.slot("need_area")
    if area in NEED_AREAS and _only_unsure(text) and turn.requested_slot == "description":
        # "Aucune idée": the area is all there is; the kind of help is asked next.
        return Validation({"description": value_label(area, turn.language)})
    if turn.requested_slot == "description" and _a_question_about_nothing(text):
        return Validation({"description": None}, [_answer_to_question(turn)])
    # An email address alone ("lucia.gomez@cancilleria.gob.ar") says nothing of the need.
    words_besides_email = extract.EMAIL.sub(" ", text)
    if not extract.is_substantive(words_besides_email) or is_introduction(text):
        return Validation({"description": None}, [Reply("utter_invalid_description")])
    updates: dict[str, Any] = {"description": text[:4000]}
    # The description also tells which topics to route on.
    known = list(turn.slot("topics") or [])
    if new := [t for t in extract.topics(text) if t not in known]:
        updates["topics"] = known + new
    if turn.slot("need_area") is None and (areas := extract.need_areas(text)):
        updates["need_area"] = areas[0]
    first = turn.previous_slots.get("description") is None
    return Validation(updates, [_FOR_GOVERNMENTS] if first and outside_government(text) else [])


# Said once, when the writer names a body other than a government (UNICEF, an NGO, a firm).
_FOR_GOVERNMENTS = Reply("utter_for_governments")


def _focus(value: Any, turn: Turn) -> Validation:
    """Topics from a button or from words; anything else means "just show me" (the question
    is asked once: suggestions then rank on the need as told)."""
    text = str(value)
    said = [t for t in text.split(",") if t in TOPICS] if turn.is_payload else extract.topics(text)
    known = list(turn.slot("topics") or [])
    # Words may have had their topics read already (by `understand`); a button has its own.
    if extract.unsure(text) or not (said or (known and not turn.is_payload)):
        return Validation({"focus": NOT_SURE})
    return Validation({"focus": text[:500], "topics": known + [t for t in said if t not in known]})


# How readers tell validators what happened. rasa-sdk keeps only the slots a validator
# returns (what an extractor returns for other slots is dropped), so side effects such as
# "also clear member_status" happen in the validators.
MORE, PICK, UNKNOWN, REOPEN, DETAILS = "more", "pick:", "unknown:", "reopen:", "details"
CHOSEN = "chosen"
REMOVE = "remove:"
# Clearing a field for correction also clears what was derived from it.
_REOPENS: dict[str, dict[str, Any]] = {
    "member": {"member": None, "member_status": None},
    "activity_choice": {"activity_choice": None, "selected_activity_ids": []},
}


def _activity_choice(value: Any, turn: Turn) -> Validation:
    text = str(value)
    if text in (suggestions.DONE, suggestions.NONE):
        unsure = text == suggestions.NONE and extract.unsure(turn.words_text)
        return Validation(
            {"activity_choice": text}, [Reply("utter_secretariats_will_advise")] if unsure else []
        )
    if text == MORE:
        return Validation({"activity_choice": None})
    if text.startswith(PICK):
        chosen = list(turn.slot("selected_activity_ids") or [])
        picks = text.removeprefix(PICK).split(",")
        new = [i for i in picks if i not in chosen]
        if not new:
            # "La primera" again, once it is chosen: say so rather than show the list again.
            titles = suggestions.titles(picks, turn.language)
            return Validation(
                {"activity_choice": None}, [Reply("utter_already_chosen", {"titles": titles})]
            )
        if chosen and suggestions.replaces(turn.words_text):
            chosen.pop()  # "non, plutôt le premier": the last pick gives way
        chosen += new
        return Validation({"activity_choice": None, "selected_activity_ids": chosen})
    if text.startswith(REMOVE):
        dropped = set(text.removeprefix(REMOVE).split(","))
        chosen = [i for i in turn.slot("selected_activity_ids") or [] if i not in dropped]
        return Validation({"activity_choice": None, "selected_activity_ids": chosen})
    if text.startswith(UNKNOWN):
        return Validation({"activity_choice": None}, [Reply("utter_unknown_activity")])
    if text == CHOSEN:
        return Validation({"activity_choice": None}, [suggestions.chosen_reply(turn)])
    if text == DETAILS:
        # The same answer as the "tell me more" rule gives when the NLU hears the question.
        return Validation({"activity_choice": None}, catalogue_questions.details_replies(turn))
    if extract.is_question(text):
        # "¿Es gratis?": a question about no activity gets an answer, not "which activity?".
        return Validation({"activity_choice": None}, [_answer_to_question(turn)])
    return Validation({"activity_choice": None}, [Reply("utter_invalid_activity_choice")])


def _office_answer(value: Any) -> str:
    """An answer naming an office, without its lead-in ("I work at the") or end punctuation."""
    return extract.institution_answer(" ".join(str(value).split()).strip(" .,!"))


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _a_listed_name(text: str, match: MemberMatch | None) -> str | None:
    """A person's name typed with the office at the government question ("Jorge Peruzzi -
    Ministerio de Salud"), or taken for a government: "Marie Kouassi" is two letters from
    "Maurice", so a typo match that covers fewer words than the capitalised name it was found
    in is the name."""
    if match is not None and match.exact:
        return None
    for part in _LISTED.split(text):
        name = a_persons_name(part)
        if name is None:
            continue
        if match is None:
            return name
        if len(name.split()) > len(match.matched.split()):
            if (found := get_directory().resolve(part)) and found.member == match.member:
                return name
    return None


_LISTED = re.compile(r"\s*(?:[,;/()|\n]|\s[-–—]\s)\s*")


def _member(value: Any, turn: Turn) -> Validation:
    match = get_directory().resolve(str(value))
    name = _a_listed_name(str(value), match)
    office = _office_answer(value)
    if name is not None:
        match, office = None, extract.institution(str(value)) or office  # the name set apart
    if turn.slot("institution") is None and an_office(office):
        if match is None:
            updates = {"member": None, "member_status": None, "institution": _capitalised(office)}
            if name is not None and turn.slot("requester_name") is None:
                updates["requester_name"] = name  # "Marie Kouassi, Ministère de la Santé"
            return Validation(
                updates, [Reply("utter_office_noted", {"institution": echo(office, 80)})]
            )
        if match.exact and fold(office) != fold(match.matched):
            # "Ministry of Health of Ghana": the government, and where the delegate works.
            return Validation(
                {
                    "member": match.member.name,
                    "member_status": match.member.status,
                    "institution": _capitalised(office),
                }
            )
    if match is None:
        name = a_persons_name(str(value))
        if name is not None and turn.slot("requester_name") is None:
            # "Ion Popescu" at the government question: kept as the name, government asked again.
            return Validation(
                {"member": None, "member_status": None, "requester_name": name},
                [Reply("utter_name_noted_government", {"requester_name": echo(name, 80)})],
            )
        return Validation(
            {"member": None, "member_status": None},
            [Reply("utter_invalid_member", {"value": echo(str(value), 60)})],
        )
    return Validation({"member": match.member.name, "member_status": match.member.status})


# Words that steer the conversation, never an institution's name ("continue" typed at the
# institution question after choosing activities).
_NOT_AN_INSTITUTION = frozenset(
    {
        *("continue", "continuer", "continuar", "next", "suivant", "siguiente", "skip"),
        *("ok", "okay", "yes", "no", "oui", "non", "si", "done", "none", "aucune", "ninguna"),
        *("ninguno", "thanks", "merci", "gracias"),
    }
)


def _just_a_country(text: str) -> bool:
    """ "Centrafrique" answers which government, not which ministry; "European Commission"
    names both, and is an office."""
    match = get_directory().resolve(text)
    exact = match is not None and match.exact and fold(match.matched) == fold(text)
    return exact and not an_office(text)


def _leaves_it_open(text: str) -> bool:
    return extract.organizations(text, answer=True) == [NOT_SURE]


def _institution(value: Any, turn: Turn) -> Validation:
    result = _an_institution(value, turn)
    described = str(turn.previous_slots.get("description") or "")
    if (
        result.updates.get("institution")
        and described
        and not outside_government(described)
        and outside_government(str(value))
    ):
        result.replies.append(_FOR_GOVERNMENTS)  # "UNICEF Malawi", typed at the question
    return result


def _an_institution(value: Any, turn: Turn) -> Validation:
    text = _office_answer(value)
    if (
        len(text) < 2
        or len(text) > 300
        or "@" in text
        or not any(ch.isalpha() for ch in text)
        or fold(text) in _NOT_AN_INSTITUTION
        or _just_a_country(text)
        or extract.only_organizations(text)  # which organizations to ask, not an office
        # "any of them is fine", "je ne sais pas": no office has such a name
        or (not an_office(text) and (extract.unsure(text) or _leaves_it_open(text)))
    ):
        return Validation({"institution": None}, [Reply("utter_invalid_institution")])
    office = extract.institution(text)
    listed = _a_listed_name(text, None) if office and office != text else None
    if office and listed is not None:
        # "Marie Kouassi, Ministère de la Santé": the office, and the name beside it.
        updates = {"institution": _capitalised(office)}
        if turn.slot("requester_name") is None:
            updates["requester_name"] = listed
        return Validation(updates)
    name = a_persons_name(str(value))
    if name is not None:
        if turn.slot("requester_name") is None:
            # Kept as the name (not asked again); the office is asked once more. Sending the
            # same words again says they are the office's name after all (below).
            return Validation(
                {"institution": None, "requester_name": name},
                [Reply("utter_name_noted", {"requester_name": echo(name, 80)})],
            )
        if fold(turn.slot("requester_name")) == fold(name):
            return Validation({"institution": _capitalised(text), "requester_name": None})
    return Validation({"institution": _capitalised(text)})


def _requester_name(value: Any, turn: Turn) -> Validation:
    name = extract.person_name(str(value))
    typed = extract.name_as_typed(str(value)) or ""
    # "Zimbabwe" answers which government, not who is writing (the institution check, too);
    # "et la formation en biofabrication aussi" is about an activity.
    if (
        name is None
        or _just_a_country(name)
        or (not extract.says_a_name(str(value)) and reads_as_words(typed))
    ):
        return Validation({"requester_name": None}, [Reply("utter_invalid_requester_name")])
    return Validation({"requester_name": name})


def _email(value: Any, turn: Turn) -> Validation:
    email = extract.email_in(str(value))
    name = a_persons_name(str(value)) if email is None else None
    current = turn.slot("requester_name")
    if name is not None and current and fold(name) != fold(str(current)):
        # "Amina López" after "Amina": the full name, a correction; the email is asked again.
        result = Validation({"email": None, "requester_name": name})
        _acknowledge_change("requester_name", result, turn)
        return result
    if email is None:
        return Validation(
            {"email": None}, [Reply("utter_invalid_email", {"value": echo(str(value), 60)})]
        )
    return Validation({"email": email})


def _organizations(value: Any, turn: Turn) -> Validation:
    chosen: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        item = str(item)
        if item in ORGANIZATIONS or item == "not_sure":
            chosen.append(item)
        elif item == "all":
            chosen.extend(ORGANIZATIONS)
        else:
            chosen.extend(extract.organizations(item, answer=True))
    named = [o for o in dict.fromkeys(chosen) if o in ORGANIZATIONS]
    if named:
        return Validation({"organizations": named})
    if "not_sure" in chosen:
        return Validation({"organizations": ["not_sure"]})
    return Validation({"organizations": None}, [Reply("utter_invalid_organizations")])


def _consent(value: Any, turn: Turn) -> Validation:
    if value is True:
        return Validation({"consent": True})
    if value is False:
        # Nothing is filed; actions/requests.py says how else to reach the secretariats.
        return Validation({"consent": False})
    return Validation({"consent": None}, [Reply("utter_invalid_consent")])


def _confirmed(value: Any, turn: Turn) -> Validation:
    if value is True:
        return Validation({"confirmed": True})
    if isinstance(value, str) and value.startswith(REOPEN):
        reopened: dict[str, Any] = {"confirmed": None}
        for name in value.removeprefix(REOPEN).split(","):
            reopened |= _REOPENS.get(name, {name: None})
        return Validation(reopened)
    if isinstance(value, str):
        return Validation({"confirmed": None}, [Reply("utter_invalid_confirmed")])
    return Validation({"confirmed": None})


_CHECKS = {
    "need_area": _need_area,
    "description": _description,
    "focus": _focus,
    "activity_choice": _activity_choice,
    "member": _member,
    "institution": _institution,
    "requester_name": _requester_name,
    "email": _email,
    "organizations": _organizations,
    "consent": _consent,
    "confirmed": _confirmed,
}

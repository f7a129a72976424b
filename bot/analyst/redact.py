"""Remove personal data from delegates' messages before an analyst (or the training data) sees them.

Three kinds of personal data are replaced by placeholders: email addresses, phone numbers and
the answers the delegate gave to the request form's personal questions in that conversation
(name, institution, email), wherever they appear in the conversation's messages.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

EMAIL = "[EMAIL]"
PHONE = "[PHONE]"
NAME = "[NAME]"
INSTITUTION = "[INSTITUTION]"
PLACEHOLDERS = (EMAIL, PHONE, NAME, INSTITUTION)

# Slots of the request and status forms that hold a delegate's own answers.
PERSONAL_SLOTS = {
    "requester_name": NAME,
    "institution": INSTITUTION,
    "email": EMAIL,
    "status_email": EMAIL,
}
# Entities whose value is personal whatever the slot mapping did with it.
PERSONAL_ENTITIES = {"email": EMAIL, "person": NAME, "PERSON": NAME, "name": NAME}

_EMAIL_RE = re.compile(
    r"(?<![\w.+-])[\w.+%-]+(?:@|\s*[\[(]at[\])]\s*)[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b",
    re.IGNORECASE,
)
# A phone number: an optional international prefix (+41, 0041) or trunk zero, then digit groups
# separated by single spaces, dots, dashes or slashes, the area code possibly in brackets.
# At least 7 digits in all, so years, dates, amounts and request references stay.
_PHONE_RE = re.compile(
    r"""
    (?<![\w+])
    (?:\+|00)?                      # international prefix
    (?:\(\s*\+?\d{1,4}\s*\)[\s.-]?)?  # (022) or (+41)
    \d{1,4}
    (?:[\s.\-/]?\(?\d{1,5}\)?){1,6}
    (?![\w])
    """,
    re.VERBOSE,
)
_MIN_PHONE_DIGITS = 7
_MAX_PHONE_DIGITS = 15
# Reference numbers the assistant gives out (TA-2026-000123) are not phone numbers.
_REFERENCE = re.compile(r"\bTA-\d{4}-\d{3,}\b", re.IGNORECASE)
_DATE_LIKE = re.compile(
    r"^(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|(?:19|20)\d\d\s*[-/]\s*(?:19|20)?\d\d)$"
)

# Words of a name that say nothing about the person on their own.
_TITLES = frozenset(
    {
        "dr",
        "dra",
        "doctor",
        "docteur",
        "mr",
        "mrs",
        "ms",
        "miss",
        "mme",
        "mlle",
        "sr",
        "sra",
        "srta",
        "don",
        "dona",
        "prof",
        "professor",
        "professeur",
        "ing",
        "lic",
        "excellency",
        "de",
        "del",
        "la",
        "le",
        "los",
        "las",
        "van",
        "von",
        "da",
        "di",
        "du",
        "des",
        "and",
        "et",
    }
)
_MIN_NAME_PART = 3


def _fold(text: str) -> str:
    """Lower case without accents, for matching a typed name against the form's answer."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass
class Personal:
    """The personal values known for one conversation, each with its placeholder."""

    values: dict[str, str] = field(default_factory=dict)
    _patterns: dict[bool, re.Pattern[str]] = field(default_factory=dict, repr=False)
    _order: list[str] = field(default_factory=list, repr=False)

    def add(self, value: Any, placeholder: str) -> None:
        if not isinstance(value, str):
            return
        value = " ".join(value.split())
        if len(value) < 2 or value in PLACEHOLDERS or value == "[erased]":
            return
        self._patterns.clear()
        self.values.setdefault(value, placeholder)
        if placeholder == NAME:
            # "Amina" alone, later in the conversation, is still her name; so is each half
            # of a double-barrelled one ("Odhiambo" of "Wanjiru-Odhiambo").
            for part in re.split(r"[\s,.\-\u2010\u2011]+", value):
                if len(part) >= _MIN_NAME_PART and _fold(part) not in _TITLES:
                    self.values.setdefault(part, NAME)

    def pattern(self, folded: bool) -> re.Pattern[str]:
        """One pattern for every value, longest first ("Amina Diallo" before "Amina").

        Each alternative is a named group `v<i>` whose placeholder is `placeholder_of(i)`.
        """
        if folded not in self._patterns:
            ordered = sorted(self.values, key=len, reverse=True)
            self._order = [self.values[v] for v in ordered]
            alternatives = [
                f"(?P<v{i}>{_value_regex(_fold(v) if folded else v)})"
                for i, v in enumerate(ordered)
            ]
            self._patterns[folded] = re.compile(
                r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE
            )
        return self._patterns[folded]

    def placeholder_of(self, group: str) -> str:
        return self._order[int(group[1:])]

    def __bool__(self) -> bool:
        return bool(self.values)


def personal_from_events(events: Iterable[dict[str, Any]]) -> Personal:
    """The form answers and personal entities of a conversation, from its events' JSON."""
    found = Personal()
    for data in events:
        kind = data.get("event")
        if kind == "slot" and data.get("name") in PERSONAL_SLOTS:
            found.add(data.get("value"), PERSONAL_SLOTS[str(data.get("name"))])
        elif kind == "user":
            for entity in (data.get("parse_data") or {}).get("entities") or []:
                if isinstance(entity, dict) and entity.get("entity") in PERSONAL_ENTITIES:
                    found.add(entity.get("value"), PERSONAL_ENTITIES[str(entity["entity"])])
    return found


def _value_regex(value: str) -> str:
    # Any run of whitespace between the words.
    return r"\s+".join(re.escape(w) for w in value.split())


def _replace_values(text: str, personal: Personal) -> str:
    if not personal:
        return text
    folded = _fold(text)
    # Accents and case are ignored by matching folded text, unless folding changed the
    # length (ß → ss) and positions would no longer line up.
    same_length = len(folded) == len(text)
    pattern = personal.pattern(same_length)
    haystack = folded if same_length else text
    parts: list[str] = []
    position = 0
    for match in pattern.finditer(haystack):
        parts.append(text[position : match.start()])
        parts.append(personal.placeholder_of(match.lastgroup or "v0"))
        position = match.end()
    parts.append(text[position:])
    return "".join(parts)


_THOUSANDS = re.compile(r"^\d{1,3}(?:[ .,\u00a0\u202f]\d{3})+$")


def _phone(match: re.Match[str]) -> str:
    candidate = match.group(0).strip()
    digits = sum(c.isdigit() for c in candidate)
    if not _MIN_PHONE_DIGITS <= digits <= _MAX_PHONE_DIGITS:
        return match.group(0)
    if _DATE_LIKE.match(candidate) or _THOUSANDS.match(candidate):
        return match.group(0)  # a date, or "1 000 000 doses" / "1.000.000"
    prefixed = candidate[0] in "+(0"
    separated = any(not c.isdigit() for c in candidate)
    # A bare run of digits is an amount or an identifier unless it is as long as a phone number.
    if prefixed or separated or digits >= 9:
        return PHONE
    return match.group(0)


def _replace_phones(text: str) -> str:
    references: list[str] = []

    def keep(match: re.Match[str]) -> str:
        references.append(match.group(0))
        return f"\x00{len(references) - 1}\x00"

    text = _REFERENCE.sub(keep, text)
    text = _PHONE_RE.sub(_phone, text)
    # A bracketed area code the main pattern left open: "(022) 730-5111" → "[PHONE]".
    text = re.sub(r"\(\s*\[PHONE\]", PHONE, text)
    text = re.sub(r"\(\s*\+?\d{1,4}\s*\)\s*\[PHONE\]", PHONE, text)
    return re.sub(r"\x00(\d+)\x00", lambda m: references[int(m.group(1))], text)


def redact(text: str, personal: Personal | None = None) -> str:
    """`text` with emails, phone numbers and the conversation's form answers as placeholders."""
    text = _EMAIL_RE.sub(EMAIL, text)
    if personal:
        text = _replace_values(text, personal)
    text = _replace_phones(text)
    # "Amina DIALLO" typed without the form's "Dr." is one name, not two.
    return re.sub(r"\[NAME\](?:\s+\[NAME\])+", NAME, text)


def contains_personal_data(text: str, personal: Personal | None = None) -> bool:
    """Whether redaction would change `text` (used to refuse personal data in an export)."""
    return redact(text, personal) != text

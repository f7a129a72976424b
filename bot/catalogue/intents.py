"""What a delegate's words ask for beyond the subject: formats, past material, topics, areas.

Formats and requests for past material come from data/catalogue/intents.yml; topics and need
areas from the project's own lexicons in data/lexicon/ (the ones the conversation uses), so
a French or Spanish need maps to the same concepts as an English one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot.nlu import extract
from bot.nlu.lexicon import PhraseMatcher, need_area_matcher, topic_matcher

INTENTS_PATH = Path(__file__).resolve().parents[2] / "data" / "catalogue" / "intents.yml"
_REFERENCE = "reference"


@dataclass(frozen=True)
class Intents:
    """Concepts found in one text."""

    formats: frozenset[str]  # catalogue formats that answer what the delegate asked for
    wants_reference: bool  # asks for recordings, slides or other material of past events
    topics: frozenset[str]
    need_areas: frozenset[str]


@cache
def _matchers() -> tuple[PhraseMatcher, PhraseMatcher, dict[str, tuple[str, ...]]]:
    data = yaml.safe_load(INTENTS_PATH.read_text(encoding="utf-8"))
    formats = {
        fmt: {t for lang, terms in spec.items() if lang != "serves" for t in terms}
        for fmt, spec in data["formats"].items()
    }
    serves = {fmt: tuple(spec["serves"]) for fmt, spec in data["formats"].items()}
    reference = {_REFERENCE: {t for terms in data["reference"].values() for t in terms}}
    return PhraseMatcher(formats), PhraseMatcher(reference), serves


def read_intents(text: str) -> Intents:
    """Formats, past-material requests, topics and need areas named in `text`."""
    if not text.strip():
        return Intents(frozenset(), False, frozenset(), frozenset())
    formats, reference, serves = _matchers()
    areas = need_area_matcher().hits(text)
    asked = formats.labels(text, typos=False)
    return Intents(
        formats=frozenset(f for a in asked for f in serves[a]),
        wants_reference=bool(reference.labels(text, typos=False)),
        topics=frozenset(topic_matcher().labels(text)),
        # Weak words ("technology", "test") say little about the area on their own.
        need_areas=frozenset(h.label for h in areas if not h.weak),
    )


# How delegates state their government's WTO status. It is a fact about the delegate, not
# about the need: left in the text, "we are an accession candidate" matched every activity
# whose audience names accession candidates, and crowded out what they asked for.
_STATUS = (
    (
        "accession_candidate",
        re.compile(
            r"\b(?:(?:wto )?accession candidates?"
            r"|acceding (?:government|country|countries|member)s?"
            r"|(?:in the process of|negotiating) (?:our |the )?(?:wto )?accession"
            r"|candidat(?:e|s|es)? a l.accession|en (?:voie|cours|processus) d.accession"
            r"|(?:pays|gouvernements?) (?:accedants?|en accession)"
            r"|candidat[oa]s? a la adhesion|en proceso de adhesion|(?:pais|gobierno) en adhesion)\b"
        ),
    ),
    (
        "observer",
        re.compile(r"\b(?:observers?|observateur(?:s|trice|trices)?|observador(?:es|a|as)?)\b"),
    ),
)


def _fold_in_place(text: str) -> str:
    """Lower-case, accent-free text of exactly the same length (positions stay valid)."""
    return "".join((unicodedata.normalize("NFKD", ch)[:1] or ch).lower() for ch in text)


def split_status(text: str) -> tuple[str | None, str]:
    """The WTO status the delegate states in `text`, and the text with those words blanked
    (same length, so positions in it still point into the original)."""
    folded = _fold_in_place(text)
    status: str | None = None
    chars = list(text)
    for label, pattern in _STATUS:
        for m in pattern.finditer(folded):
            status = status or label
            chars[m.start() : m.end()] = " " * (m.end() - m.start())
    return status, "".join(chars)


# "We would like technical assistance to use compulsory licensing": the platform's own name
# for what every delegate asks, not the subject. Left in, it ranked the generic assistance
# channels above what the delegate asked for, and was quoted back as the reason.
_FRAMING = re.compile(
    r"\b(?:technical (?:assistance|support|help|cooperation)|assistance technique"
    r"|(?:appui|soutien|aide) technique|asistencia tecnica|(?:apoyo|ayuda) tecnic[oa])\b"
)


def without_framing(text: str) -> str:
    """`text` with "technical assistance" blanked (same length) when it frames a need that
    names a kind of help; kept when it is the subject ("can an acceding country get WTO
    technical assistance?", an organization named) or all there is."""
    folded = _fold_in_place(text)
    spans = [m.span() for m in _FRAMING.finditer(folded)]
    if not spans or any(o != "not_sure" for o in extract.organizations(text)):
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    blanked = "".join(chars)
    return blanked if read_intents(blanked).topics else text

"""One-line explanations, in the delegate's language, of why an activity was suggested."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from bot.catalogue.index import CatalogueIndex
from bot.catalogue.labels import (
    FORMAT_LABELS,
    NEED_AREA_LABELS,
    ORGANIZATION_LABELS,
    PAST_NOTE,
    TOPIC_LABELS,
    label,
)
from bot.catalogue.schema import Activity
from bot.catalogue.text import Token, surface, terms

REASON_LANGUAGES = ("en", "fr", "es")
# A term found in more than this share of activities (e.g. "covid", "access") says
# nothing specific about why one activity fits, so it is not quoted back.
GENERIC_SHARE = 0.25
# Words this common ("covid", "country") are also trimmed from the ends of a quote.
FILLER_SHARE = 0.5
MAX_PHRASES = 3
MAX_PHRASE_WORDS = 3

_AND = {"en": "and", "fr": "et", "es": "y"}
# Every request has a need and asks for help: quoting those back explains nothing.
_NEVER_QUOTED = frozenset(
    terms(
        "need needs needed besoin besoins necesidad necesidades help aide ayuda "
        "assistance asistencia support apoyo appui request demande solicitud "
        "information informations informacion info infos know savoir saber want veut quiere "
        "preciso precisamos necesito necesitamos"
    )
)


def reason_language(language: str) -> str:
    """The language used for reasons: the query language if supported, else English."""
    return language if language in REASON_LANGUAGES else "en"


# What joins two halves of one written word ("COVID-19", "anti-viral").
_JOINERS = ("-", "\u2010", "\u2011", "/")


def matched_phrases(
    text: str, tokens: Sequence[Token], term_set: frozenset[str], index: CatalogueIndex
) -> list[str]:
    """The delegate's own words that matched this activity, most specific first, max three."""
    limit = GENERIC_SHARE * len(index.term_sets)
    hits = [
        i for i, tok in enumerate(tokens) if tok.term in term_set and tok.term not in _NEVER_QUOTED
    ]
    # Merge neighbouring hits into phrases ("compulsory licence"); a phrase made only of
    # generic words is not worth quoting back.
    groups: list[list[int]] = []
    for i in hits:
        if groups and groups[-1][-1] == i - 1:
            groups[-1].append(i)
        else:
            groups.append([i])

    def generic(i: int) -> bool:
        return index.doc_freq.get(tokens[i].term, 0) > limit

    def filler(i: int) -> bool:
        return index.doc_freq.get(tokens[i].term, 0) > FILLER_SHARE * len(index.term_sets)

    def gap(a: int, b: int) -> str:
        return text[tokens[a].end : tokens[b].start]

    def trim(group: list[int]) -> list[int]:
        while group and filler(group[0]):
            group = group[1:]
        while group and filler(group[-1]):
            group = group[:-1]
        return group

    trimmed: list[list[int]] = []
    for group in groups:
        # Keep quotes short: a long chain is cut where the delegate's own words break it
        # ("…licensing | to import…"), then into phrases of up to three words, never inside a
        # hyphenated word ("COVID-19").
        parts = [group]
        if len(group) > MAX_PHRASE_WORDS:
            parts = [[group[0]]]
            for a, b in itertools.pairwise(group):
                if any(ch.isalpha() or ch in ",;:.()" for ch in gap(a, b)):
                    parts.append([b])
                else:
                    parts[-1].append(b)
        for part in map(trim, parts):
            chunk: list[int] = []
            for i in part:
                if len(chunk) >= MAX_PHRASE_WORDS and gap(chunk[-1], i) not in _JOINERS:
                    trimmed.append(chunk)
                    chunk = []
                chunk.append(i)
            trimmed.append(chunk)
    groups = [g for g in trimmed if g and any(not generic(i) for i in g)]
    ranked = sorted(groups, key=lambda g: -max(index.specificity(tokens[i].term) for i in g))[
        :MAX_PHRASES
    ]
    ranked.sort(key=lambda g: g[0])
    phrases: list[str] = []
    for group in ranked:
        phrase = surface(text, tokens[group[0]].start, tokens[group[-1]].end)
        if phrase.lower() not in (p.lower() for p in phrases):
            phrases.append(phrase)
    return phrases


def _join(items: list[str], language: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {_AND[language]} {items[-1]}"


def _quote(phrases: list[str], language: str) -> str:
    return _join([f"«{p}»" if language == "fr" else f"“{p}”" for p in phrases], language)


def build_reason(
    activity: Activity,
    language: str,
    phrases: list[str],
    need_area: str | None,
    topics: list[str],
    organizations: list[str],
    replaced: list[str] | None = None,
) -> str:
    """Compose the one-line reason from what matched, in `language`.

    `replaced` holds the delegate's words that matched a past mechanism this activity
    replaced (e.g. "emergency use listing" for WHO prequalification).
    """
    lang = reason_language(language)
    fmt = label(FORMAT_LABELS, activity.format, lang)
    orgs = "/".join(label(ORGANIZATION_LABELS, o, lang) for o in activity.organizations)
    if replaced:
        quoted = _quote(replaced, lang)
        text = {
            "en": f"You mentioned {quoted}; this {orgs} {fmt} replaced it and is open now.",
            "fr": f"Vous avez parlé de {quoted} : cette offre {orgs} ({fmt}) en a pris la relève.",
            "es": f"Mencionó {quoted}: esta oferta de {orgs} ({fmt}) es la que tomó el relevo.",
        }[lang]
    elif phrases:
        quoted = _quote(phrases, lang)
        text = {
            "en": f"You mentioned {quoted}; this {orgs} {fmt} deals with it.",
            "fr": f"Vous avez parlé de {quoted} : cette offre {orgs} ({fmt}) traite ce point.",
            "es": f"Mencionó {quoted}: esta oferta de {orgs} ({fmt}) trata ese tema.",
        }[lang]
    elif need_area or topics:
        areas = [label(NEED_AREA_LABELS, need_area, lang)] if need_area else []
        areas += [label(TOPIC_LABELS, t, lang) for t in topics]
        joined = _join(areas, lang)
        text = {
            "en": f"It matches what you asked about: {joined} ({orgs} {fmt}).",
            "fr": f"Elle correspond à votre demande : {joined} ({orgs}, {fmt}).",
            "es": f"Corresponde a lo que pidió: {joined} ({orgs}, {fmt}).",
        }[lang]
    elif organizations:
        text = {
            "en": f"It is offered by {orgs}, as you preferred ({fmt}).",
            "fr": f"Elle est proposée par {orgs}, comme vous le souhaitiez ({fmt}).",
            "es": f"La ofrece {orgs}, como usted prefería ({fmt}).",
        }[lang]
    else:
        text = {
            "en": f"A general {orgs} {fmt} that may help.",
            "fr": f"Une offre générale {orgs} ({fmt}) qui peut être utile.",
            "es": f"Una oferta general de {orgs} ({fmt}) que puede ser útil.",
        }[lang]
    if not activity.is_open:
        text = f"{text} {PAST_NOTE[lang]}"
    return text

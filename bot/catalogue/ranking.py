"""Suggest catalogue activities for a delegate's described need (the API the bot calls).

Text relevance blends BM25 (rank-bm25) and character n-gram TF-IDF (scikit-learn) over
titles, summaries, keywords and descriptions in English, French and Spanish (see
`bot.catalogue.index`). Query words the index does not know are corrected to the nearest
indexed term, and the query is expanded with language-neutral concept tokens for the topics,
need areas and formats it names (read with the project's lexicons, `bot.catalogue.intents`).
Structured signals from the conversation then adjust the score: need area, topics, requested
format, preferred organizations, member status and LDC status. Finally, pseudo-relevance
feedback lifts activities similar to the best match, and an open activity that replaced a
past one inherits that past one's relevance.

Past events are reference material. They rank after every open offer unless the delegate
asks for recordings or materials, or names the past mechanism itself (e.g. "COVAX"); either
way their reason says they are past.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from bot.catalogue.index import CatalogueIndex, index_for
from bot.catalogue.intents import Intents, read_intents, split_status, without_framing
from bot.catalogue.loader import get_catalogue
from bot.catalogue.reasons import build_reason, matched_phrases
from bot.catalogue.schema import Activity, Catalogue
from bot.catalogue.text import Token, analyze, bigrams, terms
from bot.members import get_directory
from bot.nlu import extract

NO_PREFERENCE = "not_sure"
# An offer reserved to some WTO statuses, before the status is known (most delegates speak for
# members): it still comes up when the words fit it best by far. Dev recall unchanged,
# cross-validated 0.737 -> 0.739 (0.15 and 0.3 the same; 0.5 is the first to keep the
# accession programme from leading "ayuda con patentes de medicamentos").
UNKNOWN_STATUS_PENALTY = 0.5


@dataclass(frozen=True)
class Weights:
    """How much each signal counts; text relevance is scaled to [0, 1] per query."""

    bm25_share: float = 0.3  # share of BM25 in text relevance; the rest is char n-grams
    need: float = 0.25  # activity serves the delegate's need area
    need_miss: float = 0.3  # activity does not serve it at all
    topic: float = 0.2  # scaled by the share of the delegate's topics covered
    format: float = 0.15  # activity has a format that answers what the delegate asked for
    org: float = 0.15  # offered by a preferred organization
    accession: float = 0.4  # the accession offer, for an accession candidate
    observer: float = 0.2  # observers are, in practice, acceding governments
    open_to_status: float = 0.25  # share of that lift for the other offers open to them
    ldc: float = 0.1
    # A delegate unsure whom to ask is best served by the joint request channel of all three.
    joint_if_unsure: float = 0.8
    # Not sure yet what kind of help: the three organizations' joint overviews and training
    # (the Trilateral Study, say) follow the joint request, as a place to start.
    overview: float = 0.5
    # Pseudo-relevance feedback: similarity to the best match, as a share of the score.
    feedback: float = 0.4
    # Activities scoring under this share of the best score are not returned, so weak
    # matches do not pad the list.
    relative_floor: float = 0.3
    absolute_floor: float = 0.05


WEIGHTS = Weights()


@dataclass(frozen=True)
class NeedQuery:
    """What the conversation knows about the delegate's need."""

    text: str = ""  # the delegate's own words, any of en/fr/es
    need_area: str | None = None  # vaccines | medicines | technologies
    topics: tuple[str, ...] = ()
    member_status: str | None = None  # member | observer | accession_candidate
    ldc: bool = False
    organizations: tuple[str, ...] = ()  # preferred: WHO/WIPO/WTO; empty or ("not_sure",) = none
    language: str = "en"
    formats: tuple[str, ...] = ()  # optional filter
    overview: bool = False  # the delegate does not know yet what kind of help they need


@dataclass(frozen=True)
class Suggestion:
    """One suggested activity, its score and a one-line reason in the query language."""

    activity: Activity
    score: float
    reason: str


@dataclass(frozen=True)
class _Need:
    """The query's structured side: what the conversation said plus what the text names."""

    areas: frozenset[str]
    topics: tuple[str, ...]
    preferred: frozenset[str]
    intents: Intents
    named: frozenset[str]  # activities the delegate calls by name (e.g. "COVAX")


def _need(query: NeedQuery, index: CatalogueIndex) -> _Need:
    intents = read_intents(query.text)
    # The text's areas count only when the conversation has not settled one.
    areas = {query.need_area} if query.need_area else set(intents.need_areas)
    topics = list(query.topics) + sorted(intents.topics - set(query.topics))
    preferred = frozenset(
        o.upper() for o in query.organizations if o and o.lower() != NO_PREFERENCE
    )
    return _Need(frozenset(areas), tuple(topics), preferred, intents, index.named(query.text))


def _is_joint_work(activity: Activity) -> bool:
    return len(activity.organizations) == 3 and activity.is_open


def _is_joint_channel(activity: Activity) -> bool:
    return _is_joint_work(activity) and activity.format == "advisory"


def _structured(activity: Activity, query: NeedQuery, need: _Need, w: Weights) -> float:
    bonus = 0.0
    if need.areas:
        if need.areas.intersection(activity.need_areas):
            # Activities focused on fewer areas are a closer fit than all-purpose ones.
            bonus += w.need * (0.5 + 0.5 / len(activity.need_areas))
        else:
            bonus -= w.need_miss
    if need.topics:
        covered = sum(1 for t in need.topics if t in activity.topics)
        bonus += w.topic * covered / len(need.topics)
    if activity.format in need.intents.formats:
        bonus += w.format
    if need.preferred.intersection(activity.organizations):
        bonus += w.org
    if NO_PREFERENCE in query.organizations and _is_joint_channel(activity):
        bonus += w.joint_if_unsure
    if query.ldc and "ldc" in activity.priority_groups:
        bonus += w.ldc
    return bonus


# What each status is called, to find the offer dedicated to it (the accession programme).
_STATUS_WORDS = {
    "accession_candidate": "accession candidate acceding government",
    "observer": "observer acceding government accession",
}


def _lift_one_for_status(
    index: CatalogueIndex, scores: list[float], status: str | None, w: Weights
) -> None:
    """An accession candidate (or observer) sees the offer dedicated to acceding governments
    lifted, and the other offers open to them a little: their status is a reason to mention
    accession help, not to let every such offer crowd out what they asked for (vaccine
    regulation, say)."""
    bonus = {"accession_candidate": w.accession, "observer": w.observer}.get(status or "", 0.0)
    activities = index.catalogue.activities
    flagged = [i for i, a in enumerate(activities) if "accession_candidate" in a.priority_groups]
    if not bonus or not flagged or status is None:
        return
    fit = index.scores(terms(_STATUS_WORDS[status]))
    best = max(flagged, key=lambda i: (fit[i], scores[i], -i))
    for i in flagged:
        scores[i] += bonus if i == best else bonus * w.open_to_status


def _normalised(values: list[float]) -> list[float]:
    top = max(values, default=0.0)
    return [v / top if top > 0 else 0.0 for v in values]


def _corrected_tokens(index: CatalogueIndex, text: str) -> list[Token]:
    tokens = analyze(text)
    fixed = index.correct([t.term for t in tokens])
    return [Token(term, t.start, t.end) for t, term in zip(tokens, fixed, strict=True)]


def _query_terms(tokens: list[Token], intents: Intents) -> list[str]:
    words = [t.term for t in tokens]
    concepts = [f"@topic:{t}" for t in sorted(intents.topics)]
    concepts += [f"@need:{n}" for n in sorted(intents.need_areas)]
    concepts += [f"@fmt:{f}" for f in sorted(intents.formats)]
    return words + bigrams(words) + concepts


def _scores(
    index: CatalogueIndex, query: NeedQuery, need: _Need, tokens: list[Token], w: Weights
) -> tuple[list[float], dict[int, int]]:
    """Scores in catalogue order, and which successor took its score from which past entry."""
    activities = index.catalogue.activities
    bm25 = _normalised(index.scores(_query_terms(tokens, need.intents)))
    chars = _normalised(index.char_scores(query.text))
    scores = [
        w.bm25_share * b + (1 - w.bm25_share) * c + _structured(a, query, need, w)
        for a, b, c in zip(activities, bm25, chars, strict=True)
    ]
    _lift_one_for_status(index, scores, query.member_status, w)
    # An open successor fits whatever made the delegate's words fit the mechanism it replaced.
    lifted: dict[int, int] = {}
    for i, activity in enumerate(activities):
        if activity.succeeded_by is not None:
            j = index.position[activity.succeeded_by]
            if scores[i] > scores[j]:
                scores[j] = scores[i]
                lifted[j] = i
    if w.feedback > 0 and query.text.strip():
        top = max(range(len(scores)), key=lambda i: (scores[i], -i))
        scores = [s + w.feedback * index.similarity[i][top] for i, s in enumerate(scores)]
    if query.overview:
        # After the feedback: a place to start, never what the rest is made to resemble. The
        # joint request keeps its lead over the overviews (it has the unsure bonus too).
        scores = [
            s + (w.overview if _is_joint_work(a) else 0.0)
            for a, s in zip(activities, scores, strict=True)
        ]
    return scores, lifted


def _status_unknown(activity: Activity, query: NeedQuery) -> float:
    return UNKNOWN_STATUS_PENALTY if activity.only_for and not query.member_status else 0.0


# Words that say who is writing, not what they need: a greeting, "I work for".
_ABOUT_THE_WRITER = re.compile(
    r"\b(?:good (?:morning|afternoon|evening|day)|hello|dear|greetings|bonjour|bonsoir"
    r"|buen(?:os|as) (?:d[ií]as|tardes|noches)|buenas|hola|saludos"
    r"|(?:i|we) (?:work|am working|are working)(?: (?:for|at|in|with))?"
    r"|(?:je|nous) travaill\w*(?: (?:pour|au|à|a|dans))?"
    r"|trabaj(?:o|amos)(?: (?:en|para|con))?"
    # "Le escribe la misión permanente", "je vous écris", "I am writing on behalf of".
    r"|(?:i am|i'm|we are|we're) writing|(?:le|les) escrib\w*|escrib(?:o|imos)"
    r"|(?:je|nous) vous [ée]cri\w*"
    # A letter's closing: "Best regards", "Cordialement", "Saludos cordiales".
    r"|(?:best |kind |warm )?regards|sincerely|(?:bien |tr[eè]s )?cordialement"
    r"|(?:meilleures |sinc[eè]res )?salutations|saludos cordiales|atentamente|cordialmente)\b",
    re.IGNORECASE,
)


def _about_the_writer(text: str) -> list[tuple[int, int]]:
    """Spans of `text` that say who is asking (their office, their government, a greeting)."""
    spans = [(m.start(), m.end()) for m in _ABOUT_THE_WRITER.finditer(text)]
    if (office := extract.institution(text)) and (start := text.find(office)) >= 0:
        spans.append((start, start + len(office)))
    for found in get_directory().find_in_text(text):
        if (start := text.find(found.matched)) >= 0:
            spans.append((start, start + len(found.matched)))
    return spans


# A mission and where it sits, not what it needs: "l'ambassade du Burkina Faso à Genève",
# "the permanent mission of Bangladesh in Geneva".
_MISSION = (
    r"(?:permanent |permanente? )?(?:mission|ambassade|embassy|embajada|d[eé]l[eé]gation"
    r"|delegaci[oó]n|misi[oó]n|repr[eé]sentation|representaci[oó]n)(?: permanente?)?"
)
_MISSION_SEAT = re.compile(
    rf"\b(?P<mission>{_MISSION})\b(?:[^.,;:!?]{{0,60}}?"
    r"\b(?P<seat>(?:in|at|à|a|en) (?:geneva|gen[eè]ve|ginebra))\b)?",
    re.IGNORECASE,
)


def _without_the_writers_place(text: str) -> str:
    """`text` with the delegate's government and their mission's seat blanked (same length).
    Who is asking is read from the conversation (member and LDC status); left in the words,
    "Burkina Faso" matched the example needs that name it, and "Genève" the workshops held
    there, ahead of the pooled vaccine purchases asked for."""
    spans = [m.span(group) for m in _MISSION_SEAT.finditer(text) for group in ("mission", "seat")]
    spans = [(start, end) for start, end in spans if start >= 0]
    for found in get_directory().find_in_text(text):
        if (start := text.find(found.matched)) >= 0:
            spans.append((start, start + len(found.matched)))
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _withdrawn(text: str) -> list[tuple[int, int]]:
    """What a later line of the description takes back ("actually no, it's more about
    insulin"): still ranked, since the correction often keeps the rest of the need, but never
    quoted back as what the delegate asked for."""
    offset = cut = 0
    for line in text.splitlines(keepends=True):
        if offset and extract.changes_mind(line):
            cut = offset
        offset += len(line)
    return [(0, cut)] if cut else []


def _quotable(text: str, tokens: list[Token]) -> list[Token]:
    """The tokens to quote in reasons: not the words that say who is asking ("Ministry of
    Health", "Bolivia", "Good morning"), which explain nothing about the need. Their words
    become blanks, so the words on either side do not join into one phrase."""
    spans = _about_the_writer(text) + _withdrawn(text)
    return [
        Token("", t.start, t.end) if any(a <= t.start < b for a, b in spans) else t for t in tokens
    ]


def suggest(
    query: NeedQuery,
    limit: int = 3,
    exclude_ids: Iterable[str] = (),
    catalogue: Catalogue | None = None,
    weights: Weights = WEIGHTS,
) -> list[Suggestion]:
    """Return up to `limit` activities for the need, open offers first, with reasons."""
    catalogue = catalogue or get_catalogue()
    index = index_for(catalogue)
    if limit <= 0:
        return []
    excluded = set(exclude_ids)
    formats = set(query.formats)
    # Blanking keeps positions: the delegate's words as typed still line up with the tokens.
    typed = query.text
    stated, text = split_status(query.text)
    query = replace(query, text=without_framing(text), member_status=query.member_status or stated)
    query = replace(query, text=_without_the_writers_place(query.text))
    need = _need(query, index)
    tokens = _corrected_tokens(index, query.text)
    scores, lifted = _scores(index, query, need, tokens, weights)
    scored = [
        (a, scores[i] - _status_unknown(a, query), i)
        for i, a in enumerate(catalogue.activities)
        if a.id not in excluded
        and (not formats or a.format in formats)
        # A WTO member is never offered what is reserved to acceding governments.
        and a.open_to(query.member_status)
    ]
    if not scored:
        return []
    floor = max(weights.absolute_floor, weights.relative_floor * max(s for _, s, _ in scored))

    def competes(activity: Activity) -> bool:
        return activity.is_open or need.intents.wants_reference or activity.id in need.named

    kept = [item for item in scored if item[1] >= floor]
    kept.sort(key=lambda item: (not competes(item[0]), -item[1], item[0].id))
    out: list[Suggestion] = []
    quotable = _quotable(typed, tokens)
    for activity, score, i in kept[:limit]:
        phrases = matched_phrases(query.text, quotable, index.term_sets[i], index)
        replaced: list[str] = []
        if i in lifted:
            replaced = matched_phrases(query.text, quotable, index.term_sets[lifted[i]], index)
        reason = build_reason(
            activity,
            query.language,
            phrases,
            query.need_area if query.need_area in activity.need_areas else None,
            [t for t in query.topics if t in activity.topics],
            [o for o in sorted(need.preferred) if o in activity.organizations],
            replaced=replaced,
        )
        out.append(Suggestion(activity=activity, score=round(score, 4), reason=reason))
    return out


def search(
    q: str = "",
    *,
    need_area: str | None = None,
    topic: str | None = None,
    organization: str | None = None,
    format: str | None = None,
    language: str = "en",
    include_past: bool = True,
    catalogue: Catalogue | None = None,
    formats: Iterable[str] = (),
) -> list[Activity]:
    """Filter the catalogue and, when `q` is given, rank matches by text relevance.

    `formats` keeps any of several formats: "courses" are trainings, online courses and
    workshops alike."""
    kinds = set(formats)
    catalogue = catalogue or get_catalogue()
    index = index_for(catalogue)
    org = organization.upper() if organization else None
    terms = [t.term for t in _corrected_tokens(index, q)]
    text_scores = index.scores(terms + bigrams(terms))
    rows = [
        (a, s)
        for a, s in zip(catalogue.activities, text_scores, strict=True)
        if (need_area is None or need_area in a.need_areas)
        and (topic is None or topic in a.topics)
        and (org is None or org in a.organizations)
        and (format is None or a.format == format)
        and (not kinds or a.format in kinds)
        and (include_past or a.is_open)
    ]
    if q.strip():
        # Matches are the activities sharing a word with the question; they are ordered as
        # suggestions are (words, character n-grams, the concepts the question names).
        query = NeedQuery(text=q, language=language)
        need = _need(query, index)
        tokens = _corrected_tokens(index, q)
        ranking, _ = _scores(index, query, need, tokens, WEIGHTS)
        order = {a.id: ranking[i] for i, a in enumerate(catalogue.activities)}
        rows = [(a, order[a.id]) for a, s in rows if s > 0]
        rows.sort(key=lambda r: (not r[0].is_open, -r[1], r[0].id))
    else:
        rows.sort(key=lambda r: (not r[0].is_open, r[0].title.get(language).lower()))
    return [a for a, _ in rows]

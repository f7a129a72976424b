"""Suggest catalogue activities for a delegate's described need (the API the bot calls).

Text relevance comes from BM25 (rank-bm25) over titles, summaries, keywords and
descriptions in English, French and Spanish, analysed by `bot.catalogue.text`. It is
normalised to [0, 1] per query and combined with structured signals from the conversation:
need area, topics, preferred organizations, member status (accession candidates and
observers favour accession-related offers) and LDC status. Past events are reference
material only: they always rank after every returned open offer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.catalogue.index import CatalogueIndex, index_for
from bot.catalogue.loader import get_catalogue
from bot.catalogue.reasons import build_reason, matched_phrases
from bot.catalogue.schema import Activity, Catalogue
from bot.catalogue.text import analyze, query_terms

W_TEXT = 1.0
W_BM25 = 0.3  # share of BM25 in text relevance; the rest is character n-gram TF-IDF
W_NEED = 0.25  # activity serves the delegate's need area
W_NEED_MISS = 0.3  # activity does not serve it at all
W_TOPIC = 0.2  # scaled by the share of the delegate's topics covered
W_ORG = 0.15  # offered by a preferred organization
W_ACCESSION = 0.4  # accession-related offer for an accession candidate
W_OBSERVER = 0.2  # observers are, in practice, acceding governments
W_LDC = 0.1
# A delegate unsure whom to ask is best served by the joint request channel of all three.
W_JOINT_IF_UNSURE = 0.8
# Only activities scoring at least this share of the best score are returned, so weak
# matches do not pad the list (and cannot sit above a strongly matching past event).
RELATIVE_FLOOR = 0.4
ABSOLUTE_FLOOR = 0.05
NO_PREFERENCE = "not_sure"


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


@dataclass(frozen=True)
class Suggestion:
    """One suggested activity, its score and a one-line reason in the query language."""

    activity: Activity
    score: float
    reason: str


def _preferred_orgs(query: NeedQuery) -> set[str]:
    return {o.upper() for o in query.organizations if o and o.lower() != NO_PREFERENCE}


def _is_joint_channel(activity: Activity) -> bool:
    return len(activity.organizations) == 3 and activity.format == "advisory" and activity.is_open


def _structured(activity: Activity, query: NeedQuery, preferred: set[str]) -> float:
    bonus = 0.0
    if query.need_area:
        if query.need_area in activity.need_areas:
            # Activities focused on fewer areas are a closer fit than all-purpose ones.
            bonus += W_NEED * (0.5 + 0.5 / len(activity.need_areas))
        else:
            bonus -= W_NEED_MISS
    if query.topics:
        covered = sum(1 for t in query.topics if t in activity.topics)
        bonus += W_TOPIC * covered / len(query.topics)
    if preferred and preferred.intersection(activity.organizations):
        bonus += W_ORG
    if NO_PREFERENCE in query.organizations and _is_joint_channel(activity):
        bonus += W_JOINT_IF_UNSURE
    if "accession_candidate" in activity.priority_groups:
        if query.member_status == "accession_candidate":
            bonus += W_ACCESSION
        elif query.member_status == "observer":
            bonus += W_OBSERVER
    if query.ldc and "ldc" in activity.priority_groups:
        bonus += W_LDC
    return bonus


def _normalised(values: list[float]) -> list[float]:
    top = max(values, default=0.0)
    return [v / top if top > 0 else 0.0 for v in values]


def text_relevance(index: CatalogueIndex, text: str) -> list[float]:
    """Blend of BM25 (word stems) and character n-gram TF-IDF, each scaled to [0, 1]."""
    bm25 = _normalised(index.scores(query_terms(text)))
    chars = _normalised(index.char_scores(text))
    return [W_BM25 * b + (1 - W_BM25) * c for b, c in zip(bm25, chars, strict=True)]


def _scores(index: CatalogueIndex, query: NeedQuery) -> list[float]:
    preferred = _preferred_orgs(query)
    return [
        W_TEXT * t + _structured(a, query, preferred)
        for a, t in zip(index.catalogue.activities, text_relevance(index, query.text), strict=True)
    ]


def suggest(
    query: NeedQuery,
    limit: int = 3,
    exclude_ids: Iterable[str] = (),
    catalogue: Catalogue | None = None,
) -> list[Suggestion]:
    """Return up to `limit` activities for the need, open offers first, with reasons."""
    catalogue = catalogue or get_catalogue()
    index = index_for(catalogue)
    excluded = set(exclude_ids)
    formats = set(query.formats)
    scored = [
        (a, s, i)
        for i, (a, s) in enumerate(zip(catalogue.activities, _scores(index, query), strict=True))
        if a.id not in excluded and (not formats or a.format in formats)
    ]
    if not scored or limit <= 0:
        return []
    best = max(s for _, s, _ in scored)
    floor = max(ABSOLUTE_FLOOR, RELATIVE_FLOOR * best)
    kept = [item for item in scored if item[1] >= floor]
    kept.sort(key=lambda item: (not item[0].is_open, -item[1], item[0].id))
    tokens = analyze(query.text)
    topics = [t for t in query.topics]
    preferred = sorted(_preferred_orgs(query))
    out: list[Suggestion] = []
    for activity, score, i in kept[:limit]:
        phrases = matched_phrases(query.text, tokens, index.term_sets[i], index)
        need = query.need_area if query.need_area in activity.need_areas else None
        reason = build_reason(
            activity,
            query.language,
            phrases,
            need,
            [t for t in topics if t in activity.topics],
            [o for o in preferred if o in activity.organizations],
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
) -> list[Activity]:
    """Filter the catalogue and, when `q` is given, rank matches by text relevance."""
    catalogue = catalogue or get_catalogue()
    index = index_for(catalogue)
    org = organization.upper() if organization else None
    text_scores = index.scores(query_terms(q))
    rows = [
        (a, s)
        for a, s in zip(catalogue.activities, text_scores, strict=True)
        if (need_area is None or need_area in a.need_areas)
        and (topic is None or topic in a.topics)
        and (org is None or org in a.organizations)
        and (format is None or a.format == format)
        and (include_past or a.is_open)
    ]
    if q.strip():
        rows = [(a, s) for a, s in rows if s > 0]
        rows.sort(key=lambda r: (not r[0].is_open, -r[1], r[0].id))
    else:
        rows.sort(key=lambda r: (not r[0].is_open, r[0].title.get(language).lower()))
    return [a for a, _ in rows]

"""Retrieval indexes over the catalogue text in English, French and Spanish.

Two established models, built once per catalogue:
- BM25 (rank-bm25) over analysed word terms and bigrams, with field weights, plus concept
  tokens (`@topic:…`, `@need:…`, `@fmt:…`) taken from each activity's structured fields, so a
  query naming a topic in any language (see `bot.catalogue.intents`) meets the same token;
- character n-gram TF-IDF (scikit-learn) over the stopword-free words of titles, summaries,
  keywords and the example needs labelled with the activity (`bot.catalogue.examples`),
  which absorbs typos, cross-language cognates and the delegates' own vocabulary.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import sklearn
from rank_bm25 import BM25Okapi
from rapidfuzz import process
from rapidfuzz.distance import OSA
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.catalogue.examples import ExampleNeed, shipped_examples
from bot.catalogue.labels import FORMAT_INDEX_TEXT, TOPIC_INDEX_TEXT
from bot.catalogue.schema import LANGUAGES, Activity, Catalogue
from bot.catalogue.text import bigrams, content_words, terms
from bot.nlu.lexicon import PhraseMatcher

# Field weights are applied by repeating a field's terms; titles and curated keywords say
# more about what an activity is than the longer description does.
TITLE_WEIGHT = 2
KEYWORD_WEIGHT = 2
SUMMARY_WEIGHT = 1
DESCRIPTION_WEIGHT = 1
AUDIENCE_WEIGHT = 1
CONCEPT_WEIGHT = 1
# Words of the example needs that name an activity, in its BM25 document (0 leaves them out).
EXAMPLE_WEIGHT = 1
BM25_K1 = 1.2
BM25_B = 0.5
CHAR_NGRAMS = (3, 5)
# Query words the index does not know are corrected to the closest indexed term within
# this many edits (none for short words, where a typo usually lands on another word).
MIN_TYPO_LENGTH = 5
# A delegate names an activity by its title when they use this share of its title's words
# (titles of at least this many words; shorter ones are too generic to tell).
TITLE_SHARE = 0.7
TITLE_WORDS_MIN = 3


def concept_tokens(activity: Activity) -> list[str]:
    """Language-neutral tokens for the activity's topics, need areas and format."""
    return (
        [f"@topic:{t}" for t in activity.topics]
        + [f"@need:{n}" for n in activity.need_areas]
        + [f"@fmt:{activity.format}"]
    )


def _phrase_terms(phrases: list[str], weight: int) -> list[str]:
    out: list[str] = []
    for phrase in phrases:
        base = terms(phrase)
        out += (base + bigrams(base)) * weight
    return out


def activity_terms(activity: Activity, examples: tuple[ExampleNeed, ...] = ()) -> list[str]:
    """All index terms of one activity, with field weights applied by repetition."""
    out: list[str] = []
    out += _phrase_terms([e.text for e in examples if activity.id in e.relevant], EXAMPLE_WEIGHT)
    for language in LANGUAGES:
        out += _phrase_terms([activity.title.get(language)], TITLE_WEIGHT)
        out += _phrase_terms([activity.summary.get(language)], SUMMARY_WEIGHT)
        out += _phrase_terms(list(getattr(activity.keywords, language)), KEYWORD_WEIGHT)
    # The English description only: its French and Spanish versions (shown to delegates) did
    # not change cross-validated or dev recall, and tripled cognates such as "antiviral" and
    # "licence/licencia", which lifted the antiviral licence pool above compulsory licensing.
    out += _phrase_terms([activity.description.en], DESCRIPTION_WEIGHT)
    out += _phrase_terms([activity.audience], AUDIENCE_WEIGHT)
    for topic in activity.topics:
        out += terms(TOPIC_INDEX_TEXT[topic])
    out += terms(FORMAT_INDEX_TEXT[activity.format])
    out += [org.lower() if org != "WHO" else "who_org" for org in activity.organizations]
    out += concept_tokens(activity) * CONCEPT_WEIGHT
    return out


def activity_char_text(activity: Activity, examples: tuple[ExampleNeed, ...] = ()) -> str:
    """Text for the character n-gram model: titles, summaries and keywords in all languages,
    and the example needs an advisor would answer with this activity."""
    parts: list[str] = []
    for language in LANGUAGES:
        parts.append(activity.title.get(language))
        parts.append(activity.summary.get(language))
        parts.extend(getattr(activity.keywords, language))
    parts.extend(e.text for e in examples if activity.id in e.relevant)
    return " ".join(content_words(" . ".join(parts)))


def _distinctive(title: str) -> set[str]:
    """A title's words without years and "COVID-19", which every other title shares."""
    return {t for t in terms(title) if not t.isdigit() and t != "covid"}


def _typo_budget(term: str) -> int:
    if len(term) < MIN_TYPO_LENGTH:
        return 0
    return 1 if len(term) < 9 else 2


@dataclass
class CatalogueIndex:
    """The BM25 and character n-gram models plus per-activity term sets."""

    catalogue: Catalogue
    bm25: BM25Okapi = field(init=False)
    term_sets: list[frozenset[str]] = field(init=False)
    doc_freq: dict[str, int] = field(init=False)
    char_model: TfidfVectorizer = field(init=False)

    def __post_init__(self) -> None:
        examples = shipped_examples()
        docs = [activity_terms(a, examples) for a in self.catalogue.activities]
        self.bm25 = BM25Okapi(docs, k1=BM25_K1, b=BM25_B)
        # Reasons quote only what the activity itself says, never an example's words.
        self.term_sets = [frozenset(activity_terms(a)) for a in self.catalogue.activities]
        self.char_model = TfidfVectorizer(
            analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True
        )
        self._char_matrix_t = self.char_model.fit_transform(
            [activity_char_text(a, examples) for a in self.catalogue.activities]
        ).T.tocsr()
        self.doc_freq = {}
        for term_set in self.term_sets:
            for term in term_set:
                self.doc_freq[term] = self.doc_freq.get(term, 0) + 1
        # Activity-to-activity similarity (word TF-IDF cosine), for pseudo-relevance feedback.
        words = TfidfVectorizer(analyzer=lambda doc: doc, sublinear_tf=True)
        matrix = words.fit_transform(docs)
        self.similarity = (matrix @ matrix.T).toarray()
        self.position = {a.id: i for i, a in enumerate(self.catalogue.activities)}
        # Typos are corrected towards the catalogue's own words: the examples have typos too.
        self._words = sorted(t for t in self.doc_freq if "_" not in t and "@" not in t)
        self._title_words = [
            [_distinctive(a.title.get(language)) for language in LANGUAGES]
            for a in self.catalogue.activities
        ]
        self._names = PhraseMatcher(
            {a.id: set(a.names) for a in self.catalogue.activities if a.names}
        )

    def named(self, text: str) -> frozenset[str]:
        """Ids of the activities whose proper name or acronym appears in `text`, or most of
        whose title does ("le cours virtuel commerce et santé publique de l'OMC")."""
        if not text.strip():
            return frozenset()
        said = set(terms(text))
        titled = {
            a.id
            for a, words in zip(self.catalogue.activities, self._title_words, strict=True)
            if any(
                len(w) >= TITLE_WORDS_MIN and len(w & said) >= TITLE_SHARE * len(w) for w in words
            )
        }
        return frozenset(self._names.labels(text, typos=False)) | titled

    def correct(self, query_terms: list[str]) -> list[str]:
        """Replace unknown terms by the closest indexed term within the typo budget."""
        out = []
        for term in query_terms:
            budget = _typo_budget(term)
            if term in self.doc_freq or not budget or "_" in term:
                out.append(term)
                continue
            best = process.extractOne(term, self._words, scorer=OSA.distance, score_cutoff=budget)
            out.append(best[0] if best is not None else term)
        return out

    def scores(self, query_terms: list[str]) -> list[float]:
        """BM25 score of every activity, in catalogue order."""
        if not query_terms:
            return [0.0] * len(self.catalogue.activities)
        return [float(s) for s in self.bm25.get_scores(query_terms)]

    def char_scores(self, text: str) -> list[float]:
        """Cosine similarity of character n-gram TF-IDF vectors, in catalogue order."""
        content = " ".join(content_words(text))
        if not content:
            return [0.0] * len(self.catalogue.activities)
        # Our own strings only: scikit-learn's per-call input validation is most of the cost.
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            query = self.char_model.transform([content])
        return [float(x) for x in (query @ self._char_matrix_t).toarray().ravel()]

    def specificity(self, term: str) -> float:
        """Inverse document frequency of a term (higher means rarer)."""
        n = len(self.term_sets)
        df = self.doc_freq.get(term, 0)
        return math.log((n + 1) / (df + 0.5))


_CACHE: dict[int, CatalogueIndex] = {}


def index_for(catalogue: Catalogue) -> CatalogueIndex:
    """Return the cached index for this catalogue object, building it on first use."""
    key = id(catalogue)
    cached = _CACHE.get(key)
    # The identity check guards against id() reuse after a catalogue is garbage-collected.
    if cached is None or cached.catalogue is not catalogue:
        if len(_CACHE) > 8:
            _CACHE.clear()
        cached = CatalogueIndex(catalogue)
        _CACHE[key] = cached
    return cached

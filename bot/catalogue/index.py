"""BM25 index over the catalogue text in English, French and Spanish."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from rank_bm25 import BM25Okapi
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.catalogue.labels import FORMAT_INDEX_TEXT, TOPIC_INDEX_TEXT
from bot.catalogue.schema import LANGUAGES, Activity, Catalogue
from bot.catalogue.text import bigrams, fold, terms

# Field weights are applied by repeating a field's terms; titles and curated keywords say
# more about what an activity is than the longer description does.
TITLE_WEIGHT = 2
KEYWORD_WEIGHT = 2
SUMMARY_WEIGHT = 1
DESCRIPTION_WEIGHT = 1
AUDIENCE_WEIGHT = 1
BM25_K1 = 1.2
BM25_B = 0.5
# Character n-grams catch typos ("lisence") and cognates across languages
# ("tecnología"/"technologie") that word stems miss.
CHAR_NGRAMS = (3, 5)


def _phrase_terms(phrases: list[str], weight: int) -> list[str]:
    out: list[str] = []
    for phrase in phrases:
        base = terms(phrase)
        out += (base + bigrams(base)) * weight
    return out


def activity_terms(activity: Activity) -> list[str]:
    """All index terms of one activity, with field weights applied by repetition."""
    out: list[str] = []
    for language in LANGUAGES:
        out += _phrase_terms([activity.title.get(language)], TITLE_WEIGHT)
        out += _phrase_terms([activity.summary.get(language)], SUMMARY_WEIGHT)
        out += _phrase_terms(list(getattr(activity.keywords, language)), KEYWORD_WEIGHT)
    out += _phrase_terms([activity.description], DESCRIPTION_WEIGHT)
    out += _phrase_terms([activity.audience], AUDIENCE_WEIGHT)
    for topic in activity.topics:
        out += terms(TOPIC_INDEX_TEXT[topic])
    out += terms(FORMAT_INDEX_TEXT[activity.format])
    out += [org.lower() if org != "WHO" else "who_org" for org in activity.organizations]
    return out


def activity_char_text(activity: Activity) -> str:
    """Text for the character n-gram model: titles, summaries and keywords in all languages."""
    parts: list[str] = []
    for language in LANGUAGES:
        parts.append(activity.title.get(language))
        parts.append(activity.summary.get(language))
        parts.extend(getattr(activity.keywords, language))
    return " . ".join(parts)


@dataclass
class CatalogueIndex:
    """A BM25 index plus per-activity term sets, built once per catalogue."""

    catalogue: Catalogue
    bm25: BM25Okapi = field(init=False)
    term_sets: list[frozenset[str]] = field(init=False)
    doc_freq: dict[str, int] = field(init=False)
    char_model: TfidfVectorizer = field(init=False)

    def __post_init__(self) -> None:
        docs = [activity_terms(a) for a in self.catalogue.activities]
        self.bm25 = BM25Okapi(docs, k1=BM25_K1, b=BM25_B)
        self.term_sets = [frozenset(d) for d in docs]
        self.char_model = TfidfVectorizer(
            analyzer="char_wb", ngram_range=CHAR_NGRAMS, preprocessor=fold, sublinear_tf=True
        )
        self._char_matrix = self.char_model.fit_transform(
            [activity_char_text(a) for a in self.catalogue.activities]
        )
        self.doc_freq = {}
        for term_set in self.term_sets:
            for term in term_set:
                self.doc_freq[term] = self.doc_freq.get(term, 0) + 1

    def scores(self, query_terms: list[str]) -> list[float]:
        """BM25 score of every activity, in catalogue order."""
        if not query_terms:
            return [0.0] * len(self.catalogue.activities)
        return [float(s) for s in self.bm25.get_scores(query_terms)]

    def char_scores(self, text: str) -> list[float]:
        """Cosine similarity of character n-gram TF-IDF vectors, in catalogue order."""
        if not text.strip():
            return [0.0] * len(self.catalogue.activities)
        query = self.char_model.transform([text])
        return [float(x) for x in (self._char_matrix @ query.T).toarray().ravel()]

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

"""Phrase lexicons from data/lexicon/, compiled into fast matchers that tolerate typos."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.nlu.text import fold

LEXICON_DIR = Path(__file__).resolve().parents[2] / "data" / "lexicon"


def _typo_budget(word: str) -> int:
    """Edits allowed for a misspelt word: none for short words, where typos collide."""
    if len(word) < 6:
        return 0
    return 1 if len(word) < 9 else 2


@dataclass(frozen=True)
class Hit:
    label: str
    start: int
    phrase: str
    weak: bool = False


@dataclass
class PhraseMatcher:
    """Finds labelled phrases in folded text; single long words also match with typos."""

    phrases: dict[str, set[str]]
    weak: set[str] = field(default_factory=set)
    # Phrases that hold a label's words without naming it: "we don't know how" is not
    # "know-how". Their words are read as nothing.
    ignore: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        ignored = sorted({fold(t) for t in self.ignore}, key=len, reverse=True)
        self._ignore = (
            re.compile(r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, ignored)) + r")(?![a-z0-9])")
            if ignored
            else None
        )
        self._pattern: dict[str, re.Pattern[str]] = {}
        self._single: dict[str, str] = {}
        for label, terms in self.phrases.items():
            ordered = sorted({fold(t) for t in terms if t.strip()}, key=len, reverse=True)
            alternation = "|".join(re.escape(t) for t in ordered)
            self._pattern[label] = re.compile(
                rf"(?<![a-z0-9])(?:{alternation})(?:e?s)?(?![a-z0-9])"
            )
            for term in ordered:
                if " " not in term and _typo_budget(term):
                    self._single.setdefault(term, label)
        self._weak = {fold(w) for w in self.weak}

    def hits(self, text: str, *, typos: bool = True) -> list[Hit]:
        """Every labelled phrase in `text`, in order of appearance."""
        folded = fold(text)
        if self._ignore is not None:
            folded = self._ignore.sub(lambda m: " " * len(m.group(0)), folded)
        found: list[Hit] = []
        for label, pattern in self._pattern.items():
            for m in pattern.finditer(folded):
                phrase = m.group(0)
                found.append(Hit(label, m.start(), phrase, self._is_weak(phrase)))
        # The longest phrase wins: "need area" names the need area, not also the "need".
        found = [
            h
            for h in found
            if not any(
                o.start <= h.start
                and h.start + len(h.phrase) <= o.start + len(o.phrase)
                and len(o.phrase) > len(h.phrase)
                for o in found
            )
        ]
        if typos:
            taken = [(h.start, h.start + len(h.phrase)) for h in found]
            found.extend(self._typo_hits(folded, taken))
        return sorted(found, key=lambda h: h.start)

    def labels(self, text: str, *, typos: bool = True) -> list[str]:
        """Distinct labels found, strong before weak, each group in order of appearance."""
        hits = self.hits(text, typos=typos)
        ordered = [h.label for h in hits if not h.weak] + [h.label for h in hits if h.weak]
        return list(dict.fromkeys(ordered))

    def _is_weak(self, phrase: str) -> bool:
        return phrase in self._weak or phrase.rstrip("s") in self._weak

    def _typo_hits(self, folded: str, taken: list[tuple[int, int]]) -> Iterable[Hit]:
        for m in re.finditer(r"[a-z]{6,}", folded):
            # A word inside a phrase already found ("liberte d'exploitation") is not re-read.
            if any(start <= m.start() < end for start, end in taken):
                continue
            word = m.group(0)
            budget = _typo_budget(word)
            best = process.extractOne(
                word, self._single.keys(), scorer=OSA.distance, score_cutoff=budget
            )
            # The shorter of the two words bounds the edits: "procedure" is not "procure"; and
            # typos rarely touch the first letter: "informacion" is not "formacion" (training).
            if (
                best is not None
                and 0 < best[1] <= _typo_budget(best[0])
                and best[0][:1] == word[:1]
            ):
                term = best[0]
                yield Hit(self._single[term], m.start(), word, self._is_weak(term))


def _load(name: str) -> dict[str, dict[str, list[str]]]:
    with (LEXICON_DIR / f"{name}.yml").open(encoding="utf-8") as fh:
        data: dict[str, dict[str, list[str]]] = yaml.safe_load(fh)
    return data


def _by_label(
    data: dict[str, dict[str, list[str]]], skip: Iterable[str] = ()
) -> dict[str, set[str]]:
    return {
        label: {t for key, terms in langs.items() if key not in skip for t in terms}
        for label, langs in data.items()
    }


# The lexicon entry listing phrases to read as nothing (see `PhraseMatcher.ignore`).
IGNORED = "not_a_topic"


@cache
def _ignored() -> frozenset[str]:
    """Phrases read as no topic and no need area ("we don't know how to…" is no know-how)."""
    return frozenset(_load("topics").get(IGNORED, {}).get("all", []))


@cache
def need_area_matcher() -> PhraseMatcher:
    data = _load("need_areas")
    weak = {t for langs in data.values() for t in langs.get("weak", [])}
    return PhraseMatcher(_by_label(data, skip={"weak"}), weak=weak, ignore=set(_ignored()))


@cache
def topic_matcher() -> PhraseMatcher:
    data = _load("topics")  # a fresh copy each time
    data.pop(IGNORED, None)
    return PhraseMatcher(_by_label(data), ignore=set(_ignored()))


def field_matcher() -> PhraseMatcher:
    return load_lexicon("fields")


@cache
def load_lexicon(name: str) -> PhraseMatcher:
    """A matcher over `data/lexicon/<name>.yml` (label → language → phrases)."""
    return PhraseMatcher(_by_label(_load(name)))


@cache
def organizations_lexicon() -> dict[str, dict[str, list[str]]]:
    return _load("organizations")

"""Which of the platform's three languages a conversation is in, and when it changes.

The rules, in order (see `choose`):

1. A delegate who asks for a language by name gets it ("en español por favor",
   "can we continue in French?"), unless the name is negated ("je ne parle pas anglais").
2. The widget's language switch (`metadata.language`) is followed whenever it changes.
3. The words: the opening message sets the language when it can be told (even "hola");
   later, only a sentence of several words written confidently in another language switches.
   Short answers (names, emails, "ok", "oui") and answers to the name, institution, email and
   country questions never switch it.
"""

import re
from dataclasses import dataclass
from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from bot.nlu.text import fold, words

SUPPORTED = ("en", "fr", "es")
_LINGUA = {Language.ENGLISH: "en", Language.FRENCH: "fr", Language.SPANISH: "es"}

# Short messages that statistics cannot place but people use to open a conversation.
_MARKERS = {
    "en": {"hi", "hello", "hey", "thanks", "thank", "please", "english", "yes"},
    "fr": {"bonjour", "bonsoir", "salut", "merci", "oui", "francais", "svp", "stp", "bjr", "slt"},
    "es": {"hola", "gracias", "buenos", "buenas", "espanol", "castellano", "si", "porfa", "xfa"},
}
# The languages' names as delegates type them in any of the three languages.
_NAMES = {
    "en": {"english", "anglais", "ingles", "inglesa"},
    "fr": {"french", "francais", "francaise", "frances", "francesa"},
    "es": {"spanish", "espagnol", "espanol", "castellano"},
}
# "don't" and "n'" leave "t" and "n" once apostrophes are split off.
_NEGATIONS = {"not", "t", "no", "never", "pas", "ne", "n", "jamais", "sans", "without", "ni", "nor"}
_CLAUSE = re.compile(r"[,;.!?¿¡:]|\b(?:but|mais|pero|sino)\b")
# A message longer than this is not a bare request for a language, whatever it names.
_REQUEST_WORDS = 8

# Thresholds, measured on the training data (README, "French and Spanish"): with four
# words or more, lingua never placed one of our examples in the wrong language above 0.75.
OPENING_CONFIDENCE = 0.75
SWITCH_CONFIDENCE = 0.8
SWITCH_MIN_WORDS = 4


@cache
def _detector() -> LanguageDetector:
    # The models ship inside the package: nothing is downloaded.
    return LanguageDetectorBuilder.from_languages(*_LINGUA).with_preloaded_language_models().build()


def warm_up() -> None:
    """Load the models now rather than on the first delegate's message."""
    _detector()


def _prose_words(text: str) -> list[str]:
    """The words that say something about the language: no emails, links or references."""
    cleaned = re.sub(r"\S+@\S+|https?://\S+|\bTA-\d{4}-\d+\b", " ", text, flags=re.IGNORECASE)
    return [w for w in words(cleaned) if w.isalpha()]


def detect(text: str, *, min_confidence: float = OPENING_CONFIDENCE) -> str | None:
    """The language of `text`, or None when the text is too short or too mixed to tell."""
    alpha = _prose_words(text)
    if not alpha:
        return None
    if len(alpha) <= 2:
        for code, markers in _MARKERS.items():
            if any(t in markers for t in alpha):
                return code
        if len(alpha) == 1 and len(alpha[0]) < 6:
            return None
    values = _detector().compute_language_confidence_values(text)
    best = values[0]
    if best.value < min_confidence:
        return None
    return _LINGUA[best.language]


def _named(folded: str) -> list[tuple[str, bool]]:
    """Each language named in `folded`, with whether the name is negated in its clause."""
    found = []
    for clause in _CLAUSE.split(folded):
        tokens = re.findall(r"[a-z]+", clause)
        for i, token in enumerate(tokens):
            for code, names in _NAMES.items():
                if token in names:
                    negated = any(t in _NEGATIONS for t in tokens[max(0, i - 4) : i])
                    found.append((code, negated))
    return found


def requested_language(text: str) -> str | None:
    """The language a delegate asks for by name ("in French please", "en español")."""
    wanted = {code for code, negated in _named(fold(text)) if not negated}
    return wanted.pop() if len(wanted) == 1 else None


def asks_for_language(text: str) -> str | None:
    """A short message that is a request for a language, even if the intent was missed."""
    if len(words(text)) > _REQUEST_WORDS:
        return None
    return requested_language(text)


@dataclass(frozen=True)
class Context:
    """What is known about the conversation when a message arrives."""

    current: str
    announced: str | None = None  # the widget's language with this message
    last_announced: str | None = None
    opening: bool = False  # the conversation's first message
    intent: str | None = None
    free_text_answer: bool = False  # answering the name, institution, email or country question
    is_payload: bool = False


def choose(text: str, ctx: Context) -> str | None:
    """The language to continue in after `text`, or None to keep the current one."""
    announced = ctx.announced if ctx.announced in SUPPORTED else None
    widget_switch = announced if announced and announced != ctx.last_announced else None
    chosen = _chosen(text, ctx, widget_switch)
    return chosen if chosen and chosen != ctx.current else None


def _chosen(text: str, ctx: Context, widget_switch: str | None) -> str | None:
    if ctx.is_payload:
        return widget_switch
    if ctx.intent == "change_language":
        asked = requested_language(text) or detect(text)
        if asked:
            return asked
    elif not ctx.free_text_answer and (asked := asks_for_language(text)):
        return asked
    if ctx.free_text_answer:
        return widget_switch
    if ctx.opening:
        # The widget's first language is the page's default: a sentence in another
        # language is a clearer sign than that.
        written = detect(text)
        if widget_switch and (written is None or len(_prose_words(text)) < SWITCH_MIN_WORDS):
            return widget_switch
        return written or widget_switch
    if widget_switch:
        return widget_switch
    if len(_prose_words(text)) < SWITCH_MIN_WORDS:
        return None
    return detect(text, min_confidence=SWITCH_CONFIDENCE)

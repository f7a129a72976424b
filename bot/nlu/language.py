"""Which of the platform's three languages a conversation is in, and when it changes.

The rules, in order (see `choose`):

1. A delegate who asks for a language by name gets it ("en español por favor",
   "can we continue in French?"), unless the name is negated ("je ne parle pas anglais").
2. The widget's language switch (`metadata.language`) is followed whenever it changes.
3. The words: the opening message sets the language when it can be told (even "hola");
   later, only a sentence of several words written confidently in another language switches.
   Short answers (names, emails, "ok", "oui") and answers to the name, institution, email and
   country questions never switch it.
4. A switch made by the words alone is tentative: a short answer back in the language the
   delegate wrote before ("sí, gracias" after one English sentence in a Spanish conversation)
   returns to it. A switch the delegate asked for, by name or with the widget, is not undone.
"""

import re
import unicodedata
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
# Words of an opening line that only one of the three languages uses, for short openings
# that name a country or a person ("hola soy de Honduras"), which statistics cannot place.
_OPENING_MARKERS = {
    "en": _MARKERS["en"] | {"i", "im", "we", "are", "from", "need", "want", "our", "my"},
    "fr": _MARKERS["fr"] | {"je", "suis", "nous", "sommes", "voudrais", "besoin", "notre"},
    "es": _MARKERS["es"] | {"soy", "somos", "necesitamos", "quiero", "queremos", "nuestro"},
}
# Short answers only one of the three languages uses ("d'accord" leaves "accord").
_ANSWER_MARKERS = {
    "en": {"yes", "yeah", "yep", "thanks", "thank", "please", "sure", "correct", "exactly"},
    "fr": {"oui", "ouais", "merci", "accord", "exactement", "parfait", "svp", "stp", "entendu"},
    "es": {"si", "gracias", "vale", "claro", "correcto", "exacto", "perfecto", "acuerdo", "listo"},
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
# A message longer than this is not a bare request for a language ("Spanish please")...
_REQUEST_WORDS = 5
# Lone UTF-16 halves: not text, and the detector (native code) cannot encode them.
_SURROGATES = re.compile("[\ud800-\udfff]")
# ...unless a verb asks for it: "I would rather write in English, my email is ...".
_REQUEST_VERBS = set(
    """speak talk write continue switch change answer reply respond prefer rather
    parler parlez parle parlons ecrire ecrivez continuer continuons passer passez changer
    repondre repondez prefere preferer preferons hablar hable habla hablas hablemos escribir
    escriba seguir sigamos continuar continuemos cambiar cambie responder responda prefiero
    preferiria""".split()  # noqa: SIM905
)

# Thresholds, measured on the training data (README, "French and Spanish"): with four
# words or more, lingua never placed one of our examples in the wrong language above 0.75.
OPENING_CONFIDENCE = 0.75
SWITCH_CONFIDENCE = 0.8
SWITCH_MIN_WORDS = 4


@cache
def _detector() -> LanguageDetector:
    # The models ship inside the package: nothing is downloaded.
    return LanguageDetectorBuilder.from_languages(*_LINGUA).with_preloaded_language_models().build()


@cache
def _with_portuguese() -> LanguageDetector:
    # Only to notice Portuguese (Brazil, Portugal, the Lusophone LDCs): in the main detector it
    # would compete with Spanish on short messages.
    languages = (*_LINGUA, Language.PORTUGUESE)
    return (
        LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()
    )


def warm_up() -> None:
    """Load the models now rather than on the first delegate's message."""
    _detector()
    _with_portuguese()


# A message in a language the assistant does not speak: Portuguese, told apart from Spanish
# with a sentence of a few words, or a script other than Latin (Arabic, Cyrillic, Chinese…).
PORTUGUESE = "pt"
OTHER_SCRIPT = "other"
_PORTUGUESE_MIN_WORDS = 3
_PORTUGUESE_CONFIDENCE = 0.8


def unsupported(text: str) -> str | None:
    """`PORTUGUESE` or `OTHER_SCRIPT` when `text` is written in neither English, French nor
    Spanish and says so clearly; None otherwise (including for names and emails)."""
    text = _SURROGATES.sub("", text)
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None
    latin = sum(1 for c in letters if unicodedata.name(c, "").startswith("LATIN"))
    if latin < len(letters) / 2:
        return OTHER_SCRIPT
    if len(_prose_words(text)) < _PORTUGUESE_MIN_WORDS:
        return None
    best = _with_portuguese().compute_language_confidence_values(text)[0]
    if best.language == Language.PORTUGUESE and best.value >= _PORTUGUESE_CONFIDENCE:
        return PORTUGUESE
    return None


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
    values = _detector().compute_language_confidence_values(_SURROGATES.sub("", text))
    best = values[0]
    if best.value < min_confidence:
        return None
    return _LINGUA[best.language]


def _marked_opening(text: str) -> str | None:
    """The one language whose opening words a short first message uses, if only one."""
    alpha = {fold(w) for w in _prose_words(text)}
    if len(alpha) > SWITCH_MIN_WORDS + 2:
        return None
    return _one({code for code, markers in _OPENING_MARKERS.items() if alpha & markers})


@dataclass(frozen=True)
class _Mention:
    language: str
    negated: bool  # "je ne parle pas anglais"
    asked: bool  # a verb asks for it: "can we continue in French"


def _named(folded: str) -> list[_Mention]:
    """Each language named in `folded`, read within its clause."""
    found = []
    for clause in _CLAUSE.split(folded):
        tokens = re.findall(r"[a-z]+", clause)
        for i, token in enumerate(tokens):
            for code, names in _NAMES.items():
                if token in names:
                    before = tokens[max(0, i - 4) : i]
                    negated = any(t in _NEGATIONS for t in before)
                    asked = any(t in _REQUEST_VERBS for t in before)
                    found.append(_Mention(code, negated, asked))
    return found


def _one(codes: set[str]) -> str | None:
    return codes.pop() if len(codes) == 1 else None


def requested_language(text: str) -> str | None:
    """The language a delegate asks for by name ("in French please", "en español")."""
    return _one({m.language for m in _named(fold(text)) if not m.negated})


# Where a clause ends, keeping the separator with the clause before it.
_CLAUSE_END = re.compile(r"(?<=[,;.!?:])\s+")


def without_language_request(text: str) -> str:
    """`text` without a short clause that asks for a language: "ok in English then: we need
    help buying vaccines" is the need "we need help buying vaccines"."""
    clauses = _CLAUSE_END.split(text.strip())
    kept = [
        c
        for c in clauses
        if len(words(c)) > _REQUEST_WORDS or not any(not m.negated for m in _named(fold(c)))
    ]
    return " ".join(kept) if kept and len(kept) < len(clauses) else text


def asks_for_language(text: str, *, verb_only: bool = False) -> str | None:
    """A message that requests a language, even if Rasa missed the intent.

    A bare name counts in a short message ("Spanish please"); in a longer one a verb must
    ask for it ("I would rather write in English"), so "the Spanish version of the report"
    is not a request. With `verb_only` only the verb form counts.
    """
    mentions = [m for m in _named(fold(text)) if not m.negated]
    if asked := _one({m.language for m in mentions if m.asked}):
        return asked
    if verb_only or len(words(text)) > _REQUEST_WORDS:
        return None
    return _one({m.language for m in mentions})


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
    # The language before the last switch, when the words alone made it (rule 4).
    before_switch: str | None = None


@dataclass(frozen=True)
class Switch:
    """A change of language; `tentative` when only the words made it (rule 4)."""

    language: str
    tentative: bool = False


def choose(text: str, ctx: Context) -> str | None:
    """The language to continue in after `text`, or None to keep the current one."""
    switch = choose_switch(text, ctx)
    return switch.language if switch else None


def choose_switch(text: str, ctx: Context) -> Switch | None:
    """The change of language `text` makes, or None to keep the current one."""
    announced = ctx.announced if ctx.announced in SUPPORTED else None
    widget_switch = announced if announced and announced != ctx.last_announced else None
    chosen = _chosen(text, ctx, widget_switch)
    return chosen if chosen and chosen.language != ctx.current else None


def _chosen(text: str, ctx: Context, widget_switch: str | None) -> Switch | None:
    widget = Switch(widget_switch) if widget_switch else None
    if ctx.is_payload:
        return widget
    if ctx.intent == "change_language":
        asked = requested_language(text) or detect(text)
        if asked:
            return Switch(asked)
    # While a name or an institution is asked only a verb makes a request ("Agence française
    # du médicament" is an answer).
    elif asked := asks_for_language(text, verb_only=ctx.free_text_answer):
        return Switch(asked)
    if ctx.free_text_answer:
        return widget
    if ctx.opening:
        # The widget's first language is the page's default: a sentence in another
        # language is a clearer sign than that.
        written = detect(text) or _marked_opening(text)
        if widget and (written is None or len(_prose_words(text)) < SWITCH_MIN_WORDS):
            return widget
        return Switch(written) if written else widget
    if widget:
        return widget
    if len(_prose_words(text)) < SWITCH_MIN_WORDS:
        if ctx.before_switch and _answer_language(text) == ctx.before_switch:
            return Switch(ctx.before_switch)
        return None
    written = detect(text, min_confidence=SWITCH_CONFIDENCE)
    return Switch(written, tentative=True) if written else None


def _answer_language(text: str) -> str | None:
    """The one language a short answer's words belong to ("sí, gracias"), if only one."""
    said = {fold(w) for w in _prose_words(text)}
    return _one({code for code, markers in _ANSWER_MARKERS.items() if said & markers})

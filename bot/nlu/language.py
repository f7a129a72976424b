"""Which of the platform's three languages a message is written in."""

from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from bot.nlu.text import fold, words

SUPPORTED = ("en", "fr", "es")
_LINGUA = {Language.ENGLISH: "en", Language.FRENCH: "fr", Language.SPANISH: "es"}

# Short messages that statistics cannot place but people use to open or switch.
_MARKERS = {
    "en": {"hi", "hello", "hey", "thanks", "thank", "please", "english", "yes"},
    "fr": {"bonjour", "bonsoir", "salut", "merci", "oui", "francais", "svp", "stp"},
    "es": {"hola", "gracias", "buenos", "buenas", "espanol", "castellano", "si", "porfa"},
}


@cache
def _detector() -> LanguageDetector:
    # The models ship inside the package: nothing is downloaded.
    return LanguageDetectorBuilder.from_languages(*_LINGUA).with_preloaded_language_models().build()


def warm_up() -> None:
    """Load the models now rather than on the first delegate's message."""
    _detector()


def detect(text: str, *, min_confidence: float = 0.75) -> str | None:
    """The language of `text`, or None when the text is too short or too mixed to tell."""
    tokens = words(text)
    alpha = [t for t in tokens if t.isalpha()]
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


def requested_language(text: str) -> str | None:
    """The language a delegate asks for by name ("in French please", "en español")."""
    folded = fold(text)
    names = {
        "en": ("english", "anglais", "ingles"),
        "fr": ("french", "francais", "frances"),
        "es": ("spanish", "espagnol", "espanol", "castellano"),
    }
    found = [code for code, options in names.items() if any(o in folded for o in options)]
    return found[0] if len(found) == 1 else None

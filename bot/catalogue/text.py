"""Language-light text analysis shared by the index, the ranker and the evaluation.

One analyzer serves English, French and Spanish: accents and case are folded, a small
suffix stripper conflates plurals and common endings (vaccines/vaccins/vacunas -> vaccin/
vacun, technologies/tecnologías -> technolog/tecnolog), and a few acronyms that differ by
language are mapped to one form (ADPIC -> trips, ARNm -> mrna, OMS -> who_org).
We deliberately avoid per-language analysis: delegates mix languages and acronyms, and the
catalogue carries keywords in all three languages anyway.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

_WORD = re.compile(r"[A-Za-z0-9]+")

# Acronyms that name the same thing in different languages. Upper-case "WHO" is the
# organization; lower-case "who" is the English pronoun and is dropped as a stopword.
_ACRONYMS_ANY_CASE = {
    "adpic": "trips",
    "trips": "trips",
    "omc": "wto",
    "ompi": "wipo",
    "oms": "who_org",
    "arnm": "mrna",
    "epi": "ppe",
    "epp": "ppe",
    "pma": "ldc",
    "pmas": "ldc",
    "ldcs": "ldc",
    "bpf": "gmp",
    "pi": "ip",
    "cati": "tisc",
    "otc": "tbt",
    "msf": "sps",
    "sa": "hs",
}
_ACRONYMS_UPPER = {"WHO": "who_org"}

_STOPWORD_TEXT = """
    a an and are as at be been but by can could do does did for from has have how i if
    in into is it its me my no not of on or our ours so such than that the their them
    then there these they this those to too us was we were what when where which who
    whom why will with would you your yours also any all some about after before more
    most other others own same should very just over under up out e g eg ie etc via per
    through throughout across ok okay set
    au aux avec ce ces cet cette dans de des du elle en et eux il ils je la le les leur
    leurs lui ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que
    qui sa se ses son sur ta te tes toi ton tu un une vos votre vous c d j l m n s t y
    est sont etre avons avez ont fait faire peut peuvent quel quelle quels quelles
    comment existe il-y afin aussi al algo como con cual cuales cuando del desde donde
    el ella ellas ellos entre era es esa esas ese eso esos esta estan estas este esto
    estos hay la las le les lo los mas mi mis muy nos nosotros nuestra nuestras nuestro
    nuestros o otra otras otro otros para pero por porque puede pueden que quien se sea
    ser si sin sobre su sus tambien tiene tienen todo todos tras un una uno unos usted
    ya queremos necesitamos quiero contre pendant selon vers chez contra hacia
    durante segun mediante
    republic republique republica kingdom royaume reino democratic democratique democratica
    federal federation federative federativa plurinational plurinacional islamic islamique
    islamica people peoples united unis unidos unidas states etats estados emirates
    want wants wanted wanting like please someone something anyone anything get getting
    veut veulent voulons voudrait voudrions voudrais souhaite souhaitons souhaiterait
    souhaiterions cherche cherchons doit faut deja ete suis sommes quoi
    quiere quieren queria quisieramos quisiera algun alguna alguno algunos algunas saber
    somos soy necesita necesitan necesito buscamos podemos tenemos sabemos
    hello hi hey dear bonjour bonsoir salut madame monsieur hola buenos buenas dias tardes
    estimado estimada
    moins plus less menos
"""
# The country-name lines are the generic words of country names ("Kyrgyz Republic"): a
# delegate's country is not a need, and "republic" must not match the "Republic of Korea"
# training hub. The last lines are how delegates greet and ask ("we would like", "nous
# voulons", "quisiéramos saber"): the example needs are full of them, so left in they would
# make activities with many examples match every request.
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def strip_accents(text: str) -> str:
    """Replace ligatures and remove diacritics, keeping case."""
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lower-case and strip accents."""
    return strip_accents(text).lower()


def stem(token: str) -> str:
    """Strip plural and common endings shared by English, French and Spanish."""
    t = token
    if len(t) <= 3 or t.isdigit():
        return t
    if t.startswith("licens"):  # US "license" spelling -> "licence", as in fr/es
        t = "licenc" + t[6:]
    if t.endswith("aux") and len(t) > 5:  # nationaux -> national
        t = t[:-3] + "al"
    elif t.endswith("es") and len(t) > 4:
        t = t[:-2]
    elif t.endswith("s") and not t.endswith("ss") and len(t) > 3:
        t = t[:-1]
    for suffix in ("ing", "ed"):
        if t.endswith(suffix) and len(t) - len(suffix) >= 4:
            t = t[: -len(suffix)]
            break
    if t.endswith(("ia", "ie")) and len(t) > 5:  # tecnologia/technologie -> tecnolog
        t = t[:-2]
    elif t[-1] in "aeoyi" and len(t) > 4:
        t = t[:-1]
    return t


@dataclass(frozen=True)
class Token:
    """One analysed token with its position in the original text."""

    term: str
    start: int
    end: int


def analyze(text: str) -> list[Token]:
    """Tokenize, fold, drop stopwords, map acronyms and stem."""
    tokens: list[Token] = []
    plain = strip_accents(text)
    # Positions index `text` when folding kept its length (the usual case for NFC input);
    # otherwise they index the accent-free copy, which callers then display instead.
    for match in _WORD.finditer(plain):
        raw = match.group(0)
        if raw in _ACRONYMS_UPPER:
            tokens.append(Token(_ACRONYMS_UPPER[raw], match.start(), match.end()))
            continue
        word = raw.lower()
        if word in _ACRONYMS_ANY_CASE:
            tokens.append(Token(_ACRONYMS_ANY_CASE[word], match.start(), match.end()))
            continue
        if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        tokens.append(Token(stem(word), match.start(), match.end()))
    return tokens


def surface(text: str, start: int, end: int) -> str:
    """The words of `text` between two token positions, as the user typed them."""
    plain = strip_accents(text)
    source = text if len(plain) == len(text) else plain
    return source[start:end]


def terms(text: str) -> list[str]:
    """Analysed terms of a text, in order."""
    return [t.term for t in analyze(text)]


def bigrams(term_list: list[str]) -> list[str]:
    """Adjacent term pairs, so multi-word terms ("licence obligatoire") also match as a unit."""
    return [f"{a}_{b}" for a, b in itertools.pairwise(term_list)]


def query_terms(text: str) -> list[str]:
    """Terms and bigrams used to score a query."""
    base = terms(text)
    return base + bigrams(base)


def content_words(text: str) -> list[str]:
    """Folded words of `text` without stopwords, unstemmed (for character n-grams)."""
    return [w for w in _WORD.findall(fold(text)) if w not in STOPWORDS and len(w) > 1]

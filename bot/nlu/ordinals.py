"""Activities named by their place in a list: "the first", "la 2", "las dos últimas"."""

import re

from bot.nlu.text import fold, words

# Ordinals only: "one", "un" or "dos" also occur in ordinary sentences.
ORDINALS = {
    0: {
        "first",
        "1",
        "1st",
        "premier",
        "premiere",
        "1er",
        "1re",
        "1ere",
        "primero",
        "primera",
        "1o",
        "1a",
    },
    1: {
        "second",
        "2",
        "2nd",
        "deuxieme",
        "seconde",
        "2e",
        "2eme",
        "segundo",
        "segunda",
        "2o",
        "2a",
    },
    2: {"third", "3", "3rd", "troisieme", "3e", "3eme", "tercero", "tercera", "3o", "3a"},
}
# "les deux", "las dos": both, said as French and Spanish speakers say it.
BOTH = re.compile(r"\b(?:les deux|tous les deux|toutes les deux|las dos|los dos)\b")
ALL = {"both", "all", "tous", "toutes", "ambos", "ambas", "todos", "todas"}
LAST = {"last", "dernier", "derniere", "ultimo", "ultima"}

# What may surround the places in a message that only names them: "the 1st and the 3rd one",
# "le premier et le deuxième", "la opción 2 por favor".
_AROUND = frozenset(
    {
        *("the", "one", "ones", "and", "option", "number", "please", "ok", "okay", "yes"),
        *("le", "la", "les", "l", "et", "option", "numero", "svp", "oui", "d", "accord"),
        *("el", "los", "las", "y", "opcion", "por", "favor", "si", "vale"),
    }
)


def only_places(text: str) -> bool:
    """Whether `text` names activities by their place and says nothing else: a pick, never a
    question ("le premier et le deuxième"; not "what is the second one?")."""
    if "?" in text or "¿" in text:
        return False
    said = set(words(text))
    places = set().union(*ORDINALS.values(), ALL, LAST)
    return bool(said & places or BOTH.search(fold(text))) and said <= places | _AROUND | {
        "deux",
        "dos",
        "tous",
        "toutes",
    }

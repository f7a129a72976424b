"""Practical questions about asking for help here: what it costs, sending documents, and
which languages to write in.

Delegates ask them at any point ("is this free?", "puis-je joindre un document ?",
"¿cuánto cuesta?"), in or outside the request; each gets its own short answer, and an open
question of the request is then asked again.
"""

import re

from bot.nlu import extract
from bot.nlu.text import fold

_COST = re.compile(
    r"\b(?:free(?: of charge)?|costs?|costing|fees?|pay|paying|payment\w*|paid|price|pricing"
    r"|(?:a|any|no) charges?|gratuit\w*|payant\w*|payer|cout\w*|frais|tarif\w*|prix"
    r"|gratis|costo|costos|costara|cuesta\w*|pag(?:ar|o|an|amos)|cobra(?:n|r)?|cobro|precio)\b"
)
# Cost words that are about the need, not about asking: "free vaccines", "vaccins gratuits".
_COST_OF_A_PRODUCT = re.compile(
    r"\b(?:vaccin\w*|vacuna\w*|medic\w*|medicament\w*|drugs?|treatments?|tests?|pruebas?"
    r"|oxygen\w*|oxygene|oxigeno|doses?|dosis)\b"
)
_DOCUMENTS = re.compile(
    r"\b(?:attach\w*|upload\w*|enclos\w*|joindre|joins?|pieces? jointes?|telecharg\w*"
    r"|televers\w*|adjunt\w*|anex\w*|subir|cargar"
    r"|(?:send\w*|share|envo\w*|transmet\w*|envi[aeo]\w*|mand[ao]\w*|compart\w*) (?:\w+ ){0,2}"
    r"(?:documents?|files?|pdfs?|fichiers?|documentos?|archivos?|informes?|reports?|rapports?))\b"
)

_LANGUAGES = re.compile(
    r"\b(?:(?:what|which) languages?|in (?:what|which) language|languages? (?:do you|can i)"
    r"|quel(?:le)?s? langues?|(?:en|dans) quelle langue|quels? idiomas?"
    r"|(?:en )?que idiomas?|cuales idiomas|idiomas? (?:hablan?|puedo))\b"
)


def question_asked(text: str) -> str | None:
    """The response for a practical question in `text`, or None when it asks none."""
    folded = fold(text)
    if not extract.is_question(text) and not folded.startswith(("can i", "puis je", "puedo")):
        return None
    if _DOCUMENTS.search(folded):
        return "utter_documents"
    if _LANGUAGES.search(folded):
        return "utter_languages"
    if _COST.search(folded) and not _COST_OF_A_PRODUCT.search(folded):
        return "utter_cost"
    return None

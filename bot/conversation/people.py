"""Telling a person's name from an office's: both are capitalised words typed at a question."""

import re
from functools import cache

from bot.catalogue.loader import get_catalogue
from bot.catalogue.schema import LANGUAGES
from bot.members import get_directory
from bot.nlu import extract
from bot.nlu.text import fold, fold_apart, words

# Words of an office's name, for an office given where the government is asked.
_OFFICE_WORDS = frozenset(
    {
        *("service", "services", "board", "administration", "customs", "commission", "bureau"),
        *("unit", "division", "centre", "center", "pharmacy", "stores", "douane", "douanes"),
        *("servicio", "servicios", "administracion", "aduana", "aduanas", "comision", "unidad"),
        *("centro", "farmacia", "cellule", "pharmacie", "centrale", "central", "cancilleria"),
        *("ministry", "ministere", "ministerio", "authority", "autorite", "autoridad", "agency"),
        *("agence", "agencia", "office", "oficina", "institute", "institut", "instituto"),
        *("department", "departement", "departamento", "directorate", "direction", "direccion"),
        *("council", "conseil", "consejo", "secretariat", "secretaria", "mission", "mision"),
        *("laboratory", "laboratoire", "laboratorio", "lab", "labo", "hospital", "hopital"),
        *("university", "universite", "universidad", "regulator", "regulateur", "regulador"),
    }
)


def an_office(text: str) -> bool:
    """ "Ministry of Health", "State Customs Service": where the delegate works, typed at the
    government question (which they often read as "which part of government")."""
    return bool(extract.institution(text) or set(words(text)) & _OFFICE_WORDS)


@cache
def _ordinary_words() -> frozenset[str]:
    """Every word of the catalogue's texts in the three languages: words no name is made of
    ("Santé Publique", "Health Products" are offices' words, not people's)."""
    said: set[str] = set()
    for activity in get_catalogue().activities:
        for language in LANGUAGES:
            said.update(words(activity.title.get(language)))
            said.update(words(activity.summary.get(language)))
            said.update(words(" ".join(getattr(activity.keywords, language))))
        said.update(words(" ".join(activity.description.all_texts())))
    return frozenset(said - extract.NAME_PARTICLES)


def a_persons_name(text: str) -> str | None:
    """The delegate's own name typed at the office question ("Rahul Sharma", "Dr. Ana
    Pérez"): two to four capitalised words that name no office, government or organization
    and are none of the catalogue's words; or anything introduced as a name."""
    typed = extract.name_as_typed(text)
    if typed is None or an_office(text) or get_directory().find_in_text(text):
        return None
    name = extract.capitalised_name(typed)
    if extract.says_a_name(text):
        return name
    parts = typed.split()
    if not 2 <= len(parts) <= 4:
        return None
    if not all(p[:1].isupper() or fold(p) in extract.NAME_PARTICLES for p in parts):
        return None
    if set(words(name)) & _ordinary_words():
        return None
    return name


def reads_as_words(typed: str) -> bool:
    """ "et la formation en biofabrication aussi", typed at the name question: the catalogue's
    own words, two of them or one in a lower-case answer, are no one's name."""
    ordinary = {w for w in words(typed) if len(w) > 3} & _ordinary_words()  # not "Le", "Li"
    capitalised = any(part[:1].isupper() for part in typed.split())
    return len(ordinary) >= 2 or (bool(ordinary) and not capitalised)


# Who writes here without being a government: UN agencies and partners, NGOs, companies,
# universities. They are told once whom the platform serves; nothing else changes.
_OUTSIDE_GOVERNMENT = re.compile(
    r"\b(?:unicef|undp|pnud|unops|unfpa|unaids|onusida|gavi|cepi|msf|ngo|ngos|ong|ongs"
    r"|medecins sans frontieres|doctors without borders|medicos sin fronteras"
    r"|red cross|croix rouge|cruz roja|non governmental|non gouvernementale?"
    r"|no gubernamental|foundation|fondation|fundacion|university|universite|universidad"
    r"|private (?:company|sector|firm)|secteur prive|sector privado|pharmaceutical company"
    r"|laboratoire pharmaceutique|laboratorio farmaceutico|consultancy|consultant|consultante"
    r"|journalist|journaliste|periodista|student|etudiante?|estudiante"
    r"|who country office|bureau de pays de l oms|oficina de (?:pais|la oms en))\b"
)


def outside_government(text: str) -> bool:
    """Whether the writer says they work for a body other than a government."""
    return bool(_OUTSIDE_GOVERNMENT.search(fold_apart(text)))

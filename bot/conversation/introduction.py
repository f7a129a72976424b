"""Telling a self-introduction ("Good morning, I work at the Ministry of Health of Kenya")
from a description of the need.

Delegates often open by saying who they are. Such a message names the office, the country or
the person, which the request form takes, but it says nothing of the need: used as the need's
description, it made the assistant suggest activities for the words "Ministry of Industry".
"""

import re

from bot.members import get_directory
from bot.nlu import extract
from bot.nlu.text import fold, words

# A role, with what usually qualifies it ("trade attaché", "first secretary", "conseiller
# commercial").
_ROLE = re.compile(
    r"\b(?:(?:trade|health|commercial|economic|ip|first|second|third|deputy|chief|senior"
    r"|commerce|sante|salud|comercio|premier|premiere|primer|primera|segundo|segunda)\s+)*"
    r"(?:attache|attachee|agregado|agregada|counsell?or|counselor|delegate|minister|ambassador"
    r"|officer|official|director|adviser|advisor|head|focal point|point focal|punto focal"
    r"|secretary|coordinator|manager|conseiller|conseillere|delegue|deleguee|directeur"
    r"|directrice|ministre|ambassadeur|ambassadrice|chef|responsable|secretaire|consejero"
    r"|consejera|delegado|delegada|directora|jefe|jefa|ministro|ministra|embajador|embajadora"
    r"|funcionario|funcionaria|encargado|encargada|secretario|secretaria)\b"
    # …and what follows it in French and Spanish ("conseiller commercial", "agregado comercial").
    r"(?:\s+(?:commerciale?|economique|comercial|economic[oa]|juridique|juridic[oa]|principale?"
    r"|adjointe?|adjunt[oa]|charge de [a-z]+|a cargo de [a-z]+))*"
)
# Words that only carry the introduction: greetings, "I work at", "on behalf of", places.
_INTRO_TEXT = """
    good morning afternoon evening day dear colleague colleagues sir sirs madam all everyone
    hello hi hey greetings i i'm im am me my we we're our us this is it here there from of at
    for in on to the a an and with work working works worked writing write wrote behalf
    represent representing represents speaking speak name called based team government
    geneva mission permanent capital country office

    bonjour bonsoir salut cher chers chere cheres collegue collegues madame monsieur mesdames
    messieurs je j suis nous sommes travaille travaillons ecris ecrivons au aux a la le les l
    de du des d en pour part nom represente representons ici gouvernement geneve mission
    permanente pays equipe

    hola buenos buenas dias tardes noches estimado estimada estimados estimadas colega colegas
    senor senora senores yo soy somos trabajo trabajamos escribo escribimos en el los las de
    del por parte nombre represento representamos desde aqui gobierno ginebra mision
    permanente pais equipo con mi mis nuestro nuestra
"""
_INTRO_WORDS = frozenset(_INTRO_TEXT.split())


def is_introduction(text: str) -> bool:
    """True when the message says who is writing (office, country, name, role) and, once those
    are set aside, nothing about a need (no need area, no topic, at most two other words)."""
    folded = fold(text)
    found: list[str] = []
    if office := extract.institution(text):
        found.append(fold(office))
    found += [fold(m.matched) for m in get_directory().find_in_text(text)]
    if name := extract.name_in_sentence(text):
        found.append(fold(name))
    role = _ROLE.search(folded)
    if not found and role is None:
        return False
    rest = _ROLE.sub(" ", folded)
    for part in found:  # as whole words: "UE" leaves the "ue" of "buenos" alone
        rest = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", " ", rest)
    rest = extract.EMAIL.sub(" ", rest)
    if extract.need_areas(rest) or extract.topics(rest):
        return False
    others = [w for w in words(rest) if w not in _INTRO_WORDS and len(w) > 1]
    return len(others) <= 2

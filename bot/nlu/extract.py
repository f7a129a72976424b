"""Field extraction from free text in English, French and Spanish.

Rasa's NLU gives intents and some entities; these functions are the dependable backstop
for the request's fields: they run on every message and tolerate typos.
"""

import re
from functools import cache

from email_validator import EmailNotValidError, validate_email

from bot.nlu.lexicon import (
    field_matcher,
    need_area_matcher,
    organizations_lexicon,
    topic_matcher,
)
from bot.nlu.text import clip, fold, fold_apart, fold_positions, words

ORGANIZATIONS = ("WHO", "WIPO", "WTO")
EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)


# "Actually", "en fait", "en realidad": the delegate corrects something said before.
_CHANGE_OF_MIND = re.compile(
    r"\b(actually|instead|rather|changed? my mind|not .+ but|correction|sorry|i meant|"
    r"en fait|plutot|finalement|je voulais dire|je me suis trompe|au lieu de|et non pas|"
    r"en realidad|mejor dicho|mas bien|quise decir|me equivoque|en vez de|en lugar de|"
    r"perdon|pardon)\b"
)


def changes_mind(text: str) -> bool:
    """The message corrects something said before ("actually it's about oxygen")."""
    return bool(_CHANGE_OF_MIND.search(fold(text)))


# "I don't know", "je ne sais pas", "no sé": the delegate is unsure, not refusing.
_UNSURE = re.compile(
    r"\b(?:(?:i )?(?:don t|dont|do not) know|not sure|no idea|dunno|unsure|no clue"
    r"|(?:je )?(?:ne )?sais pas|aucune idee|pas sur|j en sais rien"
    r"|no (?:lo )?se|ni idea|no estoy segur[oa]|no sabemos|ne savons pas)\b"
)


def unsure(text: str) -> bool:
    """The delegate says they do not know (what to ask for, which option)."""
    return bool(_UNSURE.search(fold_apart(text)))


def without_unsure(text: str) -> str:
    """`text` folded, without the words that say the delegate does not know."""
    return _UNSURE.sub(" ", fold_apart(text))


# A message opening with one of these words, or carrying a question mark, asks something.
_QUESTION_START = re.compile(
    r"^(?:what|why|how|when|who|where|which|whom|whose|is|are|can|could|do|does|will|would"
    r"|should|pourquoi|comment|quand|qui|quoi|quel|quelle|quels|quelles|ou|est ce|qu est"
    r"|combien|que|por que|como|cuando|quien|quienes|donde|cual|cuales|cuanto"
    r"|cuanta|cuantos|puedo|puede|se puede|hay)\b"
)


def is_question(text: str) -> bool:
    """ "what happens next?", "ça prend combien de temps", "¿por qué?": a question, which no
    name, institution or email is."""
    if "?" in text or "¿" in text:
        return True
    said = text.split()
    # Without a question mark, a name ("Will Smith", "Can Yılmaz") or an acronym ("WHO country
    # office") is not a question: it takes a lower-case word after the opening one.
    if len(said) < 3 or said[0].isupper() or not any(w.islower() for w in said[1:]):
        return False
    return bool(_QUESTION_START.match(fold_apart(text)))


def need_areas(text: str) -> list[str]:
    """Need areas mentioned, the most specific first."""
    return need_area_matcher().labels(text)


def topics(text: str) -> list[str]:
    """Topics mentioned, in order of appearance."""
    return topic_matcher().labels(text)


def fields_named(text: str) -> list[str]:
    """Request fields the delegate names, e.g. when correcting the summary."""
    return field_matcher().labels(text, typos=False)


def email_in(text: str) -> str | None:
    """The first syntactically valid email address in `text`, normalised."""
    for candidate in EMAIL.findall(text):
        try:
            return validate_email(candidate.strip(".,;"), check_deliverability=False).normalized
        except EmailNotValidError:
            continue
    return None


def looks_like_email_attempt(text: str) -> bool:
    """True when the delegate seems to have typed an address, valid or not."""
    return "@" in text or bool(re.search(r"\b[\w.-]+\s*(?:\(at\)|\[at\]| at )\s*[\w-]+\.", text))


# "who is best", "who should": the pronoun asking a question, even in a short answer.
_WHO_ASKS = re.compile(r"\s+(?:is|are|should|would|can|could|will|does|do|knows?)\b")


def organizations(text: str, *, answer: bool = False) -> list[str]:
    """WHO/WIPO/WTO named in `text`; `["not_sure"]` when the delegate leaves it open.

    Acronyms match in any case ("wto", "omc"), except "who", a pronoun in running text: it
    counts in lower case only in a short `answer` to "which organizations?" ("who and wto").
    """
    lex = organizations_lexicon()
    folded = fold(text)
    found: list[tuple[int, str]] = []
    short_answer = answer and len(folded.split()) <= _SHORT_ANSWER_WORDS and "?" not in text
    for org in ORGANIZATIONS:
        for acronym in lex[org]["acronyms"]:
            anycase = acronym != "WHO" or short_answer
            pattern = re.compile(rf"\b{acronym}\b", re.IGNORECASE if anycase else 0)
            found += [
                (m.start(), org)
                for m in pattern.finditer(text)
                if not (m.group(0) == "who" and _WHO_ASKS.match(text, m.end()))
            ]
        for name in lex[org]["names"]:
            found += [
                (m.start(), org) for m in re.finditer(rf"\b{re.escape(fold(name))}\b", folded)
            ]
    named = list(dict.fromkeys(org for _, org in sorted(found)))
    if named:
        return named
    # "todas", "toutes", "any" answer the question; inside a paragraph they mean anything.
    short = len(folded.split()) <= _SHORT_ANSWER_WORDS
    if _any_phrase(folded, lex["all"], single_words=short):
        return list(ORGANIZATIONS)
    if _any_phrase(folded, lex["not_sure"], single_words=short):
        return ["not_sure"]
    return []


_SHORT_ANSWER_WORDS = 6


@cache
def organization_acronyms() -> frozenset[str]:
    """The three organizations' acronyms in every language, folded: who, oms, wipo, ompi…"""
    lex = organizations_lexicon()
    return frozenset(fold(a) for org in ORGANIZATIONS for a in lex[org]["acronyms"])


# A stated preference for whom to work with, said at any point of the conversation.
_PREFERENCE = re.compile(
    r"\b(?:prefer|prefers|preferably|rather|would like to (?:talk|speak|work) (?:to|with)"
    r"|talk to|speak to|speak with|only with|prefere|preferons|preferez|plutot"
    r"|parler (?:a|avec)|uniquement|seulement|prefiero|preferimos|preferiblemente"
    r"|mejor con|hablar con|solo con|solamente|only|just|solo|unicamente)\b"
)


_JOINING_WORDS = frozenset(
    {"the", "la", "el", "l", "and", "et", "y", "only", "just", "seulement", "uniquement", "solo"}
    | {"solamente", "unicamente"}
)


def only_organizations(text: str) -> bool:
    """ "OMS", "OMPI et OMS": nothing but the organizations' acronyms."""
    said = set(words(text))
    return bool(said & organization_acronyms()) and said <= organization_acronyms() | _JOINING_WORDS


# The WTO named in the delegate's status, not as a partner: "we are a WTO member", "in the WTO
# accession process", "membre de l'OMC", "en proceso de adhesión a la OMC".
_WTO_STATUS = re.compile(
    r"\b(?:wto|omc)\s+(?:members?(?:hip)?|accession|observers?)\b"
    r"|\b(?:members?|membres?|miembros?|accession|adh[eé]si[oó]n|observers?|observateurs?"
    r"|observador(?:es)?)\s+(?:(?:of|to|in|de|a|à|du|al)\s+)?(?:(?:the|la|el)\s+|l['’]\s*)?"
    r"(?:wto|omc)\b",
    re.IGNORECASE,
)


def organizations_asked(text: str) -> list[str]:
    """The organizations a need names as the ones to help, not in the delegate's WTO status."""
    return organizations(_WTO_STATUS.sub(" ", text))


def preferred_organizations(text: str) -> list[str]:
    """WHO/WIPO/WTO the delegate says they prefer ("je préfère parler à l'OMC"), or []."""
    if not _PREFERENCE.search(fold(text)):
        return []
    return [o for o in organizations(text) if o != "not_sure"]


# "Remove that one", "enlevez la deuxième", "quite el segundo": undo a choice.
_REMOVE_CHOICE = re.compile(
    r"\b(?:remove|delete|drop|unselect|deselect|undo|take (?:it|that|this|them) (?:out|off)"
    r"|take out|take off|cancel (?:it|that|this|the)|don t want (?:it|that|this|the)"
    r"|enlev\w*|retir(?:e|ez|er|ons|ee)|supprim\w*|annul\w* (?:la|le|celle|celui|ce|ca)"
    r"|n en veux plus|ne (?:la|le) veux plus|quit(?:a|ar|ela|elo|enla|enlo|amos)"
    r"|quite (?:el|la|los|las|eso|esa|ese|esta|este)|elimin\w*|borr(?:a|e|ar|ela|elo)"
    r"|saque\w*|saca(?:r|la|lo)|deshac\w*|ya no (?:la|lo) quiero)\b"
)


def removes_choice(text: str) -> bool:
    """The delegate takes back an activity they chose."""
    return bool(_REMOVE_CHOICE.search(fold_apart(text)))


# "I want to ask for help with that", "sí, quiero pedir ayuda con eso": a request about what
# was just shown, which names nothing itself.
_THAT = re.compile(r"\b(?:that|this|it|those|them|ca|cela|ceci|eso|esto|esa|ese|esos|esas)\b")
_GO_AHEAD = re.compile(
    r"\b(?:help|request|ask|apply|want|need|interested|aide|demande\w*|solliciter|veux|voudrais"
    r"|voulons|besoin|interesse\w*|ayuda|pedir|solicit\w*|quiero|quisiera|queremos|necesit\w*"
    r"|interesa\w*)\b"
)


def about_what_was_shown(text: str) -> bool:
    """A wish for help that points back ("help with that") instead of naming a need."""
    folded = fold_apart(text)
    return bool(_THAT.search(folded) and _GO_AHEAD.search(folded)) and not (
        need_areas(text) or topics(text)
    )


# "That's all" while choosing activities means "done choosing", not "goodbye".
_DONE_CHOOSING = re.compile(
    r"\b(?:that'?s all|that is all|that'?s it|that is it|nothing (?:else|more)|no more"
    r"|i'?m done|we'?re done|done|enough|c'?est tout|rien d'?autre|rien de plus|ca suffit"
    r"|c'?est bon|eso es todo|es todo|nada mas|ya esta|ya es suficiente|suficiente"
    r"|listo|terminado|termine|fini|finished)\b"
)


# Words that greet: a message without any is no greeting, whatever the NLU made of it
# ("Nadia Benjelloun" at the name question).
_GREETING = re.compile(
    r"\b(?:hello|hi|hey|hiya|good (?:morning|afternoon|evening|day)|greetings|dear|howdy"
    r"|bonjour|bonsoir|salut|coucou|rebonjour|hola|buen(?:os|as)(?: dias| tardes| noches)?"
    r"|saludos|estimad[oa]s?|que tal|ola)\b"
)


def greets(text: str) -> bool:
    """Whether the words greet ("hello", "bonjour", "buenas tardes")."""
    return bool(_GREETING.search(fold(text)))


def ends_choosing(text: str) -> bool:
    """True when the words close a list the delegate was choosing from."""
    return bool(_DONE_CHOOSING.search(fold(text)))


def without_ending(text: str) -> str:
    """The folded text minus its "that's all" ("tout", "todo" and "all" pick nothing there)."""
    return _DONE_CHOOSING.sub(" ", fold(text))


def _any_phrase(folded: str, by_language: dict[str, list[str]], *, single_words: bool) -> bool:
    return any(
        re.search(rf"(?<![a-z]){re.escape(fold(p))}(?![a-z])", folded)
        for phrases in by_language.values()
        for p in phrases
        if single_words or " " in fold(p)
    )


_INSTITUTION_HEAD = (
    r"(?:ministry|ministere|ministerio|department|departement|departamento|office|oficina"
    r"|agency|agence|agencia|authority|autorite|autoridad|institute|institut|instituto"
    r"|directorate|direction|direccion|permanent mission|mission permanente|mision permanente"
    r"|national regulatory authority|secretariat|secretaria|council|conseil|consejo"
    # The foreign ministry, by its other names.
    r"|cancilleria|chancellerie)"
)
# "Trade ministry of Viet Nam", "Health ministry": the portfolio may come first in English.
_PORTFOLIO = (
    r"(?:trade|health|commerce|industry|finance|economy|foreign affairs|foreign|science|justice"
    r"|agriculture|planning|public health|trade and industry|health and social care) "
)
_INSTITUTION = re.compile(
    rf"\b((?:national |federal |state )?(?:{_PORTFOLIO})?{_INSTITUTION_HEAD}\b[^,.;:!?()]*)",
)
# Where an institution's name stops in a running sentence.
_INSTITUTION_STOP = re.compile(
    r"\s(?:and|et|y|e|we|nous|nosotros|i|je|yo|who|qui|que|which|need|needs|besoin|necesita"
    r"|necesitamos|would|would like|is|are|est|es|esta|looking|seeks|want|wants|veut|quiere"
    r"|souhaite|souhaitons|souhaitent|voudrait|voudrions|aimerait|aimerions|desea|deseamos"
    r"|quisiera|quisieramos|solicita|solicitamos|requiere|requires|wishes|asks|seeking"
    r"|for|pour|para|to|regarding|about|sur|sobre|with|avec|con|because|car|porque"
    r"|here|ici|aqui|speaking|writing)\b"
)


def after_a_change_of_mind(folded: str) -> int:
    """Where the words after the last "actually"/"en fait"/"perdón" start (0 when none)."""
    marks = list(_CHANGE_OF_MIND.finditer(folded))
    return marks[-1].end() if marks else 0


def institution(text: str) -> str | None:
    """A ministry, office or agency named in a running sentence, as the delegate wrote it;
    the one named after "actually, no" when the delegate corrects themselves."""
    folded = fold(text)
    found = [_INSTITUTION.search(folded, at) for at in {after_a_change_of_mind(folded), 0}]
    for m in sorted((m for m in found if m), key=lambda m: -m.start()):
        if office := _office_at(text, folded, m):
            return office
    named = _PROPER_AGENCY.search(text)
    return clip(named.group(1), 200) if named else None


# An agency written as a proper name whose head word is also an everyday word, capitalised:
# "the Jordan Food and Drug Administration", "Pharmacy and Poisons Board" (never "the
# administration of vaccines").
_PROPER_AGENCY = re.compile(
    r"((?:(?!(?:The|Our|We|I|Hello|Dear)\b)[A-Z][\w'’-]*\s+(?:(?:and|of|for|&)\s+)?){1,5}"
    r"(?:Administration|Board|Commission|Bureau|Service|Centre|Center|Unit))\b"
)


# The English head words a name can lead up to: "Zimbabwe Revenue Authority".
_NAMED_BEFORE = re.compile(r"(?:authority|agency|office|institute|council|directorate)\b")
_NOT_IN_A_NAME = frozenset(
    "the our my your we i hello hi dear good morning at for from in with of and it s".split()  # noqa: SIM905
)


# What kind of office, between the body's name and "office": "UNICEF country office".
_OFFICE_KINDS = frozenset({"country", "regional", "national", "liaison", "field"})


def _name_before(text: str, start: int) -> int:
    """Where the capitalised words naming an English office before its head word start
    ("Zimbabwe Revenue Authority"), over a kind of office ("WHO country office")."""
    before = list(re.finditer(r"[^\W\d_][\w'-]*", text[:start]))
    begin = named = start
    for word in reversed(before[-4:]):
        said = word.group()
        if text[word.end() : begin].strip():
            break
        if said[0].isupper() and said.lower() not in _NOT_IN_A_NAME:
            begin = named = word.start()
        elif said in _OFFICE_KINDS and begin == start:
            begin = word.start()  # kept only if a name comes before it
        else:
            break
    return named


def _office_at(text: str, folded: str, m: re.Match[str]) -> str | None:
    span = m.group(1)
    start = m.start(1)
    if _NAMED_BEFORE.match(span) and len(text) == len(folded):
        begin = _name_before(text, start)
        span, start = folded[begin:start] + span, begin
    stop = next(
        (
            found
            for found in _INSTITUTION_STOP.finditer(span)
            if not _joins_a_name(text, folded, start + found.end())
        ),
        None,
    )
    span = span[: stop.start()] if stop else span
    original = text_span(text, folded, start, start + len(span.rstrip()))
    return clip(original, 200) if len(original.split()) >= 2 else None


# What precedes the institution's name in an answer like "I work at the Ministry of ...".
# "de"/"del" alone connect a unit to its ministry ("Unidad de Vacunas del Ministerio"): only
# after "I am" do they introduce the institution.
_INSTITUTION_LEAD = re.compile(
    r"(?:\b(?:at|for|in|with|from|au|aux|a|pour|dans|chez|en|para|con|desde)"
    r"|\b(?:soy|somos|vengo|je suis|nous sommes)\s+(?:de|del|du|des))"
    r"(?:\s+(?:the|le|la|les|l'|el|los|las))?\s*$|^(?:the|le|la|les|l'|el|los|las)\s*$"
)


_CONJUNCTION_END = re.compile(r"(?:and|et|y|e)$")
# After "and"/"et"/"y" inside a name: "of the", "du", "de la"… then a capitalised word.
_NAME_GOES_ON = re.compile(
    r"\s+(?:(?:of|the|de|du|des|del|la|le|las|los|l'|d')\s*)*"
    r"(?!(?:The|Le|La|Les|El|Los|Las|We|Our|Nous|Notre|Je|I|Yo|Nosotros|Nuestro)\b)[A-ZÀ-Þ]"
)


def _joins_a_name(text: str, folded: str, end: int) -> bool:
    """Whether the "and"/"et"/"y" ending at `end` joins two parts of one name: "Direction de
    la Pharmacie et du Médicament", "Ministry of Health and Social Welfare" (capitals tell)."""
    if not _CONJUNCTION_END.search(folded[:end]) or len(text) != len(folded):
        return False
    return bool(_NAME_GOES_ON.match(text, end))


def institution_answer(text: str) -> str:
    """The institution in a direct answer, whole ("Ministerio de Salud y Protección Social").

    Only a lead-in ("I work at the", "je travaille à la", "trabajo en el") is dropped:
    unlike in running text, "and"/"et"/"y" here belong to the name.
    """
    folded = fold(text)
    if (corrected := after_a_change_of_mind(folded)) and (office := institution(text)):
        if folded.find(fold(office), corrected) >= 0:
            return office  # "Ministry of Finance, sorry, Ministry of Trade"
    m = _INSTITUTION.search(folded)
    if m is None or m.start(1) == 0 or not _INSTITUTION_LEAD.search(folded[: m.start(1)]):
        return text
    rest = re.split(r"[.;!?]", folded[m.start(1) :], maxsplit=1)[0].rstrip(" ,")
    return text_span(text, folded, m.start(1), m.start(1) + len(rest))


def text_span(text: str, folded: str, start: int, end: int) -> str:
    """Map a span of `fold(text)` back onto the original text when lengths line up."""
    refolded = fold(text)
    if len(refolded) == len(folded) and len(text) == len(folded):
        return text[start:end].strip()
    # Spaces or a dash changed the length ("Kenya - Ministry of Health"): line them up.
    positions = fold_positions(text) if refolded == folded else None
    if positions is not None and start < end <= len(positions):
        return text[positions[start] : positions[end - 1] + 1].strip()
    return folded[start:end].strip().title()


_TIMELINE = re.compile(
    r"\b(?:(?:by|before|until|d'ici|avant|d'ici a|antes de|para|hasta)\s+(?:the\s+|la\s+|le\s+|el\s+|fin\s+de\s+|end\s+of\s+|finales\s+de\s+)?"
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre"
    r"|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
    r"|next year|l'annee prochaine|el proximo ano|(?:la )?fin de l'annee|fin d'annee|fin de ano|the end of the year"
    r"|20\d\d|q[1-4])(?:\s+20\d\d)?"
    r"|(?:within|in|dans|d'ici|en|dentro de)\s+(?:the next\s+|les\s+|los\s+proximos\s+)?(?:\d+|one|two|three|six|un|une|deux|trois|six|uno|una|dos|tres|seis)\s+"
    r"(?:days?|weeks?|months?|years?|jours?|semaines?|mois|ans?|annees?|dias?|semanas?|meses?|anos?)"
    r"|urgent(?:ly)?|as soon as possible|asap|au plus vite|des que possible|au plus tot|le plus tot possible"
    r"|urgente(?:mente)?|lo antes posible|lo mas pronto posible|cuanto antes|a la brevedad)\b"
)


def timeline(text: str) -> str | None:
    """A deadline or urgency the delegate volunteers ("within three months", "urgent")."""
    folded = fold(text)
    m = _TIMELINE.search(folded)
    # The delegate's own spelling: "antes de fin de año", not its folded form.
    return text_span(text, folded, m.start(), m.end()) if m else None


_PRIOR = re.compile(
    r"(?:already (?:received|got|had|have)|(?:received|receiving|got) (?:support|assistance|help|funding)"
    r"|with (?:the )?support (?:of|from)|supported by|deja (?:recu|beneficie|obtenu)|avec l'appui de"
    r"|avec le soutien de|ya (?:recibimos|hemos recibido|tenemos|contamos)|con el apoyo de"
    r"|hemos recibido|nous avons recu)"
)
_OUTCOME = re.compile(
    r"(?:our (?:goal|aim|objective) is|the (?:goal|aim|objective|expected outcome) is|so that we can"
    r"|in order to|we hope to|we expect to|notre objectif est|l'objectif est|afin de|pour pouvoir"
    r"|nous esperons|nuestro objetivo es|el objetivo es|con el fin de|para poder|esperamos)"
)


def _sentence_with(pattern: re.Pattern[str], text: str) -> str | None:
    for sentence in re.split(r"(?<=[.!?;])\s+|\n+", text):
        if pattern.search(fold(sentence)):
            return clip(sentence.strip(), 500)
    return None


def prior_assistance(text: str) -> str | None:
    """The sentence about help already received from other agencies or donors."""
    return _sentence_with(_PRIOR, text)


def expected_outcome(text: str) -> str | None:
    """The sentence that states what the delegate wants to achieve."""
    return _sentence_with(_OUTCOME, text)


_NAME_LEAD = re.compile(
    r"^(?:my name is|my name's|name is|i am|i'm|im|this is|it's|it is|je m'appelle|je suis|moi c'est"
    r"|mon nom est|mon nom c'est|je me nomme|c'est|me llamo|yo me llamo|mi nombre es|yo soy|soy|habla"
    r"|le saluda)\s+",
    re.IGNORECASE,
)
_TITLES = re.compile(r"^(?:mr|mrs|ms|dr|prof|m|mme|sr|sra|srta|dra)\.?\s+", re.IGNORECASE)


_NOT_NAMES = {
    "help",
    "hello",
    "hi",
    "thanks",
    "thank you",
    "merci",
    "gracias",
    "bonjour",
    "hola",
    "test",
    "none",
    "nobody",
    "anonymous",
    "n/a",
    "na",
    "no name",
    "why",
    "pourquoi",
    "por que",
    "skip",
    # "Any", "whichever": an answer to another question.
    "any",
    "whatever",
    "cualquiera",
    "n'importe",
    "peu importe",
}


# Lower-case parts of people's names ("María de la Cruz", "Ibrahim bin Ali").
NAME_PARTICLES = frozenset(
    {"de", "del", "la", "las", "los", "da", "das", "do", "dos", "du", "van", "von", "der"}
    | {"bin", "binti", "ben", "al", "y", "e", "di"}
)


# "my name is Rahul Sharma": a name whatever it looks like (the stricter part of _NAME_LEAD).
_SAYS_A_NAME = re.compile(
    r"^\s*(?:my name is|my name's|je m'appelle|je m’appelle|mon nom est|me llamo|mi nombre es)\b",
    re.IGNORECASE,
)


def says_a_name(text: str) -> bool:
    """Whether the answer introduces itself as a name ("je m'appelle …")."""
    return bool(_SAYS_A_NAME.match(text))


def person_name(text: str) -> str | None:
    """A person's name from an answer like "I'm Dr. Ana Pérez"; None if it is not a name."""
    candidate = name_as_typed(text)
    return capitalised_name(candidate) if candidate is not None else None


def capitalised_name(typed: str) -> str:
    """A name as `name_as_typed` read it, each part capitalised but the particles inside."""
    return " ".join(
        part if i and part in NAME_PARTICLES else part[:1].upper() + part[1:]
        for i, part in enumerate(typed.split())
    )


def name_as_typed(text: str) -> str | None:
    """What `person_name` reads as a name, with the delegate's own capitalisation."""
    candidate = _NAME_LEAD.sub("", text.strip()).strip(" .,!")
    candidate = _TITLES.sub("", candidate) if len(candidate.split()) > 1 else candidate
    if not candidate or "@" in candidate or any(ch.isdigit() for ch in candidate):
        return None
    if yes_or_no(candidate) is not None or fold(candidate) in _NOT_NAMES:
        return None
    # "Ministère du Commerce" or "WTO" answer another question, not this one.
    if _INSTITUTION.search(fold(candidate)) or set(organizations(candidate)) & set(ORGANIZATIONS):
        return None
    if len(candidate) > 100 or len(candidate.split()) > 6:
        return None
    if not re.fullmatch(r"[^\W\d_][\w' .\-]*", candidate, re.UNICODE):
        return None
    return candidate


# "change the name to Fatima Zahra Benali", "l'institution est le ministère du Commerce",
# "el nombre es María Quispe": a field named with its new value, in one message.
_NEW_VALUE = re.compile(
    r"\b(?P<field>name|nom|nombre|institution|institucion|organisme|organismo|agency|agence|agencia"
    r"|government|country|member|gouvernement|pays|gobierno|pais)"
    r"\s*(?::|=|\b(?:should be|must be|is|to|est|devient|doit etre|en|par|es|debe ser|a|por)\b)"
    r"\s*(?P<value>\S.*)$"
)
_FIELD_OF = {
    **dict.fromkeys(("name", "nom", "nombre"), "requester_name"),
    **dict.fromkeys(("government", "country", "member", "gouvernement", "pays"), "member"),
    **dict.fromkeys(("gobierno", "pais"), "member"),
}
# "my name is wrong, it's Amina Diallo-Traoré", "mon nom est faux, c'est …", "el nombre está
# mal, es …": the field judged wrong, then its right value.
_WRONG_THEN_VALUE = re.compile(
    r"\b(?P<field>name|nom|nombre|institution|institucion|organisme|organismo|agency|agence"
    r"|agencia)\b[^,;.:!?]{0,20}?\b(?:wrong|incorrect|misspelled|faux|incorrecte?|mal ecrit"
    r"|mal|erroneo|incorrecto)\b\W*(?:it s|its|it is|it should be|should be|c est|ce doit etre"
    r"|il faut|es|debe ser|deberia ser|seria)?\s*:?\s*(?P<value>\S.*)$"
)


def corrected_value(text: str) -> tuple[str, str] | None:
    """(field, value) when the delegate gives a name or an institution's new value."""
    folded = fold(text)
    m = _WRONG_THEN_VALUE.search(folded) or _NEW_VALUE.search(folded)
    if m is None:
        return None
    value = text_span(text, folded, m.start("value"), len(folded)).strip(" .,;!\"'«»")
    field = _FIELD_OF.get(m.group("field"), "institution")
    if field == "requester_name":
        name = person_name(value)
        return (field, name) if name else None
    if field == "member":
        from bot.members import get_directory  # the directory reads this module's lexicons

        match = get_directory().resolve(value)
        return (field, match.member.name) if match is not None else None
    value = re.sub(r"^(?:the|le|la|l'|les|el|los|las)\s*", "", value, flags=re.IGNORECASE)
    # "the institution is fine / wrong" judges the value; a new one is a proper name.
    if len(value) < 2 or yes_or_no(value) is not None or fold(value) in _JUDGEMENTS:
        return None
    if not (value[:1].isupper() or _INSTITUTION.search(fold(value))):
        return None
    return (field, value)


_JUDGEMENTS = frozenset(
    {
        *("fine", "correct", "right", "good", "ok", "okay", "wrong", "incorrect"),
        *("bien", "bon", "bonne", "correcte", "faux", "fausse", "mal"),
        *("correcto", "correcta", "incorrecto", "incorrecta", "erroneo", "erronea"),
    }
)


# A name as written: an optional title, then capitalised words ("Dr. Kwame Mensah").
_TITLE_THEN = r"(?:(?:Dr|Mr|Mrs|Ms|Prof|Mme|M|Sr|Sra|Srta|Dra)\.?\s+)?"
_CAPITALISED = r"[A-ZÀ-Ý][\w'’-]+"

_NAME_IN_SENTENCE = re.compile(
    r"\b(?i:my name is|i am|i'm|this is|je m'appelle|je me nomme|je suis|mon nom est|me llamo"
    r"|mi nombre es|soy|habla|les? escribe)"
    r"\s+(?i:(?:la|el|le)\s+)?"
    rf"({_TITLE_THEN}{_CAPITALISED}(?:\s+{_CAPITALISED}){{0,3}})"
)


# A letter's closing and the signature after it: "Best regards, Kavita Maharaj".
_SIGNATURE = re.compile(
    r"\b(?i:(?:best|kind|warm)? ?regards|sincerely|yours (?:sincerely|faithfully)|thank you"
    r"|thanks|(?:bien |tr[eè]s )?cordialement|(?:meilleures |sinc[eè]res )?salutations|merci"
    r"|(?:un )?saludos?(?: cordiales)?|atentamente|cordialmente|gracias)"
    rf"[,.:;!]?\s+({_TITLE_THEN}{_CAPITALISED}(?:\s+{_CAPITALISED}){{1,3}})\s*[.!]?\s*$"
)


def name_in_sentence(text: str) -> str | None:
    """A name introduced in running text ("I am Dr. Kwame Mensah from ..."), or signed at
    the end of a letter ("Best regards, Kavita Maharaj"), capitalised."""
    from bot.members import get_directory  # the directory reads this module's lexicons

    for m in _NAME_IN_SENTENCE.finditer(text):
        words = _TITLES.sub("", m.group(1)).split()
        # The name's words must be capitalised as written; "I am from" is not a name.
        if words and all(w[:1].isupper() for w in words) and len(words) >= 2:
            return person_name(" ".join(words))
    if signed := _SIGNATURE.search(text):
        name = signed.group(1)
        words = _TITLES.sub("", name).split()
        office = _INSTITUTION.search(fold(name))
        if len(words) >= 2 and office is None and get_directory().resolve(name) is None:
            return person_name(" ".join(words))
    return None


_FILLER = {
    "help",
    "hello",
    "hi",
    "please",
    "assistance",
    "support",
    "info",
    "information",
    "need",
    "i",
    "we",
    "a",
    "the",
    "some",
    "want",
    "aide",
    "ayuda",
    "besoin",
    "de",
    "necesito",
    "necesitamos",
    "bonjour",
    "hola",
    "svp",
    "por",
    "favor",
    "yes",
    "no",
    "ok",
    "test",
    "asdf",
    "something",
    "anything",
    "thing",
    "stuff",
    "nothing",
    "idk",
    "je",
    "nous",
    "avons",
    "me",
    "us",
}


# Words that place a need without saying what it is ("for my country", "pour notre pays").
_PLACING_WORDS = frozenset(
    {
        *("country", "contry", "countri", "nation", "government", "goverment", "ministry"),
        *("pays", "gouvernement", "ministere", "pais", "gobierno", "ministerio", "covid"),
        *("19", "covid19", "sars", "cov", "related", "connexes", "conexas", "my", "our", "mon"),
        *("ma", "mes", "notre", "nos", "mi", "mis", "nuestro", "nuestra", "nuestros"),
        *("nuestras", "with", "for", "pour", "para", "con", "avec", "about", "sur", "sobre"),
        *("regarding", "concernant", "acerca", "en", "on", "in", "of", "de", "du", "des"),
        *("del", "la", "le", "les", "el", "los", "las", "and", "et", "y", "to", "a", "au"),
        *("aux", "al", "get", "obtenir", "obtener", "access", "acces", "acceso", "question"),
        *("questions", "pregunta", "preguntas", "area", "domaine", "ambito", "sector"),
        *("needs", "needed", "require", "requires", "looking", "seeking", "besoins"),
        *("cherchons", "cherche", "buscamos", "busco", "necesita", "necesitan"),
        # Greetings and thanks around it, as typed in a chat ("slt, on a besoin d aide…").
        *("slt", "salut", "bjr", "bsr", "bonsoir", "coucou", "hey", "good", "morning"),
        *("afternoon", "evening", "dear", "buenos", "buenas", "dias", "tardes", "noches"),
        *("thanks", "thank", "merci", "gracias", "estimado", "estimados", "cher", "chers"),
    }
)


def is_vague_need(text: str) -> bool:
    """ "I need help with vacines for my contry": a need area and nothing about what is
    needed (no topic, no product, no problem), too little to suggest activities from."""
    from bot.members import get_directory  # the directory reads this module's lexicons

    if topics(text):
        return False
    for match in get_directory().find_in_text(text):
        text = text.replace(match.matched, " ")
    folded = fold(text)
    for hit in need_area_matcher().hits(text):
        end = hit.start + len(hit.phrase)
        folded = folded[: hit.start] + " " * len(hit.phrase) + folded[end:]
    left = [w for w in words(folded) if len(w) > 1 and w not in _FILLER | _PLACING_WORDS]
    return not left


def is_substantive(text: str) -> bool:
    """True when a description says something beyond "help" or a greeting."""
    meaningful = [w for w in words(text) if w not in _FILLER and len(w) > 1]
    return len(meaningful) >= 3 or (len(meaningful) >= 2 and bool(need_areas(text) or topics(text)))


_YES = {
    "yes",
    "y",
    "yeah",
    "yep",
    "yup",
    "sure",
    "ok",
    "okay",
    "agree",
    "agreed",
    "i agree",
    "correct",
    "right",
    "confirm",
    "confirmed",
    "of course",
    "go ahead",
    "oui",
    "d'accord",
    "daccord",
    "j'accepte",
    "jaccepte",
    "accepte",
    "c'est correct",
    "exact",
    "si",
    "claro",
    "de acuerdo",
    "acepto",
    "correcto",
    "vale",
    "confirmo",
    "bien sur",
    "parfait",
    "perfecto",
    "that's right",
    "looks good",
    "all good",
    "yes please",
    "oui merci",
    "si gracias",
    "ouais",
    "ouai",
    "dac",
    "d'acc",
    "c'est bon",
    "c bon",
    "tout a fait",
    "absolument",
    "je confirme",
    "je suis d'accord",
    "je consens",
    "entendu",
    "volontiers",
    "ca me va",
    "claro que si",
    "por supuesto",
    "desde luego",
    "dale",
    "listo",
    "estoy de acuerdo",
    "asi es",
    "exacto",
    "esta bien",
    "me parece bien",
    "afirmativo",
    "doy mi consentimiento",
}
_NO = {
    "no",
    "n",
    "nope",
    "nah",
    "don't",
    "do not",
    "i do not agree",
    "i don't agree",
    "disagree",
    "refuse",
    "non",
    "pas d'accord",
    "je refuse",
    "je n'accepte pas",
    "no acepto",
    "no estoy de acuerdo",
    "wrong",
    "incorrect",
    "not correct",
    "c'est faux",
    "faux",
    "incorrecto",
    "no es correcto",
    "nan",
    "pas question",
    "certainement pas",
    "absolument pas",
    "je ne suis pas d'accord",
    "je ne consens pas",
    "de ninguna manera",
    "para nada",
    "nop",
    "negativo",
    "claro que no",
    "me niego",
    "no doy mi consentimiento",
}


# A reply that starts with one of these ("oui, envoyez", "vale, adelante") answers the question.
_YES_FIRST = {"yes", "oui", "ouais", "si", "yeah", "ok", "okay", "sure", "claro", "vale", "dale"}
_NO_FIRST = {"no", "non", "nope", "nan"}


# Agreement said in passing ("hmm ok fine, yes you can file it", "bueno, sí, preséntela"):
# read only where a yes is what the assistant just invited, never as an answer to a question.
_AGREEMENT = re.compile(
    r"\b(?:yes|yeah|ok|okay|fine|alright|all right|sure|go ahead|agree\w*|file it|submit it"
    r"|oui|d accord|allez y|vas y|accept\w*|je consens|deposez|bon"
    r"|si|vale|acepto|de acuerdo|bueno|adelante|claro|presentela|envienla)\b"
)
_REFUSAL = re.compile(
    r"\b(?:no|not|don t|dont|never|refuse|non|pas|jamais|refuse|nunca|jamas|tampoco)\b"
)


def agrees(text: str) -> bool:
    """Whether `text` says yes somewhere in it, and no refusal."""
    folded = fold_apart(text)
    return bool(_AGREEMENT.search(folded)) and not _REFUSAL.search(folded)


def yes_or_no(text: str) -> bool | None:
    """A plain yes or no in any of the three languages; None when it is neither."""
    folded = fold(text).strip(" .!¡?¿")
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    first = folded.split(" ", 1)[0].strip(",.!")
    if first in _YES_FIRST:
        return True
    if first in _NO_FIRST:
        return False
    return None

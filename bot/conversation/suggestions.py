"""Catalogue suggestions inside the request form: what to show, and what the delegate picked.

The form's `activity_choice` step comes after the need is known. Each batch shows up to
three activities as buttons; every shown id is appended to `suggested_activity_ids` in the
order shown, every pick to `selected_activity_ids`. The step ends with "continue" or
"none of these", or when the delegate moves on to other details.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from bot.catalogue.index import index_for
from bot.catalogue.labels import FORMAT_LABELS, ORGANIZATION_LABELS, PAST_NOTE, label
from bot.catalogue.loader import get_catalogue
from bot.catalogue.ranking import NeedQuery, Suggestion, suggest
from bot.catalogue.schema import TOPICS, Activity, Catalogue
from bot.catalogue.text import analyze, content_words
from bot.conversation import practical
from bot.conversation.replies import Reply
from bot.conversation.turn import Turn
from bot.i18n import value_label
from bot.members import get_directory
from bot.nlu import extract
from bot.nlu.ordinals import ALL, BOTH, LAST, ORDINALS
from bot.nlu.text import fold, fold_apart, words

BATCH = 3
DONE = "done"
NONE = "none"


def query_for(turn: Turn) -> NeedQuery:
    """What the conversation knows, as the ranker's query."""
    member = get_directory().get(turn.slot("member")) if turn.slot("member") else None
    return NeedQuery(
        text=_with_focus(turn.slot("description") or "", turn.slot("focus"), turn.language),
        need_area=turn.slot("need_area"),
        topics=tuple(turn.slot("topics") or ()),
        member_status=turn.slot("member_status"),
        ldc=bool(member and member.ldc),
        organizations=tuple(turn.slot("organizations") or ()) or _unsure_what(turn),
        overview=turn.slot("focus") == "not_sure",
        language=turn.language,
    )


def _unsure_what(turn: Turn) -> tuple[str, ...]:
    """Not sure what kind of help, for a need told by its area alone: the joint request of
    the three organizations comes first, as for a delegate unsure whom to ask."""
    return ("not_sure",) if turn.slot("focus") == "not_sure" else ()


def _with_focus(description: str, focus: str | None, language: str) -> str:
    """The need as told, plus the kind of help chosen when it was asked for ("regulation")."""
    if not focus or focus == "not_sure" or focus in description:
        return description
    chosen = [t for t in focus.split(",") if t in TOPICS]
    said = " ".join(value_label(t, language) for t in chosen) if chosen else focus
    return f"{description}\n{said}"


def next_batch(turn: Turn) -> list[Suggestion]:
    """The next activities to show: the best ones not shown yet. After the need changed
    ("non pardon, c'est plutôt pour les vaccins"), the best for it now, even those shown
    before (the export-restriction list fits vaccines as it fitted medicines); only when they
    were all shown already does the list go on past them."""
    shown = tuple(turn.slot("suggested_activity_ids") or ())
    query = query_for(turn)
    if shown and need_changed(turn) and not wants_more(turn):
        chosen = tuple(turn.slot("selected_activity_ids") or ())
        fresh = list(_ranked(query, chosen))
        if not {s.activity.id for s in fresh} <= set(shown):
            return fresh
    return list(_ranked(query, shown))


def shown_before(batch: list[Suggestion], turn: Turn) -> bool:
    """Whether `batch` repeats an activity shown earlier: a new ranking, not "more"."""
    shown = set(turn.slot("suggested_activity_ids") or ())
    return any(s.activity.id in shown for s in batch)


class _Rankings:
    """suggest()'s answers for the current catalogue, most recent kept.

    The ranking is a pure function of the query, and the form asks for the same one several
    times a turn (its required slots depend on whether anything fits) and again on the next
    turns until the delegate has chosen: a few milliseconds of CPU each time.
    """

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self.catalogue: Catalogue | None = None
        self.found: dict[tuple[NeedQuery, tuple[str, ...]], tuple[Suggestion, ...]] = {}

    def __call__(self, query: NeedQuery, shown: tuple[str, ...]) -> tuple[Suggestion, ...]:
        catalogue = get_catalogue()
        if catalogue is not self.catalogue:
            self.catalogue, self.found = catalogue, {}
        key = (query, shown)
        ranked = self.found.pop(key, None)
        if ranked is None:
            ranked = _preferred_first(
                suggest(query, limit=BATCH * 4, exclude_ids=shown, catalogue=catalogue), query
            )[:BATCH]
            if len(self.found) >= self.size:
                del self.found[next(iter(self.found))]
        self.found[key] = ranked
        return ranked


def _preferred_first(found: list[Suggestion], query: NeedQuery) -> tuple[Suggestion, ...]:
    """With one or two organizations preferred ("WIPO only"), their fitting offers come first;
    the others still follow, so a preference never empties the list."""
    preferred = {o for o in query.organizations if o in ("WHO", "WIPO", "WTO")}
    if not preferred or len(preferred) == 3:
        return tuple(found)
    return tuple(sorted(found, key=lambda s: not preferred.intersection(s.activity.organizations)))


_ranked = _Rankings()


def has_suggestions(turn: Turn) -> bool:
    return bool(turn.slot("need_area") and turn.slot("description") and next_batch(turn))


def current_batch(turn: Turn) -> list[str]:
    """The ids of the last batch shown, for "the first one" and "tell me more"."""
    shown = list(turn.slot("suggested_activity_ids") or [])
    size = len(shown) % BATCH or BATCH
    return shown[-size:]


@dataclass(frozen=True)
class Picked:
    ids: list[str]
    unknown: list[str]


def picked(turn: Turn) -> Picked:
    """Activities the delegate chose: from a button payload, an ordinal or a title."""
    catalogue_ids = {a.id for a in get_catalogue().activities}
    batch = current_batch(turn)
    from_payload = turn.entity_values("activity")
    if turn.is_payload:
        return Picked(
            [i for i in from_payload if i in catalogue_ids],
            [i for i in from_payload if i not in catalogue_ids],
        )
    ids = [i for i in from_payload if i in catalogue_ids]
    if _done_answer(turn.text):
        return Picked(ids, [])
    text = extract.without_ending(turn.text)
    compared = described_just_before(turn)
    if len(compared) > 1 and (set(words(text)) & ALL or BOTH.search(fold(text))):
        return Picked(compared, [])  # "both" right after comparing two: those two
    ids += ordinal_choice(text, batch) or organization_choice(text, batch)
    if not ids and not _an_area_alone(text):
        ids += named_choice(text + " " + " ".join(from_payload), batch)
    if not ids and (described := just_described(turn)) in catalogue_ids and takes_it(text):
        ids.append(described)
    if not ids and not extract.is_question(turn.text):
        # "And PATENTSCOPE too": an activity called by its proper name, shown or not.
        ids += [named] if (named := the_one_named(text)) else []
    return Picked(list(dict.fromkeys(ids)), [])


# "The vaccine one", "celle sur les vaccins": a word that points at one activity.
_POINTS_AT = re.compile(
    r"\b(?:one|that|this|celle|celui|la de|el de|la del|el del|la sur|le sur)\b"
)


def _an_area_alone(text: str) -> bool:
    """ "Vaccines", "medicamentos": the need area said again, not the title of an activity
    that happens to hold the word."""
    folded = fold(text)
    return (
        bool(extract.need_areas(text)) and len(words(text)) <= 2 and not _POINTS_AT.search(folded)
    )


def removed(turn: Turn) -> list[str]:
    """Chosen activities the delegate takes back: "remove that one" (the last one chosen),
    "enlevez la deuxième" (of the batch shown), "quite el de la OMPI" (by title)."""
    chosen = list(turn.slot("selected_activity_ids") or [])
    if turn.is_payload or not chosen or not extract.removes_choice(turn.text):
        return []
    text = extract.without_ending(turn.text)
    named = ordinal_choice(text, current_batch(turn)) or named_choice(text, chosen)
    if named:
        return [i for i in named if i in chosen]
    return [chosen[-1]] if says_it(text) or len(chosen) == 1 else []


# Choosing, said after hearing the details of one activity: "ok pick it", "je la prends",
# "me interesa, agréguela". A negation ("no, I don't want it") is not a choice.
_TAKE = re.compile(
    r"\b(?:pick|select|choose|take|add|want|book|keep)\s+(?:it|this|them|that(?=\s*(?:$|[.!,]|one)))\b"
    r"|\bsign (?:us |me )?up\b|\binterested\b|\bregister us\b"
    r"|\b(?:je|on|nous)\s+(?:la|le|les)\s+(?:prends|prenons|veux|voulons|choisis|gardons|garde)\b"
    r"|\b(?:ajoute[rz]?|prene[zs]|choisisse[zs]|selectionne[rz]?|garde[rz]?)"
    r"\s+(?:la|le|les|ca|celle ci|celui ci)\b"
    r"|\bm interesse\b|\bnous interesse\b|\binscri\w*"
    r"|\b(?:la|lo|las|los)\s+(?:quiero|queremos|elijo|elegimos|tomo|tomamos|selecciono"
    r"|agrego|agregamos|anado|anadimos|incluyo|incluimos)\b"
    r"|\b(?:agreg|anad|seleccion|elij|tom)\w*(?:la|lo|las|los)\b"
    r"|\b(?:me|nos) interesa\b|\binscrib\w*"
    # A verb, then "that one": "je prends celui-là", "me quedo con esa", "quiero este".
    r"|\b(?:je|on|nous)\s+(?:prends|prend|prenons|choisis|choisit|choisissons|veux|voulons"
    r"|garde|gardons)\s+(?:celle|celui|ca|cela)(?:[ -](?:ci|la))?\b"
    r"|\b(?:me quedo con|nos quedamos con|quiero|queremos|elijo|elegimos|tomo|tomamos)"
    r"\s+(?:ese|esa|este|esta|eso|esto)\b"
)
_NOT = re.compile(r"\b(?:no|not|dont|don t|never|pas|ni|nunca|jamais|sans)\b")


def takes_it(text: str) -> bool:
    folded = fold_apart(text)
    return bool(_TAKE.search(folded)) and not _NOT.search(folded)


# "It", "this one", "ça", "esa": the activity the conversation was just about.
_IT = re.compile(
    r"\b(?:it|this one|that one|this|that|ca|cela|celle ci|celui ci|celle la|celui la|la|le"
    r"|eso|esa|ese|esta|este|esto)\b"
)


def says_it(text: str) -> bool:
    return bool(_IT.search(fold_apart(text)))


def just_mentioned(turn: Turn) -> str | None:
    """The activity the assistant's last answer described, or else added to the request."""
    if described := just_described(turn):
        return described
    users = [i for i, e in enumerate(turn.events) if e.get("event") == "user"]
    if len(users) < 2:
        return None
    last_answer = turn.events[users[-2] + 1 : users[-1]]
    added = [
        e["value"]
        for e in last_answer
        if e.get("event") == "slot" and e.get("name") == "selected_activity_ids" and e.get("value")
    ]
    return str(added[-1][-1]) if added else None


def just_described(turn: Turn) -> str | None:
    """The activity whose details the assistant gave right before the latest message."""
    described = described_just_before(turn)
    return described[-1] if described else None


def described_just_before(turn: Turn) -> list[str]:
    """The activities whose details the assistant's last answer gave, in order (two after a
    comparison)."""
    latest = max((i for i, e in enumerate(turn.events) if e.get("event") == "user"), default=0)
    found: list[str] = []
    for event in reversed(turn.events[:latest]):
        if event.get("event") == "user":
            break
        metadata = event.get("metadata") or {}
        if event.get("event") == "bot" and metadata.get("utter_action") == "utter_activity_details":
            if activity_id := metadata.get("activity_id"):
                found.insert(0, str(activity_id))
    return found


# "The first two", "les deux premiers", "las dos últimas": a count of the batch's ends.
_COUNT = r"(two|three|deux|trois|dos|tres|2|3)"
_FIRST = r"(?:first|premiers?|premieres?|primer[oa]s?)"
_LAST_WORDS = r"(?:last|derniers?|dernieres?|ultim[oa]s?)"
_FIRST_N = re.compile(rf"\b(?:{_COUNT}\s+{_FIRST}|{_FIRST}\s+{_COUNT})\b")
_LAST_N = re.compile(rf"\b(?:{_COUNT}\s+{_LAST_WORDS}|{_LAST_WORDS}\s+{_COUNT})\b")
_COUNTS = {"two": 2, "deux": 2, "dos": 2, "2": 2, "three": 3, "trois": 3, "tres": 3, "3": 3}


def _ends_of(folded: str, batch: list[str]) -> list[str]:
    if first := _FIRST_N.search(folded):
        return batch[: _COUNTS[first.group(1) or first.group(2)]]
    if last := _LAST_N.search(folded):
        return batch[-_COUNTS[last.group(1) or last.group(2)] :]
    return []


# "Too", "aussi", "también": a pick added to the others, whatever else the words say.
_AS_WELL = re.compile(r"\b(?:too|also|as well|aussi|egalement|en plus|tambien|ademas)\b")
_LEADING_NO = re.compile(r"^\s*(?:no|non|nope|nah)\b")


def replaces(text: str) -> bool:
    """A pick that takes the place of the one made just before: "non, plutôt le premier",
    "actually the third instead", "no, mejor la segunda"; not "no, the first one too"."""
    folded = fold(text)
    if _AS_WELL.search(folded):
        return False
    return extract.changes_mind(text) or bool(_LEADING_NO.search(folded))


# "Not the second", "pas la deuxième", or "la segunda no," said of a place: not a pick.
_NOT_BEFORE = re.compile(r"\b(?:not|pas|ni)\s+(?:(?:the|la|le|el|l)\s+)?(\w+)")
_NOT_AFTER = re.compile(r"\b(\w+)(?:\s+(?:one|una|uno))?\s+(?:no|non|not|pas)\s*(?:[,;.!]|$)")


def _negated(text: str) -> set[str]:
    folded = fold_apart(text)
    return {m.group(1) for pattern in (_NOT_BEFORE, _NOT_AFTER) for m in pattern.finditer(folded)}


def ordinal_choice(text: str, batch: list[str]) -> list[str]:
    tokens = set(words(text)) - _negated(text)
    if ends := _ends_of(fold(text), batch):
        return ends
    if (tokens & ALL or BOTH.search(fold(text))) and batch:
        return list(batch)
    chosen = [batch[i] for i, names in ORDINALS.items() if tokens & names and i < len(batch)]
    if tokens & LAST and batch:
        chosen.append(batch[-1])
    return chosen


_ONLY = frozenset({"only", "just", "solo", "seulement", "uniquement", "please"})


def named_choice(text: str, batch: list[str]) -> list[str]:
    """An activity named by (part of) its title, among those just shown."""
    # Every title names its organizations: "WIPO only" names no activity.
    acronyms = extract.organization_acronyms()
    not_names = acronyms | {f"l'{a}" for a in acronyms} | _ONLY | _POLITE
    folded = " ".join(w for w in fold(text).split() if w not in not_names)
    if len(folded) < 4 or not content_words(folded):
        return []  # "la de la OMPI": only small words left once the organization is set aside
    # A short word matches part of many titles ("listo" ~ "Lista de la OMC"): only exactly.
    needed = 95 if len(folded) < 8 else 80
    by_id = {a.id: a for a in get_catalogue().activities}
    best: tuple[float, str] | None = None
    for activity_id in batch:
        activity = by_id[activity_id]
        names = [fold(t) for t in (activity.title.en, activity.title.fr, activity.title.es)]
        score = max(fuzz.partial_ratio(folded, n) for n in names)
        if score >= needed and (best is None or score > best[0]):
            best = (score, activity_id)
    return [best[1]] if best else []


# "Tell me more about the second one" when the NLU did not hear it as a question.
_DETAILS = re.compile(
    r"\b(?:tell me more|more (?:info|information|details) (?:on|about)|details (?:on|about|of)"
    r"|explain (?:the|that|this)|tell me about"
    r"|dites m en plus|dis m en plus|en savoir plus sur|plus d informations? sur|details sur"
    r"|parle(?:z)? moi (?:de|du|des|d)"
    r"|cuentame mas|cuenteme mas|digame mas|dime mas|mas informacion sobre|mas info sobre"
    r"|hablame (?:de|del|sobre)|hableme (?:de|del|sobre)|cuentame (?:de|del|sobre)"
    r"|cuenteme (?:de|del|sobre)"
    r"|detalles (?:de|sobre))\b"
)


# "What's the difference between the first and the second?": details of both, never a pick.
_COMPARE = re.compile(
    r"\b(?:difference|differences|differ|compare|comparing|comparison|which is better"
    r"|difference entre|comparer|comparaison|laquelle est la meilleure|lequel est le meilleur"
    r"|diferencia|diferencias|comparar|comparacion|cual es mejor)\b"
)


def compares(text: str) -> bool:
    return bool(_COMPARE.search(fold_apart(text)))


# "What did I choose so far?", "qu'est-ce que j'ai choisi ?", "¿qué he elegido?".
_WHAT_CHOSEN = re.compile(
    r"\b(?:what (?:did|have) (?:i|we) (?:chosen|choose|chose|picked|pick|selected|select)"
    r"|what (?:i|we) (?:chose|picked|selected)|(?:my|our) (?:choices|selection|picks)"
    r"|qu (?:est ce que (?:j ai|nous avons)|ai je|avons nous) (?:choisi|selectionne|pris)"
    r"|(?:mes|nos) choix|(?:ma|notre) selection"
    r"|que (?:he|hemos) (?:elegido|escogido|seleccionado)|que (?:elegi|escogi|seleccione)"
    r"|cuales (?:elegi|escogi|he elegido|hemos elegido)|mis (?:elecciones|selecciones))\b"
)


def asks_what_chosen(text: str) -> bool:
    """Whether the delegate asks which activities they have chosen so far."""
    return bool(_WHAT_CHOSEN.search(fold_apart(text)))


def chosen_reply(turn: Turn) -> Reply:
    """The activities chosen so far, or that none is."""
    chosen = list(turn.slot("selected_activity_ids") or [])
    if not chosen:
        return Reply("utter_nothing_chosen")
    return Reply("utter_chosen_so_far", {"titles": titles(chosen, turn.language)})


def asks_details(text: str) -> bool:
    folded = fold_apart(text)
    return bool(_DETAILS.search(folded) or _COMPARE.search(folded))


# "What is COVAX exactly?", "qué es Pat-INFORMED?": a question about one activity when it
# names one (see `mentioned_choice`), otherwise nothing in particular.
_WHAT = re.compile(
    r"\b(?:what (?:is|s|are|does|do)|whats|how does|qu est ce que?|c est quoi|cest quoi"
    r"|c quoi|c koi|que (?:es|son"
    r"|ofrece|hace|propone)|en que consiste|de que (?:se )?trata|que (?:propose|fait|offre)"
    # "Which one is about customs?": the one the words point at, described.
    r"|which (?:one|activity|of them)|laquelle|lequel|cual (?:de ellas|de ellos|es la|es el))\b"
)


def asks_what(text: str) -> bool:
    return bool(_WHAT.search(fold_apart(text)))


def the_one_named(text: str) -> str | None:
    """The one activity of the catalogue the words call by its proper name or acronym ("the
    MPP", "PATENTSCOPE"); None when they name none, or several."""
    named = index_for(get_catalogue()).named(text)
    return next(iter(named)) if len(named) == 1 else None


def proper_named(text: str, among: list[str]) -> list[str]:
    """The first activity of `among` whose proper name or acronym the words contain."""
    named = index_for(get_catalogue()).named(text)
    return [i for i in among if i in named][:1]


def organization_choice(text: str, batch: list[str]) -> list[str]:
    """ "The WIPO one", "la de la OMPI", "celle de l'OMS": the one activity of the batch that
    organization offers, when the words point at one."""
    named = [o for o in extract.organizations(text) if o != "not_sure"]
    if len(named) != 1 or not _POINTS_AT.search(fold(text)) or set(words(text)) & _ONLY:
        return []  # "WTO only" while choosing is a preference
    catalogue = get_catalogue()
    offered = [a for i in batch if (a := catalogue.get(i)) and named[0] in a.organizations]
    alone = [a for a in offered if len(a.organizations) == 1]  # before joint work
    for among in (alone, offered):
        if len(among) == 1:
            return [among[0].id]
    return []


def mentioned_choice(text: str, batch: list[str]) -> list[str]:
    """The one activity among `batch` that the words point at: by a proper name ("COVAX",
    "C-TAP") or, failing that, clearly best by the rarity of the activity's own words that the
    message uses ("Pat-INFORMED", "the MPP", "the vaccine trade tracker")."""
    if named := proper_named(text, batch):
        return named
    index = index_for(get_catalogue())
    terms = {t.term for t in analyze(text)}
    scored = sorted(
        (
            (sum(index.specificity(t) for t in terms & index.term_sets[index.position[i]]), i)
            for i in batch
        ),
        reverse=True,
    )
    if not scored or scored[0][0] <= 0:
        return []
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    return [scored[0][1]] if scored[0][0] >= 1.5 * runner_up else []


# A one-word "more" the NLU may not be sure of ("plus" is also "plus" in English).
_MORE = frozenset(
    {
        *("more", "others", "other", "next", "more please", "other ones", "more options"),
        *("plus", "encore", "autres", "d autres", "suivant", "suivantes", "plus svp"),
        *("plus s il vous plait", "encore d autres", "mas", "otras", "otros", "otra", "siguiente"),
        *("mas por favor", "otras opciones", "mas opciones"),
    }
)


def _whole_answer(text: str) -> str:
    """The message as one folded phrase, for comparing with short answers ("c'est bon !")."""
    return " ".join(fold_apart(text).strip(" .!?").split())


def wants_more(turn: Turn) -> bool:
    if turn.intent == "more_suggestions":
        return True
    return not turn.is_payload and _whole_answer(turn.text) in _MORE


def need_changed(turn: Turn) -> bool:
    """The delegate changed the need area, told more about the need, or said which
    organizations they prefer, while choosing: what was shown was ranked without it."""
    area = turn.previous_slots.get("need_area")
    if area is not None and turn.slot("need_area") not in (None, area):
        return True
    described = turn.previous_slots.get("description")
    if described and turn.slot("description") not in (None, described):
        return True
    if set(turn.slot("topics") or []) - set(turn.previous_slots.get("topics") or []):
        return True  # "Compras": a kind of help named while choosing
    # "WIPO only": the organizations they prefer now count in what is shown.
    preferred = turn.slot("organizations")
    return bool(preferred) and preferred != turn.previous_slots.get("organizations")


_CONTINUE = re.compile(r"\b(continue|continuer|continuar|next|suivant|siguiente)\b")
# Whole answers that end the step: "listo" must not pick "Lista de la OMC…" by its title.
_DONE_ANSWERS = frozenset(
    {
        *("done", "all done", "finished", "that s it", "thats it", "that s all", "thats all"),
        *("c est bon", "c est tout", "fini", "c est fini", "termine", "ca suffit", "ca ira"),
        *("listo", "lista", "listos", "ya", "ya esta", "terminado", "termine", "nada mas"),
        *("eso es todo", "es todo", "con eso basta", "ok listo", "vale listo"),
    }
)


# Thanks and politeness around an answer: "merci, c'est tout", "ok thanks, that's it".
_POLITE = frozenset(
    {"merci", "beaucoup", "thanks", "thank", "you", "gracias", "muchas", "please", "svp", "ok"}
    | {"okay", "porfavor", "por", "favor"}
)


def _done_answer(text: str) -> bool:
    # Every answer above stays one once the politeness is set aside ("ok listo" -> "listo").
    return " ".join(w for w in words(text) if w not in _POLITE) in _DONE_ANSWERS


def finished(turn: Turn) -> str | None:
    """DONE or NONE when the delegate ends the step; None to keep choosing."""
    if turn.intent == "none_of_these":
        return NONE
    if turn.corrects_need:
        return None  # "no sorry, it's for vaccines": a new need to suggest for, not "none"
    if practical.question_asked(turn.text):
        return None  # "ça coûte combien ?", heard as a yes or a no: answered, not "done"
    text = fold(turn.text)
    if takes_it(text) and not extract.ends_choosing(text):
        return None  # "add it please" with nothing just described: which one, not "continue"
    if (
        turn.intent in ("affirm", "deny")
        or _CONTINUE.search(text)
        or extract.ends_choosing(text)
        or _done_answer(text)
        # "je ne sais pas trop, vous pouvez choisir pour moi ?": the secretariats will advise;
        # not "we don't know how to get them registered", which says more about the need.
        or (
            extract.unsure(turn.text)
            and not extract.topics(turn.text)
            and not extract.need_areas(turn.text)
        )
    ):
        return DONE if turn.slot("selected_activity_ids") else NONE
    return None


# --- what the delegate sees ------------------------------------------------------------


def titles(ids: Iterable[str], language: str) -> str:
    """The activities' titles in `language`, joined for a reply ("Added: …; …")."""
    catalogue = get_catalogue()
    return "; ".join(a.title.get(language) for i in ids if (a := catalogue.get(i)) is not None)


def org_names(activity: Activity, language: str) -> str:
    return "–".join(label(ORGANIZATION_LABELS, o, language) for o in activity.organizations)


def line(s: Suggestion, language: str) -> str:
    """A bold title, organizations and format; the reason on the next line."""
    a = s.activity
    kind = label(FORMAT_LABELS, a.format, language)
    head = f"**{a.title.get(language)}** — {org_names(a, language)} · {kind}"
    note = f" {PAST_NOTE[language]}" if not a.is_open else ""
    return f"- {head}\n  {s.reason}{note}"


def select_button(a: Activity, language: str) -> dict[str, str]:
    """A button that picks `a`: its short title and organizations; the payload carries the id."""
    title = a.title.get(language)
    short = title if len(title) <= 60 else title[:57].rstrip() + "…"
    payload = '/select_activity{"activity":"' + a.id + '"}'
    return {"title": f"{short} ({org_names(a, language)})", "payload": payload}


def batch_reply(batch: list[Suggestion], turn: Turn, first: bool) -> Reply:
    """The suggestions as a list with reasons, one button each, then the controls."""
    language = turn.language
    buttons = [select_button(s.activity, language) for s in batch]
    buttons += control_buttons(language, bool(turn.slot("selected_activity_ids")))
    text = "\n".join(line(s, language) for s in batch)
    response = "utter_suggestions" if first else "utter_more_suggestions"
    return Reply(response, {"suggestions": text}, buttons)


_CONTROLS = {
    "en": ("Show more", "None of these", "Continue"),
    "fr": ("Voir d'autres", "Aucune de celles-ci", "Continuer"),
    "es": ("Ver más", "Ninguna de estas", "Continuar"),
}


def control_buttons(language: str, any_selected: bool) -> list[dict[str, str]]:
    """ "Show more", then "Continue" once something is chosen, else "None of these"."""
    more, none, done = _CONTROLS.get(language, _CONTROLS["en"])
    if any_selected:
        end = {"title": done, "payload": "/affirm"}
    else:
        end = {"title": none, "payload": "/none_of_these"}
    return [{"title": more, "payload": "/more_suggestions"}, end]


def details(activity: Activity, language: str) -> dict[str, Any]:
    """Values for the `utter_activity_details` response."""
    languages = ", ".join(activity.languages)
    status = PAST_NOTE[language] if not activity.is_open else ""
    return {
        "activity_id": activity.id,  # not shown; lets "I'll take it" find what was described
        "title": activity.title.get(language),
        "organizations": org_names(activity, language),
        "format": label(FORMAT_LABELS, activity.format, language),
        "summary": activity.summary.get(language),
        "description": activity.description.get(language),
        "languages": languages,
        "source_url": str(activity.source_url),
        "status": status,
    }

"""Read every delegate message for request fields, whatever the assistant asked.

This is what lets a delegate open with a whole paragraph, volunteer details out of order
or change their mind ("actually it's about medicines"). Values found here are validated
by the request form like any answer.
"""

import re
from typing import Any

from bot.conversation import suggestions
from bot.conversation.introduction import is_introduction
from bot.conversation.people import a_persons_name
from bot.conversation.replies import Reply
from bot.conversation.turn import REQUEST_FORM, STATUS_FORM, Turn
from bot.members import MemberMatch, get_directory
from bot.nlu import extract
from bot.nlu.language import (
    OTHER_SCRIPT,
    SUPPORTED,
    Context,
    choose_switch,
    unsupported,
    without_language_request,
)
from bot.nlu.text import fold, fold_apart

NEED_AREAS = ("vaccines", "medicines", "technologies")
# Questions after the suggestions step and before the summary.
_AFTER_THE_SUGGESTIONS = frozenset(
    {"member", "institution", "requester_name", "email", "organizations", "consent"}
)
# Slots whose answer is free text: while one is asked, words in the answer are not
# read as other fields ("Ministry of Health, vaccines unit" is not a change of need).
FREE_TEXT_SLOTS = frozenset({"requester_name", "institution", "email", "member"})


def understand(turn: Turn) -> dict[str, Any]:
    """Slot values to set from this message; validated afterwards by the form."""
    updates = _language(turn)
    if turn.active_loop == STATUS_FORM or turn.interrupts:
        if (
            turn.intent in ("greet", "ask_catalogue")
            and turn.active_loop != STATUS_FORM
            and not turn.is_payload
        ):
            # "Bonjour, je suis de la RDC", "je travaille pour le gouvernement tchadien, on
            # cherche des formations en ligne…": a greeting or a question that also says who
            # is writing.
            updates |= _who_is_writing(turn, turn.requested_slot, correcting=False)
        return updates
    if turn.is_payload:
        return updates | _from_buttons(turn)

    text = turn.text
    requested = turn.requested_slot if turn.active_loop == REQUEST_FORM else None
    correcting = (
        requested == "confirmed"
        or turn.intent in ("correct_field", "deny")
        or extract.changes_mind(text)
    )
    answering_free_text = (
        requested in FREE_TEXT_SLOTS and not correcting and not turn.describes_need
    )

    if (email := extract.email_in(text)) and email != turn.slot("email"):
        updates["email"] = email
    if answering_free_text:
        # "l'OMS seulement" at the government question: no government, a preference.
        if (orgs := _organizations_stated(text)) and orgs != turn.slot("organizations"):
            updates["organizations"] = orgs
        return updates

    if correcting and (new := extract.corrected_value(text)) and new[1] != turn.slot(new[0]):
        updates[new[0]] = new[1]  # "change the name to …": the new value, not just the field

    updates |= _who_is_writing(turn, requested, correcting=correcting)

    # "Dirección Nacional de Medicamentos" names an office, not a need for medicines.
    need_text = _without_the_office(text)
    areas = [
        a
        for a in turn.entity_values("need_area")
        if a in NEED_AREAS and a in extract.need_areas(need_text)
    ] or extract.need_areas(need_text)
    if areas and requested != "need_area" and (turn.slot("need_area") is None or correcting):
        if areas[0] != turn.slot("need_area"):
            updates["need_area"] = areas[0]
            if requested in _AFTER_THE_SUGGESTIONS and turn.slot("activity_choice") is not None:
                # A new need after the suggestions were closed: show what fits it now.
                updates["activity_choice"] = None

    describes = turn.intent in ("describe_need", "request_assistance", "inform", "correct_field")
    if describes or requested in ("description", "need_area", "focus"):
        known = turn.slot("topics") or []
        if new_topics := [t for t in extract.topics(need_text) if t not in known]:
            updates["topics"] = [*known, *new_topics]
    if requested == "activity_choice":
        updates |= _kind_of_help_while_choosing(turn)

    # "non attendez, changez l'organisation : OMS et OMPI": the new value, not the question.
    restated = correcting and requested != "organizations"
    # "WIPO and WTO" alone, typed at the consent question (say): the organizations, late.
    alone = requested not in (None, "organizations", "activity_choice") and (
        extract.only_organizations(text)
    )
    preferred = (
        _organizations_stated(text) if restated or alone else extract.preferred_organizations(text)
    )
    if preferred and requested != "organizations" and preferred != turn.slot("organizations"):
        # "I'd rather talk to WTO" at any step: the organizations question is then answered.
        updates["organizations"] = preferred

    if requested != "description" and _describes_need(turn, requested):
        updates |= _description(turn)
        if turn.slot("organizations") is None and (orgs := extract.organizations_asked(text)):
            if "not_sure" not in orgs:
                updates["organizations"] = orgs

    for slot, finder in (
        ("timeline", extract.timeline),
        ("prior_assistance", extract.prior_assistance),
        ("expected_outcome", extract.expected_outcome),
    ):
        if turn.slot(slot) is None and (value := finder(text)):
            updates[slot] = value
    return updates


def _language(turn: Turn) -> dict[str, Any]:
    """Follow the widget's language switch, an explicit request, or the words themselves."""
    announced = turn.metadata.get("language")
    updates: dict[str, Any] = {}
    if announced in SUPPORTED and announced != turn.slot("ui_language"):
        updates["ui_language"] = announced
    context = Context(
        current=turn.language,
        announced=announced,
        last_announced=turn.slot("ui_language"),
        opening=_is_opening(turn),
        intent=turn.intent,
        # Names, emails and institutions say nothing about the language of the conversation.
        free_text_answer=turn.requested_slot in FREE_TEXT_SLOTS,
        is_payload=turn.is_payload,
        before_switch=turn.slot("language_before_switch"),
    )
    if switch := choose_switch(turn.text, context):
        updates["language"] = switch.language
        # Only a switch the words alone made can be undone by a short answer.
        if switch.tentative:
            updates["language_before_switch"] = turn.language
        elif turn.slot("language_before_switch") is not None:
            updates["language_before_switch"] = None
    return updates


# The language the conversation goes on in, named in Portuguese for the notice.
_IN_PORTUGUESE = {"en": "inglês", "fr": "francês", "es": "espanhol"}


def language_notice(turn: Turn, updates: dict[str, Any]) -> tuple[Reply | None, dict[str, Any]]:
    """Once per conversation, tell a delegate writing in a language the assistant does not
    speak (Portuguese, Arabic, Russian…) which ones it does, and how to choose; the reply,
    and the slot that remembers it was said."""
    if turn.slot("language_notice") or turn.is_payload or turn.requested_slot in FREE_TEXT_SLOTS:
        return None, {}
    found = unsupported(turn.text)
    if found is None:
        return None, {}
    if found == OTHER_SCRIPT:
        return Reply("utter_unsupported_language"), {"language_notice": found}
    going_on = _IN_PORTUGUESE[updates.get("language") or turn.language]
    return Reply("utter_portuguese", {"continue_in": going_on}), {"language_notice": found}


def _is_opening(turn: Turn) -> bool:
    """No delegate message before this one (in this session or an earlier one)."""
    return sum(1 for e in turn.events if e.get("event") == "user") <= 1


def _organizations_stated(text: str) -> list[str]:
    """Organizations the delegate prefers or names as the organizations field ("changer les
    organisations : OMS et OMC"); [] when they are only mentioned."""
    if preferred := extract.preferred_organizations(text):
        return preferred
    if extract.only_organizations(text):  # "OMPI et OMS" typed a question early
        return extract.organizations(text, answer=True)
    if "organizations" in extract.fields_named(text):
        return [o for o in extract.organizations(text) if o != "not_sure"]
    return []


def _who_is_writing(turn: Turn, requested: str | None, *, correcting: bool) -> dict[str, Any]:
    """The delegate's government, office and name, wherever they say them. A correction
    ("wait, it's actually the Ministry of Health, not industry") replaces what was given."""
    updates: dict[str, Any] = {}
    if requested != "member" and (turn.slot("member") is None or correcting):
        found = _member_in(turn)
        if found and found != turn.slot("member"):
            updates["member"] = found
    office = extract.institution(turn.text)
    if office and (turn.slot("institution") is None or correcting):
        if office != turn.slot("institution"):
            updates["institution"] = office
    if turn.slot("requester_name") is None and (
        name := extract.name_in_sentence(turn.text) or _name_in_a_list(turn.text)
    ):
        updates["requester_name"] = name
    return updates


_LIST_SEPARATOR = re.compile(r"\s*(?:[,;\n|]|\s[-–—]\s)\s*")


def _name_in_a_list(text: str) -> str | None:
    """A person's name among details listed like a signature: "Kenya, Ministry of Health,
    John Otieno, john.otieno@health.go.ke - we need…" (at least two other details listed)."""
    parts = [p for p in _LIST_SEPARATOR.split(text) if p]
    if len(parts) < 3:
        return None
    directory = get_directory()
    others = sum(
        1
        for p in parts
        if extract.email_in(p) or extract.institution(p) or directory.find_in_text(p)
    )
    if others < 2:
        return None
    names = [n for p in parts if (n := a_persons_name(p)) is not None]
    return names[0] if len(names) == 1 else None


def _member_in(turn: Turn) -> str | None:
    """The delegate's own government named in running text; not a country the need is about
    ("importer du paxlovid générique depuis l'Inde" is not a delegate from India)."""
    directory = get_directory()
    text = turn.text
    for value in turn.entity_values("member"):
        if (match := directory.resolve(value)) and _own_government(text, value):
            return match.member.name
    named = directory.find_in_text(text)
    for found in named:
        if _own_government(text, found.matched):
            # "on est du Mali... pardon, du Niger": the government named after the correction.
            return (_named_after_a_correction(text, named, found) or found).member.name
    # A nationality next to the office or the government: "the Kenyan Ministry of Health".
    for found in directory.find_demonyms(text):
        if _own_government(text, found.matched, answer_alone=False):
            return found.member.name
    # Misspelt ("je suis du Senegall"): only where the words around say it is theirs, since a
    # typo match alone is weaker ("Indian vaccines" is not a delegate from India).
    misspelt = directory.find_misspelt(text)
    office = fold(extract.institution(text) or "") if misspelt else ""
    for found in misspelt:
        if fold(found.matched) in office:
            continue  # an office's own words ("Ministry of Finanse") name no government
        if _own_government(text, found.matched, answer_alone=False):
            return found.member.name
    return None


def _named_after_a_correction(
    text: str, named: list[MemberMatch], own: MemberMatch
) -> MemberMatch | None:
    """The government named right after "pardon"/"sorry, I meant" when the one it corrects
    (the last named before it) is the delegate's own; not a supplier corrected ("compramos
    vacunas de la India, perdón, de China")."""
    folded = fold(text)
    if len(named) < 2 or not (cut := extract.after_a_change_of_mind(folded)):
        return None
    before = [m for m in named if 0 <= folded.find(fold(m.matched)) < cut]
    after = [m for m in named if folded.find(fold(m.matched), cut) >= 0 and m not in before]
    return after[0] if before and before[-1] == own and after else None


# What comes before a country that is the delegate's own: "we are", "I'm from", "the
# government of", "notre pays", "soy de", "the country is"…
_OWN_BEFORE = re.compile(
    r"(?:\b(?:we are|we re|i am|i m|this is|here is|greetings|hello|hi|good (?:morning|afternoon"
    r"|evening)|bonjour|bonsoir|salut|hola|buen(?:os|as) (?:dias|tardes|noches)|buenas"
    r"|government of|mission of|delegation of|on behalf of|representing|represent"
    r"|our country(?: is)?|my country(?: is)?|the country is|country is|government is"
    r"|nous sommes|on est|je suis|je represente|gouvernement|mission permanente|au nom"
    r"|(?:notre|mon) pays(?: c est| est)?"
    r"|(?:le )?pays est|soy|somos|represento|gobierno|mision permanente|en nombre|mi pais"
    r"|nuestro pais|(?:el )?pais es"
    # A correction of the government given before: "sorry, I meant Bolivia".
    r"|i meant|i mean|je voulais dire|je veux dire|quise decir|quiero decir|mejor dicho"
    r"|(?:i am|i m|we are|we re) writing|(?:je vous|nous vous) ecri(?:s|vons)|escrib(?:o|imos)"
    # "I work at the Kenyan Ministry of Health", "je travaille au ministère algérien…"
    r"|(?:i|we) work(?:ing)?|(?:i am|i m|we are|we re) working|je travaille|nous travaillons"
    r"|trabaj(?:o|amos)"
    # "llamo desde la misión de Perú", "calling from", "la mission du Sénégal", "la délégation
    # de la Côte d'Ivoire", "the embassy of Nepal"
    r"|calling|(?:le |les )?llam(?:o|amos)|habl(?:o|amos)|(?:je vous |nous vous )?appel(?:le|ons)"
    r"|(?:mis+ion|delegation|embassy|ambassade|embajada) (?:of|de|du|del|d)"
    # "Salut, c'est pour le Togo", "this is for Kenya": the government the request is for;
    # so is help asked for a country ("asistencia técnica para Ecuador", "support for Nepal").
    r"|c est pour|(?:this|it) is for|it s for|es para"
    r"|(?:help|assistance|support|request|aide|appui|demande|ayuda|asistencia|apoyo"
    r"|solicitud)(?: (?:technique|tecnica|technical))? (?:for|pour|para))"
    r"(?: (?:from|of|de|du|des|d|del|la|le|l|el|les|los|the|en|in|at|a|por|pour|desde|depuis"
    r"|au|aux|al|for|para))*"
    r"\s*$)"
)
# A government right after an office's name: "Ministry of Health, Ghana", "ministerio de salud
# - Paraguay" (the office may be misspelt, so only its head word is required).
# The head word of an office's name, in the three languages.
_OFFICE_HEAD = (
    r"ministry|ministere|ministerio|agency|agence|agencia|authority|autorite|autoridad"
    r"|department|departement|departamento|direction|direccion"
)
_AFTER_AN_OFFICE = re.compile(
    rf"\b(?:{_OFFICE_HEAD}|directorate)\b(?: \w+){{0,4}}"
    r"\s*[,(/-]\s*(?:the |la |le |el |de |du |d )?$"
)
# A country named as the subject or owner: "Kenya needs…", "Ghana's ministry".
_OWN_AFTER = re.compile(
    r"^\s*(?:s\b|needs?\b|wants?\b|would like|requests?\b|is seeking|seeks\b|a besoin"
    r"|souhaite|voudrait|necesita|quiere|desea|solicita|here\b|ici\b|aqui\b"
    # "Sénégal, ministère du commerce": the government, then the office in it.
    rf"|[,(/-]\s*(?:the |le |la |el |l )?(?:{_OFFICE_HEAD})\b)"
)
# "We are an observer government (Ethiopia)", "notre pays : le Tchad": a government named as
# the label of what the delegate said they are.
_OWN_LABEL = re.compile(
    r"\b(?:government|country|member|observer|delegation|gouvernement|pays|membre|observateur"
    r"|gobierno|pais|miembro|observador|delegacion"
    # "our mission in Geneva (Bangladesh)", "notre mission à Genève : le Tchad"
    r"|mis+ion(?: (?:in|a|en) geneva| (?:a|en) geneve| en ginebra)?)"
    r"\s*[(:,]\s*(?:the |le |la |el )?$"
)
# A sentence about buying or shipping: the country labelled there is a partner, not the
# delegate's ("we buy our syringes from a member (India)").
_GOODS_VERBS = r"import|export|buy|purchas|procur|ship|suppl|order|sourc"
_TRADE = re.compile(rf"\b(?:{_GOODS_VERBS}|bought|achet|achat|compr)\w*")
# A status said, then a dash or a colon before the government's name.
_BEFORE_A_DASH = re.compile(r"\s[-–—:]\s*$")
_STATUS_WORDS = re.compile(
    r"\b(?:government|govt|country|member|observer|accession|acceding|gouvernement|gouv|pays"
    r"|membre|observateur|adhesion|gobierno|pais|miembro|observador)\b"
)
_SPEAKING_FOR = re.compile(r"\b(?:we|our|i am|nous|notre|nos|je suis|somos|nuestro|nuestra|soy)\b")
# "from India" right after importing, buying or suppliers is where goods come from.
_GOODS_FROM = re.compile(
    rf"\b(?:(?:{_GOODS_VERBS})\w*|manufactur\w*|made|produced|generics?|bring\w*)\b"
    r"(?:\W+\w+){0,4}\W*$"
)


# An office's full name, then "of/de" and the government: "Agencia Nacional de Regulación,
# Control y Vigilancia Sanitaria (ARCSA) de Ecuador". Between the head word and "de", only
# capitalised words, acronyms and the small words of names, so "Ministerio de Salud compra
# vacunas de India" is no office of India.
_NAMED_OFFICE_OF = re.compile(
    r"\b(?i:ministry|minist[eè]re|ministerio|agency|agence|agencia|authority|autorit[eé]"
    r"|autoridad|department|d[eé]partement|departamento|direction|direcci[oó]n|directorate"
    r"|office|oficina|institute|institut|instituto|commission|comisi[oó]n|council|conseil"
    r"|consejo|secretariat|secretar[ií]a)\b"
    r"(?:[\s,()/&-]+(?:[A-ZÀ-Ý][\w'’.-]*|de|del|la|las|los|y|e|et|and|of|for|the|des|du|d['’]"
    r"|l['’]|pour|para|en|sur|on))*"
    r"[\s,()]+(?:of|de|du|del|d['’])\s*(?:(?:the|la|le|el)\s+)?$"
)


# The government, its office's acronym, then "here": "Thailand FDA here", "Kenya MoH here".
_ACRONYM_HERE = re.compile(r"\s*[A-Z][A-Za-z]{1,5}\s+(?:here|ici|aquí|aqui)\b")


def _own_government(text: str, surface: str, *, answer_alone: bool = True) -> bool:
    """Whether `surface` (a government named in `text`) is where the delegate works. A short
    message counts as an answer naming it unless `answer_alone` is False."""
    folded, name = fold_apart(text), fold_apart(surface)
    # On word boundaries: "UE" is not the "ue" of "buenos", nor "Oman" the end of "woman".
    found = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", folded)
    if found is None:
        return True  # not located (an alias the NLU normalised): keep the NLU's reading
    before, after = folded[: found.start()], folded[found.end() :]
    if answer_alone and len(folded.split()) <= 5 and not _TRADE.search(before):
        # "Kenya", "we're Kenya", "de Bolivia": an answer, not a story; not "exportar vacunas
        # para México", where the country is a partner.
        return True
    if (office := extract.institution(text)) and name in fold_apart(office):
        return True  # "the Ministry of Health of Ghana"
    if _AFTER_AN_OFFICE.search(before):
        return True  # "ministry of helth, republic of moldova"
    if (typed := text.find(surface)) > 0 and _NAMED_OFFICE_OF.search(text[:typed]):
        return True  # "… Vigilancia Sanitaria (ARCSA) de Ecuador"
    if typed >= 0 and _ACRONYM_HERE.match(text, typed + len(surface)):
        return True  # "Thailand FDA here", "Kenya MoH here"
    if _OWN_BEFORE.search(before):
        return True
    if _OWN_AFTER.search(after) and not _GOODS_FROM.search(before):
        return True  # not "we import syringes from India, ministry of industry…"
    if _OWN_LABEL.search(before) and _SPEAKING_FOR.search(before) and not _TRADE.search(before):
        return True
    sentence = re.split(r"[.!?;]", before)[-1]
    if (
        typed > 0
        and _BEFORE_A_DASH.search(text[:typed])
        and _STATUS_WORDS.search(sentence)
        and _SPEAKING_FOR.search(sentence)
        and not _TRADE.search(sentence)
    ):
        return True  # "we are an observer govt in accession to the WTO - Uzbekistan"
    tail = before.split()
    if tail[-1:] == ["the"]:
        tail = tail[:-1]
    if tail[-1:] == ["from"]:
        # "Maria from the Philippines FDA", "hello from Nepal"; not "generics from India".
        return not _GOODS_FROM.search(" ".join(tail[:-1]))
    return False


def _from_buttons(turn: Turn) -> dict[str, Any]:
    """Values carried by a button's payload outside the question it answered."""
    if turn.requested_slot == "need_area":
        return {}
    areas = [a for a in turn.entity_values("need_area") if a in NEED_AREAS]
    return {"need_area": areas[0]} if areas and areas[0] != turn.slot("need_area") else {}


def _without_the_office(text: str) -> str:
    """`text` without the office it names, whose words ("Ministry of Trade", "Dirección
    Nacional de Medicamentos") say where the delegate works, not what they need."""
    office = extract.institution(text)
    return text.replace(office, " ") if office else text


def _describes_need(turn: Turn, requested: str | None) -> bool:
    if turn.intent in ("describe_need", "request_assistance") or turn.tells_the_need:
        return True
    if requested not in (None, "need_area", "focus") or _contact_details_only(turn.text):
        return False
    if turn.intent == "inform":
        return True
    # "quisiera información sobre licencias obligatorias" at the need-area question, which the
    # NLU could not place: it names a kind of help, so it is the need, not lost.
    return turn.intent == "nlu_fallback" and bool(extract.topics(turn.text))


def _contact_details_only(text: str) -> bool:
    """ "Nguyen Thi Lan", "lan.nguyen@moit.gov": who is writing, typed a question early, is no
    part of the need's description."""
    rest = extract.EMAIL.sub(" ", text).strip(" ,;.-")
    return not rest or a_persons_name(rest) is not None


def _kind_of_help_while_choosing(turn: Turn) -> dict[str, Any]:
    """ "Compras" or "and the patents?" while suggestions are on screen: a kind of help to
    add to the need (and to rank on), unless the words pick or take back an activity."""
    known = list(turn.slot("topics") or [])
    new_topics = [t for t in extract.topics(turn.text) if t not in known]
    # "And what about masks?", "et pour les masques ?": a product asked about is more need.
    about_a_product = extract.is_question(turn.text) and bool(extract.need_areas(turn.text))
    if not (new_topics or about_a_product):
        return {}
    if extract.removes_choice(turn.text) or suggestions.picked(turn).ids:
        return {}
    if suggestions.asks_details(turn.text) or suggestions.asks_what_chosen(turn.text):
        return {}
    current = turn.slot("description") or ""
    updates: dict[str, Any] = {"topics": known + new_topics} if new_topics else {}
    if turn.text not in current:
        updates["description"] = f"{current}\n{turn.text}".strip()[:4000]
    return updates


def _description(turn: Turn) -> dict[str, Any]:
    """The delegate's own account of the need; later additions are appended, not lost."""
    if (
        not turn.slot("description")
        and extract.about_what_was_shown(turn.text)
        and (asked := turn.question_just_answered())
    ):
        return {"description": asked}  # "help with that", right after a catalogue answer
    said = without_language_request(turn.text)
    if not extract.is_substantive(said) or is_introduction(said):
        return {}
    current = turn.slot("description")
    if not current:
        return {"description": said}
    if said in current:
        return {}
    return {"description": f"{current}\n{said}"[:4000]}

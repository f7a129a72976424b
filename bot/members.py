"""Reference list of WTO members, observers and accession candidates, and a name resolver."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

MemberStatus = Literal["member", "observer", "accession_candidate"]
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "members" / "members.yaml"
# Nationality adjectives, read from beside the members file when it is there.
DEMONYMS_FILE = "demonyms.yaml"
LANGUAGES = ("en", "fr", "es")

_TOKEN = re.compile(r"[^\W_]+")
_ARTICLES = frozenset(["the", "la", "le", "les", "l", "el", "los", "las"])
# Words a delegate wraps around the country in a reply; never worth fuzzy-matching on their own.
_FILLER = frozenset(
    """i im m am we re are our my is it s from of in at for to a an and the this that country
    represent representing ministry minister health government delegation delegate mission
    permanent hello hi je j suis nous sommes de du des le la les l d et pour represente
    representons ministere sante gouvernement pays bonjour soy somos del el los las y en mi
    nuestro represento representamos ministerio salud gobierno hola""".split()  # noqa: SIM905
)
# Words shared by many names ("Marshall Islands" is no typo of "Ísland"): never fuzzy alone.
_GENERIC = frozenset(
    """island islands isla islas ile iles republic republique republica rep dem kingdom royaume
    reino
    state states etat estado united unidos unis union federal democratic people peoples
    north south east west nord sud new saint st santa sainte""".split()  # noqa: SIM905
)
# Ordinary words that are also member names: in free text they count only when capitalised.
_COMMON_WORDS = frozenset(["turkey", "chad", "china", "chile", "jordan", "guinea"])
# Two-letter codes that are everyday words ("NO", "IT"): not a code even when typed in capitals.
_CODE_WORDS = frozenset(
    "am at be de do es et id in is it la ma me my ne no se si so to".split()  # noqa: SIM905
)
_KIND_RANK = {"name": 0, "alias": 1, "abbr": 2, "code": 3}
_FUZZY_MIN_LEN = 5


class MemberDataError(ValueError):
    """The members file is missing, malformed or inconsistent."""


class Member(BaseModel):
    """One WTO member, observer or accession candidate."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    status: MemberStatus
    joined: date | None
    iso2: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None
    iso3: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None
    ldc: bool
    names: dict[str, str]
    aliases: list[str]

    @model_validator(mode="after")
    def _consistent(self) -> Member:
        missing = [lang for lang in LANGUAGES if not self.names.get(lang, "").strip()]
        if missing:
            raise ValueError(f"names is missing {', '.join(missing)}")
        if self.names["en"] != self.name:
            raise ValueError(f"names.en {self.names['en']!r} differs from name {self.name!r}")
        if (self.status == "member") != (self.joined is not None):
            raise ValueError("joined must be set for members and null for everyone else")
        return self

    def __hash__(self) -> int:
        # The generated hash would fail on the dict field; the canonical name is unique anyway.
        return hash(self.name)

    def display_name(self, language: str) -> str:
        """Name in the given language (en/fr/es, region suffix ignored), else English."""
        return self.names.get(language[:2].lower(), self.names["en"])


@dataclass(frozen=True)
class MemberMatch:
    """A government found in text, with the span or alias that matched."""

    member: Member
    matched: str
    score: float
    exact: bool


@dataclass(frozen=True)
class _Key:
    member: Member | None  # None marks a non-member phrase that must not match a member
    surface: str
    kind: Literal["name", "alias", "abbr", "code"]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("&", " and "))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# Words of official names that delegates abbreviate ("Rep. Dominicana", "Rép. dém. du
# Congo", "Kyrgyz Rep."): names and what is typed are both read with one short form, so an
# abbreviation finds the full name exactly instead of a fuzzy near-miss ("Dominica").
_SHORT_FORMS = {
    **dict.fromkeys(("republic", "republica", "republique", "rep", "repub"), "rep"),
    **dict.fromkeys(("democratic", "democratica", "democratique", "dem"), "dem"),
}


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_SHORT_FORMS.get(t, t) for t in _TOKEN.findall(_fold(text)))


def _variants(key: tuple[str, ...]) -> list[tuple[str, ...]]:
    # "The Gambia" and "Gambia", "la France" and "France": a leading article is optional.
    return [key, key[1:]] if len(key) > 1 and key[0] in _ARTICLES else [key]


def _put(table: dict[Any, _Key], key: object, entry: _Key) -> None:
    seen = table.get(key)
    if seen is not None and seen.member is not entry.member:
        owner = seen.member.name if seen.member else "a non-member"
        mine = entry.member.name if entry.member else "a non-member"
        clash = f"{entry.surface!r} of {mine!r} collides with {seen.surface!r} of {owner!r}"
        raise MemberDataError(clash)
    if seen is None or _KIND_RANK[entry.kind] < _KIND_RANK[seen.kind]:
        table[key] = entry


class MemberDirectory:
    """All governments in the members file, indexed for lookup by what people type."""

    def __init__(
        self,
        members: list[Member],
        not_members: Iterable[str] = (),
        demonyms: dict[str, list[str]] | None = None,
    ) -> None:
        self._members = members
        self._by_name = {m.name: m for m in members}
        self._keys: dict[tuple[str, ...], _Key] = {}
        self._compact: dict[str, _Key] = {}  # "cotedivoire", "eeuu": spacing typed either way
        for m in members:
            forms: list[tuple[str, Any]] = [(n, "name") for n in (m.name, *m.names.values())]
            # An alias written in capitals is an abbreviation: "US" is not the word "us".
            forms += [(a, "abbr" if a.isupper() else "alias") for a in m.aliases]
            forms += [(c, "code") for c in (m.iso2, m.iso3) if c]
            for surface, kind in forms:
                for variant in _variants(_tokens(surface)):
                    _put(self._keys, variant, _Key(m, surface, kind))
                    _put(self._compact, "".join(variant), _Key(m, surface, kind))
        # A non-member phrase ("North Korea") consumes its words so "Korea" alone cannot match.
        for phrase in not_members:
            self._keys.setdefault(_tokens(phrase), _Key(None, phrase, "alias"))
        self._longest = max((len(k) for k in self._keys), default=1)
        # Fuzzy choices leave out codes, abbreviations and short names, which typos collide with.
        fuzzy: dict[str, _Key] = {}
        for key, entry in self._keys.items():
            content = " ".join(t for t in key if t not in _FILLER)
            if entry.member and entry.kind in ("name", "alias") and len(content) >= _FUZZY_MIN_LEN:
                fuzzy.setdefault(content, entry)
        self._fuzzy_choices = list(fuzzy)
        self._fuzzy_keys = list(fuzzy.values())
        # "Kenyan", "algérienne", "peruanos": one government each (shared ones are left out).
        self._demonyms: dict[tuple[str, ...], Member] = {}
        for name, adjectives in (demonyms or {}).items():
            member = self._by_name.get(name)
            if member is None:
                raise MemberDataError(f"demonyms of {name!r}: no such government")
            for adjective in adjectives:
                seen = self._demonyms.setdefault(_tokens(adjective), member)
                if seen is not member:
                    clash = f"demonym {adjective!r} of {name!r} is {seen.name!r}'s too"
                    raise MemberDataError(clash)
        self._demonym_words = max((len(k) for k in self._demonyms), default=1)

    @classmethod
    def load(cls, path: Path | None = None) -> MemberDirectory:
        """Read and validate the members file (default: data/members/members.yaml)."""
        path = path or DEFAULT_PATH
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise MemberDataError(f"{path}: cannot read members file: {exc}") from exc
        if not isinstance(raw, dict) or not isinstance(raw.get("entries"), list):
            raise MemberDataError(f"{path}: expected a mapping with an 'entries' list")
        members: list[Member] = []
        for index, item in enumerate(raw["entries"], start=1):
            label = item.get("name", "?") if isinstance(item, dict) else "?"
            try:
                members.append(Member.model_validate(item))
            except ValidationError as exc:
                err = exc.errors()[0]
                where = ".".join(str(p) for p in err["loc"]) or "entry"
                reason = f"{where}: {err['msg']}"
                raise MemberDataError(f"{path}: entry {index} ({label!r}): {reason}") from None
        names = [m.name for m in members]
        if dupes := sorted({n for n in names if names.count(n) > 1}):
            raise MemberDataError(f"{path}: duplicate entries: {', '.join(dupes)}")
        for status, expected in (raw.get("counts") or {}).items():
            if (actual := sum(m.status == status for m in members)) != expected:
                raise MemberDataError(f"{path}: counts.{status} is {expected} but found {actual}")
        demonyms = _read_demonyms(path.with_name(DEMONYMS_FILE))
        try:
            return cls(members, raw.get("not_members") or (), demonyms)
        except MemberDataError as exc:
            raise MemberDataError(f"{path}: {exc}") from None

    def all(self) -> list[Member]:
        """Every government in file order."""
        return list(self._members)

    def get(self, canonical_name: str) -> Member | None:
        """Government by canonical name; its other names and aliases (not codes) also work."""
        if hit := self._by_name.get(canonical_name):
            return hit
        entry = self._keys.get(_tokens(canonical_name))
        return entry.member if entry and entry.kind != "code" else None

    def resolve(self, text: str) -> MemberMatch | None:
        """Government named in a reply to "which government?": exact, in a phrase, or a typo."""
        stripped = text.strip()
        key = _tokens(stripped)
        if not key:
            return None
        for variant in _variants(key):
            entry = self._keys.get(variant) or self._compact.get("".join(variant))
            if entry is None or entry.member is None:
                continue
            # Codes count only in capitals, and never the ones that are everyday words.
            if entry.kind != "code" or (stripped.isupper() and variant[0] not in _CODE_WORDS):
                return MemberMatch(entry.member, stripped, 100.0, exact=True)
        found, blocked = self._scan(stripped, strict=False)
        if found:
            return found[0]
        if blocked:
            return None
        # "Kenyan", "somos peruanos": a nationality typed as the answer.
        words = [t for t in key if t not in _FILLER]
        if member := self._demonyms.get(tuple(words)):
            return MemberMatch(member, stripped, 100.0, exact=False)
        return self._fuzzy(key)

    def find_demonyms(self, text: str) -> list[MemberMatch]:
        """Governments named by a nationality adjective next to a word for a government or an
        office: "the Kenyan Ministry of Health", "le ministère algérien du commerce", "el
        Ministerio de Salud peruano", "the Nigerian government". `matched` is the phrase as
        typed, from the first of the two words to the last, so callers can read what comes
        before it; never an adjective alone ("Indian vaccines")."""
        spans = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        words = [_fold(text[a:b]) for a, b in spans]
        found: dict[str, MemberMatch] = {}
        i = 0
        while i < len(words):
            for n in range(min(self._demonym_words, len(words) - i), 0, -1):
                member = self._demonyms.get(tuple(words[i : i + n]))
                if member is None:
                    continue
                # The head word after it (English order) or up to four words before it; or
                # "I am", "je suis", "somos" just before it.
                after = [j for j in range(i + n, min(i + n + 4, len(words))) if words[j] in _HEADS]
                before = [j for j in range(max(0, i - 4), i) if words[j] in _HEADS]
                being = i > 0 and words[i - 1] in _BEING
                if after or before or being:
                    start, end = i, i + n - 1
                    if after:
                        end = after[0]
                    elif before:
                        start = before[-1]
                    surface = text[spans[start][0] : spans[end][1]]
                    found.setdefault(member.name, MemberMatch(member, surface, 100.0, False))
                i += n - 1
                break
            i += 1
        return list(found.values())

    def find_in_text(self, text: str) -> list[MemberMatch]:
        """Governments named (exactly, on word boundaries) in free text, in order of appearance."""
        unique: dict[str, MemberMatch] = {}
        for match in self._scan(text, strict=True)[0]:
            unique.setdefault(match.member.name, match)
        return list(unique.values())

    def _scan(self, text: str, *, strict: bool) -> tuple[list[MemberMatch], bool]:
        """Longest names first, left to right; also reports whether a non-member was named."""
        spans = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        words = [_SHORT_FORMS.get(w, w) for w in (_fold(text[a:b]) for a, b in spans)]
        found: list[MemberMatch] = []
        blocked, i = False, 0
        while i < len(words):
            for n in range(min(self._longest, len(words) - i), 0, -1):
                entry = self._keys.get(tuple(words[i : i + n]))
                if entry is None or entry.kind == "code":
                    continue
                surface = text[spans[i][0] : spans[i + n - 1][1]]
                if entry.kind == "abbr" and not surface.isupper():
                    continue
                if strict and n == 1 and words[i] in _COMMON_WORDS and surface.islower():
                    continue
                if entry.member is None:
                    blocked = True
                else:
                    found.append(MemberMatch(entry.member, surface, 100.0, exact=True))
                i += n
                break
            else:
                i += 1
        return found, blocked

    def find_misspelt(self, text: str) -> list[MemberMatch]:
        """Governments named with a typo in free text ("from the Phillipines"): runs of one to
        three words starting with a capital that no name matches exactly. `matched` is the
        text as typed, so callers can see what surrounds it."""
        spans = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        words = [_fold(text[a:b]) for a, b in spans]
        found: dict[str, MemberMatch] = {}
        for i, (start, _) in enumerate(spans):
            if not text[start].isupper() or words[i] in _FILLER or words[i] in _GENERIC:
                continue
            best: tuple[float, _Key, int] | None = None
            for n in range(1, min(3, len(words) - i) + 1):
                run = words[i : i + n]
                if run[-1] in _FILLER or tuple(run) in self._keys:
                    continue
                close = self._closest(" ".join(run), running_text=True)
                if close is not None and (best is None or close[0] > best[0]):
                    best = (close[0], close[1], n)
            if best is not None and best[1].member is not None:
                surface = text[start : spans[i + best[2] - 1][1]]
                match = MemberMatch(best[1].member, surface, round(best[0], 1), exact=False)
                found.setdefault(match.member.name, match)
        return list(found.values())

    def _closest(self, query: str, *, running_text: bool = False) -> tuple[float, _Key] | None:
        """The name `query` is a typo of: same first letter and a few edits, scaled with
        length (typos, not lookalikes), best score first. In running text, where ordinary
        words abound ("Ministry of Finance" is two edits from "Finlande"), fewer edits."""
        if len(query) < _FUZZY_MIN_LEN:
            return None
        best: tuple[float, _Key] | None = None
        for choice, score, idx in process.extract(
            query, self._fuzzy_choices, scorer=fuzz.ratio, score_cutoff=70, limit=5
        ):
            if running_text:
                allowed = 1 if len(choice) < 10 else 2
            else:
                allowed = 1 if len(choice) <= 6 else 2 if len(choice) <= 11 else 3
            if choice[0] != query[0] or OSA.distance(query, choice) > allowed:
                continue
            if best is None or score > best[0]:
                best = (score, self._fuzzy_keys[idx])
        return best

    def _fuzzy(self, key: tuple[str, ...]) -> MemberMatch | None:
        """Best typo match over short runs of the words left once reply filler is dropped."""
        words = [t for t in key if t not in _FILLER][:8]
        best: tuple[float, _Key] | None = None
        for n in range(1, min(4, len(words)) + 1):
            for i in range(len(words) - n + 1):
                if _GENERIC.issuperset(words[i : i + n]):
                    continue
                close = self._closest(" ".join(words[i : i + n]))
                if close is not None and (best is None or close[0] > best[0]):
                    best = close
        if best is None or best[1].member is None:
            return None
        return MemberMatch(best[1].member, best[1].surface, round(best[0], 1), exact=False)


# Words for a government or an office that a nationality adjective qualifies.
_HEADS = frozenset(
    """government gouvernement gobierno ministry ministere ministerio delegation delegacion
    mission mision embassy ambassade embajada authority autorite autoridad agency agence
    agencia office oficina customs douane douanes aduana aduanas regulator regulateur regulador
    department departement departamento directorate direction direccion institute institut
    instituto administration administracion cancilleria chancellerie fda""".split()  # noqa: SIM905
)


# The verb before a nationality: "I am Kenyan", "je suis algérienne", "somos peruanos".
_BEING = frozenset("am m are re suis sommes est soy somos".split())  # noqa: SIM905


def _read_demonyms(path: Path) -> dict[str, list[str]]:
    """Each government's nationality adjectives in the three languages, from `path` if any."""
    if not path.exists():
        return {}
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise MemberDataError(f"{path}: cannot read demonyms: {exc}") from exc
    table = raw.get("demonyms") if isinstance(raw, dict) else None
    if not isinstance(table, dict):
        raise MemberDataError(f"{path}: expected a mapping with a 'demonyms' mapping")
    out: dict[str, list[str]] = {}
    for name, by_language in table.items():
        if not isinstance(by_language, dict) or set(by_language) - set(LANGUAGES):
            raise MemberDataError(f"{path}: {name!r}: expected lists under en, fr, es")
        out[name] = [str(f) for lang in LANGUAGES for f in by_language.get(lang) or []]
    return out


@lru_cache
def get_directory() -> MemberDirectory:
    """The directory loaded from the default members file, cached for the process."""
    return MemberDirectory.load()

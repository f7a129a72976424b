"""Behaviour of the WTO member reference list and the resolver built on it."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.members import DEFAULT_PATH, MemberDataError, MemberDirectory, get_directory

EU_MEMBER_STATES = [
    "Austria", "Belgium", "Bulgaria", "Croatia", "Cyprus", "Czech Republic", "Denmark",
    "Estonia", "Finland", "France", "Germany", "Greece", "Hungary", "Ireland", "Italy", "Latvia",
    "Lithuania", "Luxembourg", "Malta", "Netherlands", "Poland", "Portugal", "Romania",
    "Slovak Republic", "Slovenia", "Spain", "Sweden",
]  # fmt: skip


@pytest.fixture(scope="module")
def directory() -> MemberDirectory:
    return MemberDirectory.load()


@pytest.fixture(scope="module")
def raw_entries() -> list[dict[str, object]]:
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))["entries"]


def _normalise(text: str) -> str:
    # Independent of the module's own normaliser on purpose: the test should not trust it.
    folded = unicodedata.normalize("NFKD", text.replace("&", " and "))
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    return " ".join(re.findall(r"[^\W_]+", folded))


# --- the data ---------------------------------------------------------------------------------


def test_there_are_166_members_22_candidates_and_one_plain_observer(
    directory: MemberDirectory,
) -> None:
    counts = Counter(m.status for m in directory.all())
    assert counts == {"member": 166, "accession_candidate": 22, "observer": 1}


def test_the_eu_and_each_of_its_27_states_are_separate_members(directory: MemberDirectory) -> None:
    assert len(EU_MEMBER_STATES) == 27
    for name in ["European Union", *EU_MEMBER_STATES]:
        member = directory.get(name)
        assert member is not None and member.status == "member", name


def test_newest_members_carry_their_2024_membership_dates(directory: MemberDirectory) -> None:
    comoros, timor = directory.get("Comoros"), directory.get("Timor-Leste")
    assert comoros is not None and str(comoros.joined) == "2024-08-21"
    assert timor is not None and str(timor.joined) == "2024-08-30"
    assert max(m.joined for m in directory.all() if m.joined) == timor.joined


def test_every_entry_has_english_french_and_spanish_names(directory: MemberDirectory) -> None:
    for member in directory.all():
        assert {"en", "fr", "es"} <= member.names.keys(), member.name
        assert all(member.names[lang].strip() for lang in ("en", "fr", "es")), member.name


def test_no_alias_points_at_two_governments(raw_entries: list[dict[str, object]]) -> None:
    owners: dict[str, set[str]] = {}
    for entry in raw_entries:
        names = entry["names"]
        assert isinstance(names, dict) and isinstance(entry["aliases"], list)
        forms = [entry["name"], *names.values(), *entry["aliases"], entry["iso2"], entry["iso3"]]
        for form in forms:
            if form:
                owners.setdefault(_normalise(str(form)), set()).add(str(entry["name"]))
    shared = {alias: who for alias, who in owners.items() if len(who) > 1}
    assert shared == {}


def test_ldc_flags_follow_the_un_list_at_end_of_2024(directory: MemberDirectory) -> None:
    assert sum(m.ldc for m in directory.all() if m.status == "member") == 37
    flags = {name: directory.get(name) for name in ("Bhutan", "Sao Tomé and Principe", "Ethiopia")}
    assert {name: m.ldc for name, m in flags.items() if m} == {
        "Bhutan": False, "Sao Tomé and Principe": False, "Ethiopia": True,
    }  # fmt: skip


# --- resolve: exact names, aliases and codes -------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        *[(t, "Türkiye") for t in ("Türkiye", "Turkey", "Turquie", "Turquía", "turkiye")],
        *[(t, "Côte d'Ivoire") for t in ("Côte d'Ivoire", "Ivory Coast", "Costa de Marfil")],
        ("cote d ivoire", "Côte d'Ivoire"),
        ("COTE D'IVOIRE", "Côte d'Ivoire"),
        *[(t, "Viet Nam") for t in ("Viet Nam", "Vietnam", "viet-nam")],
        *[(t, "Lao People's Democratic Republic") for t in ("Lao PDR", "Laos", "lao pdr")],
        ("Kyrgyzstan", "Kyrgyz Republic"),
        *[(t, "South Africa") for t in ("RSA", "South Africa", "Afrique du Sud", "Sudáfrica")],
        *[(t, "European Union") for t in ("EU", "European Union", "Union européenne")],
        ("Unión Europea", "European Union"),
        *[(t, "Chinese Taipei") for t in ("Chinese Taipei", "Taiwan", "Taipei chinois")],
        *[(t, "Hong Kong, China") for t in ("Hong Kong China", "Hong Kong", "hong kong, china")],
        ("Allemagne", "Germany"),
        *[(t, "United States") for t in ("Estados Unidos", "EEUU", "EE.UU.", "USA", "the US")],
        *[(t, "United Kingdom") for t in ("UK", "United Kingdom", "Royaume-Uni", "Reino Unido")],
        ("Korea, Republic of", "Korea, Republic of"),
        ("South Korea", "Korea, Republic of"),
        ("Corée du Sud", "Korea, Republic of"),
        ("Corea del Sur", "Korea, Republic of"),
        ("Swaziland", "Eswatini"),
        ("Macedonia", "North Macedonia"),
        ("Burma", "Myanmar"),
        ("Cape Verde", "Cabo Verde"),
        ("DRC", "Democratic Republic of the Congo"),
        ("RDC", "Democratic Republic of the Congo"),
        ("Congo", "Congo"),
        ("Gambia", "The Gambia"),
        ("the Netherlands", "Netherlands"),
        ("Pays-Bas", "Netherlands"),
        ("l'Allemagne", "Germany"),
        ("Saint Vincent & the Grenadines", "Saint Vincent and the Grenadines"),
        ("KEN", "Kenya"),
        ("GBR", "United Kingdom"),
        # Abbreviated official names: the Dominican Republic is not Dominica.
        *[
            (t, "Dominican Republic")
            for t in ("Rep. Dominicana", "Rep Dominicana", "Dominican Rep.", "Rép. dominicaine")
        ],
        ("Dominicana", "Dominican Republic"),
        ("Dominica", "Dominica"),
        ("Rep. Dem. del Congo", "Democratic Republic of the Congo"),
        ("Dem. Rep. of the Congo", "Democratic Republic of the Congo"),
        ("Rep. Centroafricana", "Central African Republic"),
        ("Kyrgyz Rep.", "Kyrgyz Republic"),
        ("Rép. tchèque", "Czech Republic"),
    ],
)
def test_known_names_aliases_and_codes_resolve_exactly(
    directory: MemberDirectory, typed: str, canonical: str
) -> None:
    match = directory.resolve(typed)
    assert match is not None, typed
    assert (match.member.name, match.exact, match.score) == (canonical, True, 100.0)


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("Ghanna", "Ghana"),
        ("Keyna", "Kenya"),
        ("Filipines", "Philippines"),
        ("Phillipines", "Philippines"),
        ("Columbia", "Colombia"),
        ("Kazakstan", "Kazakhstan"),
        ("Uzbekhistan", "Uzbekistan"),
        ("Untied Kingdom", "United Kingdom"),
        ("I'm from Keyna", "Kenya"),
    ],
)
def test_typos_resolve_as_inexact_matches(
    directory: MemberDirectory, typed: str, canonical: str
) -> None:
    match = directory.resolve(typed)
    assert match is not None, typed
    assert (match.member.name, match.exact) == (canonical, False)
    assert 75 <= match.score < 100


@pytest.mark.parametrize(
    "typed",
    [
        "Atlantis", "Narnia", "Wakanda", "Mordor", "my country", "I don't know", "hello",
        "vaccines", "Europe", "Africa", "Geneva", "Kosovo", "Palestine", "Eritrea", "Monaco",
        "Tuvalu", "San Marino", "Marshall Islands", "North Korea", "no", "NO", "in", "", "   ",
        "can you help us with vaccines",
    ],
)  # fmt: skip
def test_unknown_places_and_chatter_resolve_to_nothing(
    directory: MemberDirectory, typed: str
) -> None:
    assert directory.resolve(typed) is None


@pytest.mark.parametrize(
    ("reply", "canonical"),
    [
        ("I'm from Kenya", "Kenya"),
        ("je représente le Sénégal", "Senegal"),
        ("somos de Colombia", "Colombia"),
        ("the Ministry of Health of Ghana", "Ghana"),
        ("Ministère de la Santé du Burkina Faso", "Burkina Faso"),
        ("We are the delegation of the US", "United States"),
    ],
)
def test_a_country_inside_a_reply_sentence_resolves(
    directory: MemberDirectory, reply: str, canonical: str
) -> None:
    match = directory.resolve(reply)
    assert match is not None and match.member.name == canonical and match.exact


@pytest.mark.parametrize(
    ("typed", "canonical", "status"),
    [
        ("Ethiopia", "Ethiopia", "accession_candidate"),
        ("Ouzbékistan", "Uzbekistan", "accession_candidate"),
        ("Lebanon", "Lebanese Republic", "accession_candidate"),
        ("Sao Tome and Principe", "Sao Tomé and Principe", "accession_candidate"),
        ("Bosnia & Herzegovina", "Bosnia and Herzegovina", "accession_candidate"),
        ("Vatican", "Holy See", "observer"),
    ],
)
def test_non_members_resolve_with_their_status(
    directory: MemberDirectory, typed: str, canonical: str, status: str
) -> None:
    match = directory.resolve(typed)
    assert match is not None
    assert (match.member.name, match.member.status, match.member.joined) == (
        canonical, status, None,
    )  # fmt: skip


# --- find_in_text ----------------------------------------------------------------------------


def _found(directory: MemberDirectory, text: str) -> list[str]:
    return [m.member.name for m in directory.find_in_text(text)]


def test_scan_finds_a_member_named_in_a_request(directory: MemberDirectory) -> None:
    text = "I work at the Ministry of Health in Ghana and we need vaccines"
    [match] = directory.find_in_text(text)
    assert (match.member.name, match.matched, match.exact) == ("Ghana", "Ghana", True)


@pytest.mark.parametrize(
    "text",
    [
        "can you help us with vaccines",
        "Can you send it to me? We need it in May.",
        "a turkey sandwich and fine china",
        "CAN WE TALK TO SOMEONE",
        "We trade with North Korea",
    ],
)
def test_scan_ignores_lookalike_everyday_words(directory: MemberDirectory, text: str) -> None:
    assert _found(directory, text) == []


@pytest.mark.parametrize(
    ("text", "member"),
    [
        ("we are from the Kyrgyz Republic, customs block our imports", "Kyrgyz Republic"),
        ("the Dominican Republic needs vaccines", "Dominican Republic"),
        ("nous sommes la République centrafricaine", "Central African Republic"),
        ("somos de la Rep. Dominicana", "Dominican Republic"),
    ],
)
def test_scan_finds_official_names_with_republic_in_running_text(
    directory: MemberDirectory, text: str, member: str
) -> None:
    # Names are indexed with "Republic" and "Rep." as one word: the scan reads text the same way.
    assert _found(directory, text) == [member]


def test_scan_reads_french_and_spanish_in_order_without_repeats(
    directory: MemberDirectory,
) -> None:
    french = "Nous représentons la Côte d'Ivoire et le Sénégal, puis encore la Côte d'Ivoire."
    spanish = "Trabajo en el Ministerio de Salud de Perú con apoyo de EE.UU. y la Unión Europea."
    assert _found(directory, french) == ["Côte d'Ivoire", "Senegal"]
    assert _found(directory, spanish) == ["Peru", "United States", "European Union"]


def test_scan_prefers_the_longest_name(directory: MemberDirectory) -> None:
    text = "Guinea-Bissau, Papua New Guinea, Equatorial Guinea, South Sudan and Hong Kong, China"
    assert _found(directory, text) == [
        "Guinea-Bissau", "Papua New Guinea", "Equatorial Guinea", "South Sudan", "Hong Kong, China",
    ]  # fmt: skip


def test_scan_takes_abbreviations_only_in_capitals(directory: MemberDirectory) -> None:
    assert _found(directory, "The US, the UK and the EU agreed.") == [
        "United States", "United Kingdom", "European Union",
    ]  # fmt: skip
    assert _found(directory, "tell us about the uk") == []


@pytest.mark.parametrize(
    ("text", "member", "typed"),
    [
        (
            "Hi, I'm writing from the Phillipines, Department of Health",
            "Philippines",
            "Phillipines",
        ),
        ("Bonjour, je suis du Senegall, ministère de la santé", "Senegal", "Senegall"),
        ("hola, somos de Hondura y necesitamos vacunas", "Honduras", "Hondura"),
        ("we are from Costa Rika", "Costa Rica", "Costa Rika"),
    ],
)
def test_misspelt_names_in_running_text_are_found_with_what_was_typed(
    directory: MemberDirectory, text: str, member: str, typed: str
) -> None:
    [match] = directory.find_misspelt(text)
    assert (match.member.name, match.matched, match.exact) == (member, typed, False)


@pytest.mark.parametrize(
    "text",
    [
        "I am from Kenya",  # exact: find_in_text's job
        "We need Paxlovid and Remdesivir from Pfizer",
        "Thank you Madam, Regards, Ministry of Health",
        "hello from the phillipines",  # lower case: an everyday word is as likely
    ],
)
def test_misspelt_names_need_a_capital_and_no_exact_match(
    directory: MemberDirectory, text: str
) -> None:
    assert directory.find_misspelt(text) == []


# --- lookups and display ---------------------------------------------------------------------


def test_display_name_follows_language_and_falls_back_to_english(
    directory: MemberDirectory,
) -> None:
    germany = directory.get("Germany")
    assert germany is not None
    assert [germany.display_name(lang) for lang in ("en", "fr", "es", "fr-CH", "de")] == [
        "Germany", "Allemagne", "Alemania", "Allemagne", "Germany",
    ]  # fmt: skip


def test_get_takes_the_canonical_name_and_rejects_unknown_ones(directory: MemberDirectory) -> None:
    assert directory.get("Türkiye") is directory.get("Turkey")
    assert directory.get("Atlantis") is None
    assert directory.get("KEN") is None  # codes belong to resolve, not get


def test_members_can_be_collected_in_a_set(directory: MemberDirectory) -> None:
    assert len(set(directory.all())) == len(directory.all())


def test_an_empty_directory_matches_nothing() -> None:
    empty = MemberDirectory([])
    assert (empty.resolve("Kenya"), empty.find_in_text("Kenya"), empty.all()) == (None, [], [])


def test_default_directory_is_loaded_once() -> None:
    assert get_directory() is get_directory()
    assert len(get_directory().all()) == 189


# --- loader validation -----------------------------------------------------------------------

GOOD_ENTRY = """
  - name: "Ghana"
    status: member
    joined: 1995-01-01
    iso2: "GH"
    iso3: "GHA"
    ldc: false
    names: {en: "Ghana", fr: "Ghana", es: "Ghana"}
    aliases: ["Republic of Ghana"]
"""


def _write(tmp_path: Path, entries: str, header: str = "") -> Path:
    path = tmp_path / "members.yaml"
    path.write_text(f"{header}entries:{entries}", encoding="utf-8")
    return path


def test_loader_accepts_a_minimal_valid_file(tmp_path: Path) -> None:
    directory = MemberDirectory.load(_write(tmp_path, GOOD_ENTRY))
    assert [m.name for m in directory.all()] == ["Ghana"]


@pytest.mark.parametrize(
    ("broken", "reason"),
    [
        (GOOD_ENTRY.replace(', es: "Ghana"', ""), "names is missing es"),
        (GOOD_ENTRY.replace('iso2: "GH"', 'iso2: "gh"'), "iso2"),
        (GOOD_ENTRY.replace("status: member", "status: friend"), "status"),
        (GOOD_ENTRY.replace("joined: 1995-01-01", "joined: null"), "joined must be set"),
        (GOOD_ENTRY.replace('en: "Ghana"', 'en: "Ghana Republic"'), "names.en"),
    ],
)
def test_loader_rejects_a_broken_entry_naming_file_entry_and_reason(
    tmp_path: Path, broken: str, reason: str
) -> None:
    path = _write(tmp_path, GOOD_ENTRY.replace("Ghana", "Kenya").replace("GH", "KE") + broken)
    with pytest.raises(MemberDataError) as caught:
        MemberDirectory.load(path)
    message = str(caught.value)
    assert str(path) in message and "entry 2 ('Ghana')" in message and reason in message


def test_loader_rejects_an_alias_shared_by_two_governments(tmp_path: Path) -> None:
    kenya = GOOD_ENTRY.replace("Ghana", "Kenya").replace("GH", "KE")
    kenya = kenya.replace('["Republic of Kenya"]', '["Republic of Kenya", "Gold Coast"]')
    ghana = GOOD_ENTRY.replace('["Republic of Ghana"]', '["Gold Coast"]')
    with pytest.raises(MemberDataError, match="'Gold Coast' of 'Ghana' collides"):
        MemberDirectory.load(_write(tmp_path, kenya + ghana))


def test_loader_rejects_counts_that_disagree_with_the_entries(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD_ENTRY, header="counts: {member: 166}\n")
    with pytest.raises(MemberDataError, match=r"counts\.member is 166 but found 1"):
        MemberDirectory.load(path)


def test_loader_rejects_a_missing_or_shapeless_file(tmp_path: Path) -> None:
    with pytest.raises(MemberDataError, match="cannot read"):
        MemberDirectory.load(tmp_path / "absent.yaml")
    (tmp_path / "list.yaml").write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(MemberDataError, match="'entries' list"):
        MemberDirectory.load(tmp_path / "list.yaml")


def test_every_government_has_a_demonym_entry_and_none_is_shared(
    directory: MemberDirectory,
) -> None:
    raw = yaml.safe_load(DEFAULT_PATH.with_name("demonyms.yaml").read_text(encoding="utf-8"))
    assert list(raw["demonyms"]) == [m.name for m in directory.all()]
    owners: dict[str, set[str]] = {}
    for name, by_language in raw["demonyms"].items():
        for form in (f for forms in by_language.values() for f in forms):
            folded = "".join(
                c for c in unicodedata.normalize("NFKD", form) if not unicodedata.combining(c)
            ).casefold()
            owners.setdefault(folded, set()).add(name)
    assert {f: o for f, o in owners.items() if len(o) > 1} == {}


def test_a_demonym_shared_by_two_governments_is_refused(directory: MemberDirectory) -> None:
    members = directory.all()
    with pytest.raises(MemberDataError, match="Kenyan"):
        MemberDirectory(members, demonyms={"Kenya": ["Kenyan"], "Uganda": ["Kenyan"]})


@pytest.mark.parametrize(
    ("text", "member", "phrase"),
    [
        ("I am from the Kenyan Ministry of Health", "Kenya", "Kenyan Ministry"),
        ("je travaille au ministère algérien du commerce", "Algeria", "ministère algérien"),
        ("el Ministerio de Salud peruano", "Peru", "Ministerio de Salud peruano"),
        (
            "the South African Health Products Regulatory Authority",
            "South Africa",
            "South African Health Products Regulatory Authority",
        ),
        ("je suis sénégalaise", "Senegal", "sénégalaise"),
    ],
)
def test_a_nationality_next_to_an_office_or_after_i_am_names_the_government(
    directory: MemberDirectory, text: str, member: str, phrase: str
) -> None:
    [found] = directory.find_demonyms(text)
    assert (found.member.name, found.matched) == (member, phrase)


@pytest.mark.parametrize(
    "text", ["we import Indian vaccines", "Chinese manufacturers", "des vaccins indiens"]
)
def test_a_nationality_alone_names_no_government(directory: MemberDirectory, text: str) -> None:
    assert directory.find_demonyms(text) == []


@pytest.mark.parametrize(
    ("answer", "member"),
    [("Kenyan", "Kenya"), ("somos peruanos", "Peru"), ("algérienne", "Algeria")],
)
def test_a_nationality_given_as_the_answer_resolves(
    directory: MemberDirectory, answer: str, member: str
) -> None:
    match = directory.resolve(answer)
    assert match is not None and match.member.name == member and not match.exact

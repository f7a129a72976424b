"""Behaviour of suggest() and search(): filters, past events, languages, reasons."""

from __future__ import annotations

import pytest

from bot.catalogue import NeedQuery, get_catalogue, search, suggest
from bot.catalogue.evaluate import load_all
from bot.catalogue.index import index_for
from bot.catalogue.intents import read_intents, split_status, without_framing
from bot.catalogue.labels import PAST_NOTE
from bot.catalogue.text import terms


def _ids(query: NeedQuery, limit: int = 3) -> list[str]:
    return [s.activity.id for s in suggest(query, limit=limit)]


def test_format_filter_keeps_only_requested_formats() -> None:
    query = NeedQuery(text="patents and access to medicines", formats=("training", "online_course"))
    results = suggest(query, limit=10)
    assert results
    assert {s.activity.format for s in results} <= {"training", "online_course"}


def test_search_filters_by_organization_need_area_and_format() -> None:
    results = search("patents", organization="WIPO", format="training", need_area="medicines")
    assert results
    for activity in results:
        assert "WIPO" in activity.organizations
        assert activity.format == "training"
        assert "medicines" in activity.need_areas


def test_search_without_text_lists_every_match_of_the_filters() -> None:
    expected = {a.id for a in get_catalogue().activities if "WTO" in a.organizations}
    assert {a.id for a in search(organization="wto")} == expected


def test_search_can_exclude_past_events() -> None:
    assert all(a.is_open for a in search("workshop diagnostics", include_past=False))


def test_past_events_rank_after_open_offers_when_not_asked_for() -> None:
    # Everything above the relevance floor, so that the past diagnostics workshop is in it.
    results = suggest(NeedQuery(text="patents and regulation of diagnostic tests"), limit=60)
    availability = [s.activity.is_open for s in results]
    assert False in availability  # the past diagnostics workshop matches and is still listed
    assert availability == sorted(availability, reverse=True)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Where can I find the recording of the trilateral diagnostics workshop?", "en"),
        ("Je cherche l'enregistrement de l'atelier trilatéral sur les diagnostics", "fr"),
        ("¿Dónde puedo ver la grabación del taller trilateral sobre diagnósticos?", "es"),
    ],
)
def test_asking_for_a_recording_puts_the_past_event_first_labelled_as_past(
    text: str, language: str
) -> None:
    top = suggest(NeedQuery(text=text, language=language))[0]
    assert top.activity.id == "trilateral-workshop-diagnostics"
    assert top.reason.endswith(PAST_NOTE[language])


def test_a_past_mechanism_named_by_the_delegate_is_suggested_as_past() -> None:
    results = suggest(NeedQuery(text="Is COVAX still running?"))
    covax = next(s for s in results if s.activity.id == "who-covax-facility")
    assert covax.reason.endswith(PAST_NOTE["en"])


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("I'd like to take the virtual course on trade and public health focused on COVID", "en"),
        ("Je voudrais suivre le cours virtuel commerce et santé publique de l'OMC", "fr"),
        ("Quisiera seguir el curso virtual sobre comercio y salud pública de la OMC", "es"),
    ],
)
def test_a_past_course_named_by_its_title_is_suggested_as_past(text: str, language: str) -> None:
    results = suggest(NeedQuery(text=text, language=language))
    course = next(
        s for s in results if s.activity.id == "wto-virtual-course-trade-public-health-covid"
    )
    assert course.reason.endswith(PAST_NOTE[language])
    # Naming most of a title is naming the activity; sharing a few of its words is not.
    assert not index_for(get_catalogue()).named("we need training on trade and health")


def test_search_orders_matches_as_suggestions_are_ordered() -> None:
    # "ADPIC" also occurs in the accession programme's text; the question is about vaccines.
    found = search(
        "quisiera información sobre el acuerdo sobre los ADPIC y las vacunas",
        topic="intellectual_property",
        need_area="vaccines",
        language="es",
    )
    ids = [a.id for a in found[:3]]
    assert "wto-mc12-trips-decision-implementation" in ids
    assert "wto-accession-technical-assistance" not in ids


def test_raw_materials_is_not_a_request_for_event_materials() -> None:
    assert not read_intents("our vaccine plant lacks raw materials").wants_reference
    assert read_intents("the materials of the 2022 workshop").wants_reference


def test_the_open_successor_of_a_named_past_mechanism_is_offered_with_it() -> None:
    results = suggest(NeedQuery(text="Is the WHO emergency use listing still open?"))
    ids = [s.activity.id for s in results]
    assert ids[:2] == ["who-emergency-use-listing", "who-prequalification"]
    assert "emergency use listing" in results[1].reason
    assert "replaced it" in results[1].reason


def test_past_events_are_never_presented_as_open_offers() -> None:
    for item in load_all():
        for suggestion in suggest(item.query, limit=10):
            lang = item.query.language
            assert suggestion.reason.endswith(PAST_NOTE[lang]) == (not suggestion.activity.is_open)


def test_unknown_exclude_id_is_harmless() -> None:
    query = NeedQuery(text="compulsory licence for an antiviral")
    assert _ids(query) == [s.activity.id for s in suggest(query, exclude_ids=["no-such-id"])]


def test_excluded_activity_is_not_suggested_again() -> None:
    query = NeedQuery(text="compulsory licence for an antiviral")
    first = _ids(query)[0]
    assert first not in [s.activity.id for s in suggest(query, limit=10, exclude_ids=[first])]


@pytest.mark.parametrize(
    ("en", "fr", "es"),
    [
        (
            "compulsory licence to import generic medicines",
            "licence obligatoire pour importer des médicaments génériques",
            "licencia obligatoria para importar medicamentos genéricos",
        ),
        (
            "technology transfer for mRNA vaccines",
            "transfert de technologie pour les vaccins à ARNm",
            "transferencia de tecnología para vacunas de ARNm",
        ),
        (
            "WHO prequalification of vaccines",
            "préqualification des vaccins par l'OMS",
            "precalificación de vacunas de la OMS",
        ),
        (
            "lot release of vaccines by our national control laboratory",
            "libération des lots de vaccins par notre laboratoire national de contrôle",
            "liberación de lotes de vacunas por nuestro laboratorio nacional de control",
        ),
        (
            "we need help with vaccine regulation",
            "nous avons besoin d'aide pour la réglementation des vaccins",
            "necesitamos ayuda para la regulación de vacunas",
        ),
    ],
)
def test_french_and_spanish_phrasings_find_the_same_top_activity(en: str, fr: str, es: str) -> None:
    top_en = _ids(NeedQuery(text=en, language="en"))[0]
    assert _ids(NeedQuery(text=fr, language="fr"))[0] == top_en
    assert _ids(NeedQuery(text=es, language="es"))[0] == top_en


def test_missing_accents_and_case_do_not_change_the_analysis() -> None:
    assert terms("PRÉQUALIFICATION des Vaccins") == terms("prequalification des vaccins")


@pytest.mark.parametrize(
    ("language", "opening"),
    [("en", "You mentioned"), ("fr", "Vous avez parlé de"), ("es", "Mencionó")],
)
def test_reasons_come_in_the_query_language(language: str, opening: str) -> None:
    text = {
        "en": "compulsory licence for an antiviral",
        "fr": "licence obligatoire pour un antiviral",
        "es": "licencia obligatoria para un antiviral",
    }[language]
    results = suggest(NeedQuery(text=text, language=language))
    assert results
    assert all(s.reason.startswith(opening) for s in results)
    assert all("\n" not in s.reason for s in results)


def test_reason_quotes_the_delegates_own_words() -> None:
    top = suggest(NeedQuery(text="We need a compulsory licence for an antiviral"))[0]
    assert "compulsory licence" in top.reason


def test_reason_without_text_falls_back_to_structured_fields() -> None:
    results = suggest(NeedQuery(need_area="vaccines", topics=("procurement",), language="fr"))
    assert results
    assert results[0].reason.startswith("Elle correspond à votre demande")


def test_unsupported_language_gets_english_reasons() -> None:
    results = suggest(NeedQuery(text="mRNA vaccine technology transfer", language="de"))
    assert results[0].reason.startswith("You mentioned")


def test_suggest_is_deterministic() -> None:
    query = NeedQuery(text="tariffs on vaccine inputs", need_area="vaccines", language="en")
    assert suggest(query, limit=10) == suggest(query, limit=10)


def test_limit_is_respected_and_zero_returns_nothing() -> None:
    query = NeedQuery(text="patents")
    assert len(suggest(query, limit=2)) <= 2
    assert suggest(query, limit=0) == []


def test_accession_candidates_see_accession_offers_higher() -> None:
    text = "We need training on patents for medicines"
    plain = _ids(NeedQuery(text=text), limit=10)
    acceding = _ids(NeedQuery(text=text, member_status="accession_candidate"), limit=10)
    target = "wto-accession-technical-assistance"
    assert target in acceding[:3]
    assert target not in plain or acceding.index(target) < plain.index(target)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("we need advice on vaccine regulation and lot release", "en"),
        ("nous avons besoin de conseils sur la réglementation des vaccins", "fr"),
        ("necesitamos asesoría sobre la regulación de vacunas", "es"),
    ],
)
def test_an_accession_candidate_still_gets_what_the_need_asks_for(text: str, language: str) -> None:
    found = suggest(
        NeedQuery(text=text, member_status="accession_candidate", language=language), limit=3
    )
    ids = [s.activity.id for s in found]
    # One accession offer at most is lifted by the status; the need decides the rest.
    open_to_candidates = [s for s in found if "accession_candidate" in s.activity.priority_groups]
    assert len(open_to_candidates) <= 2, ids
    assert any(
        "regulation" in s.activity.topics and "WHO" in s.activity.organizations for s in found
    ), ids


@pytest.mark.parametrize(
    ("stated", "plain", "status"),
    [
        (
            "We are an accession candidate and need advice on vaccine regulation",
            "We need advice on vaccine regulation",
            "accession_candidate",
        ),
        (
            "Nous sommes observateurs et cherchons de l'aide pour produire des médicaments",
            "Nous cherchons de l'aide pour produire des médicaments",
            "observer",
        ),
        (
            "Somos un país en proceso de adhesión y queremos formación sobre patentes",
            "Somos un país y queremos formación sobre patentes",
            "accession_candidate",
        ),
    ],
)
def test_a_status_stated_in_the_text_counts_as_the_status_not_as_the_need(
    stated: str, plain: str, status: str
) -> None:
    assert split_status(stated)[0] == status
    assert _ids(NeedQuery(text=stated)) == _ids(NeedQuery(text=plain, member_status=status))


def test_preferred_organization_lifts_its_offers() -> None:
    text = "training on patents and access to medicines"
    neutral = suggest(NeedQuery(text=text), limit=3)
    preferring = suggest(NeedQuery(text=text, organizations=("WIPO",)), limit=3)
    share = sum("WIPO" in s.activity.organizations for s in preferring)
    assert share >= sum("WIPO" in s.activity.organizations for s in neutral)
    assert share >= 2


def test_unsure_delegate_is_offered_the_joint_entry_point() -> None:
    query = NeedQuery(text="help with covid vaccines", organizations=("not_sure",))
    assert "trilateral-ta-request" in _ids(query)


@pytest.mark.parametrize(
    ("area", "text", "language"),
    [
        ("medicines", "medicines", "en"),
        ("vaccines", "vaccins", "fr"),
        ("technologies", "tecnologías", "es"),
    ],
)
@pytest.mark.parametrize("status", ["member", "accession_candidate"])
def test_unsure_what_help_the_joint_request_comes_first_then_joint_work(
    area: str, text: str, language: str, status: str
) -> None:
    # A need told by its area alone, and "not sure" what kind of help: the three
    # organizations' joint channel, then what they run or publish together, still open.
    query = NeedQuery(
        text=text,
        need_area=area,
        organizations=("not_sure",),
        language=language,
        member_status=status,
        overview=True,
    )
    first, *rest = suggest(query, limit=3)
    assert first.activity.id == "trilateral-ta-request"
    assert any(len(s.activity.organizations) == 3 and s.activity.is_open for s in rest)
    assert all(area in s.activity.need_areas for s in rest)


def test_a_request_for_training_is_also_served_by_online_courses() -> None:
    results = suggest(
        NeedQuery(text="training on intellectual property for our officials"), limit=5
    )
    assert {"training", "online_course"} <= {s.activity.format for s in results}


def test_a_misspelt_word_finds_the_same_activities_and_is_quoted_as_typed() -> None:
    typed = suggest(NeedQuery(text="lisence obligatoire pour un antiviral", language="fr"))
    spelt = suggest(NeedQuery(text="licence obligatoire pour un antiviral", language="fr"))
    assert [s.activity.id for s in typed] == [s.activity.id for s in spelt]
    assert "lisence obligatoire" in typed[0].reason


def test_structured_topics_alone_rank_without_any_text() -> None:
    results = suggest(NeedQuery(need_area="medicines", topics=("procurement",)), limit=5)
    assert results
    assert all("medicines" in s.activity.need_areas for s in results)


def test_a_reason_never_quotes_need_or_help_back() -> None:
    for s in suggest(NeedQuery(text="we need help and support, our request is urgent"), limit=10):
        quoted = s.reason.split("“")[1].split("”")[0].lower() if "“" in s.reason else ""
        assert not {"need", "help", "support", "request"} & set(quoted.split()), s.reason


@pytest.mark.parametrize(
    "text",
    [
        "We need training on patents for medicines",
        "cursos sobre licencias obligatorias",
        "formation sur l'accord sur les ADPIC",
    ],
)
def test_a_member_is_never_offered_what_is_reserved_to_acceding_governments(text: str) -> None:
    reserved = [a.id for a in get_catalogue().activities if a.only_for]
    assert reserved == ["wto-accession-technical-assistance"]
    assert "member" not in get_catalogue().get(reserved[0]).only_for  # type: ignore[union-attr]
    member = _ids(NeedQuery(text=text, member_status="member"), limit=57)
    observer = _ids(NeedQuery(text=text, member_status="observer"), limit=57)
    assert reserved[0] not in member
    assert reserved[0] in observer


KWAME = (
    "Good morning. I am Dr. Kwame Mensah, Director of Pharmacy at the Ministry of Health of "
    "Ghana (kwame.mensah@moh.gov.gh). We would like technical assistance to understand how to "
    "use compulsory licensing to import generic COVID-19 antivirals."
)


def test_technical_assistance_framing_a_need_neither_ranks_nor_is_quoted() -> None:
    # "Technical assistance" is what every delegate asks for; the need is the licence.
    results = suggest(NeedQuery(text=KWAME, need_area="medicines"))
    assert results[0].activity.id == "wto-special-compulsory-licensing-31bis"
    assert "trilateral-ta-request" not in [s.activity.id for s in results]
    for s in results:
        assert "technical" not in s.reason and "Ministry" not in s.reason, s.reason
    # A hyphenated word is quoted whole.
    assert "COVID-19" in results[0].reason and "“19" not in results[0].reason


@pytest.mark.parametrize(
    ("text", "blanked"),
    [
        ("we need technical assistance on compulsory licensing", True),
        ("necesitamos asistencia técnica para la regulación de dispositivos", True),
        # The assistance itself is the subject: an organization's, or nothing else named.
        ("can an acceding country get WTO technical assistance on IP?", False),
        ("nous voulons une assistance technique", False),
    ],
)
def test_technical_assistance_is_set_aside_only_when_it_frames_a_kind_of_help(
    text: str, blanked: bool
) -> None:
    out = without_framing(text)
    assert len(out) == len(text)
    assert (out != text) is blanked


def test_an_offer_reserved_to_acceding_governments_does_not_lead_before_the_status_is_known() -> (
    None
):
    text = "nesecitamos ayuda con patentes de medicamentos contra el covid"
    unknown = suggest(NeedQuery(text=text, need_area="medicines", language="es"))
    assert unknown[0].activity.id != "wto-accession-technical-assistance"
    stated = suggest(NeedQuery(text=f"somos un país en proceso de adhesión; {text}", language="es"))
    assert stated[0].activity.id == "wto-accession-technical-assistance"


@pytest.mark.parametrize(
    ("text", "language", "never"),
    [
        (
            "Good morning. I work for the Ministry of Health of Viet Nam and we would like "
            "support on local manufacturing of mRNA vaccines",
            "en",
            ("Good", "work", "Viet Nam"),
        ),
        (
            "perdón, quise decir desde Bolivia. Queremos saber cómo funcionan las licencias "
            "obligatorias para medicamentos",
            "es",
            ("Bolivia",),
        ),
        (
            "Buenos días. Le escribe la misión permanente de Ecuador en Ginebra. Queremos "
            "información sobre las flexibilidades del ADPIC para medicamentos",
            "es",
            ("escribe", "Ecuador", "Ginebra"),
        ),
    ],
)
def test_reasons_never_quote_who_is_asking(
    text: str, language: str, never: tuple[str, ...]
) -> None:
    reasons = " ".join(s.reason for s in suggest(NeedQuery(text=text, language=language), limit=6))
    assert any(w in reasons for w in ("mRNA vaccines", "licencias obligatorias", "ADPIC"))
    assert [w for w in never if f"“{w}" in reasons or f"{w}”" in reasons] == []


@pytest.mark.parametrize(
    ("opening", "need", "language"),
    [
        (
            "Bonjour, ici l'ambassade du Burkina Faso à Genève. ",
            "Nous cherchons un appui pour les achats groupés de vaccins",
            "fr",
        ),
        (
            "Hello from the permanent mission of Bangladesh in Geneva. ",
            "We need help to buy vaccines at a lower price",
            "en",
        ),
    ],
)
def test_who_is_asking_does_not_change_what_is_suggested(
    opening: str, need: str, language: str
) -> None:
    # The government and the mission's seat are the conversation's to read (an LDC status
    # here), not words to match: "Burkina Faso" is named in example needs about LDC patents.
    alone = NeedQuery(text=need, language=language, need_area="vaccines", ldc=True)
    told = NeedQuery(text=opening + need, language=language, need_area="vaccines", ldc=True)
    assert _ids(told) == _ids(alone)


def test_less_and_more_are_no_words_to_match() -> None:
    # "Moins" matched the "pays les moins avancés" of the LDC advice and was quoted back.
    text = "on voudrait savoir comment obtenir des vaccins moins chers"
    reasons = [s.reason for s in suggest(NeedQuery(text=text, language="fr", ldc=True))]
    assert not any("moins" in r for r in reasons)
    ldc = suggest(NeedQuery(text="nous sommes un pays moins avancé", language="fr"))
    assert ldc[0].activity.id == "wto-ldc-trips-transition-period"


def test_a_reason_never_quotes_what_a_later_correction_took_back() -> None:
    text = (
        "We want to understand how to use TRIPS flexibilities for cancer medicines\n"
        "actually no, it's more about biosimilar insulin local production"
    )
    results = suggest(NeedQuery(text=text, need_area="medicines", language="en"), limit=5)
    assert results
    for s in results:
        assert "TRIPS" not in s.reason and "cancer" not in s.reason, s.reason
    # Without the correction the same words are quoted, so the test can tell.
    first = suggest(NeedQuery(text=text.splitlines()[0], need_area="medicines", language="en"))
    assert any("TRIPS" in s.reason for s in first)


def test_a_reason_never_quotes_the_closing_of_a_letter() -> None:
    text = (
        "We would appreciate guidance on trade facilitation measures for PPE imports. "
        "Best regards, Kavita Maharaj"
    )
    for s in suggest(NeedQuery(text=text, need_area="technologies", language="en")):
        assert "regards" not in s.reason, s.reason

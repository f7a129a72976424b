"""Reading French and Spanish messages for request fields, as delegates really type them."""

import pytest

from bot.conversation.turn import Turn
from bot.conversation.understand import understand
from bot.members import get_directory
from bot.nlu import extract
from tests.utils.rasa import tracker


def turn(text: str, **kwargs: object) -> Turn:
    return Turn.from_tracker(tracker(text, **kwargs))  # type: ignore[arg-type]


def test_a_french_opening_paragraph_fills_every_field_it_names() -> None:
    updates = understand(
        turn(
            "Bonjour, je suis Dr Aminata Traoré de la Direction de la Pharmacie du Mali. Nos "
            "fournisseurs font face à des restrictions à l'exportation sur les seringues et nous "
            "avons besoin de l'avis de l'OMC avant la fin de l'année. Mon courriel : a.traore@sante.gov.ml",
            intent="describe_need",
            earlier_user_messages=0,
        )
    )
    assert updates["language"] == "fr"
    assert updates["member"] == "Mali"
    assert updates["requester_name"] == "Aminata Traoré"
    assert updates["institution"] == "Direction de la Pharmacie du Mali"
    assert updates["email"] == "a.traore@sante.gov.ml"
    assert updates["need_area"] == "technologies"
    assert updates["topics"] == ["trade"]
    assert updates["organizations"] == ["WTO"]
    assert updates["timeline"] == "avant la fin de l'année"


def test_a_spanish_opening_paragraph_fills_every_field_it_names() -> None:
    updates = understand(
        turn(
            "Buenos días, soy la Dra. Ana Pérez, del Ministerio de Salud del Perú. Queremos "
            "explorar una licencia obligatoria para el nirmatrelvir con apoyo de la OMPI y la OMS, "
            "lo antes posible. Ya recibimos apoyo de la OPS. Mi correo es ana.perez@minsa.gob.pe",
            intent="describe_need",
            earlier_user_messages=0,
        )
    )
    assert updates["language"] == "es"
    assert updates["member"] == "Peru"
    assert updates["requester_name"] == "Ana Pérez"
    assert updates["institution"] == "Ministerio de Salud del Perú"
    assert updates["email"] == "ana.perez@minsa.gob.pe"
    assert updates["need_area"] == "medicines"
    assert updates["topics"] == ["intellectual_property"]
    assert updates["organizations"] == ["WIPO", "WHO"]
    assert updates["timeline"] == "lo antes posible"
    assert updates["prior_assistance"] == "Ya recibimos apoyo de la OPS."


@pytest.mark.parametrize(
    ("text", "change"),
    [
        ("en fait c'est plutôt pour des vaccins", "vaccines"),
        ("je me suis trompé, il s'agit de médicaments", "medicines"),
        ("en realidad es para vacunas, no medicamentos", "vaccines"),
        ("me equivoqué: son pruebas de diagnóstico", "technologies"),
    ],
)
def test_a_change_of_mind_in_french_or_spanish_replaces_the_need_area(
    text: str, change: str
) -> None:
    updates = understand(
        turn(
            text,
            intent="inform",
            active_loop="request_form",
            slots={"requested_slot": "organizations", "need_area": "medicines"}
            if change != "medicines"
            else {"requested_slot": "organizations", "need_area": "vaccines"},
        )
    )
    assert updates["need_area"] == change


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("ouais", True),
        ("oui oui", True),
        ("d'acc", True),
        ("tout à fait", True),
        ("claro que sí", True),
        ("dale", True),
        ("vale, adelante", True),
        ("nan", False),
        ("pas question", False),
        ("de ninguna manera", False),
        ("para nada", False),
        ("Ministère de la Santé", None),
    ],
)
def test_yes_and_no_as_french_and_spanish_speakers_type_them(
    text: str, answer: bool | None
) -> None:
    assert extract.yes_or_no(text) == answer


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("moi c'est Fatou Ndiaye", "Fatou Ndiaye"),
        ("je me nomme Jean-Baptiste Kaboré", "Jean-Baptiste Kaboré"),
        ("Mme Marie-Claire Ngono", "Marie-Claire Ngono"),
        ("yo soy María José Quispe", "María José Quispe"),
        ("Dra. Lucía Fernández Gómez", "Lucía Fernández Gómez"),
        ("merci", None),
        ("gracias", None),
    ],
)
def test_names_with_french_and_spanish_lead_ins(text: str, name: str | None) -> None:
    assert extract.person_name(text) == name


def test_a_name_introduced_by_habla_is_found_in_running_text() -> None:
    text = "Buenas tardes, habla José Luis Martínez de la oficina de propiedad intelectual"
    assert extract.name_in_sentence(text) == "José Luis Martínez"


@pytest.mark.parametrize(
    ("answer", "institution"),
    [
        (
            "Ministère de la Santé et de l'Hygiène publique",
            "Ministère de la Santé et de l'Hygiène publique",
        ),
        ("Ministerio de Salud y Protección Social", "Ministerio de Salud y Protección Social"),
        ("je travaille à la Mission permanente à Genève", "Mission permanente à Genève"),
        ("trabajo en la Secretaría de Salud", "Secretaría de Salud"),
        ("soy del Ministerio de Comercio Exterior", "Ministerio de Comercio Exterior"),
        ("Unidad de Vacunas del Ministerio de Salud", "Unidad de Vacunas del Ministerio de Salud"),
        ("Food and Drugs Authority", "Food and Drugs Authority"),
        ("I work at the Ministry of Trade and Industry", "Ministry of Trade and Industry"),
    ],
)
def test_an_institution_answer_keeps_its_whole_name(answer: str, institution: str) -> None:
    assert extract.institution_answer(answer) == institution


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("d'ici trois mois", "d'ici trois mois"),
        ("Avant la fin de l'année svp", "Avant la fin de l'année"),
        ("dès que possible", "dès que possible"),
        ("antes de fin de año", "antes de fin de año"),  # spelt as written, with its ñ
        ("lo más pronto posible", "lo más pronto posible"),
        ("en seis meses", "en seis meses"),
    ],
)
def test_deadlines_in_french_and_spanish_are_kept_as_written(text: str, when: str) -> None:
    assert extract.timeline(text) == when


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("toutes les trois", ["WHO", "WIPO", "WTO"]),
        ("las 3", ["WHO", "WIPO", "WTO"]),
        ("todas", ["WHO", "WIPO", "WTO"]),
        ("je sais pas", ["not_sure"]),
        ("me da igual", ["not_sure"]),
        ("Organisation mondiale de la santé", ["WHO"]),
        # A generic word in a paragraph is not a choice of organizations.
        ("necesitamos todas las vacunas posibles para la población del país", []),
    ],
)
def test_organizations_in_french_and_spanish(text: str, expected: list[str]) -> None:
    assert extract.organizations(text) == expected


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("des vacins pour les enfants", "vaccines"),
        ("bacunas para la población", "vaccines"),
        ("des médocs génériques", "medicines"),
        ("medicinas para el covid", "medicines"),
        ("des tests antigéniques", "technologies"),
        ("barbijos y batas", "technologies"),
        ("do we still have to grant pharma patents?", "medicines"),
        ("les brevets pharma", "medicines"),
        ("la industria farma nacional", "medicines"),
    ],
)
def test_need_areas_with_slang_and_misspellings(text: str, area: str) -> None:
    assert extract.need_areas(text)[0] == area


@pytest.mark.parametrize(
    ("text", "topic", "not_topic"),
    [
        ("procédure de dédouanement des seringues", "trade", "procurement"),
        ("étude de liberté d'exploitation pour un vaccin", "intellectual_property", "trade"),
        ("tranfert de technologie pour les vaccins", "technology_transfer", None),
        ("le paxlovid est-il breveté chez nous ?", "intellectual_property", None),
        ("¿está patentado el paxlovid aquí?", "intellectual_property", None),
        ("clasificación arancelaria de jeringas", "trade", None),
        ("homologuer des antiviraux", "regulation", None),
    ],
)
def test_topics_in_french_and_spanish_without_false_typos(
    text: str, topic: str, not_topic: str | None
) -> None:
    found = extract.topics(text)
    assert topic in found
    assert not_topic not in found


@pytest.mark.parametrize(
    ("written", "member"),
    [
        ("Côte d'Ivoire", "Côte d'Ivoire"),
        ("Costa de Marfil", "Côte d'Ivoire"),
        ("cote divoire", "Côte d'Ivoire"),
        ("Allemagne", "Germany"),
        ("Estados Unidos", "United States"),
        ("EE.UU.", "United States"),
        ("RDC", "Democratic Republic of the Congo"),
        ("Pérou", "Peru"),
        ("Perú", "Peru"),
        ("Cameroun", "Cameroon"),
        ("Haïti", "Haiti"),
        ("República Dominicana", "Dominican Republic"),
        ("Guinea Ecuatorial", "Equatorial Guinea"),
        ("Union européenne", "European Union"),
        ("Burkina", "Burkina Faso"),
    ],
)
def test_member_names_as_delegates_write_them_in_french_and_spanish(
    written: str, member: str
) -> None:
    match = get_directory().resolve(written)
    assert match is not None and match.member.name == member


@pytest.mark.parametrize(
    ("sentence", "member"),
    [
        ("je représente la RDC à Genève", "Democratic Republic of the Congo"),
        ("nous sommes du Burkina", "Burkina Faso"),
        ("somos de EE.UU.", "United States"),
        ("le ministère de la santé du Sénégal", "Senegal"),
        ("el Ministerio de Salud Pública de República Dominicana", "Dominican Republic"),
    ],
)
def test_member_named_inside_a_french_or_spanish_sentence(sentence: str, member: str) -> None:
    assert [m.member.name for m in get_directory().find_in_text(sentence)][:1] == [member]

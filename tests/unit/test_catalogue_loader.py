"""Behaviour of the catalogue schema and loader."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.catalogue.loader import CatalogueError, get_catalogue, load_catalogue

RESEARCHED_IDS = (
    "trilateral-ta-request",
    "trilateral-workshop-tech-transfer-licensing",
    "trilateral-workshop-covid-data-sources",
    "trilateral-workshop-diagnostics",
    "trilateral-symposium-response-preparedness",
    "trilateral-study-promoting-access-2nd-edition",
    "trilateral-integrated-approach-covid-extract",
    "wto-trade-public-health-workshop",
    "wto-virtual-course-trade-public-health-covid",
    "wto-who-wipo-covid-technical-workshop-2020",
    "wipo-legislative-policy-advice",
    "wipo-covid-response-package-projects",
    "wipo-academy-ipti-covid-training",
    "wipo-academy-distance-learning",
    "wipo-patentscope-covid-index",
    "wipo-covid-ip-policy-tracker",
    "wipo-plr-covid-vaccines-therapeutics",
    "wipo-tisc-support",
    "wipo-arbitration-mediation-life-sciences",
    "wipo-re-search",
    "wipo-wto-advanced-ip-course",
    "wipo-wto-colloquium-ip-teachers",
    "wto-mc12-trips-decision-implementation",
    "wto-special-compulsory-licensing-31bis",
    "wto-trips-elearning",
    "wto-national-regional-trips-workshops",
    "wto-national-ta-request",
    "wto-covid-trade-measures-monitoring",
    "wto-imf-vaccine-trade-tracker",
    "wto-vaccine-inputs-list-bottlenecks",
    "wto-info-notes-medical-goods-tariffs",
    "wto-info-note-trips-covid",
    "wto-vaccine-practical-aspects-workshop",
    "wto-trade-facilitation-critical-medical-goods",
    "who-c-tap",
    "who-mrna-technology-transfer-hub",
    "who-biomanufacturing-training",
    "who-emergency-use-listing",
    "who-prequalification",
    "who-lot-release-tools",
    "who-regulatory-strengthening",
    "who-local-production-support",
    "who-ip-public-health-technical-cooperation",
)


def _valid_entry(activity_id: str = "sample-activity") -> dict:
    return {
        "id": activity_id,
        "title": {"en": "Sample title", "fr": "Titre exemple", "es": "Título de ejemplo"},
        "summary": {"en": "One line.", "fr": "Une ligne.", "es": "Una línea."},
        "description": {
            "en": "A sample activity used in tests. It has enough words to pass the "
            "minimum description length check of the schema.",
            "fr": "Une activité d'exemple pour les tests, assez longue pour passer le "
            "contrôle de longueur minimale du schéma.",
            "es": "Una actividad de ejemplo para las pruebas, lo bastante larga para pasar "
            "el control de longitud mínima del esquema.",
        },
        "organizations": ["WHO"],
        "need_areas": ["vaccines"],
        "topics": ["regulation"],
        "format": "advisory",
        "audience": "Regulators",
        "languages": ["en"],
        "languages_confirmed": False,
        "availability": "open",
        "source_url": "https://example.org/activity",
        "keywords": {"en": ["sample"], "fr": ["exemple"], "es": ["ejemplo"]},
    }


def _write(tmp_path: Path, entries: list[dict]) -> Path:
    path = tmp_path / "activities.yaml"
    path.write_text(yaml.safe_dump({"schema_version": 1, "activities": entries}), "utf-8")
    return path


def test_shipped_catalogue_validates_with_at_least_45_activities() -> None:
    catalogue = load_catalogue()
    assert len(catalogue.activities) >= 45


def test_shipped_catalogue_has_title_summary_description_and_keywords_in_three_languages() -> None:
    for activity in load_catalogue().activities:
        for language in ("en", "fr", "es"):
            assert activity.title.get(language)
            assert activity.summary.get(language)
            assert activity.description.get(language)
            assert getattr(activity.keywords, language)
        # A translation left in English would pass the length check: the three must differ.
        assert len(set(activity.description.all_texts())) == 3, activity.id


def test_shipped_catalogue_keeps_every_researched_id() -> None:
    assert set(RESEARCHED_IDS) <= set(load_catalogue().ids)


def test_shipped_past_activities_all_have_dates() -> None:
    past = [a for a in load_catalogue().activities if not a.is_open]
    assert past
    assert all(a.date for a in past)


def test_get_catalogue_returns_the_same_cached_object() -> None:
    assert get_catalogue() is get_catalogue()


def test_valid_minimal_file_loads(tmp_path: Path) -> None:
    catalogue = load_catalogue(_write(tmp_path, [_valid_entry()]))
    assert catalogue.ids == ("sample-activity",)


def test_unknown_vocabulary_error_names_file_entry_and_field(tmp_path: Path) -> None:
    bad = _valid_entry("bad-one") | {"need_areas": ["diagnostics"]}
    path = _write(tmp_path, [_valid_entry(), bad])
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    message = str(info.value)
    assert str(path) in message
    assert "entry 1 (id 'bad-one')" in message
    assert "need_areas" in message


def test_missing_translation_is_rejected(tmp_path: Path) -> None:
    bad = _valid_entry() | {"title": {"en": "Only English", "fr": "Seulement français"}}
    with pytest.raises(CatalogueError, match=r"title\.es"):
        load_catalogue(_write(tmp_path, [bad]))


def test_description_without_its_spanish_text_is_rejected(tmp_path: Path) -> None:
    entry = _valid_entry()
    bad = entry | {"description": {k: v for k, v in entry["description"].items() if k != "es"}}
    with pytest.raises(CatalogueError, match=r"description\.es"):
        load_catalogue(_write(tmp_path, [bad]))


def test_past_activity_without_date_is_rejected(tmp_path: Path) -> None:
    bad = _valid_entry() | {"availability": "past"}
    with pytest.raises(CatalogueError, match="past activity must have a date"):
        load_catalogue(_write(tmp_path, [bad]))


def test_duplicate_ids_are_rejected_naming_both_entries(tmp_path: Path) -> None:
    path = _write(tmp_path, [_valid_entry("same"), _valid_entry("same")])
    with pytest.raises(CatalogueError, match=r"entry 1 \(id 'same'\): duplicate id.*entry 0"):
        load_catalogue(path)


def test_invalid_url_is_rejected(tmp_path: Path) -> None:
    bad = _valid_entry() | {"source_url": "not a url"}
    with pytest.raises(CatalogueError, match="source_url"):
        load_catalogue(_write(tmp_path, [bad]))


def test_entry_without_id_is_named_by_index(tmp_path: Path) -> None:
    bad = _valid_entry()
    del bad["id"]
    with pytest.raises(CatalogueError, match=r"entry 0: id: Field required"):
        load_catalogue(_write(tmp_path, [bad]))


def test_malformed_yaml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("activities: [unclosed", "utf-8")
    with pytest.raises(CatalogueError, match=r"broken\.yaml: invalid YAML"):
        load_catalogue(path)


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match=r"missing\.yaml: cannot read file"):
        load_catalogue(tmp_path / "missing.yaml")


def test_successor_must_be_an_open_activity_and_the_error_names_the_entry(tmp_path: Path) -> None:
    old = _valid_entry("old-pool") | {
        "availability": "past",
        "date": "2021-01",
        "succeeded_by": "other-past",
    }
    other = _valid_entry("other-past") | {"availability": "past", "date": "2020"}
    with pytest.raises(
        CatalogueError, match=r"entry 0 \(id 'old-pool'\): succeeded_by 'other-past'"
    ):
        load_catalogue(_write(tmp_path, [old, other]))


def test_successor_pointing_nowhere_is_rejected(tmp_path: Path) -> None:
    old = _valid_entry("old-pool") | {
        "availability": "past",
        "date": "2021",
        "succeeded_by": "nope",
    }
    with pytest.raises(CatalogueError, match="is not an open activity"):
        load_catalogue(_write(tmp_path, [old]))


def test_only_past_activities_can_have_a_successor(tmp_path: Path) -> None:
    bad = _valid_entry("still-open") | {"succeeded_by": "sample-activity"}
    with pytest.raises(CatalogueError, match="only a past activity can be succeeded_by"):
        load_catalogue(_write(tmp_path, [bad, _valid_entry()]))


def test_valid_successor_and_names_load(tmp_path: Path) -> None:
    old = _valid_entry("old-pool") | {
        "availability": "past",
        "date": "2021",
        "succeeded_by": "sample-activity",
        "names": ["OLDPOOL", "Old Pool"],
    }
    catalogue = load_catalogue(_write(tmp_path, [old, _valid_entry()]))
    pool = catalogue.get("old-pool")
    assert pool is not None
    assert pool.succeeded_by == "sample-activity"
    assert pool.names == ("OLDPOOL", "Old Pool")


def test_too_short_names_are_rejected(tmp_path: Path) -> None:
    bad = _valid_entry() | {"names": ["X"]}
    with pytest.raises(CatalogueError, match="names"):
        load_catalogue(_write(tmp_path, [bad]))


def test_shipped_successors_replace_past_activities_with_open_ones() -> None:
    catalogue = load_catalogue()
    linked = [a for a in catalogue.activities if a.succeeded_by]
    assert linked
    for activity in linked:
        successor = catalogue.get(activity.succeeded_by or "")
        assert not activity.is_open
        assert successor is not None and successor.is_open

"""Every response, button and summary reaches the delegate in their language and register."""

import re
from typing import Any

import pytest

from bot.conversation.summary import correction_buttons, render
from bot.i18n import FIELD_LABELS, VALUE_LABELS
from tests.utils.rasa import domain

PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Button titles that are the same word in English and the other language.
SAME_WORD = {"No"}
# The assistant addresses delegates as "vous" / "usted": these only appear in familiar speech.
FAMILIAR = {
    # Case matters: "TA-2026-000123" is a reference, not "ta".
    "fr": re.compile(r"\b([Tt]u|[Tt]oi|[Tt]on|[Tt]a|[Tt]es|[Tt]e|t')\b|\b\w+-toi\b"),
    "es": re.compile(
        r"\b(tú|tu|ti|te|tus|contigo|puedes|quieres|tienes|necesitas|eres|estás|dime|elige)\b",
        re.IGNORECASE,
    ),
}


def variations(name: str) -> dict[str, dict[str, Any]]:
    found = {}
    for variation in domain()["responses"][name]:
        conditions = variation.get("condition") or []
        lang = next((c["value"] for c in conditions if c.get("name") == "language"), "en")
        found[lang] = variation
    return found


# Written for a delegate who may read none of the three languages: one text for everyone.
ANY_LANGUAGE = {"utter_portuguese", "utter_unsupported_language"}
RESPONSES = sorted(set(domain()["responses"]) - ANY_LANGUAGE)


@pytest.mark.parametrize("name", sorted(ANY_LANGUAGE))
def test_notices_for_other_languages_are_one_text_whatever_the_conversation_language(
    name: str,
) -> None:
    [only] = domain()["responses"][name]
    assert "condition" not in only and only["text"]


@pytest.mark.parametrize("name", RESPONSES)
def test_every_response_has_a_french_and_a_spanish_variation(name: str) -> None:
    by_lang = variations(name)
    assert set(by_lang) == {"en", "fr", "es"}
    for lang in ("fr", "es"):
        assert by_lang[lang]["text"] != by_lang["en"]["text"]


@pytest.mark.parametrize("name", RESPONSES)
def test_translations_keep_the_placeholders_and_links(name: str) -> None:
    by_lang = variations(name)
    english = by_lang["en"]["text"]
    for lang in ("fr", "es"):
        text = by_lang[lang]["text"]
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(english)), lang
        assert re.findall(r"\]\((/\w+)\)", text) == re.findall(r"\]\((/\w+)\)", english), lang


@pytest.mark.parametrize("name", RESPONSES)
def test_buttons_are_translated_and_send_the_same_payloads(name: str) -> None:
    by_lang = variations(name)
    english = by_lang["en"].get("buttons") or []
    for lang in ("fr", "es"):
        buttons = by_lang[lang].get("buttons") or []
        assert [b["payload"] for b in buttons] == [b["payload"] for b in english], lang
        untranslated = [
            b["title"]
            for b, e in zip(buttons, english, strict=True)
            if b["title"] == e["title"] and b["title"] not in SAME_WORD
        ]
        assert untranslated == [], lang


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_the_assistant_always_uses_the_formal_register(lang: str) -> None:
    familiar = {
        name: found.group(0)
        for name in RESPONSES
        if (found := FAMILIAR[lang].search(variations(name)[lang]["text"]))
    }
    assert familiar == {}


def test_every_field_and_value_label_exists_in_three_languages() -> None:
    for labels in (*FIELD_LABELS.values(), *VALUE_LABELS.values()):
        assert set(labels) == {"en", "fr", "es"}


SLOTS = {
    "member": "Peru",
    "requester_name": "Awa Koné",
    "institution": "Ministère de la Santé",
    "email": "awa.kone@sante.gouv.ci",
    "need_area": "medicines",
    "topics": ["intellectual_property", "procurement"],
    "description": "Licence obligatoire pour un antiviral",
    "organizations": ["WIPO", "WTO"],
    "timeline": "d'ici trois mois",
}


def test_the_summary_reads_in_french() -> None:
    text = render(SLOTS, "fr")
    assert "- **Gouvernement\u00a0:** Pérou" in text
    assert "médicaments" in text and "propriété intellectuelle, achats" in text
    assert "OMPI, OMC" in text and "**Échéance\u00a0:** d'ici trois mois" in text
    assert "Licence obligatoire pour un antiviral" in text  # the delegate's words, untouched


def test_the_summary_reads_in_spanish_with_the_spanish_name_of_the_country() -> None:
    text = render(SLOTS, "es")
    assert "**Gobierno:** Perú" in text
    assert "**Área:** medicamentos" in text
    assert "**Organizaciones:** OMPI, OMC" in text
    assert "propiedad intelectual, compras" in text


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_correction_buttons_are_labelled_in_the_delegates_language(lang: str) -> None:
    titles = [b["title"] for b in correction_buttons(lang)]
    english = [b["title"] for b in correction_buttons("en")]
    assert len(titles) == len(english)
    assert sum(t != e for t, e in zip(titles, english, strict=True)) >= len(english) - 1

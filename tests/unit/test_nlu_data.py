"""The French and Spanish training data: complete, consistent with English, and understood."""

import re
from collections import defaultdict
from functools import cache

import pytest
import yaml

from bot.conversation.request_form import CORRECTABLE
from bot.conversation.understand import NEED_AREAS
from bot.members import get_directory
from bot.nlu import extract
from bot.settings import ROOT
from tests.utils.rasa import domain

NLU = ROOT / "data" / "nlu"
LANGUAGES = ("en", "fr", "es")
TOPICS = (
    "intellectual_property",
    "trade",
    "regulation",
    "technology_transfer",
    "local_production",
    "procurement",
)
ENTITY = re.compile(r"\[([^\]]+)\]\(([a-z_]+)(?::([^)]+))?\)")
# Fewer examples than this for an intent and the held-out figures stop meaning much.
MIN_EXAMPLES = 14


@cache
def examples() -> dict[str, dict[str, list[str]]]:
    """Examples as written (with entity markup), by language then intent."""
    found: dict[str, dict[str, list[str]]] = {lang: defaultdict(list) for lang in LANGUAGES}
    for lang in LANGUAGES:
        for path in sorted((NLU / lang).glob("*.yml")):
            for item in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
                if "intent" in item:
                    found[lang][item["intent"]] += [
                        line.strip()[2:]
                        for line in item["examples"].splitlines()
                        if line.strip().startswith("- ")
                    ]
    return found


def entities(lang: str) -> list[tuple[str, str, str]]:
    """(text, entity, value) for every annotation in one language's data."""
    return [
        (text, entity, value or text)
        for items in examples()[lang].values()
        for example in items
        for text, entity, value in ENTITY.findall(example)
    ]


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_intent_has_examples_in_french_and_spanish(lang: str) -> None:
    counts = {intent: len(examples()[lang].get(intent, [])) for intent in domain()["intents"]}
    assert {i: n for i, n in counts.items() if n < MIN_EXAMPLES} == {}


def test_no_text_is_labelled_with_two_intents_or_twice() -> None:
    seen: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for lang in LANGUAGES:
        for intent, items in examples()[lang].items():
            for example in items:
                seen[ENTITY.sub(r"\1", example).strip().lower()].append((lang, intent))
    assert {text: labels for text, labels in seen.items() if len(labels) > 1} == {}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_entity_values_are_the_ones_the_form_understands(lang: str) -> None:
    allowed = {
        "need_area": set(NEED_AREAS),
        "topic": set(TOPICS),
        "organization": {"WHO", "WIPO", "WTO", "all", "not_sure"},
        "field": set(CORRECTABLE),
    }
    wrong = [
        (text, entity, value)
        for text, entity, value in entities(lang)
        if entity in allowed and value not in allowed[entity]
    ]
    assert wrong == []
    assert {entity for _, entity, _ in entities(lang)} <= set(domain()["entities"])


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_annotated_member_resolves_to_a_government(lang: str) -> None:
    directory = get_directory()
    names = [text for text, entity, _ in entities(lang) if entity == "member"]
    assert len(names) >= 20
    assert [n for n in names if directory.resolve(n) is None] == []


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_the_lexicons_agree_with_every_annotated_need_area_and_topic(lang: str) -> None:
    # Rasa and our lexicons must read the same words the same way (bot/nlu/extract.py).
    missed = []
    for text, entity, value in entities(lang):
        if entity == "need_area" and value not in extract.need_areas(text):
            missed.append((text, value))
        if entity == "topic" and value not in extract.topics(text):
            missed.append((text, value))
    assert missed == []

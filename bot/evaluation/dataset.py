"""Reading the NLU training data into examples that know their language and gold entities."""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# Rasa's inline annotation: [text](entity), [text](entity:value) or [text]{"entity": ...}.
ANNOTATION = re.compile(
    r"\[(?P<text>[^\]]+?)\]"
    r"(?:\((?P<entity>[^:)]+?)(?::(?P<value>[^)]+))?\)|\{(?P<json>[^}]+?)\})"
)
LANGUAGES = ("en", "fr", "es")


@dataclass(frozen=True)
class Entity:
    """A gold or predicted entity span in the plain text."""

    entity: str
    start: int
    end: int
    value: str


@dataclass
class Example:
    """One training example with its language (the folder it lives in)."""

    intent: str
    lang: str
    annotated: str
    text: str
    entities: list[Entity] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "intent": self.intent,
            "lang": self.lang,
            "annotated": self.annotated,
            "text": self.text,
            "entities": [e.__dict__ for e in self.entities],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Example":
        entities = [Entity(**e) for e in data["entities"]]
        return cls(data["intent"], data["lang"], data["annotated"], data["text"], entities)


@dataclass
class NluData:
    """All intent examples, plus the regex/lookup/synonym items that always go to training."""

    examples: list[Example]
    extras: list[dict[str, Any]]


def parse_annotated(annotated: str) -> tuple[str, list[Entity]]:
    """The plain text of an annotated example and its entity spans."""
    plain: list[str] = []
    entities: list[Entity] = []
    pos = 0
    length = 0
    for match in ANNOTATION.finditer(annotated):
        before = annotated[pos : match.start()]
        plain.append(before)
        length += len(before)
        surface = match["text"]
        if match["json"] is not None:
            spec = json.loads("{" + match["json"] + "}")
            entity, value = spec["entity"], str(spec.get("value", surface))
        else:
            entity, value = match["entity"], match["value"] or surface
        entities.append(Entity(entity.strip(), length, length + len(surface), value))
        plain.append(surface)
        length += len(surface)
        pos = match.end()
    plain.append(annotated[pos:])
    return "".join(plain), entities


def _example_lines(examples: Any) -> list[str]:
    if isinstance(examples, str):
        lines = [line.strip() for line in examples.splitlines()]
        return [line[2:].strip() for line in lines if line.startswith("- ")]
    return [str(item["text"]).strip() for item in examples or []]


def load(root: Path, languages: tuple[str, ...] = LANGUAGES) -> NluData:
    """Every example under root/<lang>/*.yml, in a stable order."""
    examples: list[Example] = []
    extras: list[dict[str, Any]] = []
    for lang in languages:
        for path in sorted((root / lang).rglob("*.yml")):
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for item in content.get("nlu") or []:
                if "intent" not in item:
                    extras.append(item)
                    continue
                for line in _example_lines(item.get("examples")):
                    text, entities = parse_annotated(line)
                    examples.append(Example(item["intent"], lang, line, text, entities))
    return NluData(examples, extras)

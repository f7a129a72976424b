"""Example needs: how delegates describe what each activity answers.

Activities are written in the organizations' words ("special compulsory licensing system");
delegates write about their problem ("we cannot make the medicine ourselves, can we import a
generic?"). The files in `data/catalogue/example_needs/` hold need descriptions written for
training, nine per activity (three each in English, French and Spanish, short to long, some
with typos), each labelled with the activities an advisor would suggest for it. The index
adds their words to the character n-gram text of every activity they name, which bridges
part of that vocabulary gap (see `bot.catalogue.index`).

They are training data in the same sense as the NLU examples: the evaluation sets in
`tests/eval/` are separate, and were neither shown to nor used by the people who wrote them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.catalogue.loader import REPO_ROOT, CatalogueError
from bot.catalogue.schema import LANGUAGES, Catalogue

EXAMPLES_DIR = REPO_ROOT / "data" / "catalogue" / "example_needs"


class ExampleNeed(BaseModel):
    """One need description; `relevant` starts with the activity it was written for."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    language: str = Field(pattern="^(" + "|".join(LANGUAGES) + ")$")
    text: str = Field(min_length=2, max_length=2000)
    need_area: Literal["vaccines", "medicines", "technologies"] | None = None
    relevant: tuple[str, ...] = Field(min_length=1)


def load_examples(
    folder: Path = EXAMPLES_DIR, catalogue: Catalogue | None = None
) -> tuple[ExampleNeed, ...]:
    """Every example of every YAML file in `folder`; with a catalogue, unknown ids are errors."""
    known = {a.id for a in catalogue.activities} if catalogue is not None else None
    out: list[ExampleNeed] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise CatalogueError(f"{path}: cannot read examples: {exc}") from exc
        entries = raw.get("examples") if isinstance(raw, dict) else None
        if not isinstance(entries, list):
            raise CatalogueError(f"{path}: top level must be a mapping with an 'examples' list")
        for index, entry in enumerate(entries):
            try:
                example = ExampleNeed.model_validate(entry)
            except ValidationError as exc:
                raise CatalogueError(f"{path}: example {index}: {exc.errors()[0]['msg']}") from exc
            unknown = [i for i in example.relevant if known is not None and i not in known]
            if unknown:
                raise CatalogueError(f"{path}: example {index}: unknown activity ids {unknown}")
            out.append(example)
    return tuple(out)


@lru_cache(maxsize=1)
def shipped_examples() -> tuple[ExampleNeed, ...]:
    """The example needs shipped in data/, read once per process."""
    return load_examples()


def check_examples(catalogue: Catalogue) -> int:
    """Fail (naming file, example and reason) if a shipped example is invalid; return the count."""
    return len(load_examples(catalogue=catalogue))

"""The held-out split: stratified, seeded, stable as data grows, never overlapping training."""

import random
from collections import Counter
from pathlib import Path

import yaml

from bot.evaluation import dataset, split
from bot.evaluation.dataset import Example, NluData, parse_annotated
from bot.settings import ROOT


def example(intent: str, lang: str, text: str) -> Example:
    return Example(intent, lang, text, text)


def synthetic(per_stratum: int = 10) -> NluData:
    examples = [
        example(intent, lang, f"{intent} {lang} message number {i}")
        for intent in ("greet", "affirm", "describe_need")
        for lang in ("en", "fr", "es")
        for i in range(per_stratum)
    ]
    return NluData(examples, [{"regex": "email", "examples": "- [a-z]+@[a-z]+\n"}])


def test_annotations_become_plain_text_and_spans() -> None:
    text, entities = parse_annotated(
        "help with a [compulsory licence](topic:intellectual_property) for [Kenya](member) "
        'and [paxlovid]{"entity": "need_area", "value": "medicines"}'
    )
    assert text == "help with a compulsory licence for Kenya and paxlovid"
    assert [(e.entity, text[e.start : e.end], e.value) for e in entities] == [
        ("topic", "compulsory licence", "intellectual_property"),
        ("member", "Kenya", "Kenya"),
        ("need_area", "paxlovid", "medicines"),
    ]


def test_every_example_in_the_data_parses_to_spans_that_match_its_text() -> None:
    data = dataset.load(ROOT / "data" / "nlu")
    assert data.examples
    for ex in data.examples:
        assert "](" not in ex.text, ex.annotated
        for entity in ex.entities:
            assert ex.text[entity.start : entity.end] in ex.annotated


def test_language_is_the_folder_an_example_lives_in(tmp_path: Path) -> None:
    for lang, line in (("en", "hello"), ("fr", "bonjour"), ("es", "hola")):
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "a.yml").write_text(
            f'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - {line}\n'
        )
    loaded = dataset.load(tmp_path)
    assert [(e.lang, e.text) for e in loaded.examples] == [
        ("en", "hello"),
        ("fr", "bonjour"),
        ("es", "hola"),
    ]


def test_each_intent_and_language_stratum_holds_out_a_fifth() -> None:
    s = split.split(synthetic(10))
    assert Counter((e.intent, e.lang) for e in s.test) == {
        (i, lang): 2 for i in ("greet", "affirm", "describe_need") for lang in ("en", "fr", "es")
    }
    assert len(s.train) == 9 * 8


def test_strata_too_small_to_split_stay_in_training() -> None:
    data = NluData([example("thank", "fr", "merci"), example("thank", "fr", "merci beaucoup")], [])
    s = split.split(data)
    assert s.test == []
    assert len(s.train) == 2


def test_no_held_out_text_is_trained_on_even_when_duplicated() -> None:
    data = synthetic(10)
    data.examples += [example(e.intent, e.lang, e.text.upper()) for e in data.examples[:30]]
    s = split.split(data)
    trained = {" ".join(e.text.lower().split()) for e in s.train}
    assert not any(" ".join(e.text.lower().split()) in trained for e in s.test)
    assert len({e.text.lower() for e in s.test}) == len(s.test)


def test_split_does_not_depend_on_file_order_and_changes_with_the_seed() -> None:
    data = synthetic(10)
    shuffled = NluData(random.Random(1).sample(data.examples, len(data.examples)), data.extras)
    first = {e.text for e in split.split(data).test}
    assert {e.text for e in split.split(shuffled).test} == first
    assert {e.text for e in split.split(data, seed=7).test} != first


def test_adding_examples_keeps_the_held_out_part_nearly_the_same() -> None:
    before = {e.text for e in split.split(synthetic(10)).test}
    after = {e.text for e in split.split(synthetic(11)).test}
    # 9 strata gain one example each: at most one held-out text per stratum may change.
    assert len(before - after) <= 9


def test_written_files_carry_training_extras_and_the_held_out_examples(tmp_path: Path) -> None:
    s = split.split(synthetic(10))
    paths = split.write(s, tmp_path)
    train = yaml.safe_load(paths["train"].read_text())
    lines = [
        line for item in train["nlu"] if "intent" in item for line in item["examples"].splitlines()
    ]
    assert len(lines) == len(s.train)
    assert {"regex": "email", "examples": "- [a-z]+@[a-z]+\n"} in train["nlu"]
    test_yaml = yaml.safe_load(paths["test"].read_text())
    assert sum(len(i["examples"].splitlines()) for i in test_yaml["nlu"]) == len(s.test)
    assert [e.text for e in split.read_test(paths["test_jsonl"])] == [e.text for e in s.test]

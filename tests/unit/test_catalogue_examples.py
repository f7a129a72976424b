"""The example needs that train the suggestions: valid, covering, and apart from the eval sets."""

from collections import Counter
from pathlib import Path

import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.catalogue.evaluate import load_all
from bot.catalogue.examples import ExampleNeed, check_examples, load_examples, shipped_examples
from bot.catalogue.index import activity_char_text, index_for
from bot.catalogue.loader import CatalogueError, get_catalogue
from bot.catalogue.text import content_words

# Above this character n-gram cosine, an example would be a near copy of an evaluation need.
NEAR_COPY = 0.8


def test_every_shipped_example_names_real_activities() -> None:
    assert check_examples(get_catalogue()) == len(shipped_examples()) >= 500


def test_every_activity_has_examples_in_each_language() -> None:
    written_for = Counter((e.relevant[0], e.language) for e in shipped_examples())
    for activity in get_catalogue().activities:
        for language in ("en", "fr", "es"):
            assert written_for[(activity.id, language)] >= 3, (activity.id, language)


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ({"language": "en", "text": "help", "relevant": ["no-such-activity"]}, "unknown activity"),
        ({"language": "de", "text": "Hilfe bitte", "relevant": ["wipo-re-search"]}, "match"),
        ({"language": "en", "text": "help us", "relevant": []}, "at least 1"),
        ({"language": "en", "text": "help us", "relevant": ["wipo-re-search"], "x": 1}, "Extra"),
    ],
)
def test_a_bad_example_is_refused_with_its_file_and_position(
    tmp_path: Path, entry: dict[str, object], reason: str
) -> None:
    import yaml

    good = {"language": "fr", "text": "brevets", "relevant": ["wipo-pat-informed"]}
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump({"examples": [good, entry]}))
    with pytest.raises(CatalogueError, match=rf"bad\.yaml: example 1: .*{reason}"):
        load_examples(tmp_path, catalogue=get_catalogue())


def test_an_example_adds_its_words_to_each_activity_it_names() -> None:
    catalogue = get_catalogue()
    named, other = catalogue.activities[0], catalogue.activities[1]
    example = ExampleNeed(language="es", text="cooperación zanahoria", relevant=(named.id,))
    assert "zanahoria" in activity_char_text(named, (example,))
    assert "zanahoria" not in activity_char_text(other, (example,))
    # The shipped index is built with the shipped examples: a word only they use is known.
    catalogue_words = {w for a in catalogue.activities for w in activity_char_text(a).split()}
    only_examples = next(
        w
        for e in shipped_examples()
        for w in content_words(e.text)
        if w not in catalogue_words and len(w) == 3  # " abc " is one 5-gram
    )
    assert f" {only_examples} " in index_for(catalogue).char_model.vocabulary_


def test_no_example_is_a_near_copy_of_a_held_out_need() -> None:
    # The examples train the ranker; the test, holdout and fresh needs measure it. A near copy
    # would measure memory instead of generalisation.
    def words(text: str) -> str:
        return " ".join(content_words(text))

    examples = [words(e.text) for e in shipped_examples()]
    held_out = [words(i.query.text) for i in load_all() if i.split != "dev"]
    model = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    model.fit(examples + held_out)
    similarity = (model.transform(held_out) @ model.transform(examples).T).toarray()
    assert similarity.max() < NEAR_COPY

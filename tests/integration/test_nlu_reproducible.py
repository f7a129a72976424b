"""Training is reproducible: two trainings of config.yml's pipeline predict the same."""

from pathlib import Path

import pytest

from bot.evaluation import dataset, rasa_jobs, split
from bot.evaluation.compare import NLU_DATA
from bot.evaluation.metrics import compare_predictions
from bot.model import CONFIG

pytestmark = pytest.mark.integration


def test_two_trainings_on_the_same_data_predict_the_held_out_split_the_same(
    tmp_path: Path,
) -> None:
    s = split.split(dataset.load(NLU_DATA))
    paths = split.write(s, tmp_path / "split")
    texts = [e.text for e in s.test]
    models = [tmp_path / f"model-{i}.tar.gz" for i in (1, 2)]
    for i, model in enumerate(models, 1):
        rasa_jobs.train_nlu(CONFIG, paths["train"], model, tmp_path / f"train-{i}.log")
    with (
        rasa_jobs.serving(models[0], tmp_path / "serve-1.log") as first,
        rasa_jobs.serving(models[1], tmp_path / "serve-2.log") as second,
    ):
        a, _ = rasa_jobs.parse_all(first, texts)
        b, _ = rasa_jobs.parse_all(second, texts)
    check = compare_predictions(a, b)
    assert check["n"] == len(texts) > 0
    assert check["identical"], check

"""The comparison's plumbing: candidates, seeds, cache keys, merged policy configs, report."""

from pathlib import Path

import pytest
import yaml

from bot.evaluation import compare, policies, rasa_jobs, report
from bot.model import CONFIG

# Components whose training draws random numbers, and the option that seeds them.
SEEDED = {
    "DIETClassifier": "random_seed",
    "ResponseSelector": "random_seed",
    "TEDPolicy": "random_seed",
    "UnexpecTEDIntentPolicy": "random_seed",
    "LogisticRegressionClassifier": "random_state",
}


def all_configs() -> list[Path]:
    return [
        CONFIG,
        *sorted(compare.CANDIDATES_DIR.glob("*.yml")),
        *sorted(policies.POLICIES_DIR.glob("*.yml")),
    ]


@pytest.mark.parametrize("config", all_configs(), ids=lambda p: p.stem)
def test_every_seedable_component_has_a_seed(config: Path) -> None:
    content = yaml.safe_load(config.read_text())
    components = (content.get("pipeline") or []) + (content.get("policies") or [])
    assert components
    for component in components:
        option = SEEDED.get(component["name"])
        if option:
            assert isinstance(component.get(option), int), f"{component['name']} in {config.name}"


def test_quick_runs_config_yml_and_a_few_candidates() -> None:
    names = [c.name for c in compare.available(quick=True)]
    assert names == [compare.CONFIGURED, *compare.QUICK]
    full = [c.name for c in compare.available()]
    assert {"rasa_default", "diet_light", "logreg", "sklearn_svm"} <= set(full)


def test_an_unknown_candidate_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="nonsense"):
        compare.available(only=["nonsense"])


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


PIPELINE = """language: en
pipeline:
  - name: WhitespaceTokenizer
  - name: LogisticRegressionClassifier
    random_state: 1
  - name: FallbackClassifier
    threshold: {t}
"""


def test_cache_key_follows_pipeline_and_data_but_not_fallback_or_comments(tmp_path: Path) -> None:
    train = write(tmp_path / "train.yml", "nlu: []\n")
    test = write(tmp_path / "test.jsonl", "")
    base = write(tmp_path / "a.yml", PIPELINE.format(t=0.3))
    key = compare.cache_key(base, train, test)
    other_threshold = write(tmp_path / "b.yml", "# a comment\n" + PIPELINE.format(t=0.7))
    assert compare.cache_key(other_threshold, train, test) == key
    other_seed = write(tmp_path / "c.yml", PIPELINE.format(t=0.3).replace("state: 1", "state: 2"))
    assert compare.cache_key(other_seed, train, test) != key
    write(train, "nlu: [{intent: greet, examples: '- hi'}]\n")
    assert compare.cache_key(base, train, test) != key


def test_configured_fallback_thresholds_are_read_from_the_config(tmp_path: Path) -> None:
    config = write(
        tmp_path / "c.yml",
        "pipeline:\n- name: FallbackClassifier\n  threshold: 0.6\n  ambiguity_threshold: 0.02\n",
    )
    assert compare.fallback_thresholds(config) == (0.6, 0.02)


def test_policy_candidate_keeps_the_configured_pipeline() -> None:
    merged = yaml.safe_load(policies.merged_config(policies.POLICIES_DIR / "rules_ted.yml", CONFIG))
    assert merged["pipeline"] == yaml.safe_load(CONFIG.read_text())["pipeline"]
    assert [p["name"] for p in merged["policies"]] == ["RulePolicy", "TEDPolicy"]


def test_report_shows_scored_and_failed_candidates() -> None:
    scored = {
        "candidate": "logreg",
        "train_seconds": 31.0,
        "train_cpu_seconds": 25.0,
        "model_bytes": 2_500_000,
        "intent": {"all": {"macro_f1": 0.9, "accuracy": 0.92, "n": 10}},
        "entities": {e: {"f1": 0.5, "support": 2, "predicted": 2} for e in report.ENTITY_COLUMNS},
        "fallback_rate": 0.1,
        "latency": {"median_ms": 12.0, "p95_ms": 20.0, "n": 10},
        "reproducible": {
            "identical": True,
            "n": 10,
            "intent_differences": 0,
            "entity_differences": 0,
            "max_confidence_delta": 0.0,
        },
    }
    failed = {"candidate": "sklearn_svm", "error": "requires a DenseFeaturizer"}
    text = report.markdown(
        {
            "split": {
                "seed": 1,
                "fraction": 0.2,
                "train": 40,
                "test": 10,
                "test_by_language": {"en": 10},
            },
            "configured_fallback": {"threshold": 0.45, "ambiguity": 0.05},
            "candidates": [scored, failed],
            "threshold_analysis": {},
        }
    )
    assert (
        "| logreg | 90.0 / – / – / – | 92.0 / – / – / – | 50.0 | 10.0 % | 31 / 25 | 2.5 | 12 / 20 | identical (10/10) |"
        in text
    )
    assert "| sklearn_svm | failed to train: requires a DenseFeaturizer" in text


def test_a_failed_training_reports_rasa_exception_and_its_explanation() -> None:
    output = (
        "INFO starting\nTraceback (most recent call last):\n    raise X(\n"
        "rasa.engine.exceptions.GraphSchemaValidationException: 1 components are missing:\n"
        "The following components require a DenseFeaturizer: train_SklearnIntentClassifier4.\n"
    )
    message = rasa_jobs._error_of(output)
    assert message.startswith("rasa.engine.exceptions.GraphSchemaValidationException")
    assert "require a DenseFeaturizer" in message
    assert "INFO starting" not in message

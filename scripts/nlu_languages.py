"""Intent F1 per language on a held-out split of data/nlu (interim, until `make eval` lands).

Splits every (language, intent) group of examples 80/20 with a fixed seed, trains Rasa's NLU
on the 80 % with config.yml, predicts the 20 % with `rasa test nlu` and prints intent macro-F1
and accuracy for each language. With --per-language it also trains one model per language
on that language's part of the same split, to compare with the single shared model.

    .venv/bin/python scripts/nlu_languages.py [--per-language] [--out var/nlu-languages]
"""

import argparse
import json
import random
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import yaml
from sklearn.metrics import accuracy_score, f1_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.model import CONFIG, DOMAIN, RASA, rasa_env
from bot.settings import ROOT

LANGUAGES = ("en", "fr", "es")
SEED = 2026
TEST_FRACTION = 0.2
_MARKUP = re.compile(r"\[([^\]]+)\]\([^)]*\)")

Examples = dict[tuple[str, str], list[str]]


def load(nlu_dir: Path) -> tuple[Examples, list[dict[str, str]]]:
    """Examples by (language, intent), as written (with entity markup), and the regexes."""
    examples: Examples = defaultdict(list)
    regexes: list[dict[str, str]] = []
    for lang in LANGUAGES:
        for path in sorted((nlu_dir / lang).glob("*.yml")):
            for item in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
                if "intent" in item:
                    lines = item["examples"].splitlines()
                    examples[(lang, item["intent"])] += [
                        ln.strip()[2:] for ln in lines if ln.strip().startswith("- ")
                    ]
                elif "regex" in item:
                    regexes.append(item)
    return examples, regexes


def split(examples: Examples) -> tuple[Examples, Examples]:
    """The same stratified split every run: a fifth of each group, at least one, held out."""
    rng = random.Random(SEED)
    train: Examples = {}
    test: Examples = {}
    for key in sorted(examples):
        items = sorted(examples[key])
        rng.shuffle(items)
        n_test = max(1, round(len(items) * TEST_FRACTION)) if len(items) >= 5 else 0
        test[key], train[key] = items[:n_test], items[n_test:]
    return train, test


def write_nlu(
    path: Path, groups: Examples, langs: tuple[str, ...], regexes: list[dict[str, str]]
) -> None:
    by_intent: dict[str, list[str]] = defaultdict(list)
    for (lang, intent), items in sorted(groups.items()):
        if lang in langs:
            by_intent[intent] += items
    out = ['version: "3.1"', "nlu:"]
    for intent, items in by_intent.items():
        if items:
            out += [f"- intent: {intent}", "  examples: |", *(f"    - {t}" for t in items)]
    for rx in regexes:
        out += [f"- regex: {rx['regex']}", "  examples: |"]
        out += [f"    {ln.strip()}" for ln in rx["examples"].splitlines() if ln.strip()]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def rasa(*args: str) -> None:
    done = subprocess.run(
        [str(RASA), *args], cwd=ROOT, env=rasa_env(), capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"rasa {args[0]} {args[1]} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")


def train_and_predict(
    name: str, train_file: Path, test_file: Path, out: Path
) -> tuple[dict[str, str], float]:
    """Predicted intent by text, and the training time in seconds."""
    started = time.monotonic()
    rasa("train", "nlu", "--config", str(CONFIG), "--nlu", str(train_file), "--out", str(out),
         "--fixed-model-name", name)  # fmt: skip
    seconds = time.monotonic() - started
    results = out / f"results-{name}"
    rasa("test", "nlu", "--model", str(out / f"{name}.tar.gz"), "--nlu", str(test_file),
         "--domain", str(DOMAIN), "--out", str(results), "--successes", "--no-plot")  # fmt: skip
    predicted: dict[str, str] = {}
    for file in ("intent_successes.json", "intent_errors.json"):
        path = results / file
        for row in json.loads(path.read_text()) if path.exists() else []:
            predicted[row["text"]] = row["intent_prediction"]["name"] or "none"
    return predicted, seconds


def scores(test: Examples, lang: str, predicted: dict[str, str]) -> dict[str, float]:
    gold = [
        (_MARKUP.sub(r"\1", t), intent)
        for (lg, intent), items in test.items()
        if lg == lang
        for t in items
    ]
    y_true = [intent for _, intent in gold]
    y_pred = [predicted.get(text, "missing") for text, _ in gold]
    labels = sorted(set(y_true))
    return {
        "n": len(gold),
        "macro_f1": f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0),
        "accuracy": accuracy_score(y_true, y_pred),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "nlu-languages")
    parser.add_argument("--per-language", action="store_true")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    examples, regexes = load(ROOT / "data" / "nlu")
    train, test = split(examples)
    write_nlu(args.out / "train.yml", train, LANGUAGES, regexes)
    write_nlu(args.out / "test.yml", test, LANGUAGES, [])
    predicted, seconds = train_and_predict(
        "shared", args.out / "train.yml", args.out / "test.yml", args.out
    )
    rows = [
        ("one model, three languages", lang, scores(test, lang, predicted), seconds)
        for lang in LANGUAGES
    ]
    if args.per_language:
        for lang in LANGUAGES:
            write_nlu(args.out / f"train-{lang}.yml", train, (lang,), regexes)
            write_nlu(args.out / f"test-{lang}.yml", test, (lang,), [])
            own, secs = train_and_predict(
                lang, args.out / f"train-{lang}.yml", args.out / f"test-{lang}.yml", args.out
            )
            rows.append((f"one model per language ({lang})", lang, scores(test, lang, own), secs))

    n_train = sum(len(v) for v in train.values())
    share = f"{TEST_FRACTION:.0%} of each (language, intent)"
    print(f"held-out split: seed {SEED}, {share}; {n_train} training examples\n")
    print("| setting | language | test examples | intent macro-F1 | accuracy | training (s) |")
    print("|---|---|---:|---:|---:|---:|")
    for setting, lang, s, secs in rows:
        figures = f"{s['n']:.0f} | {s['macro_f1']:.3f} | {s['accuracy']:.3f} | {secs:.0f}"
        print(f"| {setting} | {lang} | {figures} |")


if __name__ == "__main__":
    main()

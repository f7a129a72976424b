"""A tiny Rasa assistant (four intents, English) that trains in seconds, for the retraining tests."""

from pathlib import Path

from bot.analyst.jobs import Inputs

DOMAIN = """\
version: "3.1"
intents: [greet, goodbye, thank, ask_vaccines]
responses:
  utter_greet: [{text: "Hello"}]
  utter_goodbye: [{text: "Bye"}]
  utter_thanks: [{text: "You're welcome"}]
  utter_vaccines: [{text: "About vaccines"}]
session_config: {session_expiration_time: 60, carry_over_slots_to_new_session: true}
"""

RULES = """\
version: "3.1"
rules:
- rule: greet
  steps: [{intent: greet}, {action: utter_greet}]
- rule: goodbye
  steps: [{intent: goodbye}, {action: utter_goodbye}]
- rule: thank
  steps: [{intent: thank}, {action: utter_thanks}]
- rule: vaccines
  steps: [{intent: ask_vaccines}, {action: utter_vaccines}]
"""

GOOD_CONFIG = """\
recipe: default.v1
assistant_id: tiny-test
language: en
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 2
    max_ngram: 4
  - name: LogisticRegressionClassifier
    random_state: 2026
policies:
  - name: RulePolicy
"""

# Matches a message only when it contains a whole training example: held-out messages are
# new sentences, so this pipeline gets most of them wrong.
WORSE_CONFIG = """\
recipe: default.v1
assistant_id: tiny-test
language: en
pipeline:
  - name: KeywordIntentClassifier
policies:
  - name: RulePolicy
"""

EXAMPLES = {
    "greet": [
        "hello there",
        "hi assistant",
        "good morning to you",
        "hey how are you",
        "greetings",
        "hello good afternoon",
        "hi hello",
        "good evening assistant",
        "hey there friend",
        "hello, is anyone there",
        "hi, good day",
        "morning, hello",
    ],
    "goodbye": [
        "bye for now",
        "goodbye assistant",
        "see you later",
        "talk to you soon",
        "bye bye",
        "that is all, goodbye",
        "see you tomorrow",
        "farewell then",
        "i am leaving now, bye",
        "catch you later",
        "goodbye and take care",
        "ok bye",
    ],
    "thank": [
        "thanks a lot",
        "thank you very much",
        "many thanks",
        "thank you for the help",
        "thanks, that helps",
        "much appreciated thanks",
        "thank you kindly",
        "great, thanks",
        "thanks for your time",
        "cheers, thank you",
        "thanks so much",
        "i appreciate it, thanks",
    ],
    "ask_vaccines": [
        "we need help with vaccine production",
        "vaccine manufacturing support please",
        "how can we get covid vaccines",
        "assistance on vaccine regulation",
        "our ministry needs vaccines",
        "vaccine supply chain problems",
        "technical help for vaccine rollout",
        "vaccines for our country",
        "support to produce mrna vaccines",
        "vaccine licensing questions",
        "help importing vaccine doses",
        "we want to build a vaccine plant",
    ],
}


def nlu_yaml(extra: dict[str, list[str]] | None = None) -> str:
    lines = ['version: "3.1"', "nlu:"]
    for intent, texts in EXAMPLES.items():
        lines.append(f"- intent: {intent}")
        lines.append("  examples: |")
        lines += [f"    - {t}" for t in [*texts, *(extra or {}).get(intent, [])]]
    return "\n".join(lines) + "\n"


def make(root: Path, *, worse: bool = False) -> Inputs:
    """Write the tiny assistant under `root`; returns its training inputs."""
    (root / "nlu" / "en").mkdir(parents=True, exist_ok=True)
    (root / "rules").mkdir(exist_ok=True)
    (root / "domain.yml").write_text(DOMAIN, encoding="utf-8")
    (root / "rules" / "rules.yml").write_text(RULES, encoding="utf-8")
    (root / "config.yml").write_text(GOOD_CONFIG, encoding="utf-8")
    (root / "config_worse.yml").write_text(WORSE_CONFIG, encoding="utf-8")
    nlu = root / "nlu" / "en" / "nlu.yml"
    if not nlu.exists():
        nlu.write_text(nlu_yaml(), encoding="utf-8")
    return Inputs(
        config=root / ("config_worse.yml" if worse else "config.yml"),
        domain=root / "domain.yml",
        nlu_root=root / "nlu",
        other_data=[root / "rules"],
    )

"""The reference: a bare `rasa init` assistant, trained once and cached under var/bench/."""

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from bot.model import RASA, rasa_env
from bot.settings import ROOT

log = logging.getLogger(__name__)

CACHE = ROOT / "var" / "bench" / "bare"
# What the bare assistant understands (its greet / mood / affirm / bot_challenge / goodbye
# examples); each turn gets an answer from its stories and rules.
SCRIPT = (
    "hello there",
    "I am feeling very sad",
    "yes it did",
    "are you a bot?",
    "good morning",
    "I'm great",
    "goodbye",
)


def bare_model(cache: Path = CACHE) -> Path:
    """The trained `rasa init` model; created (about as long as a training run) if missing."""
    if found := sorted(cache.glob("*.tar.gz")):
        return found[-1]
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "bare"
        project.mkdir()
        log.info("creating and training a bare `rasa init` assistant (once)")
        with (cache / "init.log").open("wb") as out:
            subprocess.run(
                [str(RASA), "init", "--no-prompt", "--init-dir", str(project)],
                cwd=tmp,
                env=rasa_env(),
                stdout=out,
                stderr=subprocess.STDOUT,
                check=True,
            )
        [model] = sorted((project / "models").glob("*.tar.gz"))
        target = cache / model.name
        shutil.copy2(model, target)
        # Its endpoints.yml is all comments: in-memory tracker and lock stores, no actions.
        shutil.copy2(project / "config.yml", cache / "config.yml")
    return target

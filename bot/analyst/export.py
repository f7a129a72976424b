"""Write accepted inbox examples into the NLU training data, as text edits that keep comments.

Each example goes into `<data_dir>/<lang>/<file>.yml`, inside the `- intent: X` block that
already holds its intent in that language, after the block's last example. An intent the
language does not have yet goes to the file that holds it in another language (or
`conversation.yml`), as a new block at the end, and a new intent is added to the domain's
intent list so `rasa data validate` accepts it. Nothing goes through a YAML dumper, so the
files' order, comments and formatting stay as they are.
"""

import difflib
import hashlib
import logging
import os
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.analyst.inbox import known_intents
from bot.analyst.messages import normalise
from bot.analyst.redact import redact
from bot.evaluation.dataset import LANGUAGES, load, parse_annotated
from bot.model import RASA, rasa_env
from bot.settings import ROOT
from bot.store.analyst_models import NluDecision, Verdict

log = logging.getLogger(__name__)

DEFAULT_FILE = "conversation.yml"
DOMAIN_FILE = "core.yml"
VALIDATE_TIMEOUT = 600
_INTENT_LINE = re.compile(r"^- intent:\s*(?P<name>[\w-]+)\s*(?:#.*)?$")
_EXAMPLE_LINE = re.compile(r"^(?P<indent>\s+)- (?P<text>.*)$")


class ExportError(Exception):
    """The export cannot be planned or written as asked."""


@dataclass
class FileChange:
    """The new text of one file."""

    path: Path
    before: str
    after: str

    def diff(self, root: Path) -> str:
        name = _display(self.path, root).lstrip("/")
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                fromfile=f"a/{name}",
                tofile=f"b/{name}",
            )
        )


@dataclass
class Plan:
    """What an export would write: file edits, and which decisions each example came from."""

    changes: list[FileChange] = field(default_factory=list)
    # decision id -> the file it goes to (or already is in: a duplicate is written once).
    targets: dict[int, Path] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    new_intents: list[str] = field(default_factory=list)
    root: Path = ROOT

    @property
    def diff(self) -> str:
        return "".join(c.diff(self.root) for c in self.changes)

    @property
    def digest(self) -> str:
        """Fingerprint of the preview, so a confirmation writes exactly what was shown."""
        return hashlib.sha256(self.diff.encode()).hexdigest()[:16]

    @property
    def examples(self) -> int:
        return len(self.targets)


@dataclass
class Validation:
    ok: bool
    returncode: int
    output: str


@dataclass
class Result:
    plan: Plan
    validation: Validation | None
    written: bool


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def pending(session: Session) -> list[NluDecision]:
    """Accepted decisions not exported yet, oldest first."""
    return list(
        session.scalars(
            select(NluDecision)
            .where(NluDecision.verdict == Verdict.ACCEPTED.value, NluDecision.exported_at.is_(None))
            .order_by(NluDecision.decided_at, NluDecision.id)
        )
    )


# --- locating and editing intent blocks ----------------------------------------------------


def intent_files(data_dir: Path) -> dict[tuple[str, str], Path]:
    """(language, intent) -> the file whose `- intent:` block holds it."""
    found: dict[tuple[str, str], Path] = {}
    for lang in LANGUAGES:
        for path in sorted((data_dir / lang).glob("*.yml")):
            for line in path.read_text(encoding="utf-8").splitlines():
                match = _INTENT_LINE.match(line)
                if match:
                    found.setdefault((lang, match["name"]), path)
    return found


def _target(data_dir: Path, files: dict[tuple[str, str], Path], lang: str, intent: str) -> Path:
    if (lang, intent) in files:
        return files[(lang, intent)]
    # Where another language keeps the intent, else with the conversation's other intents.
    for other in LANGUAGES:
        if (other, intent) in files:
            return data_dir / lang / files[(other, intent)].name
    return data_dir / lang / DEFAULT_FILE


def _block_end(lines: list[str], start: int) -> tuple[int, str]:
    """Where a block's examples end (insert before this index) and their indentation."""
    indent = "    "
    last = None
    i = start + 1
    while i < len(lines):
        line = lines[i]
        if line.startswith("- ") or (line.strip() and not line.startswith((" ", "\t"))):
            break  # the next item of `nlu:` or another top-level key
        example = _EXAMPLE_LINE.match(line)
        if example and len(example["indent"]) >= 4:
            last, indent = i, example["indent"]
        i += 1
    if last is None:
        raise ExportError(f"the block at line {start + 1} has no `examples: |` list to extend")
    return last + 1, indent


def _insert(text: str, intent: str, examples: Sequence[str]) -> str:
    lines = text.splitlines(keepends=True)
    bare = [line.rstrip("\r\n") for line in lines]
    for index, line in enumerate(bare):
        match = _INTENT_LINE.match(line)
        if match and match["name"] == intent:
            if not any(b.strip().startswith("examples: |") for b in bare[index + 1 : index + 3]):
                raise ExportError(f"intent {intent}: only `examples: |` blocks can be extended")
            end, indent = _block_end(bare, index)
            newline = "\r\n" if lines[end - 1].endswith("\r\n") else "\n"
            if not lines[end - 1].endswith(("\n", "\r")):
                lines[end - 1] += newline
            added = [f"{indent}- {e}{newline}" for e in examples]
            return "".join(lines[:end] + added + lines[end:])
    # A new block after the file's last intent block (before its regexes, lookups and
    # synonyms), or at the end of a file without intents.
    block = f"- intent: {intent}\n  examples: |\n" + "".join(f"    - {e}\n" for e in examples)
    if not text:
        return f'version: "3.1"\nnlu:\n{block}'
    starts = [i for i, line in enumerate(bare) if _INTENT_LINE.match(line)]
    if not starts:
        return text.rstrip("\n") + "\n\n" + block
    end, _ = _block_end(bare, starts[-1])
    if not lines[end - 1].endswith(("\n", "\r")):
        lines[end - 1] += "\n"
    return "".join([*lines[:end], "\n", block, *lines[end:]])


def _add_to_domain(text: str, intents: Sequence[str]) -> str:
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.rstrip() != "intents:":
            continue
        last, indent = index, "  "
        for position in range(index + 1, len(lines)):
            item = re.match(r"^(\s+)- ", lines[position])
            if item:
                last, indent = position, item.group(1)
            elif not lines[position].lstrip().startswith("#") or not lines[position].strip():
                break  # a blank line or the next key ends the list; comments do not
        added = [f"{indent}- {i}\n" for i in intents]
        return "".join(lines[: last + 1] + added + lines[last + 1 :])
    raise ExportError("the domain has no `intents:` list")


def _clean_example(decision: NluDecision) -> str:
    example = " ".join((decision.example or decision.text).split())
    plain, _ = parse_annotated(example)
    # Belt and braces: the inbox only stores redacted text, and an export never carries
    # an address or a number that slipped through.
    if redact(plain) != plain or normalise(plain) != normalise(decision.text):
        raise ExportError(f"decision {decision.id}: the example is not the redacted message")
    return example


def plan(
    decisions: Sequence[NluDecision], data_dir: Path, domain_dir: Path, root: Path = ROOT
) -> Plan:
    """The edits that add these decisions' examples to the training data (nothing written)."""
    result = Plan(root=root)
    files = intent_files(data_dir)
    existing = {(e.lang, normalise(e.text)) for e in load(data_dir).examples}
    known = set(known_intents(data_dir, domain_dir))
    wanted: dict[Path, dict[str, list[str]]] = {}
    for decision in decisions:
        if decision.intent is None or decision.language not in LANGUAGES:
            continue
        example = _clean_example(decision)
        path = _target(data_dir, files, decision.language, decision.intent)
        result.targets[decision.id] = path
        plain = normalise(parse_annotated(example)[0])
        if (decision.language, plain) in existing:
            result.skipped.append(example)
            continue
        existing.add((decision.language, plain))
        wanted.setdefault(path, {}).setdefault(decision.intent, []).append(example)
        if decision.intent not in known and decision.intent not in result.new_intents:
            result.new_intents.append(decision.intent)
    for path, by_intent in wanted.items():
        before = path.read_text(encoding="utf-8") if path.exists() else ""
        after = before
        for intent, examples in by_intent.items():
            after = _insert(after, intent, examples)
        result.changes.append(FileChange(path, before, after))
    if result.new_intents:
        domain = domain_dir / DOMAIN_FILE
        before = domain.read_text(encoding="utf-8")
        after = _add_to_domain(before, result.new_intents)
        result.changes.append(FileChange(domain, before, after))
    return result


# --- writing and validating ------------------------------------------------------------------


def validate(data_dir: Path, domain_dir: Path, root: Path = ROOT) -> Validation:
    """`rasa data validate` on the domain, the given NLU data and the rules (Rasa's env)."""
    command = [
        str(RASA),
        "data",
        "validate",
        "--domain",
        str(domain_dir),
        "--config",
        str(root / "config.yml"),
        "--data",
        str(data_dir),
        str(root / "data" / "rules"),
    ]
    env = rasa_env() | {"PYTHONWARNINGS": "ignore"}
    try:
        done = subprocess.run(
            command,
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=VALIDATE_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Validation(False, -1, f"rasa data validate could not run: {exc}")
    output = (done.stdout + done.stderr).strip()
    return Validation(done.returncode == 0, done.returncode, output)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def export(
    session: Session,
    data_dir: Path,
    domain_dir: Path,
    *,
    dry_run: bool = False,
    expected_digest: str | None = None,
    run_validation: bool = True,
    root: Path = ROOT,
) -> Result:
    """Write the pending examples, validate, and mark their decisions exported.

    If `rasa data validate` fails, the files are put back as they were and nothing is marked,
    so the analyst can fix the decision and export again.
    """
    decisions = pending(session)
    the_plan = plan(decisions, data_dir, domain_dir, root)
    if expected_digest is not None and expected_digest != the_plan.digest:
        raise ExportError("the training data or the decisions changed since the preview")
    if dry_run or not the_plan.targets:
        return Result(the_plan, None, False)
    for change in the_plan.changes:
        _write(change.path, change.after)
    validation = validate(data_dir, domain_dir, root) if run_validation else None
    if validation is not None and not validation.ok:
        for change in the_plan.changes:
            if change.before:
                _write(change.path, change.before)
            else:
                change.path.unlink(missing_ok=True)
        log.warning("NLU export undone: rasa data validate failed (%d)", validation.returncode)
        return Result(the_plan, validation, False)
    now = datetime.now(UTC)
    for decision in decisions:
        if decision.id in the_plan.targets:
            decision.exported_at = now
            decision.exported_to = _display(the_plan.targets[decision.id], root)
    session.flush()
    log.info("NLU export: %d example(s) in %d file(s)", the_plan.examples, len(the_plan.changes))
    return Result(the_plan, validation, True)

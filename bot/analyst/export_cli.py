"""`triage nlu export`: write the NLU inbox's accepted examples into the training data."""

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.analyst import export as exporter
from bot.settings import get_settings
from bot.store.db import unit_of_work


def _export(args: argparse.Namespace) -> int:
    settings = get_settings()
    data_dir: Path = args.data_dir or settings.nlu_data_dir
    domain_dir: Path = args.domain_dir or settings.domain_dir
    with unit_of_work() as session:
        try:
            result = exporter.export(
                session,
                data_dir,
                domain_dir,
                dry_run=args.dry_run,
                run_validation=not args.no_validate,
            )
        except exporter.ExportError as exc:
            print(f"export failed: {exc}", file=sys.stderr)
            return 2
    plan = result.plan
    print(plan.diff or "(no change)", end="" if plan.diff else "\n")
    if plan.skipped:
        print(f"already in the training data, not written again: {len(plan.skipped)}")
    if plan.new_intents:
        print(f"new intent(s), added to the domain: {', '.join(plan.new_intents)}")
    if args.dry_run:
        print(f"dry run: {plan.examples} example(s) would be exported; nothing written")
        return 0
    if not plan.targets:
        print("nothing to export")
        return 0
    validation = result.validation
    if validation is not None and not validation.ok:
        print(validation.output[-4000:], file=sys.stderr)
        print(
            f"rasa data validate failed (exit code {validation.returncode}); "
            "the files were put back and nothing was marked exported",
            file=sys.stderr,
        )
        return 1
    checked = "rasa data validate passed" if validation else "not validated (--no-validate)"
    print(f"exported {plan.examples} example(s) in {len(plan.changes)} file(s); {checked}")
    return 0


def add_commands(nlu: Any) -> None:
    """Register `triage nlu export` on the `nlu` subcommands."""
    e = nlu.add_parser(
        "export",
        help="write accepted NLU-inbox examples into data/nlu, print the diff, validate",
    )
    e.add_argument("--dry-run", action="store_true", help="print the diff, write nothing")
    e.add_argument("--data-dir", type=Path, help="NLU data directory (default: settings)")
    e.add_argument("--domain-dir", type=Path, help="domain directory (default: settings)")
    e.add_argument("--no-validate", action="store_true", help="skip rasa data validate")
    e.set_defaults(func=_export)

"""`triage nlu compare`: the comparison from one command (what `make eval` runs)."""

import argparse
import json

from bot.evaluation import compare, policies, report


def _compare(args: argparse.Namespace) -> int:
    if args.policies_only:
        results: dict = json.loads((compare.EVAL_DIR / "comparison.json").read_text())
    else:
        results = compare.compare(quick=args.quick, only=args.only, repro=args.repro)
    if not (args.quick or args.no_policies):
        results["policies"] = policies.compare_policies(args.policies)
    md, js = report.write(results, compare.EVAL_DIR)
    print(md.read_text(encoding="utf-8"))
    print(f"written: {md.relative_to(compare.ROOT)}, {js.relative_to(compare.ROOT)}")
    return 0


def add_commands(
    commands: "argparse._SubParsersAction[argparse.ArgumentParser]",
) -> "argparse._SubParsersAction[argparse.ArgumentParser]":
    """Register `nlu compare` on the `triage` parser; returns the `nlu` subcommands."""
    nlu = commands.add_parser("nlu", help="the NLU pipeline").add_subparsers(
        dest="nlu_command", required=True
    )
    c = nlu.add_parser(
        "compare",
        help="train and score candidate pipelines on one held-out split (cached by inputs)",
    )
    c.add_argument("--quick", action="store_true", help="config.yml and two candidates only")
    c.add_argument("--only", nargs="+", metavar="NAME", help="these candidates (and config.yml)")
    c.add_argument(
        "--repro",
        nargs="*",
        metavar="NAME",
        help="candidates trained twice to check reproducibility (default: configured)",
    )
    c.add_argument("--no-policies", action="store_true", help="skip the dialogue policies")
    c.add_argument("--policies", nargs="+", metavar="NAME", help="only these policy candidates")
    c.add_argument(
        "--policies-only",
        action="store_true",
        help="re-run only the policies, keeping the last NLU comparison",
    )
    c.set_defaults(func=_compare)
    return nlu

"""The `triage` command: run the product and work with its stores from a terminal."""

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot.analyst import cli as analyst_cli
from bot.analyst import export_cli
from bot.evaluation.command import add_commands as add_nlu_commands
from bot.settings import ROOT, get_settings
from bot.store import crud
from bot.store.db import unit_of_work
from bot.store.schemas import RequestPublic

Handler = Callable[[argparse.Namespace], int]


def _run(args: argparse.Namespace) -> int:
    from bot.runner import run

    run()
    return 0


def _run_prod(args: argparse.Namespace) -> int:
    from bot.deploy.run import run_prod

    run_prod()
    return 0


def _db_upgrade(args: argparse.Namespace) -> int:
    from bot.store.migrate import upgrade

    upgrade()
    print("request store is up to date")
    return 0


def _model_train(args: argparse.Namespace) -> int:
    from bot.model import ensure_model

    if args.retrain:
        from bot.analyst.cli import retrain

        return retrain(args)

    path = ensure_model(get_settings().model_dir)
    print(path)
    return 0


def _requests_list(args: argparse.Namespace) -> int:
    with unit_of_work() as session:
        rows, total = crud.list_requests(
            session, status=args.status, member=args.member, limit=args.limit
        )
        items = [RequestPublic.model_validate(r) for r in rows]
    if args.json:
        print(
            json.dumps(
                {"count": total, "data": [i.model_dump(mode="json") for i in items]},
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    if not items:
        print("no requests")
        return 0
    header = ("REFERENCE", "FILED (UTC)", "STATUS", "MEMBER", "NEED")
    print("{:<15} {:<17} {:<11} {:<24} {:<12} ORGANIZATIONS".format(*header))
    for i in items:
        print(
            f"{i.reference:<15} {i.created_at:%Y-%m-%d %H:%M} {i.status:<11} {i.member[:24]:<24} "
            f"{i.need_area:<12} {', '.join(i.organizations)}"
        )
    print(f"{len(items)} of {total} shown")
    return 0


def _requests_show(args: argparse.Namespace) -> int:
    with unit_of_work() as session:
        row = crud.get_by_reference(session, args.reference)
        item = RequestPublic.model_validate(row) if row else None
    if item is None:
        print(f"no request {args.reference}", file=sys.stderr)
        return 1
    data = item.model_dump(mode="json")
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    width = max(len(k) for k in data)
    for key, value in data.items():
        shown = ", ".join(value) if isinstance(value, list) else value
        print(f"{key:<{width}}  {shown}")
    return 0


def _privacy_erase(args: argparse.Namespace) -> int:
    from bot.privacy import erase_email

    try:
        result = erase_email(args.email)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"erased: {result}")
    return 0


def _privacy_purge(args: argparse.Namespace) -> int:
    from bot.privacy import purge

    days = args.days if args.days is not None else get_settings().retention_days
    print(f"purged personal data older than {days} days: {purge(days)}")
    return 0


def _catalogue_export_needs(args: argparse.Namespace) -> int:
    from bot.analyst.delegate_needs import write

    since = datetime.fromisoformat(args.since).replace(tzinfo=UTC) if args.since else None
    with unit_of_work() as session:
        done = write(session, args.out, since)
    print(f"wrote {done.items} labelled need(s) to {args.out}", end="")
    print(f"; {done.skipped_erased} erased request(s) left out" if done.skipped_erased else "")
    if done.items:
        print(f"measure the suggestions on them: make eval-suggestions DELEGATES={args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="triage", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("run", help="train if needed and start everything").set_defaults(func=_run)
    commands.add_parser(
        "run-prod", help="the production deployment: instances behind nginx, PostgreSQL, Redis"
    ).set_defaults(func=_run_prod)

    db = commands.add_parser("db", help="request store").add_subparsers(
        dest="db_command", required=True
    )
    db.add_parser("upgrade", help="apply migrations").set_defaults(func=_db_upgrade)

    model = commands.add_parser("model", help="the Rasa model").add_subparsers(
        dest="model_command", required=True
    )
    train = model.add_parser("train", help="train unless the current model is up to date")
    train.set_defaults(func=_model_train)
    analyst_cli.add_train_options(train)
    analyst_cli.add_model_commands(model)

    nlu = add_nlu_commands(commands)
    analyst_cli.add_nlu_commands(nlu)
    export_cli.add_commands(nlu)

    requests = commands.add_parser("requests", help="filed requests").add_subparsers(
        dest="requests_command", required=True
    )
    listing = requests.add_parser("list", help="list requests, newest first")
    listing.add_argument("--status")
    listing.add_argument("--member")
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=_requests_list)
    show = requests.add_parser("show", help="show one request")
    show.add_argument("reference")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=_requests_show)

    privacy = commands.add_parser("privacy", help="personal data").add_subparsers(
        dest="privacy_command", required=True
    )
    erase = privacy.add_parser(
        "erase", help="erase a delegate's personal data from requests and transcripts"
    )
    erase.add_argument("--email", required=True, help="the address the delegate used")
    erase.set_defaults(func=_privacy_erase)
    purge = privacy.add_parser(
        "purge", help="erase personal data older than the retention period (retention_days)"
    )
    purge.add_argument("--days", type=int, help="override TRIAGE_RETENTION_DAYS for this run")
    purge.set_defaults(func=_privacy_purge)

    catalogue = commands.add_parser("catalogue", help="the activities catalogue").add_subparsers(
        dest="catalogue_command", required=True
    )
    needs = catalogue.add_parser(
        "export-needs",
        help="write requests with recorded offered activities as labelled needs (redacted)",
    )
    needs.add_argument(
        "--out",
        type=Path,
        default=ROOT / "var" / "eval" / "delegate_needs.yaml",
        help="YAML file to write",
    )
    needs.add_argument("--since", help="only requests filed on or after this date (YYYY-MM-DD)")
    needs.set_defaults(func=_catalogue_export_needs)

    from bot.auth.cli import add_commands as add_user_commands

    add_user_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for noisy in ("httpx", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    handler: Handler = args.func
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())

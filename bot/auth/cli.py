"""`triage users …`: create, disable, reset the password of, and list accounts."""

import argparse
import getpass
import sys

from bot.auth import users
from bot.auth.passwords import WeakPassword
from bot.store.db import unit_of_work
from bot.store.staff_models import Role


def _password(args: argparse.Namespace) -> str:
    # Never from the command line: it would show in the process list and shell history.
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (12 characters or more): ")
    if getpass.getpass("Again: ") != first:
        raise users.AccountError("the two passwords differ")
    return first


def _create(args: argparse.Namespace) -> int:
    from bot.store.migrate import upgrade

    password = _password(args)
    upgrade()  # the first account may be made before the service ever ran
    with unit_of_work() as session:
        user = users.create_user(
            session,
            username=args.username,
            password=password,
            role=Role(args.role),
            display_name=args.name,
            organization=args.organization,
        )
        summary = (
            f"{user.username} ({user.role}{', ' + user.organization if user.organization else ''})"
        )
    print(f"created {summary}")
    return 0


def _disable(args: argparse.Namespace) -> int:
    with unit_of_work() as session:
        users.disable_user(session, args.username)
    print(f"disabled {users.normalise_username(args.username)}; its sessions are ended")
    return 0


def _reset(args: argparse.Namespace) -> int:
    password = _password(args)
    with unit_of_work() as session:
        users.reset_password(session, args.username, password)
    print(f"new password set for {users.normalise_username(args.username)}; its sessions are ended")
    return 0


def _list(args: argparse.Namespace) -> int:
    with unit_of_work() as session:
        rows = [
            (
                u.username,
                u.role,
                u.organization or "",
                "active" if u.active else "disabled",
                u.display_name,
            )
            for u in users.list_users(session)
        ]
    if not rows:
        print("no accounts; create one with `triage users create NAME --organization WHO`")
        return 0
    for row in rows:
        print("{:<24} {:<8} {:<5} {:<9} {}".format(*row))
    return 0


def guarded(handler):  # type: ignore[no-untyped-def]
    """Turn refusals into a one-line message and exit status 2."""

    def run(args: argparse.Namespace) -> int:
        try:
            return int(handler(args))
        except (users.AccountError, WeakPassword) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2

    return run


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add `users` and its subcommands to the `triage` parser."""
    group = commands.add_parser("users", help="staff console accounts").add_subparsers(
        dest="users_command", required=True
    )
    create = group.add_parser("create", help="create an account")
    create.add_argument("username")
    create.add_argument("--role", choices=[r.value for r in Role], default=Role.STAFF.value)
    create.add_argument(
        "--organization", choices=["WHO", "WIPO", "WTO"], help="required for staff accounts"
    )
    create.add_argument("--name", help="display name (default: the username)")
    create.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input instead of prompting",
    )
    create.set_defaults(func=guarded(_create))
    disable = group.add_parser("disable", help="disable an account and end its sessions")
    disable.add_argument("username")
    disable.set_defaults(func=guarded(_disable))
    reset = group.add_parser("reset-password", help="set a new password (re-enables the account)")
    reset.add_argument("username")
    reset.add_argument("--password-stdin", action="store_true")
    reset.set_defaults(func=guarded(_reset))
    group.add_parser("list", help="list accounts").set_defaults(func=guarded(_list))

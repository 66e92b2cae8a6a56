"""`herald users`: the operator's side of reader accounts. The first admin is made here; invitation and
reset links are printed here when the site has no mail server (the site itself never says whether an address
has an account: the operator may)."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.table import Table

from herald.cli._common import _settings, console, out
from herald.errors import AccountError
from herald.models import ROLES
from herald.pipeline.accounts import Accounts, resolve_secret_key
from herald.store import Store


@contextmanager
def _accounts(args: argparse.Namespace) -> Iterator[Accounts]:
    settings = _settings(args)
    store = Store(settings.resolved_database_url)
    try:
        yield Accounts(settings, store, resolve_secret_key(settings))
    finally:
        store.close()


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        raise AccountError("No terminal to ask for the password: pipe it in with --password-stdin.")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise AccountError("The two passwords differ.")
    return first


def cmd_users_create(args: argparse.Namespace) -> int:
    role = "admin" if args.admin else "moderator" if args.moderator else "reader"
    password = _read_password(args)
    with _accounts(args) as accounts:
        user = accounts.create_user(args.email, args.name, password, role)
    console.print(f"Created {user.role} {user.display_name} <{user.email}> (id {user.id}).")
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    with _accounts(args) as accounts:
        users = accounts.store.users.list(limit=args.limit)
    table = Table(title="Accounts")
    for column in ("id", "email", "name", "role", "two-factor", "banned", "since"):
        table.add_column(column)
    for user in users:
        table.add_row(
            str(user.id),
            user.email,
            user.display_name,
            user.role,
            "on" if user.totp_enabled else "",
            "banned" if user.banned else "",
            user.created_at.date().isoformat(),
        )
    out.print(table)
    return 0


def cmd_users_invite(args: argparse.Namespace) -> int:
    with _accounts(args) as accounts:
        link = accounts.welcome_link(args.email, args.role)
    out.print(link, soft_wrap=True)
    console.print(f"Send this link to {args.email}: it creates their {args.role} account (valid for 7 days).")
    return 0


def cmd_users_reset_link(args: argparse.Namespace) -> int:
    with _accounts(args) as accounts:
        link = accounts.reset_link(args.email)
    if link is None:
        console.print(f"[red]No account has the address {args.email!r}.[/]")
        return 1
    out.print(link, soft_wrap=True)
    console.print("The link works once, for one hour; every session of the account ends when it is used.")
    return 0


def cmd_users_role(args: argparse.Namespace) -> int:
    with _accounts(args) as accounts:
        user = accounts.set_role(args.email, args.role)
    console.print(f"{user.display_name} <{user.email}> is now {user.role}.")
    return 0


def cmd_users_ban(args: argparse.Namespace) -> int:
    with _accounts(args) as accounts:
        user = accounts.set_banned(args.email, args.ban)
    state = "banned: their sessions have ended" if user.banned else "no longer banned"
    console.print(f"{user.display_name} <{user.email}> is {state}.")
    return 0


def add_user_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    users = sub.add_parser(
        "users", help="reader accounts: create, invite, reset, roles, bans"
    ).add_subparsers(dest="users_command", required=True)
    p = users.add_parser("create", help="create an account (the first admin: --admin)")
    p.add_argument("email")
    p.add_argument("--name", required=True, help="display name shown with their comments")
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--admin", action="store_true")
    kind.add_argument("--moderator", action="store_true")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=cmd_users_create)
    p = users.add_parser("list", help="the accounts, oldest first")
    p.add_argument("--limit", type=int, default=200)
    p.set_defaults(func=cmd_users_list)
    p = users.add_parser("invite", help="print a link that creates an account for an address")
    p.add_argument("email")
    p.add_argument("--role", choices=ROLES, default="reader")
    p.set_defaults(func=cmd_users_invite)
    p = users.add_parser("reset-link", help="print a one-time link to choose a new password")
    p.add_argument("email")
    p.set_defaults(func=cmd_users_reset_link)
    p = users.add_parser("role", help="make an account a reader, moderator or admin")
    p.add_argument("email")
    p.add_argument("role", choices=ROLES)
    p.set_defaults(func=cmd_users_role)
    for name, ban in (("ban", True), ("unban", False)):
        p = users.add_parser(name, help=f"{name} an account" + (" (ends its sessions)" if ban else ""))
        p.add_argument("email")
        p.set_defaults(func=cmd_users_ban, ban=ban)

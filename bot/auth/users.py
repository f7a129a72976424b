"""Accounts: create, disable, reset a password, authenticate. Functions take a session."""

import re
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.auth.passwords import (
    check_strength,
    dummy_hash,
    hash_password,
    needs_rehash,
    verify_password,
)
from bot.store.audit import record
from bot.store.models import utcnow
from bot.store.staff_models import Role, User, UserSession

ORGANIZATIONS = ("WHO", "WIPO", "WTO")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,79}$")


class AccountError(ValueError):
    """An account change that cannot be made, with the reason."""


def normalise_username(username: str) -> str:
    """Usernames are case-insensitive and trimmed."""
    return username.strip().lower()


def get_by_username(session: Session, username: str) -> User | None:
    """The account with this username, active or not."""
    return session.scalars(
        select(User).where(User.username == normalise_username(username))
    ).first()


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role,
    display_name: str | None = None,
    organization: str | None = None,
    actor: str = "cli",
) -> User:
    """A new active account; staff accounts must name their organization."""
    name = normalise_username(username)
    if not USERNAME.fullmatch(name):
        raise AccountError(
            "a username has 2-80 characters: letters, digits, dot, dash, underscore or @"
        )
    if organization is not None and organization.upper() not in ORGANIZATIONS:
        raise AccountError(f"organization must be one of {', '.join(ORGANIZATIONS)}")
    organization = organization.upper() if organization else None
    if role == Role.STAFF and organization is None:
        raise AccountError("a staff account needs an organization (WHO, WIPO or WTO)")
    if get_by_username(session, name) is not None:
        raise AccountError(f"the username {name!r} is taken")
    check_strength(password)
    user = User(
        username=name,
        display_name=(display_name or name).strip()[:200],
        role=role.value,
        organization=organization,
        password_hash=hash_password(password),
        active=True,
    )
    session.add(user)
    session.flush()
    record(session, actor, "user", name, "created", {"role": role.value, "org": organization})
    return user


def disable_user(session: Session, username: str, *, actor: str = "cli") -> User:
    """Deactivate an account and end its sessions at once."""
    user = _existing(session, username)
    user.active = False
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    record(session, actor, "user", user.username, "disabled", {})
    return user


def reset_password(session: Session, username: str, password: str, *, actor: str = "cli") -> User:
    """Set a new password (and re-enable the account); existing sessions end."""
    user = _existing(session, username)
    check_strength(password)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.active = True
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    record(session, actor, "user", user.username, "password_reset", {})
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active account these credentials open, or None; takes equal time either way."""
    user = get_by_username(session, username)
    if user is None or not user.active:
        verify_password(dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def list_users(session: Session, *, role: Role | None = None) -> Sequence[User]:
    """Accounts by username, optionally of one role."""
    query = select(User).order_by(User.username)
    if role is not None:
        query = query.where(User.role == role.value)
    return session.scalars(query).all()


def assignable_staff(session: Session, organization: str | None = None) -> Sequence[User]:
    """Active staff and admins a request can be assigned to, optionally of one organization."""
    query = (
        select(User)
        .where(User.active.is_(True), User.role.in_([Role.STAFF.value, Role.ADMIN.value]))
        .order_by(User.organization, User.display_name)
    )
    if organization:
        query = query.where(User.organization == organization)
    return session.scalars(query).all()


def _existing(session: Session, username: str) -> User:
    user = get_by_username(session, username)
    if user is None:
        raise AccountError(f"no account {normalise_username(username)!r}")
    return user

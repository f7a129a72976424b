"""Limits on failed sign-ins, per account and per client address, kept in the store.

Keys are keyed hashes of the username and the address, so the table holds neither.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from bot.auth.users import normalise_username
from bot.settings import Settings
from bot.store.models import utcnow
from bot.store.staff_models import LoginAttempt


def _key(settings: Settings, kind: str, value: str) -> str:
    secret = settings.api_token.encode()
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Keys:
    account: str
    client: str


def keys_for(settings: Settings, username: str, address: str) -> Keys:
    """The hashed keys of one attempt."""
    return Keys(
        _key(settings, "account", normalise_username(username)), _key(settings, "client", address)
    )


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""
    retry_after_seconds: int = 0


def check(session: Session, settings: Settings, keys: Keys) -> Verdict:
    """Whether another attempt may be made now, before the password is even looked at."""
    window = timedelta(minutes=settings.login_window_minutes)
    since = utcnow() - window
    # Failures count from the last success of the account, so a correct sign-in clears them.
    last_success = session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.account_key == keys.account, LoginAttempt.succeeded.is_(True)
        )
    )
    account_since = max(since, _aware(last_success)) if last_success else since
    account = _failures(session, LoginAttempt.account_key == keys.account, account_since)
    if account.count >= settings.login_failures_per_account:
        return Verdict(
            False,
            "Too many failed sign-ins for this account.",
            _retry_after(account.oldest, window),
        )
    client = _failures(session, LoginAttempt.client_key == keys.client, since)
    if client.count >= settings.login_failures_per_address:
        return Verdict(
            False,
            "Too many failed sign-ins from this address.",
            _retry_after(client.oldest, window),
        )
    return Verdict(True)


def note(session: Session, keys: Keys, *, succeeded: bool) -> None:
    """Record an attempt (the caller commits)."""
    session.add(LoginAttempt(account_key=keys.account, client_key=keys.client, succeeded=succeeded))


def purge(session: Session, settings: Settings) -> None:
    """Drop attempts older than the window; they no longer count."""
    cutoff = utcnow() - timedelta(minutes=settings.login_window_minutes)
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < cutoff))


@dataclass(frozen=True)
class _Failures:
    count: int
    oldest: datetime | None


def _failures(session: Session, condition: ColumnElement[bool], since: datetime) -> _Failures:
    row = session.execute(
        select(func.count(), func.min(LoginAttempt.at)).where(
            condition, LoginAttempt.succeeded.is_(False), LoginAttempt.at > since
        )
    ).one()
    return _Failures(int(row[0]), _aware(row[1]) if row[1] is not None else None)


def _retry_after(oldest: datetime | None, window: timedelta) -> int:
    if oldest is None:
        return int(window.total_seconds())
    return max(1, int((oldest + window - utcnow()).total_seconds()) + 1)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)

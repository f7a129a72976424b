"""Server-side sign-in sessions: the cookie holds a random token, the store only its hash."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.settings import Settings
from bot.store.models import utcnow
from bot.store.staff_models import User, UserSession

COOKIE = "triage_session"
# Set before sign-in, so the login form itself is protected against forged posts.
LOGIN_CSRF_COOKIE = "triage_login_csrf"
# A session's last-seen time is written at most this often, not on every page view.
TOUCH_EVERY = timedelta(seconds=60)


def token_hash(token: str) -> str:
    """What the store keeps instead of the cookie's token."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Opened:
    token: str  # goes into the cookie, never into the store
    csrf_token: str


def open_session(session: Session, user: User, settings: Settings) -> Opened:
    """Start a session for `user`; the caller sets the cookie."""
    token, csrf = new_token(), new_token()
    now = utcnow()
    session.add(
        UserSession(
            token_hash=token_hash(token),
            user_id=user.id,
            csrf_token=csrf,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=settings.session_max_hours),
        )
    )
    return Opened(token, csrf)


@dataclass(frozen=True)
class Current:
    user: User
    csrf_token: str
    session_id: int


def resolve(session: Session, token: str, settings: Settings) -> Current | None:
    """The live session behind a cookie token, or None if unknown, expired, idle or disabled."""
    row = session.execute(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == token_hash(token))
    ).first()
    if row is None:
        return None
    live, user = row
    now = utcnow()
    idle = timedelta(minutes=settings.session_idle_minutes)
    if not user.active or _aware(live.expires_at) <= now or _aware(live.last_seen_at) + idle <= now:
        return None
    if _aware(live.last_seen_at) + TOUCH_EVERY <= now:
        session.execute(
            update(UserSession).where(UserSession.id == live.id).values(last_seen_at=now)
        )
        session.commit()
    return Current(user, live.csrf_token, live.id)


def close_session(session: Session, token: str) -> None:
    """Forget the session behind a cookie token (logout)."""
    session.execute(delete(UserSession).where(UserSession.token_hash == token_hash(token)))


def purge_expired(session: Session) -> int:
    """Delete sessions past their absolute expiry; returns how many."""
    result = session.execute(delete(UserSession).where(UserSession.expires_at <= utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)


def tokens_match(expected: str, given: str | None) -> bool:
    """Constant-time comparison of CSRF tokens."""
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything we store is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)

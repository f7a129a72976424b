"""Password hashing with Argon2id (argon2-cffi, RFC 9106 low-memory profile)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
MAX_LENGTH = 256

_hasher = PasswordHasher()


class WeakPassword(ValueError):
    """The password does not meet the minimum we accept."""


def check_strength(password: str) -> None:
    """Refuse passwords that are too short or too long to be sensible."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"a password has at most {MAX_LENGTH} characters")
    if len(set(password)) < 5:
        raise WeakPassword("a password needs more than a few distinct characters")


def hash_password(password: str) -> str:
    """An Argon2id hash with a fresh salt, in PHC string format."""
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Whether `password` matches; False (never an exception) on a malformed hash."""
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(stored_hash)


# A hash of nothing anyone knows: verifying against it for unknown accounts makes the
# answer take as long as for real ones, so timing does not reveal which usernames exist.
DUMMY_HASH = _hasher.hash("no account has this password: timing equaliser")

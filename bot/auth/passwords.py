"""Password hashing with Argon2id (argon2-cffi, RFC 9106 low-memory profile)."""

from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from bot.settings import get_settings

MIN_LENGTH = 12
MAX_LENGTH = 256


@cache
def _hasher_for(environment: str) -> PasswordHasher:
    # The test suite hashes hundreds of passwords on a shared 2-core machine; it uses Argon2id
    # with the smallest parameters. Every other environment gets RFC 9106's recommendation.
    if environment == "test":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)


def _hasher() -> PasswordHasher:
    return _hasher_for(get_settings().environment)


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
    return _hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Whether `password` matches; False (never an exception) on a malformed hash."""
    try:
        return _hasher().verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher().check_needs_rehash(stored_hash)


# Verifying against a hash of nothing anyone knows makes the answer for unknown accounts take
# as long as for real ones, so timing does not reveal which usernames exist.
def dummy_hash() -> str:
    """A hash of a password nobody has, with today's parameters."""
    return _dummy(get_settings().environment)


@cache
def _dummy(environment: str) -> str:
    return _hasher_for(environment).hash("no account has this password: timing equaliser")

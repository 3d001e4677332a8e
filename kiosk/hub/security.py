"""Secrets: staff password hashing (argon2id), random tokens and codes, and their stored hashes.

Tokens and enrolment codes are random with >= 128 bits, so a fast SHA-256 of them is a safe
stored form (no dictionary to attack); only human-chosen passwords need argon2id.
"""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from kiosk.hub.config import SecuritySettings

# Unambiguous characters for codes a person types (no 0/O, 1/I/L).
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_PASSWORD_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"


def make_hasher(settings: SecuritySettings) -> PasswordHasher:
    return PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_kib,
        parallelism=settings.argon2_parallelism,
        type=Type.ID,
    )


def verify_password(hasher: PasswordHasher, stored: str, password: str) -> bool:
    """True when ``password`` matches ``stored``; never raises for a wrong or odd hash."""
    try:
        return hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """A bearer token with 256 bits of randomness."""
    return secrets.token_urlsafe(32)


def new_password() -> str:
    """A generated password: 20 characters, ~114 bits, easy to read aloud and type."""
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(20))


def new_enrolment_code() -> str:
    """A one-time code like ``K7QM-2XHP-9RWD-TB4N-6CFA`` (25 random characters, ~124 bits)."""
    chars = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(25))
    return "-".join(chars[i : i + 5] for i in range(0, 25, 5))


def new_digits(count: int = 6) -> str:
    """``count`` random decimal digits (a generated PIN or a dashboard unlock code)."""
    return "".join(secrets.choice("0123456789") for _ in range(count))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# A hash of a random password, verified when the name is unknown so that a wrong name costs
# the same time as a wrong password.
def dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash(new_password())

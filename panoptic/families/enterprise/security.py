"""Passwords (argon2id), the password policy, session tokens and API keys.

Password hashes use argon2id with OWASP's recommended parameters (19 MiB of memory, 2 passes,
1 lane); a hash made with other parameters is upgraded at the next successful sign-in.

API keys read `pan_<prefix>_<secret>`: the 12-character prefix is stored in clear as the lookup
index, the whole key only as its SHA-256 (a key carries 256 random bits, so a fast hash is safe and
verifying a key costs microseconds, not an argon2 run). Session tokens are stored the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_TIME_COST = 2
ARGON2_PARALLELISM = 1
KEY_PREFIX = "pan_"
PREFIX_LENGTH = 12
_PREFIX_ALPHABET = string.ascii_lowercase + string.digits


@lru_cache(maxsize=1)
def hasher() -> Any:
    """The argon2id password hasher with the recommended parameters."""
    from argon2 import PasswordHasher, Type

    return PasswordHasher(
        time_cost=ARGON2_TIME_COST,
        memory_cost=ARGON2_MEMORY_KIB,
        parallelism=ARGON2_PARALLELISM,
        hash_len=32,
        salt_len=16,
        type=Type.ID,
    )


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(stored: str, password: str) -> bool:
    """Whether the password matches the stored argon2 hash (False for a malformed hash too)."""
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    try:
        return hasher().verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return hasher().check_needs_rehash(stored)


def policy_problems(password: str, settings: dict[str, Any], *, user: str = "") -> list[str]:
    """What is wrong with a password under the policy (an empty list when it passes)."""
    problems: list[str] = []
    min_length = int(settings["password_min_length"])
    if len(password) < min_length:
        problems.append(f"it has {len(password)} characters, the policy asks for at least {min_length}")
    classes = sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    wanted = int(settings["password_classes"])
    if classes < wanted:
        problems.append(
            f"it mixes {classes} kinds of character, the policy asks for {wanted} of: lower case, upper case, digits, others"
        )
    if user and user.lower() in password.lower():
        problems.append("it contains the user name")
    return problems


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A session token (256 random bits)."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class NewKey:
    """A freshly made API key: `key` is shown once, `prefix` and `key_hash` are stored."""

    key: str
    prefix: str
    key_hash: str


def new_api_key() -> NewKey:
    prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    return NewKey(key, prefix, sha256(key))


def split_key(key: str) -> str | None:
    """The lookup prefix of a well-formed key, else None."""
    if not key.startswith(KEY_PREFIX):
        return None
    prefix, sep, rest = key[len(KEY_PREFIX) :].partition("_")
    if len(prefix) != PREFIX_LENGTH or not sep or len(rest) < 20:
        return None
    return prefix


def same_hash(stored: str, key: str) -> bool:
    """Constant-time comparison of a stored SHA-256 with a presented key's."""
    return hmac.compare_digest(stored, sha256(key))

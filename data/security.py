"""Passwords: argon2id hashes (argon2-cffi), never stored or logged in clear.

argon2-cffi is the reference binding of the Password Hashing Competition winner; it picks
safe parameters, salts every hash and tells when a hash needs upgrading.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()
LOGIN_ROLES = ("BRANCH_APPROVER", "HEAD_RISK", "AUDITOR", "ADMIN")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def needs_rehash(stored_hash: str) -> bool:
    """Whether a hash was made with weaker parameters than the hasher uses now."""
    try:
        return bool(_HASHER.check_needs_rehash(stored_hash))
    except (InvalidHashError, ValueError):
        return False


def verify_password(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        return False
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False

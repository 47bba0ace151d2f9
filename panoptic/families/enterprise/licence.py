"""Licence files signed with Ed25519, verified offline.

A licence file is JSON: `{"payload": {...}, "signature": "<base64>"}`. The signature covers the
canonical JSON of the payload (sorted keys, no spaces). The payload carries `licensee`, `id`,
`issued`, `expires` (ISO dates), `max_users` and `max_projects`.

Trusted issuer keys are the raw 32-byte Ed25519 public keys (base64) in `ISSUER_KEYS` (filled in by
whoever distributes Panoptic with licences) and in `PANOPTIC_LICENSE_KEYS` (comma-separated), so a
self-hosting organisation can issue its own with `panoptic enterprise license keygen` / `issue`.
Without a valid licence the open-source limits apply.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from datetime import date
from typing import Any

from panoptic.families.enterprise.errors import LicenceError

KEYS_ENV = "PANOPTIC_LICENSE_KEYS"
ISSUER_KEYS: tuple[str, ...] = ()
OPEN_SOURCE_USERS = 10
OPEN_SOURCE_PROJECTS = 5
REQUIRED = ("licensee", "id", "issued", "expires", "max_users", "max_projects")


def canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class Licence:
    """A verified licence."""

    licensee: str
    id: str
    issued: date
    expires: date
    max_users: int
    max_projects: int


@dataclass(frozen=True)
class LicenceState:
    """The limits in force and why."""

    kind: str  # licensed | open-source | invalid
    max_users: int
    max_projects: int
    message: str
    licence: Licence | None = None
    problem: str | None = None  # why an installed licence is not in force


def trusted_keys() -> tuple[str, ...]:
    extra = tuple(k.strip() for k in os.environ.get(KEYS_ENV, "").split(",") if k.strip())
    return ISSUER_KEYS + extra


def keygen() -> tuple[str, str]:
    """A new issuer key pair: (private key, public key), both raw bytes in base64."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    raw_private = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    raw_public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw_private).decode(), base64.b64encode(raw_public).decode()


def issue(private_key_b64: str, payload: dict[str, Any]) -> str:
    """A signed licence file's text."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    missing = [k for k in REQUIRED if k not in payload]
    if missing:
        raise LicenceError(f"the licence payload lacks {', '.join(missing)}")
    try:
        private = Ed25519PrivateKey.from_private_bytes(base64.b64decode(private_key_b64.strip(), validate=True))
    except (ValueError, TypeError):
        raise LicenceError("the issuer key is not a base64 Ed25519 private key") from None
    signature = private.sign(canonical(payload))
    return json.dumps({"payload": payload, "signature": base64.b64encode(signature).decode()}, indent=2) + "\n"


def verify(text: str, *, today: date | None = None, keys: tuple[str, ...] | None = None) -> Licence:
    """The licence in `text` if its signature verifies against a trusted key and it has not expired."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        data = json.loads(text)
        payload, signature = data["payload"], base64.b64decode(data["signature"], validate=True)
    except (ValueError, KeyError, TypeError):
        raise LicenceError(
            "the licence file is not a signed licence (JSON with `payload` and `signature`)",
            help="use the file exactly as the issuer sent it",
        ) from None
    if not isinstance(payload, dict) or any(k not in payload for k in REQUIRED):
        raise LicenceError("the licence lacks required fields", help="fields: " + ", ".join(REQUIRED))
    keys = trusted_keys() if keys is None else keys
    if not keys:
        raise LicenceError(
            "no trusted licence issuer key is configured",
            help=f"set {KEYS_ENV} to the issuer's public key (base64)",
        )
    body = canonical(payload)
    for key in keys:
        try:
            public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key, validate=True))
        except (ValueError, TypeError):
            continue
        try:
            public.verify(signature, body)
            break
        except InvalidSignature:
            continue
    else:
        raise LicenceError(
            "the licence signature does not verify: the file was changed after signing, or its issuer is not trusted",
            help="ask the issuer for a new file; do not edit a licence",
        )
    try:
        licence = Licence(
            licensee=str(payload["licensee"]),
            id=str(payload["id"]),
            issued=date.fromisoformat(payload["issued"]),
            expires=date.fromisoformat(payload["expires"]),
            max_users=int(payload["max_users"]),
            max_projects=int(payload["max_projects"]),
        )
    except (ValueError, TypeError):
        raise LicenceError("the licence has malformed dates or limits") from None
    today = today or date.today()
    if licence.expires < today:
        raise LicenceError(
            f"the licence for {licence.licensee} expired on {licence.expires.isoformat()}",
            help="install a renewed licence with `panoptic enterprise license install FILE`",
        )
    return licence


def state(stored: str | None, *, today: date | None = None) -> LicenceState:
    """The limits in force given the stored licence text (None when none is installed)."""
    open_limits = f"{OPEN_SOURCE_USERS} users, {OPEN_SOURCE_PROJECTS} projects"
    if stored is None:
        return LicenceState(
            "open-source",
            OPEN_SOURCE_USERS,
            OPEN_SOURCE_PROJECTS,
            f"no licence installed: the open-source limits apply ({open_limits})",
        )
    try:
        lic = verify(stored, today=today)
    except LicenceError as exc:
        return LicenceState(
            "invalid",
            OPEN_SOURCE_USERS,
            OPEN_SOURCE_PROJECTS,
            f"the installed licence is not valid ({exc.message}); the open-source limits apply ({open_limits})",
            problem=exc.message,
        )
    return LicenceState(
        "licensed",
        lic.max_users,
        lic.max_projects,
        f"licensed to {lic.licensee} until {lic.expires.isoformat()}: "
        f"{lic.max_users} users, {lic.max_projects} projects",
        licence=lic,
    )

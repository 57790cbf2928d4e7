"""API tokens: a random secret shown once; only its SHA-256 hash is kept."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import attrs

from domain.ids import OrganizationId, UserId

PREFIX = "ml_"


@attrs.frozen(kw_only=True)
class ApiToken:
    id: str
    token_hash: str
    user_id: UserId
    organization_id: OrganizationId
    label: str
    created_at: datetime
    revoked: bool = False


def new_secret() -> str:
    """A token secret: high entropy, so a fast hash is enough to protect it at rest."""
    return PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()

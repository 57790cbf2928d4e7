"""API tokens as their owner sees them: never the secret, nor its hash."""

from __future__ import annotations

from datetime import datetime

from application.tokens import ApiToken

from .common import Out


class TokenOut(Out):
    id: str
    label: str
    created_at: datetime
    revoked: bool
    current: bool  # the token this request was made with

    @classmethod
    def of(cls, token: ApiToken, current_id: str | None) -> TokenOut:
        return cls(
            id=token.id,
            label=token.label,
            created_at=token.created_at,
            revoked=token.revoked,
            current=token.id == current_id,
        )

"""Revoking API tokens: one's own, or (support, global administrators) anyone's in the
organization. Takes effect within the token check cache's few seconds (`auth_cache`)."""

from __future__ import annotations

from litestar import Controller, delete
from litestar.params import FromPath

from adapters.http.api.auth import CurrentActor
from adapters.http.api.errors import problems
from adapters.http.dependencies import Runner
from application.usecases.access_tokens import RevokeToken, revoke_token


class TokensController(Controller):
    path = "/tokens"
    tags = ["tokens"]

    @delete(
        "/{token_id:str}",
        summary="Revoke an API token",
        description="Idempotent: revoking a revoked token answers 204 again.",
        responses=problems(404),
    )
    async def revoke(self, token_id: FromPath[str], actor: CurrentActor, runner: Runner) -> None:
        await runner(revoke_token, RevokeToken(token_id=token_id), actor)

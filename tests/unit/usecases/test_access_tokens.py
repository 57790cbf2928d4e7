"""Listing and revoking API tokens: who may revoke which, and what a revocation ends."""

from __future__ import annotations

import pytest

from adapters.persistence.memory import MemoryStore
from application.actors import SYSTEM, Actor
from application.running import UseCaseRunner
from application.usecases.access_tokens import (
    IssueToken,
    MyTokens,
    RevokeToken,
    authenticate,
    issue_token,
    my_tokens,
    revoke_token,
)
from application.usecases.my_account import WhoAmI, who_am_i
from domain.errors import NotAllowed, NotFound
from domain.people import Role
from tests.unit.world import FixedClock, Scene, fresh, snapshot


async def _signed_in(
    run: UseCaseRunner, store: MemoryStore, scene: Scene, email: str, role: Role = Role.MEMBER
) -> tuple[str, Actor]:
    """A new token for `email` in Acme, and the actor it authenticates as."""
    command = IssueToken(
        organization_id=scene.acme.organization.id, email=email, name=email, role=role
    )
    issued = await run(issue_token, command, scene.acme.support)
    actor = await authenticate(issued.secret, fresh(store))
    assert actor is not None and actor.token_id is not None
    return issued.secret, actor


async def test_a_user_lists_their_tokens_and_revokes_one(
    run: UseCaseRunner, store: MemoryStore, scene: Scene, clock: FixedClock
) -> None:
    first_secret, first = await _signed_in(run, store, scene, "kim@acme.example")
    clock.advance(minutes=1)
    second_secret, second = await _signed_in(run, store, scene, "kim@acme.example")
    assert second == first  # the same user: the token is not part of who they are
    listed = await run(my_tokens, MyTokens(), first)
    assert [t.id for t in listed] == [first.token_id, second.token_id]
    assert not any(t.revoked for t in listed)

    revoked = await run(revoke_token, RevokeToken(token_id=str(first.token_id)), second)
    assert revoked.revoked and revoked.id == first.token_id
    assert await authenticate(first_secret, fresh(store)) is None
    assert await authenticate(second_secret, fresh(store)) is not None
    listed = await run(my_tokens, MyTokens(), second)
    assert [(t.id, t.revoked) for t in listed] == [
        (first.token_id, True),
        (second.token_id, False),
    ]
    before = snapshot(store)  # revoking again changes nothing and is no error
    assert (await run(revoke_token, RevokeToken(token_id=str(first.token_id)), second)).revoked
    assert snapshot(store) == before


async def test_only_the_owner_support_or_a_global_admin_of_the_organization_may_revoke(
    run: UseCaseRunner, store: MemoryStore, scene: Scene
) -> None:
    secret, owner = await _signed_in(run, store, scene, "owner@acme.example")
    _, colleague = await _signed_in(run, store, scene, "colleague@acme.example")
    _, program_admin = await _signed_in(
        run, store, scene, "padmin@acme.example", Role.PROGRAM_ADMIN
    )
    command = RevokeToken(token_id=str(owner.token_id))
    before = snapshot(store)
    for stranger in (colleague, program_admin, scene.globex.admin, scene.globex.support):
        with pytest.raises(NotFound, match="No such API token"):
            await run(revoke_token, command, stranger)
    with pytest.raises(NotFound, match="No such API token"):
        await run(revoke_token, RevokeToken(token_id="nope"), owner)
    assert snapshot(store) == before
    assert await authenticate(secret, fresh(store)) is not None

    support_secret, support = await _signed_in(
        run, store, scene, "staff@acme.example", Role.SUPPORT
    )
    with pytest.raises(NotFound, match="No such API token"):  # support outranks admins
        await run(revoke_token, RevokeToken(token_id=str(support.token_id)), scene.acme.admin)
    assert await authenticate(support_secret, fresh(store)) is not None

    await run(revoke_token, command, scene.acme.admin)  # a global administrator
    assert await authenticate(secret, fresh(store)) is None
    secret, owner = await _signed_in(run, store, scene, "owner@acme.example")
    await run(revoke_token, RevokeToken(token_id=str(owner.token_id)), scene.acme.support)
    secret, owner = await _signed_in(run, store, scene, "owner@acme.example")
    await run(revoke_token, RevokeToken(token_id=str(owner.token_id)), SYSTEM)
    assert await authenticate(secret, fresh(store)) is None


async def test_an_actor_signed_in_with_a_revoked_token_is_no_longer_recognised(
    run: UseCaseRunner, store: MemoryStore, scene: Scene
) -> None:
    _, actor = await _signed_in(run, store, scene, "sess@acme.example")
    assert (await run(who_am_i, WhoAmI(), actor)).user.id == actor.user_id
    await run(revoke_token, RevokeToken(token_id=str(actor.token_id)), actor)
    with pytest.raises(NotAllowed, match="was revoked"):
        await run(who_am_i, WhoAmI(), actor)

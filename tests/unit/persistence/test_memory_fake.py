"""The in-memory unit of work's own behaviour, beyond the shared contract suite:
rollback, identity map, encoded storage, versions, and all-or-nothing commits."""

from __future__ import annotations

import pytest

from adapters.persistence.memory import MemoryStore, MemoryUnitOfWork
from application.tokens import ApiToken
from domain.errors import ConcurrencyConflict
from domain.ids import OrganizationId, UserId
from domain.organization import Organization
from domain.people import User
from tests.unit.world import T0

ACME = OrganizationId("acme")


def org(id: str = "acme", name: str = "Acme") -> Organization:
    return Organization(id=OrganizationId(id), name=name)


def user(id: str, email: str, organization: str = "acme") -> User:
    return User(id=UserId(id), organization_id=OrganizationId(organization), email=email, name=id)


def token(hash_: str = "h1") -> ApiToken:
    return ApiToken(
        id="t", token_hash=hash_, user_id=UserId("u"), organization_id=ACME, label="", created_at=T0
    )


async def committed(store: MemoryStore, *aggregates: Organization | User) -> None:
    async with MemoryUnitOfWork(store) as uow:
        for aggregate in aggregates:
            if isinstance(aggregate, Organization):
                await uow.organizations.add(aggregate)
            else:
                await uow.users.add(aggregate)
        await uow.commit()


async def test_leaving_without_commit_writes_nothing(store: MemoryStore) -> None:
    async with MemoryUnitOfWork(store) as uow:
        added = org()
        added.switch_slack(True, by="s", now=T0)
        await uow.organizations.add(added)
        await uow.api_tokens.add(token())
    assert [rows for rows in store.tables.values() if rows] == []
    assert (store.outbox, store.tokens) == ([], {})


async def test_an_error_inside_the_block_rolls_back(store: MemoryStore) -> None:
    await committed(store, org())
    with pytest.raises(RuntimeError):
        async with MemoryUnitOfWork(store) as uow:
            loaded = await uow.organizations.get(ACME)
            loaded.switch_slack(True, by="s", now=T0)
            raise RuntimeError("boom")
    async with MemoryUnitOfWork(store) as uow:
        assert (await uow.organizations.get(ACME)).slack_enabled is False
    assert store.outbox == []


async def test_rollback_forgets_what_was_touched_so_a_later_commit_writes_nothing(
    store: MemoryStore,
) -> None:
    await committed(store, org())
    async with MemoryUnitOfWork(store) as uow:
        loaded = await uow.organizations.get(ACME)
        loaded.switch_slack(True, by="s", now=T0)
        await uow.rollback()
        await uow.commit()
    assert store.table("organizations")["acme"][0] == 1
    assert store.outbox == []


async def test_a_second_load_returns_the_same_object(store: MemoryStore) -> None:
    await committed(store, org(), org("globex", "Globex"))
    async with MemoryUnitOfWork(store) as uow:
        first = await uow.organizations.get(ACME)
        first.name = "Acme (renamed, not saved)"
        again = await uow.organizations.get(ACME)
        listed = {o.id: o for o in await uow.organizations.list()}
        assert again is first
        assert listed[ACME] is first
        assert again.name == "Acme (renamed, not saved)"


async def test_the_store_keeps_encoded_state_not_live_objects(store: MemoryStore) -> None:
    saved = org()
    await committed(store, saved)
    saved.name = "Changed after commit"
    async with MemoryUnitOfWork(store) as uow:
        loaded = await uow.organizations.get(ACME)
        assert loaded is not saved
        assert loaded.name == "Acme"
        loaded.name = "Changed, never committed"
    async with MemoryUnitOfWork(store) as uow:
        assert (await uow.organizations.get(ACME)).name == "Acme"
    assert isinstance(store.table("organizations")["acme"][1], dict)


async def test_versions_start_at_one_and_grow_only_on_real_changes(store: MemoryStore) -> None:
    added = org()
    await committed(store, added)
    assert added.version == 1
    async with MemoryUnitOfWork(store) as uow:
        await uow.organizations.get(ACME)
        await uow.commit()
    assert store.table("organizations")["acme"][0] == 1
    async with MemoryUnitOfWork(store) as uow:
        loaded = await uow.organizations.get(ACME)
        loaded.switch_slack(True, by="s", now=T0)
        await uow.commit()
        assert (loaded.version, loaded.events) == (2, [])
    assert store.table("organizations")["acme"][0] == 2
    assert [(m.id, m.topic) for m in store.outbox] == [(1, "organization.slack_switched")]


async def test_a_guarded_aggregate_gets_a_new_version_without_changing(store: MemoryStore) -> None:
    await committed(store, user("u1", "a@acme.example"))
    async with MemoryUnitOfWork(store) as one, MemoryUnitOfWork(store) as two:
        for uow in (one, two):
            loaded = await uow.users.get(UserId("u1"))
            uow.seen.guard("users", loaded)
        await one.commit()
        with pytest.raises(ConcurrencyConflict):
            await two.commit()
    version, state = store.table("users")["u1"]
    assert (version, state["email"]) == (2, "a@acme.example")


async def test_other_transactions_do_not_see_uncommitted_additions(store: MemoryStore) -> None:
    async with MemoryUnitOfWork(store) as writer, MemoryUnitOfWork(store) as reader:
        await writer.organizations.add(org())
        assert await reader.organizations.list() == []
        await writer.commit()
        assert [o.id for o in await reader.organizations.list()] == [ACME]


async def test_adding_an_id_that_exists_is_a_conflict(store: MemoryStore) -> None:
    await committed(store, org())
    with pytest.raises(ConcurrencyConflict, match="already exists"):
        await committed(store, org(name="Duplicate"))
    async with MemoryUnitOfWork(store) as uow:
        assert (await uow.organizations.get(ACME)).name == "Acme"


async def test_emails_are_unique_per_organization_only(store: MemoryStore) -> None:
    await committed(store, user("u1", "a@x.example"), user("u2", "a@x.example", "globex"))
    with pytest.raises(ConcurrencyConflict, match="user already exists"):
        await committed(store, user("u3", "A@X.example"))
    with pytest.raises(ConcurrencyConflict, match="user already exists"):
        await committed(store, user("u4", "b@x.example"), user("u5", "b@x.example"))
    assert sorted(store.table("users")) == ["u1", "u2"]


async def test_one_conflict_stops_every_write_of_the_commit(store: MemoryStore) -> None:
    await committed(store, org())
    async with MemoryUnitOfWork(store) as stale, MemoryUnitOfWork(store) as fast:
        old = await stale.organizations.get(ACME)
        (await fast.organizations.get(ACME)).switch_slack(True, by="fast", now=T0)
        await fast.commit()
        old.name = "Stale"
        await stale.organizations.add(org("initech", "Initech"))
        await stale.api_tokens.add(token())
        with pytest.raises(ConcurrencyConflict):
            await stale.commit()
    assert sorted(store.table("organizations")) == ["acme"]
    assert store.tokens == {}
    assert [m.payload["by_user_id"] for m in store.outbox] == ["fast"]


async def test_tokens_are_stored_on_commit_and_unique_by_hash(store: MemoryStore) -> None:
    async with MemoryUnitOfWork(store) as uow:
        await uow.api_tokens.add(token())
        assert await uow.api_tokens.find_by_hash("h1") is None
        await uow.commit()
    async with MemoryUnitOfWork(store) as uow:
        assert await uow.api_tokens.find_by_hash("h1") == token()
        await uow.api_tokens.add(token())
        with pytest.raises(ConcurrencyConflict, match="token already exists"):
            await uow.commit()


async def test_outbox_ids_keep_counting_across_commits_and_list_pending_limits(
    store: MemoryStore,
) -> None:
    await committed(store, org(), org("globex", "Globex"))
    for target in ("acme", "globex", "acme"):
        async with MemoryUnitOfWork(store) as uow:
            loaded = await uow.organizations.get(OrganizationId(target))
            loaded.switch_slack(not loaded.slack_enabled, by="s", now=T0)
            await uow.commit()
    async with MemoryUnitOfWork(store) as uow:
        pending = await uow.outbox.list_pending(limit=2)
    assert [m.id for m in store.outbox] == [1, 2, 3]
    assert [(m.id, m.organization_id) for m in pending] == [(1, "acme"), (2, "globex")]

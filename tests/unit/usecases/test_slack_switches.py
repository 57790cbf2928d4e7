"""Support switches Slack per organization; admins opt programs in or out."""

from __future__ import annotations

import pytest

from adapters.persistence.memory import MemoryStore
from application.running import UseCaseRunner
from application.usecases.slack_switches import (
    SetProgramSlackOptIn,
    SwitchSlackForOrganization,
    set_program_slack_opt_in,
    switch_slack_for_organization,
)
from domain.errors import IllegalTransition, NotAllowed, NotFound
from domain.people import Role
from tests.unit.world import Scene, World, fresh, snapshot, topics_since


async def test_support_switches_slack_for_their_organization(
    run: UseCaseRunner, scene: Scene, store: MemoryStore
) -> None:
    org = scene.acme.organization.id
    mark = len(store.outbox)
    await run(
        switch_slack_for_organization,
        SwitchSlackForOrganization(organization_id=org, enabled=True),
        scene.acme.support,
    )
    async with fresh(store) as uow:
        assert (await uow.organizations.get(org)).slack_enabled is True
        assert (await uow.organizations.get(scene.globex.organization.id)).slack_enabled is False
    assert topics_since(store, mark) == ["organization.slack_switched"]
    assert store.outbox[mark].payload["by_user_id"] == scene.acme.support.user_id
    assert store.outbox[mark].organization_id == org


async def test_switching_slack_is_refused_to_others_and_when_nothing_changes(
    run: UseCaseRunner, scene: Scene, store: MemoryStore
) -> None:
    org = scene.acme.organization.id
    before = snapshot(store)
    with pytest.raises(NotAllowed, match="Only support staff"):
        await run(
            switch_slack_for_organization,
            SwitchSlackForOrganization(organization_id=org, enabled=True),
            scene.acme.admin,
        )
    with pytest.raises(NotFound, match="No such organization"):
        await run(
            switch_slack_for_organization,
            SwitchSlackForOrganization(organization_id=org, enabled=True),
            scene.globex.support,
        )
    with pytest.raises(IllegalTransition, match="already off for Acme"):
        await run(
            switch_slack_for_organization,
            SwitchSlackForOrganization(organization_id=org, enabled=False),
            scene.acme.support,
        )
    assert snapshot(store) == before


async def test_an_admin_opts_a_program_out_of_slack_and_back_in(
    run: UseCaseRunner, world: World, scene: Scene, store: MemoryStore
) -> None:
    mark = len(store.outbox)
    program_admin = await world.user(scene.acme, "Pam", Role.PROGRAM_ADMIN)
    off = SetProgramSlackOptIn(program_id=scene.program.id, opted_in=False)
    await run(set_program_slack_opt_in, off, scene.acme.admin)
    async with fresh(store) as uow:
        assert (await uow.programs.get(scene.program.id)).slack_opt_in is False
    with pytest.raises(IllegalTransition, match="already does not use Slack"):
        await run(set_program_slack_opt_in, off, program_admin)
    on = SetProgramSlackOptIn(program_id=scene.program.id, opted_in=True)
    await run(set_program_slack_opt_in, on, program_admin)
    assert topics_since(store, mark) == ["program.slack_opt_in_changed"] * 2
    assert [m.payload["opted_in"] for m in store.outbox[mark:]] == [False, True]


async def test_program_opt_in_is_for_admins_of_the_organization(
    run: UseCaseRunner, scene: Scene, store: MemoryStore
) -> None:
    off = SetProgramSlackOptIn(program_id=scene.program.id, opted_in=False)
    before = snapshot(store)
    with pytest.raises(NotAllowed, match="Only a global administrator or a program administrator"):
        await run(set_program_slack_opt_in, off, scene.maria.actor)
    with pytest.raises(NotFound, match="No such program"):
        await run(set_program_slack_opt_in, off, scene.globex.admin)
    assert snapshot(store) == before

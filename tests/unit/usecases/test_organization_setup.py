"""Organizations, programs and enrolment; API tokens and authentication."""

from __future__ import annotations

import attrs
import pytest

from adapters.persistence.memory import MemoryStore
from application.actors import SYSTEM
from application.running import UseCaseRunner
from application.tokens import hash_secret
from application.usecases.access_tokens import (
    IssueToken,
    RevokeToken,
    authenticate,
    issue_token,
    revoke_token,
)
from application.usecases.organization_setup import (
    CreateOrganization,
    CreateProgram,
    EnrollMember,
    create_organization,
    create_program,
    enroll_member,
)
from domain.errors import IllegalTransition, InvalidInput, NotAllowed, NotFound
from domain.ids import OrganizationId
from domain.people import ProgramRole, Role
from tests.unit.world import Scene, World, fresh, snapshot

MENTEE = frozenset({ProgramRole.MENTEE})


async def test_support_creates_organizations_nobody_else(
    run: UseCaseRunner, scene: Scene, store: MemoryStore
) -> None:
    made = await run(create_organization, CreateOrganization(name="  Initech "), SYSTEM)
    async with fresh(store) as uow:
        assert (await uow.organizations.get(made.id)).name == "Initech"
    before = snapshot(store)
    with pytest.raises(NotAllowed, match="Only support staff"):
        await run(create_organization, CreateOrganization(name="Nope"), scene.acme.admin)
    with pytest.raises(InvalidInput, match="needs a name"):
        await run(create_organization, CreateOrganization(name=" "), SYSTEM)
    assert snapshot(store) == before


async def test_a_global_admin_creates_programs_in_their_organization(
    run: UseCaseRunner, world: World, scene: Scene, store: MemoryStore
) -> None:
    program = await world.program(scene.acme, "Leaders", mentees_per_mentor=4)
    async with fresh(store) as uow:
        saved = await uow.programs.get(program.id)
        assert (saved.organization_id, saved.name, saved.mentees_per_mentor) == (
            scene.acme.organization.id,
            "Leaders",
            4,
        )
    program_admin = await world.user(scene.acme, "Pam", Role.PROGRAM_ADMIN)
    before = snapshot(store)
    for actor in (program_admin, scene.maria.actor):
        with pytest.raises(NotAllowed, match="Only a global admin"):
            await run(create_program, CreateProgram(name="X"), actor)
    with pytest.raises(InvalidInput, match="Mentees per mentor"):
        await run(create_program, CreateProgram(name="X", mentees_per_mentor=0), scene.acme.admin)
    assert snapshot(store) == before


async def test_enrolling_reuses_a_user_found_by_email(
    run: UseCaseRunner, world: World, scene: Scene, store: MemoryStore
) -> None:
    second = await world.program(scene.acme, "Second")
    cmd = EnrollMember(
        program_id=second.id,
        email="  Sam.Two@X.example ",
        name="Sam",
        roles=MENTEE,
        goals=("Go",),
    )
    first = await run(enroll_member, cmd, scene.acme.admin)
    again = await run(
        enroll_member, attrs.evolve(cmd, program_id=scene.program.id), scene.acme.admin
    )
    assert first.user_id == again.user_id
    async with fresh(store) as uow:
        user = await uow.users.get(first.user_id)
        assert user.email == "sam.two@x.example"
        memberships = await uow.members.list_for_user(user.id)
        assert {m.program_id for m in memberships} == {second.id, scene.program.id}
        assert (await uow.members.get(first.id)).profile.goals == {"go"}
    with pytest.raises(IllegalTransition, match="already in Second"):
        await run(enroll_member, cmd, scene.acme.admin)


async def test_enrolment_is_for_admins_of_the_programs_organization(
    run: UseCaseRunner, world: World, scene: Scene, store: MemoryStore
) -> None:
    cmd = EnrollMember(
        program_id=scene.program.id, email="new@acme.example", name="New", roles=MENTEE
    )
    before = snapshot(store)
    with pytest.raises(NotAllowed, match="Only a global administrator or a program administrator"):
        await run(enroll_member, cmd, scene.maria.actor)
    with pytest.raises(NotFound, match="No such program"):
        await run(enroll_member, cmd, scene.globex.admin)
    with pytest.raises(InvalidInput, match="mentor, a mentee, or both"):
        await run(enroll_member, attrs.evolve(cmd, roles=frozenset()), scene.acme.admin)
    assert snapshot(store) == before
    program_admin = await world.user(scene.acme, "Pam", Role.PROGRAM_ADMIN)
    member = await run(enroll_member, cmd, program_admin)
    async with fresh(store) as uow:
        assert (await uow.members.get(member.id)).roles == MENTEE


async def test_a_deactivated_user_cannot_be_enrolled_or_authenticate(
    run: UseCaseRunner, world: World, scene: Scene, store: MemoryStore
) -> None:
    issued = await run(
        issue_token,
        IssueToken(
            organization_id=scene.acme.organization.id,
            email="gone@acme.example",
            name="Gone",
            role=Role.MEMBER,
        ),
        scene.acme.support,
    )
    assert await authenticate(issued.secret, fresh(store)) is not None
    async with fresh(store) as uow:
        (await uow.users.get(issued.user.id)).deactivate(now=run.clock.now())
        await uow.commit()
    assert await authenticate(issued.secret, fresh(store)) is None
    cmd = EnrollMember(
        program_id=scene.program.id, email="gone@acme.example", name="Gone", roles=MENTEE
    )
    with pytest.raises(InvalidInput, match="is deactivated"):
        await run(enroll_member, cmd, scene.acme.admin)


async def test_tokens_are_stored_hashed_and_authenticate_as_their_user(
    run: UseCaseRunner, scene: Scene, store: MemoryStore
) -> None:
    org = scene.acme.organization.id
    cmd = IssueToken(
        organization_id=org, email="pat@acme.example", name="Pat", role=Role.PROGRAM_ADMIN
    )
    issued = await run(issue_token, cmd, scene.acme.support)
    assert issued.secret not in store.tokens
    assert store.tokens[hash_secret(issued.secret)].user_id == issued.user.id
    assert issued.secret not in repr(store)
    actor = await authenticate(issued.secret, fresh(store))
    assert actor is not None
    assert (actor.user_id, actor.organization_id, actor.role) == (
        issued.user.id,
        org,
        Role.PROGRAM_ADMIN,
    )
    second = await run(issue_token, cmd, scene.acme.support)
    assert second.secret != issued.secret
    assert second.user.id == issued.user.id
    assert await authenticate("ml_not-a-token", fresh(store)) is None


async def test_a_revoked_token_no_longer_authenticates(
    run: UseCaseRunner, scene: Scene, store: MemoryStore
) -> None:
    cmd = IssueToken(
        organization_id=scene.acme.organization.id,
        email="r@acme.example",
        name="R",
        role=Role.MEMBER,
    )
    issued = await run(issue_token, cmd, scene.acme.support)
    actor = await authenticate(issued.secret, fresh(store))
    assert actor is not None and actor.token_id is not None
    await run(revoke_token, RevokeToken(token_id=actor.token_id), actor)
    assert await authenticate(issued.secret, fresh(store)) is None


async def test_only_support_issues_tokens_and_roles_do_not_change_silently(
    run: UseCaseRunner, scene: Scene, store: MemoryStore
) -> None:
    org = scene.acme.organization.id
    cmd = IssueToken(organization_id=org, email="x@acme.example", name="X", role=Role.MEMBER)
    before = snapshot(store)
    with pytest.raises(NotAllowed, match="Only support staff"):
        await run(issue_token, cmd, scene.acme.admin)
    with pytest.raises(NotFound, match="No such organization"):
        await run(issue_token, attrs.evolve(cmd, organization_id=OrganizationId("nope")), SYSTEM)
    assert snapshot(store) == before
    await run(issue_token, cmd, scene.acme.support)
    with pytest.raises(NotAllowed, match="already has the role member"):
        await run(issue_token, attrs.evolve(cmd, role=Role.GLOBAL_ADMIN), scene.acme.support)

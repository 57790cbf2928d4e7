"""A small, valid object graph for the contract suite (SQL adapters check foreign keys)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs

from domain.connection import Connection
from domain.ids import (
    ConnectionId,
    InstallationId,
    MeetingId,
    MemberId,
    MentorRequestId,
    OrganizationId,
    ProgramId,
    UserId,
    new_id,
)
from domain.meeting import MeetingProposal, Slot
from domain.mentor_request import MentorRequest
from domain.organization import Organization
from domain.people import Member, Profile, ProgramRole, User
from domain.program import Program
from domain.slack.installation import BotCredentials, SlackWorkspace, WorkspaceInstallation

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@attrs.define
class Graph:
    organization: Organization
    program: Program
    users: list[User]
    mentor: Member
    mentor2: Member
    mentee: Member


def graph() -> Graph:
    org = Organization(id=OrganizationId(new_id()), name="Acme")
    program = Program(id=ProgramId(new_id()), organization_id=org.id, name="Engineering")
    users = [
        User(id=UserId(new_id()), organization_id=org.id, email=f"{n}@acme.example", name=n)
        for n in ("maria", "omar", "sam")
    ]
    mentor, mentor2, mentee = (
        Member(
            id=MemberId(new_id()),
            organization_id=org.id,
            program_id=program.id,
            user_id=user.id,
            name=user.name,
            roles=frozenset({role}),
            profile=Profile.of(["python"], ["leadership"], "bio"),
        )
        for user, role in zip(
            users, (ProgramRole.MENTOR, ProgramRole.MENTOR, ProgramRole.MENTEE), strict=True
        )
    )
    return Graph(org, program, users, mentor, mentor2, mentee)


def connection(g: Graph, *, mentor: Member | None = None, at: datetime = NOW) -> Connection:
    return Connection.publish(
        id=ConnectionId(new_id()),
        organization_id=g.organization.id,
        program_id=g.program.id,
        mentor_ids=((mentor or g.mentor).id,),
        mentee_ids=(g.mentee.id,),
        now=at,
    )


def request(g: Graph, *, mentor: Member | None = None, days: int = 14) -> MentorRequest:
    return MentorRequest.send(
        id=MentorRequestId(new_id()),
        organization_id=g.organization.id,
        program_id=g.program.id,
        mentee_id=g.mentee.id,
        mentor_id=(mentor or g.mentor).id,
        note="Could you help me?",
        now=NOW,
        expires_at=NOW + timedelta(days=days),
    )


def meeting(c: Connection, *, hours: tuple[int, ...] = (1, 2, 3)) -> MeetingProposal:
    return MeetingProposal.propose(
        id=MeetingId(new_id()),
        organization_id=c.organization_id,
        connection_id=c.id,
        organizer_id=c.mentor_ids[0],
        invitee_id=c.mentee_ids[0],
        title="Kick-off",
        slots=[Slot(start=NOW + timedelta(hours=h)) for h in hours],
        now=NOW,
    )


ACME_WORKSPACE = SlackWorkspace(
    enterprise_id="E0GRID", enterprise_name="Acme Grid", team_id="T0ACME", team_name="Acme"
)


def installation(
    organization_id: str, installer: str, workspace: SlackWorkspace = ACME_WORKSPACE
) -> WorkspaceInstallation:
    return WorkspaceInstallation.install(
        id=InstallationId(new_id()),
        organization_id=OrganizationId(organization_id),
        workspace=workspace,
        bot=BotCredentials(
            token="xoxb-contract-secret",
            bot_user_id="U0BOT",
            bot_id="B0BOT",
            app_id="A0APP",
            scopes=("chat:write", "users:read"),
        ),
        installed_by=UserId(installer),
        installer_slack_user_id="W0ADA",
        now=NOW,
    )

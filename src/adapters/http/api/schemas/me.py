"""The caller's own views: account and memberships, and the connection area."""

from __future__ import annotations

from datetime import datetime

from application.usecases.connection_area import ConnectionView
from application.usecases.my_account import Account, Membership
from domain.connection import TaskStatus
from domain.people import Member

from .common import Out
from .connections import MessageOut, TaskOut
from .meetings import MeetingOut
from .organizations import OrganizationOut


class UserOut(Out):
    id: str
    email: str
    name: str
    role: str


class MembershipOut(Out):
    member_id: str
    program_id: str
    program_name: str
    roles: list[str]
    expertise: list[str]
    goals: list[str]
    bio: str
    capacity: int | None

    @classmethod
    def of(cls, membership: Membership) -> MembershipOut:
        member = membership.member
        return cls(
            member_id=member.id,
            program_id=member.program_id,
            program_name=membership.program.name,
            roles=sorted(member.roles),
            expertise=sorted(member.profile.expertise),
            goals=sorted(member.profile.goals),
            bio=member.profile.bio,
            capacity=member.capacity,
        )


class MeOut(Out):
    user: UserOut
    organization: OrganizationOut
    memberships: list[MembershipOut]

    @classmethod
    def of(cls, account: Account) -> MeOut:
        user = account.user
        return cls(
            user=UserOut(id=user.id, email=user.email, name=user.name, role=user.role.value),
            organization=OrganizationOut.of(account.organization),
            memberships=[MembershipOut.of(m) for m in account.memberships],
        )


class PartnerOut(Out):
    member_id: str
    name: str
    role: str
    bio: str
    expertise: list[str]

    @classmethod
    def of(cls, partner: Member, role: str) -> PartnerOut:
        return cls(
            member_id=partner.id,
            name=partner.name,
            role=role,
            bio=partner.profile.bio,
            expertise=sorted(partner.profile.expertise),
        )


class ConnectionCardOut(Out):
    """One active connection as its participant sees it."""

    id: str
    program_id: str
    status: str
    created_at: datetime
    my_member_id: str
    my_role: str
    partners: list[PartnerOut]
    open_tasks: list[TaskOut]
    done_tasks: list[TaskOut]
    latest_messages: list[MessageOut]
    next_meeting: MeetingOut | None
    pending_meetings: list[MeetingOut]

    @classmethod
    def of(cls, view: ConnectionView) -> ConnectionCardOut:
        connection = view.connection
        mentors = set(connection.mentor_ids)

        def role(member_id: str) -> str:
            return "mentor" if member_id in mentors else "mentee"

        return cls(
            id=connection.id,
            program_id=connection.program_id,
            status=connection.status.value,
            created_at=connection.created_at,
            my_member_id=view.me.id,
            my_role=role(view.me.id),
            partners=[PartnerOut.of(p, role(p.id)) for p in view.partners],
            open_tasks=[TaskOut.of(t) for t in connection.open_tasks()],
            done_tasks=[TaskOut.of(t) for t in connection.tasks if t.status is TaskStatus.DONE],
            latest_messages=[MessageOut.of(m) for m in view.latest_messages],
            next_meeting=MeetingOut.of(view.next_meeting) if view.next_meeting else None,
            pending_meetings=[MeetingOut.of(m) for m in view.pending_meetings],
        )


class ConnectionAreaOut(Out):
    connections: list[ConnectionCardOut]

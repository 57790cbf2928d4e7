# Over 300 lines: one small repository class per aggregate (and who clicked), beside their base.
"""The in-memory repositories: queries over the store's encoded rows, loaded through the
transaction's identity map. Writes happen in `MemoryUnitOfWork.commit` (memory.py); plain-row
stores are in `memory_rows`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

from adapters.persistence.codec import load
from adapters.persistence.memory_rows import (
    MemoryApiTokens,
    MemoryMessages,
    MemoryPendingOutbox,
    MemorySlackEvents,
)
from adapters.persistence.memory_store import MemorySession
from adapters.persistence.sealing import seal_installation, unseal_installation
from application.slack.ports import WorkspaceCaller, caller_keys
from domain.aggregate import Aggregate
from domain.connection import Connection
from domain.errors import NotFound
from domain.ids import OrganizationId
from domain.meeting import MeetingProposal
from domain.mentor_request import MentorRequest, RequestStatus
from domain.organization import Organization
from domain.people import Member, User
from domain.program import Program
from domain.slack.identity import SlackIdentity
from domain.slack.install_attempt import InstallAttempt
from domain.slack.installation import WorkspaceInstallation
from domain.survey import Survey, SurveyAssignment

A = TypeVar("A", bound=Aggregate)


class MemoryTable(Generic[A]):
    name: str
    kind: type[A]
    noun: str

    def __init__(self, session: MemorySession) -> None:
        self._session = session

    def _rows(self) -> dict[str, tuple[int, dict[str, Any]]]:
        return self._session.store.table(self.name)

    def encode(self, state: dict[str, Any]) -> dict[str, Any]:
        """The stored form of an aggregate's state (identity unless secrets need sealing)."""
        return state

    def decode(self, data: dict[str, Any]) -> dict[str, Any]:
        return data

    def _load(self, id: str, row: tuple[int, dict[str, Any]]) -> A:
        fresh = load(self.kind, self.decode(row[1]), row[0])
        tracked = self._session.seen.loaded(self.name, fresh)
        assert isinstance(tracked, self.kind)
        return tracked

    def _where(self, test: Callable[[A], bool]) -> list[A]:
        return [a for a in (self._load(i, r) for i, r in self._rows().items()) if test(a)]

    def _first(self, test: Callable[[A], bool]) -> A | None:
        found = self._where(test)
        return found[0] if found else None

    async def add(self, aggregate: A) -> None:
        self._session.seen.added(self.name, aggregate)

    async def get_many(self, ids: Sequence[str]) -> list[A]:
        wanted = set(ids)
        return self._where(lambda a: str(getattr(a, "id")) in wanted)  # noqa: B009

    async def get(self, id: str) -> A:
        found = self.stored(id)
        if found is None:
            raise NotFound(f"No such {self.noun}.")
        return found

    def stored(self, id: str) -> A | None:
        """The aggregate of this id, None when there is none (what a join finds)."""
        known = self._session.seen.known(self.name, id)
        if isinstance(known, self.kind):
            return known
        row = self._rows().get(id)
        return None if row is None else self._load(id, row)


class MemoryOrganizations(MemoryTable[Organization]):
    name, kind, noun = "organizations", Organization, "organization"

    async def list(self) -> Sequence[Organization]:
        return self._where(lambda o: True)


class MemoryPrograms(MemoryTable[Program]):
    name, kind, noun = "programs", Program, "program"

    async def list_for_organization(self, organization_id: str) -> Sequence[Program]:
        return self._where(lambda p: p.organization_id == organization_id)


class MemoryUsers(MemoryTable[User]):
    name, kind, noun = "users", User, "user"

    async def find_by_email(self, organization_id: str, email: str) -> User | None:
        wanted = email.strip().lower()
        return self._first(lambda u: u.organization_id == organization_id and u.email == wanted)

    async def list_for_organization(self, organization_id: str) -> Sequence[User]:
        return self._where(lambda u: u.organization_id == organization_id)


class MemoryMembers(MemoryTable[Member]):
    name, kind, noun = "members", Member, "member"

    async def find(self, program_id: str, user_id: str) -> Member | None:
        return self._first(lambda m: m.program_id == program_id and m.user_id == user_id)

    async def list_for_program(self, program_id: str) -> Sequence[Member]:
        return self._where(lambda m: m.program_id == program_id)

    async def list_for_user(self, user_id: str) -> Sequence[Member]:
        return self._where(lambda m: m.user_id == user_id)

    async def list_mentors(self, program_id: str) -> Sequence[Member]:
        return self._where(lambda m: m.program_id == program_id and m.is_mentor)

    def guard(self, member: Member) -> None:
        self._session.seen.guard(self.name, member)


class MemoryConnections(MemoryTable[Connection]):
    name, kind, noun = "connections", Connection, "connection"

    async def list_for_member(self, member_id: str) -> Sequence[Connection]:
        found = self._where(lambda c: member_id in c.participants)
        return sorted(found, key=lambda c: (c.created_at, c.id))

    async def active_mentee_count(self, mentor_id: str) -> int:
        found = self._where(lambda c: c.is_active and mentor_id in c.mentor_ids)
        return sum(len(c.mentee_ids) for c in found)

    async def active_mentee_counts(self, program_id: str) -> dict[Any, int]:
        counts: dict[Any, int] = {}
        for c in self._where(lambda c: c.program_id == program_id and c.is_active):
            for mentor in c.mentor_ids:
                counts[mentor] = counts.get(mentor, 0) + len(c.mentee_ids)
        return counts


class MemoryMentorRequests(MemoryTable[MentorRequest]):
    name, kind, noun = "mentor_requests", MentorRequest, "mentor request"

    async def list_pending_for_member(self, member_id: str) -> Sequence[MentorRequest]:
        found = self._where(lambda r: r.is_pending and member_id in (r.mentee_id, r.mentor_id))
        return sorted(found, key=lambda r: (r.created_at, r.id))

    async def list_overdue(
        self, now: datetime, limit: int, *, organization_id: OrganizationId | None
    ) -> Sequence[MentorRequest]:
        found = self._where(
            lambda r: (
                r.status is RequestStatus.PENDING
                and r.expires_at <= now
                and organization_id in (None, r.organization_id)
            )
        )
        return sorted(found, key=lambda r: (r.expires_at, r.id))[:limit]


class MemoryMeetings(MemoryTable[MeetingProposal]):
    name, kind, noun = "meetings", MeetingProposal, "meeting"

    async def list_for_connection(self, connection_id: str) -> Sequence[MeetingProposal]:
        found = self._where(lambda m: m.connection_id == connection_id)
        return sorted(found, key=lambda m: (m.created_at, m.id))

    async def list_overdue(
        self, now: datetime, limit: int, *, organization_id: OrganizationId | None
    ) -> Sequence[MeetingProposal]:
        found = self._where(
            lambda m: m.is_overdue(now) and organization_id in (None, m.organization_id)
        )
        return sorted(found, key=lambda m: (m.slots[-1].start, m.id))[:limit]

    async def list_for_connections(
        self, connection_ids: Sequence[str]
    ) -> Sequence[MeetingProposal]:
        wanted = set(connection_ids)
        found = self._where(lambda m: m.connection_id in wanted)
        return sorted(found, key=lambda m: (m.created_at, m.id))


class MemorySurveys(MemoryTable[Survey]):
    name, kind, noun = "surveys", Survey, "survey"

    async def list_for_program(self, program_id: str) -> Sequence[Survey]:
        return self._where(lambda s: s.program_id == program_id)


class MemorySurveyAssignments(MemoryTable[SurveyAssignment]):
    name, kind, noun = "survey_assignments", SurveyAssignment, "survey assignment"

    async def find(self, survey_id: str, connection_id: str) -> SurveyAssignment | None:
        return self._first(lambda a: a.survey_id == survey_id and a.connection_id == connection_id)

    async def list_for_connection(self, connection_id: str) -> Sequence[SurveyAssignment]:
        found = self._where(lambda a: a.connection_id == connection_id)
        return sorted(found, key=lambda a: (a.assigned_at, a.id))

    async def list_for_connections(
        self, connection_ids: Sequence[str]
    ) -> Sequence[SurveyAssignment]:
        wanted = set(connection_ids)
        found = self._where(lambda a: a.connection_id in wanted)
        return sorted(found, key=lambda a: (a.assigned_at, a.id))


class MemoryInstallations(MemoryTable[WorkspaceInstallation]):
    name, kind, noun = "installations", WorkspaceInstallation, "workspace installation"

    def encode(self, state: dict[str, Any]) -> dict[str, Any]:
        return seal_installation(state, self._session.sealer)

    def decode(self, data: dict[str, Any]) -> dict[str, Any]:
        return unseal_installation(data, self._session.sealer)

    async def find_by_key(self, slack_key: str) -> WorkspaceInstallation | None:
        return self._first(lambda i: i.workspace.key == slack_key)

    async def hold(self, id: str) -> WorkspaceInstallation:
        await self._session.hold(self.name, id)
        return await self.get(id)

    async def list_for_organization(self, organization_id: str) -> Sequence[WorkspaceInstallation]:
        return self._where(lambda i: i.organization_id == organization_id)


class MemorySlackIdentities(MemoryTable[SlackIdentity]):
    name, kind, noun = "slack_identities", SlackIdentity, "Slack identity"

    async def list_for_organization(self, organization_id: str) -> Sequence[SlackIdentity]:
        return self._where(lambda i: i.organization_id == organization_id)

    async def list_for_user(self, user_id: str) -> Sequence[SlackIdentity]:
        return self._where(lambda i: i.user_id == user_id)

    def of_person(
        self, organization_id: str, directory_key: str, slack_user_id: str
    ) -> SlackIdentity | None:
        person = (organization_id, directory_key, slack_user_id)
        return self._first(
            lambda i: (i.organization_id, i.directory_key, i.slack_user_id) == person
        )


class MemorySlackCallers:
    """Who clicked, composed from the other in-memory stores as the SQL join does."""

    def __init__(
        self,
        *,
        installations: MemoryInstallations,
        organizations: MemoryOrganizations,
        identities: MemorySlackIdentities,
        users: MemoryUsers,
    ) -> None:
        self._installations = installations
        self._organizations = organizations
        self._identities = identities
        self._users = users

    async def find(
        self, slack_keys: Sequence[str], directory_key: str, slack_user_id: str
    ) -> Sequence[WorkspaceCaller]:
        slack_keys = caller_keys(slack_keys)
        found = [i for k in slack_keys if (i := await self._installations.find_by_key(k))]
        return [c for i in found if (c := self._caller(i, directory_key, slack_user_id))]

    def _caller(
        self, installation: WorkspaceInstallation, directory_key: str, slack_user_id: str
    ) -> WorkspaceCaller | None:
        organization = self._organizations.stored(installation.organization_id)
        if organization is None:
            return None
        identity = self._identities.of_person(
            installation.organization_id, directory_key, slack_user_id
        )
        user = self._users.stored(identity.user_id) if identity else None
        known = identity is not None and user is not None
        return WorkspaceCaller(
            installation=installation,
            organization=organization,
            identity=identity if known else None,
            user=user if known else None,
        )


class MemoryInstallAttempts(MemoryTable[InstallAttempt]):
    name, kind, noun = "install_attempts", InstallAttempt, "install attempt"


class MemoryRepositories:
    """Every in-memory store of one transaction (adding a store: one line here)."""

    def __init__(self, session: MemorySession) -> None:
        self.organizations = MemoryOrganizations(session)
        self.programs = MemoryPrograms(session)
        self.users = MemoryUsers(session)
        self.members = MemoryMembers(session)
        self.connections = MemoryConnections(session)
        self.mentor_requests = MemoryMentorRequests(session)
        self.meetings = MemoryMeetings(session)
        self.surveys = MemorySurveys(session)
        self.survey_assignments = MemorySurveyAssignments(session)
        self.installations = MemoryInstallations(session)
        self.slack_identities = MemorySlackIdentities(session)
        self.slack_callers = MemorySlackCallers(
            installations=self.installations,
            organizations=self.organizations,
            identities=self.slack_identities,
            users=self.users,
        )
        self.install_attempts = MemoryInstallAttempts(session)
        self.messages = MemoryMessages(session)
        self.slack_events = MemorySlackEvents(session)
        self.api_tokens = MemoryApiTokens(session)
        self.outbox = MemoryPendingOutbox(session)

    def tables(self) -> dict[str, MemoryTable[Any]]:
        """The aggregate stores, by table name."""
        return {s.name: s for s in vars(self).values() if isinstance(s, MemoryTable)}

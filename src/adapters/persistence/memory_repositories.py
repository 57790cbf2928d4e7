# Over 300 lines: one small repository class per aggregate, kept beside their shared base.
"""The in-memory repositories: queries over the store's encoded rows, loaded through the
unit of work's identity map. Writes happen in `MemoryUnitOfWork.commit` (memory.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from adapters.persistence.codec import load
from adapters.persistence.sealing import seal_installation, unseal_installation
from application.ports import OutboxMessage
from application.tokens import ApiToken
from domain.aggregate import Aggregate
from domain.connection import Connection, Message
from domain.errors import NotFound
from domain.ids import ConnectionId, OrganizationId
from domain.install_attempt import InstallAttempt
from domain.installation import WorkspaceInstallation
from domain.meeting import MeetingProposal
from domain.mentor_request import MentorRequest, RequestStatus
from domain.organization import Organization
from domain.people import Member, User
from domain.program import Program
from domain.slack_identity import SlackIdentity
from domain.survey import Survey, SurveyAssignment

if TYPE_CHECKING:
    from adapters.persistence.memory import MemoryStore, MemoryUnitOfWork

A = TypeVar("A", bound=Aggregate)


class _Table(Generic[A]):
    name: str
    kind: type[A]
    noun: str

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def _rows(self) -> dict[str, tuple[int, dict[str, Any]]]:
        return self._uow.store.table(self.name)

    def encode(self, state: dict[str, Any]) -> dict[str, Any]:
        """The stored form of an aggregate's state (identity unless secrets need sealing)."""
        return state

    def decode(self, data: dict[str, Any]) -> dict[str, Any]:
        return data

    def _load(self, id: str, row: tuple[int, dict[str, Any]]) -> A:
        fresh = load(self.kind, self.decode(row[1]), row[0])
        tracked = self._uow.seen.loaded(self.name, fresh)
        assert isinstance(tracked, self.kind)
        return tracked

    def _where(self, test: Callable[[A], bool]) -> list[A]:
        return [a for a in (self._load(i, r) for i, r in self._rows().items()) if test(a)]

    def _first(self, test: Callable[[A], bool]) -> A | None:
        found = self._where(test)
        return found[0] if found else None

    async def add(self, aggregate: A) -> None:
        self._uow.seen.added(self.name, aggregate)

    async def get_many(self, ids: Sequence[str]) -> list[A]:
        wanted = set(ids)
        return self._where(lambda a: str(getattr(a, "id")) in wanted)  # noqa: B009

    async def get(self, id: str) -> A:
        known = self._uow.seen.known(self.name, id)
        if isinstance(known, self.kind):
            return known
        row = self._rows().get(id)
        if row is None:
            raise NotFound(f"No such {self.noun}.")
        return self._load(id, row)


class MemoryOrganizations(_Table[Organization]):
    name, kind, noun = "organizations", Organization, "organization"

    async def list(self) -> Sequence[Organization]:
        return self._where(lambda o: True)


class MemoryPrograms(_Table[Program]):
    name, kind, noun = "programs", Program, "program"

    async def list_for_organization(self, organization_id: str) -> Sequence[Program]:
        return self._where(lambda p: p.organization_id == organization_id)


class MemoryUsers(_Table[User]):
    name, kind, noun = "users", User, "user"

    async def find_by_email(self, organization_id: str, email: str) -> User | None:
        wanted = email.strip().lower()
        return self._first(lambda u: u.organization_id == organization_id and u.email == wanted)

    async def list_for_organization(self, organization_id: str) -> Sequence[User]:
        return self._where(lambda u: u.organization_id == organization_id)


class MemoryMembers(_Table[Member]):
    name, kind, noun = "members", Member, "member"

    async def find(self, program_id: str, user_id: str) -> Member | None:
        return self._first(lambda m: m.program_id == program_id and m.user_id == user_id)

    async def list_for_program(self, program_id: str) -> Sequence[Member]:
        return self._where(lambda m: m.program_id == program_id)

    async def list_for_user(self, user_id: str) -> Sequence[Member]:
        return self._where(lambda m: m.user_id == user_id)

    def guard(self, member: Member) -> None:
        self._uow.seen.guard(self.name, member)


class MemoryMessages:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def add(self, message: Message) -> None:
        self._uow.new_messages.append(message)

    def _of(self, connection_id: str) -> list[Message]:
        found = self._uow.store.messages.get(connection_id, [])
        return sorted(found, key=lambda m: (m.sent_at, m.id))

    async def latest_for_connections(
        self, connection_ids: Sequence[ConnectionId], per_connection: int
    ) -> dict[ConnectionId, list[Message]]:
        if per_connection <= 0:
            return {}
        latest = {c: self._of(c)[-per_connection:] for c in dict.fromkeys(connection_ids)}
        return {c: found for c, found in latest.items() if found}

    async def list_for_connection(
        self,
        connection_id: ConnectionId,
        *,
        before: datetime | None,
        limit: int,
        before_id: str | None = None,
    ) -> Sequence[Message]:
        found = self._of(connection_id)
        if before is not None:
            cursor = (before, before_id or "")
            found = [m for m in found if (m.sent_at, m.id) < cursor]
        return list(reversed(found[-limit:])) if limit > 0 else []


class MemoryConnections(_Table[Connection]):
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


class MemoryMentorRequests(_Table[MentorRequest]):
    name, kind, noun = "mentor_requests", MentorRequest, "mentor request"

    async def list_pending_for_member(self, member_id: str) -> Sequence[MentorRequest]:
        found = self._where(lambda r: r.is_pending and member_id in (r.mentee_id, r.mentor_id))
        return sorted(found, key=lambda r: (r.created_at, r.id))

    async def list_overdue(
        self, now: datetime, limit: int, *, organization_id: OrganizationId | None
    ) -> Sequence[MentorRequest]:
        found = self._where(
            lambda r: r.status is RequestStatus.PENDING
            and r.expires_at <= now
            and organization_id in (None, r.organization_id)
        )
        return sorted(found, key=lambda r: (r.expires_at, r.id))[:limit]


class MemoryMeetings(_Table[MeetingProposal]):
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


class MemorySurveys(_Table[Survey]):
    name, kind, noun = "surveys", Survey, "survey"

    async def list_for_program(self, program_id: str) -> Sequence[Survey]:
        return self._where(lambda s: s.program_id == program_id)


class MemorySurveyAssignments(_Table[SurveyAssignment]):
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


class MemoryInstallations(_Table[WorkspaceInstallation]):
    name, kind, noun = "installations", WorkspaceInstallation, "workspace installation"

    def encode(self, state: dict[str, Any]) -> dict[str, Any]:
        return seal_installation(state, self._uow.sealer)

    def decode(self, data: dict[str, Any]) -> dict[str, Any]:
        return unseal_installation(data, self._uow.sealer)

    async def find_by_key(self, slack_key: str) -> WorkspaceInstallation | None:
        return self._first(lambda i: i.workspace.key == slack_key)

    async def list_for_organization(self, organization_id: str) -> Sequence[WorkspaceInstallation]:
        return self._where(lambda i: i.organization_id == organization_id)


class MemorySlackIdentities(_Table[SlackIdentity]):
    name, kind, noun = "slack_identities", SlackIdentity, "Slack identity"

    async def list_for_organization(self, organization_id: str) -> Sequence[SlackIdentity]:
        return self._where(lambda i: i.organization_id == organization_id)

    async def list_for_user(self, user_id: str) -> Sequence[SlackIdentity]:
        return self._where(lambda i: i.user_id == user_id)


class MemoryInstallAttempts(_Table[InstallAttempt]):
    name, kind, noun = "install_attempts", InstallAttempt, "install attempt"


class MemorySlackEvents:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def first_time(self, event_id: str, now: datetime) -> bool:
        if event_id in self._uow.store.slack_events or event_id in self._uow.new_events:
            return False
        self._uow.new_events[event_id] = now
        return True


class MemoryApiTokens:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    async def add(self, token: ApiToken) -> None:
        self._uow.new_tokens.append(token)

    async def find_by_hash(self, token_hash: str) -> ApiToken | None:
        return self._uow.store.tokens.get(token_hash)

    async def get(self, token_id: str) -> ApiToken:
        for token in self._uow.store.tokens.values():
            if token.id == token_id:
                return token
        raise NotFound("No such API token.")

    async def list_for_user(self, user_id: str) -> Sequence[ApiToken]:
        mine = [t for t in self._uow.store.tokens.values() if t.user_id == user_id]
        return sorted(mine, key=lambda t: (t.created_at, t.id))

    async def revoke(self, token: ApiToken) -> None:
        self._uow.revoked_tokens.append(token.token_hash)


class MemoryOutbox:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def list_pending(self, limit: int = 100) -> Sequence[OutboxMessage]:
        return [m for m in self._store.outbox if m.status == "pending"][:limit]

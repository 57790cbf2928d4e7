"""In-memory persistence: an honest stand-in for the database, checked by the same contract
suite. It stores encoded state (never live objects), versions every row, and applies a
commit all at once or not at all."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

import attrs

from adapters.persistence.codec import load
from adapters.persistence.sealing import TokenSealer, seal_installation, unseal_installation
from adapters.persistence.tracking import Seen
from application.ports import OutboxMessage
from application.tokens import ApiToken
from domain.aggregate import Aggregate
from domain.connection import Connection
from domain.errors import ConcurrencyConflict, NotFound
from domain.install_attempt import InstallAttempt
from domain.installation import WorkspaceInstallation
from domain.meeting import MeetingProposal
from domain.mentor_request import MentorRequest, RequestStatus
from domain.organization import Organization
from domain.people import Member, User
from domain.program import Program
from domain.slack_identity import SlackIdentity
from domain.survey import Survey, SurveyAssignment

A = TypeVar("A", bound=Aggregate)


@attrs.define
class MemoryStore:
    """The committed state, shared by every unit of work made from it."""

    tables: dict[str, dict[str, tuple[int, dict[str, Any]]]] = attrs.field(factory=dict)
    outbox: list[OutboxMessage] = attrs.field(factory=list)
    tokens: dict[str, ApiToken] = attrs.field(factory=dict)
    slack_events: dict[str, datetime] = attrs.field(factory=dict)

    def table(self, name: str) -> dict[str, tuple[int, dict[str, Any]]]:
        return self.tables.setdefault(name, {})


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
        found = self._where(lambda u: u.organization_id == organization_id and u.email == wanted)
        return found[0] if found else None

    async def list_for_organization(self, organization_id: str) -> Sequence[User]:
        return self._where(lambda u: u.organization_id == organization_id)


class MemoryMembers(_Table[Member]):
    name, kind, noun = "members", Member, "member"

    async def find(self, program_id: str, user_id: str) -> Member | None:
        found = self._where(lambda m: m.program_id == program_id and m.user_id == user_id)
        return found[0] if found else None

    async def list_for_program(self, program_id: str) -> Sequence[Member]:
        return self._where(lambda m: m.program_id == program_id)

    async def list_for_user(self, user_id: str) -> Sequence[Member]:
        return self._where(lambda m: m.user_id == user_id)

    def guard(self, member: Member) -> None:
        self._uow.seen.guard(self.name, member)


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

    async def find_pending(self, mentee_id: str, mentor_id: str) -> MentorRequest | None:
        found = self._where(
            lambda r: r.is_pending and r.mentee_id == mentee_id and r.mentor_id == mentor_id
        )
        return found[0] if found else None

    async def list_overdue(self, now: datetime, limit: int) -> Sequence[MentorRequest]:
        found = self._where(lambda r: r.status is RequestStatus.PENDING and r.expires_at <= now)
        return sorted(found, key=lambda r: (r.expires_at, r.id))[:limit]


class MemoryMeetings(_Table[MeetingProposal]):
    name, kind, noun = "meetings", MeetingProposal, "meeting"

    async def list_for_connection(self, connection_id: str) -> Sequence[MeetingProposal]:
        found = self._where(lambda m: m.connection_id == connection_id)
        return sorted(found, key=lambda m: (m.created_at, m.id))

    async def list_overdue(self, now: datetime, limit: int) -> Sequence[MeetingProposal]:
        found = self._where(lambda m: m.is_overdue(now))
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
        found = self._where(lambda a: a.survey_id == survey_id and a.connection_id == connection_id)
        return found[0] if found else None

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
        found = self._where(lambda i: i.workspace.key == slack_key)
        return found[0] if found else None

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


class MemoryOutbox:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def list_pending(self, limit: int = 100) -> Sequence[OutboxMessage]:
        return [m for m in self._store.outbox if m.status == "pending"][:limit]


# Uniqueness the database enforces with constraints: (table, key of a row) must not repeat.
_UNIQUE: dict[str, Callable[[dict[str, Any]], tuple[Any, ...]]] = {
    "users": lambda row: (row["organization_id"], row["email"]),
    "members": lambda row: (row["program_id"], row["user_id"]),
    "installations": lambda row: (
        row["workspace"]["enterprise_id"],
        row["workspace"]["team_id"],
    ),
    "slack_identities": lambda row: (
        row["organization_id"],
        row["directory_key"],
        row["slack_user_id"],
    ),
}


class MemoryUnitOfWork:
    """A transaction over a MemoryStore: nothing is visible to others until `commit()`."""

    def __init__(self, store: MemoryStore, sealer: TokenSealer | None = None) -> None:
        self.store = store
        self.sealer = sealer or _test_sealer()
        self.seen = Seen()
        self.new_tokens: list[ApiToken] = []
        self.new_events: dict[str, datetime] = {}
        self.organizations = MemoryOrganizations(self)
        self.programs = MemoryPrograms(self)
        self.users = MemoryUsers(self)
        self.members = MemoryMembers(self)
        self.connections = MemoryConnections(self)
        self.mentor_requests = MemoryMentorRequests(self)
        self.meetings = MemoryMeetings(self)
        self.surveys = MemorySurveys(self)
        self.survey_assignments = MemorySurveyAssignments(self)
        self.installations = MemoryInstallations(self)
        self.slack_identities = MemorySlackIdentities(self)
        self.install_attempts = MemoryInstallAttempts(self)
        self.slack_events = MemorySlackEvents(self)
        self.api_tokens = MemoryApiTokens(self)
        self.outbox = MemoryOutbox(store)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.rollback()

    async def rollback(self) -> None:
        self.seen.clear()
        self.new_tokens.clear()
        self.new_events.clear()

    async def commit(self) -> None:
        """Check every write first, then apply them all: all-or-nothing, like a transaction."""
        writes: list[tuple[str, str, int, dict[str, Any]]] = []
        for tracked in self.seen.items.values():
            state = tracked.current()
            table = self.store.table(tracked.table)
            key = str(state["id"])
            if tracked.is_new():
                if key in table:
                    raise ConcurrencyConflict(f"That {tracked.table[:-1]} already exists.")
                writes.append((tracked.table, key, 1, state))
            elif tracked.needs_update(state):
                if table[key][0] != tracked.loaded_version:
                    raise ConcurrencyConflict(
                        "Someone else changed this at the same time; reload and try again."
                    )
                writes.append((tracked.table, key, tracked.loaded_version + 1, state))
        self._check_unique(writes)
        for token in self.new_tokens:
            if token.token_hash in self.store.tokens:
                raise ConcurrencyConflict("That token already exists.")
        tables = {t.name: t for t in self._tables()}
        for event_id in self.new_events:
            if event_id in self.store.slack_events:
                raise ConcurrencyConflict("That Slack event was already handled.")
        for name, key, version, state in writes:
            self.store.table(name)[key] = (version, tables[name].encode(state))
        self.store.slack_events.update(self.new_events)
        for tracked in self.seen.items.values():
            for event in tracked.aggregate.pull_events():
                self.store.outbox.append(
                    OutboxMessage(
                        id=len(self.store.outbox) + 1,
                        topic=event.topic,
                        organization_id=event.organization_id,
                        payload=event.payload(),
                        created_at=event.occurred_at,
                    )
                )
        for name, key, version, _ in writes:
            self.seen.items[(name, key)].aggregate.version = version
        for token in self.new_tokens:
            self.store.tokens[token.token_hash] = token
        await self.rollback()

    def _tables(self) -> list[_Table[Any]]:
        return [
            self.organizations, self.programs, self.users, self.members, self.connections,
            self.mentor_requests, self.meetings, self.surveys, self.survey_assignments,
            self.installations, self.slack_identities, self.install_attempts,
        ]  # fmt: skip

    def _check_unique(self, writes: list[tuple[str, str, int, dict[str, Any]]]) -> None:
        for name, key, _, state in writes:
            unique = _UNIQUE.get(name)
            if unique is None:
                continue
            clash = [
                other
                for other, (_, row) in self.store.table(name).items()
                if other != key and unique(row) == unique(state)
            ] + [
                k for n, k, _, s in writes if n == name and k != key and unique(s) == unique(state)
            ]
            if clash:
                raise ConcurrencyConflict(f"That {name[:-1]} already exists.")


def memory_uow_factory(
    store: MemoryStore, sealer: TokenSealer | None = None
) -> Callable[[], MemoryUnitOfWork]:
    """A factory of units of work sharing one store (what bootstrap and tests hand to use cases)."""
    return lambda: MemoryUnitOfWork(store, sealer)


@functools.cache
def _test_sealer() -> TokenSealer:
    """Tests that don't care about keys still get tokens sealed, like the database does."""
    return TokenSealer(["in-memory-store"])

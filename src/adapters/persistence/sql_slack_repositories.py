"""Repositories of the Slack side's aggregates: workspace installations (their bot tokens
sealed at rest, a row lock to renew a rotating token once), Slack identities and install
attempts, and who clicked (installation, organization, identity and user in one query). The
same `SqlTable` base as the mentoring world's (`sql_repositories`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, and_, bindparam, select, update

from adapters.persistence import quick_path as quick
from adapters.persistence import tables as t
from adapters.persistence.sealing import seal_installation, unseal_installation
from adapters.persistence.sql_session import SqlSession
from adapters.persistence.sql_table import SqlTable, rows_of
from application.slack.ports import WorkspaceCaller, caller_keys
from domain.errors import NotFound
from domain.organization import Organization
from domain.people import User
from domain.slack.identity import SlackIdentity
from domain.slack.install_attempt import InstallAttempt
from domain.slack.installation import WorkspaceInstallation


class SqlInstallations(SqlTable[WorkspaceInstallation]):
    table, kind, noun = t.installations, WorkspaceInstallation, "workspace installation"
    _by_key = rows_of(t.installations, t.installations.c.slack_key == bindparam("key"))
    _in_organization = rows_of(
        t.installations, t.installations.c.organization_id == bindparam("org")
    )
    # PostgreSQL: a row lock until the transaction ends (SQLite renders no FOR UPDATE).
    _held = rows_of(t.installations, t.installations.c.id == bindparam("id")).with_for_update()
    # SQLite: a write, first in the transaction, takes the database's write lock at once (what
    # BEGIN IMMEDIATE does): other processes wait; the read after it sees the latest commit.
    _take_write_lock = (
        update(t.installations)
        .where(t.installations.c.id == bindparam("held_id"))
        .values(version=t.installations.c.version)
    )

    def columns(self, aggregate: WorkspaceInstallation) -> dict[str, Any]:
        return {
            "organization_id": aggregate.organization_id,
            "slack_key": aggregate.workspace.key,
            "status": aggregate.status.value,
            "token_expires_at": aggregate.bot.expires_at if aggregate.bot else None,
        }

    def encode(self, state: dict[str, Any]) -> dict[str, Any]:
        return seal_installation(state, self._session.sealer)

    def decode(self, data: dict[str, Any]) -> dict[str, Any]:
        return unseal_installation(data, self._session.sealer)

    async def find_by_key(self, slack_key: str) -> WorkspaceInstallation | None:
        return await self._first(self._by_key, key=slack_key)

    async def list_for_organization(self, organization_id: str) -> Sequence[WorkspaceInstallation]:
        return await self._fetch(self._in_organization, org=organization_id)

    async def hold(self, id: str) -> WorkspaceInstallation:
        connection = self._session.connection
        if connection.dialect.name == "sqlite":
            await self._session.hold_writers_turn()  # this process's writers, until the end
            await connection.execute(self._take_write_lock, {"held_id": id})
        found = await self._first(self._held, id=id)
        if found is None:
            raise NotFound(f"No such {self.noun}.")
        return found


class SqlSlackIdentities(SqlTable[SlackIdentity]):
    table, kind, noun = t.slack_identities, SlackIdentity, "Slack identity"
    _in_organization = rows_of(
        t.slack_identities, t.slack_identities.c.organization_id == bindparam("org")
    )
    _of_user = rows_of(t.slack_identities, t.slack_identities.c.user_id == bindparam("user_id"))

    def columns(self, aggregate: SlackIdentity) -> dict[str, Any]:
        return {
            "organization_id": aggregate.organization_id,
            "user_id": aggregate.user_id,
            "directory_key": aggregate.directory_key,
            "slack_user_id": aggregate.slack_user_id,
        }

    async def list_for_organization(self, organization_id: str) -> Sequence[SlackIdentity]:
        return await self._fetch(self._in_organization, org=organization_id)

    async def list_for_user(self, user_id: str) -> Sequence[SlackIdentity]:
        return await self._fetch(self._of_user, user_id=user_id)


class SqlInstallAttempts(SqlTable[InstallAttempt]):
    table, kind, noun = t.install_attempts, InstallAttempt, "install attempt"

    def columns(self, aggregate: InstallAttempt) -> dict[str, Any]:
        return {"created_at": aggregate.created_at}


def _callers() -> Select[Any]:
    """Installations by Slack key (two parameters, so the quick path runs it: a click has one
    key or two), their organization, and the person clicking if their identity is known. Each
    aggregate's (data, version) is labelled by its name: `identity`, `identity_version`."""
    i, o, s, u = t.installations, t.organizations, t.slack_identities, t.users
    person = and_(
        s.c.organization_id == i.c.organization_id,
        s.c.directory_key == bindparam("directory_key"),
        s.c.slack_user_id == bindparam("slack_user_id"),
    )
    joined = (
        i.join(o, o.c.id == i.c.organization_id)
        .outerjoin(s, person)
        .outerjoin(u, u.c.id == s.c.user_id)
    )
    named = {"installation": i, "organization": o, "identity": s, "user": u}
    stored = [
        column
        for name, table in named.items()
        for column in (table.c.data.label(name), table.c.version.label(f"{name}_version"))
    ]
    keys = i.c.slack_key.in_([bindparam("first_key"), bindparam("second_key")])
    return select(i.c.slack_key, *stored).select_from(joined).where(keys)


class SqlSlackCallers:
    """Who clicked, in one query, loaded through the transaction's identity map."""

    _callers = _callers()

    def __init__(
        self,
        session: SqlSession,
        *,
        installations: SqlTable[WorkspaceInstallation],
        organizations: SqlTable[Organization],
        identities: SqlTable[SlackIdentity],
        users: SqlTable[User],
    ) -> None:
        self._session = session
        self._installations = installations
        self._organizations = organizations
        self._identities = identities
        self._users = users

    async def find(
        self, slack_keys: Sequence[str], directory_key: str, slack_user_id: str
    ) -> Sequence[WorkspaceCaller]:
        slack_keys = caller_keys(slack_keys)
        if not slack_keys:
            return []
        values = {"first_key": slack_keys[0], "second_key": slack_keys[-1],
                  "directory_key": directory_key, "slack_user_id": slack_user_id}  # fmt: skip
        rows = await quick.rows(self._session.connection, self._callers, values)
        ordered = sorted(rows, key=lambda row: slack_keys.index(row.slack_key))
        return [self._caller(row) for row in ordered]

    def _caller(self, row: Any) -> WorkspaceCaller:
        known = row.identity is not None and row.user is not None
        return WorkspaceCaller(
            installation=self._installations.track(row.installation, row.installation_version),
            organization=self._organizations.track(row.organization, row.organization_version),
            identity=self._identities.track(row.identity, row.identity_version) if known else None,
            user=self._users.track(row.user, row.user_version) if known else None,
        )

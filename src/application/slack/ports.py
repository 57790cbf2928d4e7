"""What the Slack integration's use cases need from storage, beside the mentoring ports: the
units of work every adapter provides satisfy `SlackUnitOfWork` too."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import attrs

from application.ports import UnitOfWork
from domain.ids import InstallationId, OrganizationId, UserId
from domain.organization import Organization
from domain.people import User
from domain.slack.identity import SlackIdentity
from domain.slack.install_attempt import InstallAttempt
from domain.slack.installation import WorkspaceInstallation


class InstallationRepository(Protocol):
    """Slack workspaces connected to organizations. Bot tokens are sealed at rest."""

    async def add(self, installation: WorkspaceInstallation) -> None: ...
    async def get(self, id: InstallationId) -> WorkspaceInstallation: ...
    async def find_by_key(self, slack_key: str) -> WorkspaceInstallation | None:
        """The installation of one Slack (enterprise, team) pair, active or removed."""
        ...

    async def hold(self, id: InstallationId) -> WorkspaceInstallation:
        """The installation read afresh and held until this unit of work ends: another unit
        of work (in any process) holding it waits meanwhile. For what must happen once across
        workers, like spending a refresh token. Call it first in its unit of work."""
        ...

    async def list_for_organization(
        self, organization_id: OrganizationId
    ) -> Sequence[WorkspaceInstallation]: ...


class SlackIdentityRepository(Protocol):
    """Who is who in the connected Slack directories."""

    async def add(self, identity: SlackIdentity) -> None: ...
    async def get(self, id: str) -> SlackIdentity: ...
    async def list_for_organization(
        self, organization_id: OrganizationId
    ) -> Sequence[SlackIdentity]: ...
    async def list_for_user(self, user_id: UserId) -> Sequence[SlackIdentity]: ...


@attrs.frozen(kw_only=True)
class WorkspaceCaller:
    """An installation a click may come from, its organization, and who the clicking Slack
    user is there: their identity and platform user, both None when mentorlink does not know
    them in that organization."""

    installation: WorkspaceInstallation
    organization: Organization
    identity: SlackIdentity | None
    user: User | None


def caller_keys(slack_keys: Sequence[str]) -> Sequence[str]:
    """The keys a `SlackCallerRepository.find` is asked for, refused beyond two."""
    if len(slack_keys) > 2:
        raise ValueError("A click comes from a workspace and its Grid: at most two keys.")
    return slack_keys


class SlackCallerRepository(Protocol):
    """Who clicked, read in one go (every Slack click asks)."""

    async def find(
        self, slack_keys: Sequence[str], directory_key: str, slack_user_id: str
    ) -> Sequence[WorkspaceCaller]:
        """For each installation of these Slack keys (at most two: a workspace's and its
        Grid's), in the order of the keys, active or removed: the Slack user
        `slack_user_id` of the directory `directory_key` there."""
        ...


class InstallAttemptRepository(Protocol):
    """OAuth states of "Add a workspace" clicks."""

    async def add(self, attempt: InstallAttempt) -> None: ...
    async def get(self, id: str) -> InstallAttempt: ...


class SlackEventLog(Protocol):
    """Event ids already handled, so Slack's retries are handled once."""

    async def first_time(self, event_id: str, now: datetime) -> bool:
        """True, and remembered on commit, if this event id was never seen before."""
        ...


class SlackUnitOfWork(UnitOfWork, Protocol):
    """A unit of work that also reaches the Slack integration's stores."""

    @property
    def installations(self) -> InstallationRepository: ...
    @property
    def slack_identities(self) -> SlackIdentityRepository: ...
    @property
    def slack_callers(self) -> SlackCallerRepository: ...
    @property
    def install_attempts(self) -> InstallAttemptRepository: ...
    @property
    def slack_events(self) -> SlackEventLog: ...

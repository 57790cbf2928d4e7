# Over 300 lines: the aggregate with its value objects and events (rotating credentials too).
"""A Slack workspace (or a whole Enterprise Grid) connected to an organization by an admin.

The installation outlives the admin who made it: Slack delivery uses its bot, never a user's
token. Removing it (from our admin page or from Slack) erases the bot token but keeps the
record for audit; installing again makes it active again. Slack may also stop accepting the
bot token without telling us (`invalid_auth`, `token_revoked`, `account_inactive` outside any
removal): the installation then needs reconnecting, and an admin's new install (Reconnect)
makes it active again. With token rotation on at Slack, the bot token expires (12 hours) and
a refresh token buys the next one: `token_rotated` keeps the pair."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import ClassVar, TypedDict

import attrs

from domain.aggregate import Aggregate
from domain.errors import IllegalTransition, InvalidInput
from domain.events import DomainEvent
from domain.ids import InstallationId, OrganizationId, UserId


class InstallationStatus(enum.StrEnum):
    ACTIVE = "active"
    NEEDS_RECONNECTING = "needs_reconnecting"
    REMOVED = "removed"


#: Slack's answers that mean the bot token no longer works, in a person's words.
LOST_TOKEN_REASONS = {
    "invalid_auth": "Slack no longer accepts mentorlink's token for it",
    "token_revoked": "Its token was revoked in Slack",
    "account_inactive": "Slack says the app or the workspace is no longer active",
    "invalid_refresh_token": "Slack refused to renew its expiring token",
}


class RemovedBy(enum.StrEnum):
    ADMIN = "admin"
    SLACK = "slack"


@attrs.frozen(kw_only=True)
class SlackWorkspace:
    """Where the app was installed. An org-wide Grid install has an enterprise and no team."""

    enterprise_id: str | None = None
    enterprise_name: str | None = None
    team_id: str | None = None
    team_name: str = ""
    domain: str = ""
    icon_url: str = ""
    is_enterprise_install: bool = False

    def __attrs_post_init__(self) -> None:
        if self.is_enterprise_install and not self.enterprise_id:
            raise InvalidInput("An org-wide install needs an Enterprise Grid id.")
        if not self.is_enterprise_install and not self.team_id:
            raise InvalidInput("A workspace install needs a team id.")

    @property
    def key(self) -> str:
        """Slack's identity of an installation: (enterprise id, team id)."""
        return f"{self.enterprise_id or '-'}:{self.team_id or '-'}"

    @property
    def directory_key(self) -> str:
        """Users share one id across a Grid, so the Grid (else the team) scopes user ids."""
        return self.enterprise_id or self.team_id or ""

    @property
    def display_name(self) -> str:
        return self.team_name or self.enterprise_name or self.key


@attrs.frozen(kw_only=True)
class CoveredWorkspace:
    """A workspace the installation reaches: its own, or one its Grid granted an org-wide
    install (learnt at each directory sync)."""

    team_id: str
    name: str


@attrs.frozen(kw_only=True)
class BotCredentials:
    """The bot user's token and identity. The tokens never appear in a repr or a log.

    With token rotation (on at Slack, never off again) the token expires at `expires_at` and
    `refresh_token` buys the next pair, once; without it both are None."""

    token: str = attrs.field(repr=False)
    bot_user_id: str
    bot_id: str
    app_id: str
    scopes: tuple[str, ...]
    refresh_token: str | None = attrs.field(default=None, repr=False)
    expires_at: datetime | None = None

    def __attrs_post_init__(self) -> None:
        if (self.refresh_token is None) != (self.expires_at is None):
            raise InvalidInput("A rotating token needs both its refresh token and its expiry.")

    @property
    def rotates(self) -> bool:
        return self.refresh_token is not None

    def due_for_renewal(self, now: datetime, *, ahead: timedelta) -> bool:
        """True once the token is within `ahead` of its expiry (never for a lasting one)."""
        return self.expires_at is not None and now >= self.expires_at - ahead

    def renewed(self, *, token: str, refresh_token: str, expires_at: datetime) -> BotCredentials:
        """The same bot with the token pair Slack handed out for the refresh token."""
        if not self.rotates:
            raise IllegalTransition("This bot token does not rotate; there is nothing to renew.")
        if not token or not refresh_token:
            raise InvalidInput("A renewed token comes with its next refresh token.")
        return attrs.evolve(self, token=token, refresh_token=refresh_token, expires_at=expires_at)


class _Facts(TypedDict):
    organization_id: str
    occurred_at: datetime
    installation_id: str
    slack_key: str


@attrs.frozen(kw_only=True)
class InstallationEvent(DomainEvent):
    installation_id: str
    slack_key: str


@attrs.frozen(kw_only=True)
class InstallationAdded(InstallationEvent):
    topic: ClassVar[str] = "installation.added"
    installed_by: str


@attrs.frozen(kw_only=True)
class InstallationRefreshed(InstallationEvent):
    topic: ClassVar[str] = "installation.refreshed"
    installed_by: str


@attrs.frozen(kw_only=True)
class InstallationReactivated(InstallationEvent):
    topic: ClassVar[str] = "installation.reactivated"
    installed_by: str


@attrs.frozen(kw_only=True)
class InstallationRemoved(InstallationEvent):
    topic: ClassVar[str] = "installation.removed"
    removed_by: str


@attrs.frozen(kw_only=True)
class InstallationNeedsReconnecting(InstallationEvent):
    topic: ClassVar[str] = "installation.needs_reconnecting"
    reason: str


@attrs.define(kw_only=True, eq=False)
class WorkspaceInstallation(Aggregate):
    """active -> needs reconnecting (Slack refused its token) -> active again on reinstall;
    active or needs reconnecting -> removed (by an admin or from Slack) -> active again on
    reinstall."""

    id: InstallationId
    organization_id: OrganizationId
    workspace: SlackWorkspace
    bot: BotCredentials | None
    installed_by: UserId
    installer_slack_user_id: str
    installed_at: datetime
    status: InstallationStatus = InstallationStatus.ACTIVE
    removed_at: datetime | None = None
    removed_by: RemovedBy | None = None
    directory_synced_at: datetime | None = None
    #: Slack's error code when Slack stopped accepting the token (kept after a removal, so
    #: the record says the token was already dead); cleared by a reinstall.
    lost_reason: str | None = None
    lost_at: datetime | None = None
    #: The workspaces its last directory sync paged.
    covered: tuple[CoveredWorkspace, ...] = ()

    @classmethod
    def install(
        cls,
        *,
        id: InstallationId,
        organization_id: OrganizationId,
        workspace: SlackWorkspace,
        bot: BotCredentials,
        installed_by: UserId,
        installer_slack_user_id: str,
        now: datetime,
    ) -> WorkspaceInstallation:
        installation = cls(
            id=id,
            organization_id=organization_id,
            workspace=workspace,
            bot=bot,
            installed_by=installed_by,
            installer_slack_user_id=installer_slack_user_id,
            installed_at=now,
        )
        installation.record(
            InstallationAdded(**installation._facts(now), installed_by=installed_by)
        )
        return installation

    @property
    def is_active(self) -> bool:
        return self.status is InstallationStatus.ACTIVE

    @property
    def needs_reconnecting(self) -> bool:
        return self.status is InstallationStatus.NEEDS_RECONNECTING

    @property
    def is_removed(self) -> bool:
        return self.status is InstallationStatus.REMOVED

    @property
    def lost_reason_text(self) -> str:
        """Why it needs reconnecting, in words, with Slack's own code."""
        if self.lost_reason is None:
            return ""
        words = LOST_TOKEN_REASONS.get(self.lost_reason, "Slack refused its token")
        return f"{words} ({self.lost_reason})."

    @property
    def team_id(self) -> str | None:
        return self.workspace.team_id

    def reinstall(
        self,
        *,
        workspace: SlackWorkspace,
        bot: BotCredentials,
        installed_by: UserId,
        installer_slack_user_id: str,
        now: datetime,
    ) -> None:
        """A new install of the same workspace: fresh token, scopes and details."""
        if workspace.key != self.workspace.key:
            raise InvalidInput("That install is for another Slack workspace.")
        was_active = self.is_active
        self.workspace = workspace
        self.bot = bot
        self.installed_by = installed_by
        self.installer_slack_user_id = installer_slack_user_id
        self.installed_at = now
        self.status = InstallationStatus.ACTIVE
        self.removed_at = None
        self.removed_by = None
        self.lost_reason = None
        self.lost_at = None
        kind = InstallationRefreshed if was_active else InstallationReactivated
        self.record(kind(**self._facts(now), installed_by=installed_by))

    def token_refused(self, *, reason: str, now: datetime) -> bool:
        """Slack answered `reason` (e.g. `invalid_auth`) to the bot token outside any removal:
        stop using it until an admin reconnects. False (and nothing changes) when it already
        needs reconnecting or was removed: many deliveries may learn it at once."""
        if not self.is_active:
            return False
        if not reason:
            raise InvalidInput("Say what Slack answered.")
        self.status = InstallationStatus.NEEDS_RECONNECTING
        self.lost_reason = reason
        self.lost_at = now
        self.record(InstallationNeedsReconnecting(**self._facts(now), reason=reason))
        return True

    def token_rotated(
        self, *, token: str, refresh_token: str, expires_at: datetime, now: datetime
    ) -> None:
        """Keep the pair Slack answered to our refresh token (the old refresh token is spent).
        No event: nothing outside the installation cares which token is current."""
        if not self.is_active or self.bot is None:
            raise IllegalTransition(
                f"{self.workspace.display_name} is not connected; its token cannot be renewed."
            )
        if expires_at <= now:
            raise InvalidInput("A renewed token must expire in the future.")
        self.bot = self.bot.renewed(token=token, refresh_token=refresh_token,
                                    expires_at=expires_at)  # fmt: skip

    def remove(self, *, by: RemovedBy, now: datetime) -> None:
        """Stop using this workspace and forget its token; the record stays for audit."""
        if self.is_removed:
            raise IllegalTransition(f"{self.workspace.display_name} was already removed.")
        self.status = InstallationStatus.REMOVED
        self.bot = None
        self.removed_at = now
        self.removed_by = by
        self.record(InstallationRemoved(**self._facts(now), removed_by=by.value))

    def directory_synced(
        self, *, now: datetime, covered: tuple[CoveredWorkspace, ...] | None = None
    ) -> None:
        self.directory_synced_at = now
        if covered is not None:
            self.covered = covered

    def _facts(self, now: datetime) -> _Facts:
        return _Facts(
            organization_id=self.organization_id,
            occurred_at=now,
            installation_id=self.id,
            slack_key=self.workspace.key,
        )

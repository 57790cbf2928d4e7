"""A platform user's account in a Slack directory: where their DMs go and in which timezone.

Within an Enterprise Grid a person has one Slack user id in every workspace, so an identity
is keyed by (organization, directory key = Grid or team id, Slack user id): ONE per person
per Grid, however many of the Grid's workspaces they are in."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import attrs

from domain.aggregate import Aggregate
from domain.events import DomainEvent
from domain.ids import InstallationId, OrganizationId, UserId


@attrs.frozen(kw_only=True)
class SlackIdentityFound(DomainEvent):
    """A person was found in a connected Slack directory for the first time."""

    topic: ClassVar[str] = "slack_identity.found"
    identity_id: str
    user_id: str
    installation_id: str
    slack_user_id: str


@attrs.define(kw_only=True, eq=False)
class SlackIdentity(Aggregate):
    id: str
    organization_id: OrganizationId
    user_id: UserId
    directory_key: str
    slack_user_id: str
    installation_id: InstallationId
    email: str
    tz: str | None
    seen_at: datetime
    #: The workspaces the person was last found in (in a Grid, any of its workspaces).
    team_ids: tuple[str, ...] = ()
    #: When Slack said the account was deactivated; None while it is active. No DM goes to
    #: a deactivated account (delivery falls back to e-mail); active again, it is reachable.
    deactivated_at: datetime | None = None

    @classmethod
    def found(
        cls,
        *,
        id: str,
        organization_id: OrganizationId,
        user_id: UserId,
        directory_key: str,
        slack_user_id: str,
        installation_id: InstallationId,
        email: str,
        tz: str | None,
        now: datetime,
        team_ids: tuple[str, ...] = (),
    ) -> SlackIdentity:
        """First seen in a directory: the person is welcomed (and told what waits for them)."""
        identity = cls(
            id=id, organization_id=organization_id, user_id=user_id,
            directory_key=directory_key, slack_user_id=slack_user_id,
            installation_id=installation_id, email=email, tz=tz, seen_at=now,
            team_ids=team_ids,
        )  # fmt: skip
        identity.record(
            SlackIdentityFound(
                organization_id=organization_id, occurred_at=now, identity_id=id,
                user_id=user_id, installation_id=installation_id, slack_user_id=slack_user_id,
            )
        )  # fmt: skip
        return identity

    def refresh(
        self,
        *,
        installation_id: InstallationId,
        email: str,
        tz: str | None,
        now: datetime,
        team_ids: tuple[str, ...] | None = None,
    ) -> None:
        """Seen again, active (a sync or a `user_change`); keep what changed (timezone,
        email, workspaces) — an account deactivated before is active again."""
        self.installation_id = installation_id
        self.deactivated_at = None
        self.email = email
        self.tz = tz
        self.seen_at = now
        if team_ids is not None:
            self.team_ids = team_ids

    @property
    def deactivated(self) -> bool:
        """Slack deactivated the account: nothing can be sent to it."""
        return self.deactivated_at is not None

    def deactivate(self, *, now: datetime) -> bool:
        """Slack says the account is deactivated; True if that is news."""
        if self.deactivated_at is not None:
            return False
        self.deactivated_at = now
        self.seen_at = now
        return True


def identity_id(organization_id: str, directory_key: str, slack_user_id: str) -> str:
    """Deterministic id: syncing the same person twice finds the same identity."""
    return f"{organization_id[:12]}.{directory_key}.{slack_user_id}"[:64]

"""A Slack workspace connected to an organization; its Slack details come with the install."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import ClassVar

import attrs

from domain.aggregate import Aggregate
from domain.errors import IllegalTransition
from domain.events import DomainEvent
from domain.ids import InstallationId, OrganizationId


class InstallationStatus(enum.StrEnum):
    ACTIVE = "active"
    REMOVED = "removed"


class RemovedBy(enum.StrEnum):
    ADMIN = "admin"
    SLACK = "slack"


@attrs.frozen(kw_only=True)
class InstallationRemoved(DomainEvent):
    topic: ClassVar[str] = "installation.removed"
    installation_id: str
    team_id: str
    removed_by: str


@attrs.frozen(kw_only=True)
class InstallationReactivated(DomainEvent):
    topic: ClassVar[str] = "installation.reactivated"
    installation_id: str
    team_id: str


@attrs.define(kw_only=True, eq=False)
class WorkspaceInstallation(Aggregate):
    """active -> removed (by an admin or from Slack); reinstalling makes it active again."""

    id: InstallationId
    organization_id: OrganizationId
    team_id: str
    installed_at: datetime
    status: InstallationStatus = InstallationStatus.ACTIVE
    removed_at: datetime | None = None
    removed_by: RemovedBy | None = None

    @property
    def is_active(self) -> bool:
        return self.status is InstallationStatus.ACTIVE

    def remove(self, *, by: RemovedBy, now: datetime) -> None:
        if not self.is_active:
            raise IllegalTransition("This workspace was already removed.")
        self.status = InstallationStatus.REMOVED
        self.removed_at = now
        self.removed_by = by
        self.record(
            InstallationRemoved(
                organization_id=self.organization_id,
                occurred_at=now,
                installation_id=self.id,
                team_id=self.team_id,
                removed_by=by.value,
            )
        )

    def reactivate(self, *, now: datetime) -> None:
        if self.is_active:
            raise IllegalTransition("This workspace is already connected.")
        self.status = InstallationStatus.ACTIVE
        self.removed_at = None
        self.removed_by = None
        self.installed_at = now
        self.record(
            InstallationReactivated(
                organization_id=self.organization_id,
                occurred_at=now,
                installation_id=self.id,
                team_id=self.team_id,
            )
        )

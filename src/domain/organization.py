"""Organizations (tenants) and the support-controlled Slack switch."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import attrs

from domain.aggregate import Aggregate
from domain.errors import IllegalTransition, InvalidInput
from domain.events import DomainEvent
from domain.ids import OrganizationId
from domain.working_hours import WorkingWindow, zone_of


@attrs.frozen(kw_only=True)
class SlackSwitched(DomainEvent):
    topic: ClassVar[str] = "organization.slack_switched"
    enabled: bool
    by_user_id: str


@attrs.define(kw_only=True, eq=False)
class Organization(Aggregate):
    """A customer of the platform. Only support staff may switch Slack on or off."""

    id: OrganizationId
    name: str
    slack_enabled: bool = False
    # When notifications may arrive, in each person's own timezone (this one when theirs is
    # unknown): outside it they are held, never dropped.
    working_window: WorkingWindow = attrs.field(factory=WorkingWindow)
    timezone: str = "UTC"

    def __attrs_post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidInput("An organization needs a name.")

    def set_working_window(self, window: WorkingWindow, *, timezone: str) -> None:
        if zone_of(timezone).key != timezone:
            raise InvalidInput(f"{timezone!r} is not a timezone (try e.g. Europe/Berlin).")
        self.working_window, self.timezone = window, timezone

    def switch_slack(self, enabled: bool, *, by: str, now: datetime) -> None:
        if self.slack_enabled == enabled:
            state = "on" if enabled else "off"
            raise IllegalTransition(f"Slack is already {state} for {self.name}.")
        self.slack_enabled = enabled
        self.record(
            SlackSwitched(organization_id=self.id, occurred_at=now, enabled=enabled, by_user_id=by)
        )

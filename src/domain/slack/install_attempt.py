"""An admin's "Add a workspace" click: the OAuth `state` Slack hands back to us.

It is bound to the admin's browser session and organization, may be used once, and only
within ten minutes — so a replayed, stale or foreign callback installs nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs

from domain.aggregate import Aggregate
from domain.errors import IllegalTransition, NotAllowed
from domain.ids import OrganizationId, UserId

LIFETIME = timedelta(minutes=10)


@attrs.define(kw_only=True, eq=False)
class InstallAttempt(Aggregate):
    id: str  # the OAuth state value itself (random, unguessable)
    organization_id: OrganizationId
    user_id: UserId
    session_key: str  # a hash of the admin's session id, never the session id itself
    created_at: datetime
    used_at: datetime | None = None

    def use(self, *, session_key: str, organization_id: str, now: datetime) -> None:
        """Spend the state, or say why this callback cannot be trusted."""
        if self.used_at is not None:
            raise IllegalTransition("This Slack link was already used. Start again.")
        if session_key != self.session_key or organization_id != self.organization_id:
            raise NotAllowed("This Slack link was started in another session. Start again.")
        if now >= self.created_at + LIFETIME:
            raise IllegalTransition("This Slack link expired after 10 minutes. Start again.")
        self.used_at = now

"""A person's notification preferences: the kinds they muted, their own notification hours
(overriding the organization's working window) and the daily digest of low-priority kinds.

Kinds are named as the delivery table names them (`application.delivery.model.
NotificationKind` values). Requests and meetings addressed to the person are never muted:
someone is waiting for their answer."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from domain.errors import InvalidInput, NotAllowed
from domain.ids import OrganizationId, UserId
from domain.working_hours import WorkingWindow

# Someone waits for the person's answer (or the person for someone else's): never muted,
# never put in a digest.
NEVER_MUTED = frozenset({
    "mentor_request_received", "mentor_request_answered", "mentor_request_withdrawn",
    "meeting_proposed", "meeting_answered",
})  # fmt: skip
MUTABLE = frozenset({
    "connection_published", "message_received", "task_assigned", "task_completed",
    "survey_assigned", "announcement", "mentors_recommended",
})  # fmt: skip
# Low priority: once a day in one message for those who ask for the digest.
DIGESTIBLE = frozenset({"announcement", "task_completed"})

CANNOT_MUTE = (
    "Requests and meetings addressed to you can't be muted: someone is waiting for your "
    "answer. Nothing was changed."
)


@attrs.define(kw_only=True, eq=False)
class NotificationPreferences:
    """One person's choices. `window` None: the organization's working window applies.
    `version` is bumped by the store on every save (two saves from the same read: one wins)."""

    user_id: UserId
    organization_id: OrganizationId
    muted: frozenset[str] = frozenset()
    window: WorkingWindow | None = None
    digest: bool = False
    version: int = 0

    def mute_exactly(self, kinds: Iterable[str]) -> None:
        """Mute these kinds and no other; refused (nothing changed) when one of them may not
        be muted or is not a kind at all."""
        wanted = frozenset(kinds)
        unknown = wanted - MUTABLE - NEVER_MUTED
        if unknown:
            raise InvalidInput(f"There is no notification kind {sorted(unknown)[0]!r}.")
        if wanted & NEVER_MUTED:
            raise NotAllowed(CANNOT_MUTE)
        self.muted = wanted

    def set_window(self, window: WorkingWindow | None) -> None:
        """Own notification hours (None: back to the organization's)."""
        self.window = window

    def set_digest(self, on: bool) -> None:
        self.digest = on

    def is_muted(self, kind: str) -> bool:
        return kind in self.muted and kind not in NEVER_MUTED

    def digests(self, kind: str) -> bool:
        """True when a notification of this kind waits for the person's daily digest."""
        return self.digest and kind in DIGESTIBLE and not self.is_muted(kind)


def defaults_for(user_id: UserId, organization_id: OrganizationId) -> NotificationPreferences:
    """What a person who never chose anything gets: everything, one message each, at the
    organization's hours."""
    return NotificationPreferences(user_id=user_id, organization_id=organization_id)

"""Everything a person can do from Slack: handlers by mentoring subject (`requests`,
`meetings`, `connections`, `mentors`, `surveys`) and the Home tab's own `preferences`, the
`Registry` that routes interactions to them and the `Interactions` dispatcher that runs them
as the person who acted."""

from __future__ import annotations

from adapters.slack.actions import connections, meetings, mentors, preferences, requests, surveys
from adapters.slack.actions.registry import Registry


def default_registry() -> Registry:
    """Every in-Slack action of mentorlink's DMs, modals and Home tab: one way in."""
    return Registry().include(
        requests.register, meetings.register, connections.register, mentors.register,
        surveys.register, preferences.register,
    )  # fmt: skip

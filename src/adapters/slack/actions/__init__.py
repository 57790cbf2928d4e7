"""Everything a person can do from Slack: handlers by mentoring subject (`requests`,
`meetings`, `connections`, `mentors`, `surveys`), the `Registry` that routes interactions to
them and the `Interactions` dispatcher that runs them as the person who acted."""

from __future__ import annotations

from adapters.slack.actions import connections, meetings, mentors, requests, surveys
from adapters.slack.actions.registry import Registry


def default_registry() -> Registry:
    """Every in-Slack action of mentorlink's DMs and modals. App Home adds its own."""
    return Registry().include(
        requests.register, meetings.register, connections.register, mentors.register,
        surveys.register,
    )  # fmt: skip

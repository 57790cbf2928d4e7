"""`SlackInbox`: what Slack sends, handled one way whichever road it came by.

Slack delivers events and interactions over HTTP (`POST /slack/events`,
`/slack/interactivity`, signed) or over a Socket Mode connection (envelopes on a WebSocket).
Both roads end here once the delivery is trusted (the HTTP edge checks the signature; a
Socket Mode connection was opened with the app-level token): the event envelope or the
interaction payload in, a `Reply` out — what to acknowledge with (a `response_action`, a
`url_verification` challenge, or nothing) and what to do right after the acknowledgement
(publish a Home, say the outcome through a `response_url`). Nothing here knows HTTP or
WebSockets.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from adapters.slack.actions.dispatch import Interactions, Later
from adapters.slack.actions.payloads import interaction_of
from adapters.slack.inbound import UrlVerification, read_event
from application.actors import SYSTEM
from application.running import UseCaseRunner
from application.slack.directory_changes import SlackAccountChanged, slack_account_changed
from application.slack.home_publishing import HomeOpened, HomePublisher
from application.slack.removal import workspace_removed_in_slack

JSON = dict[str, Any]


@attrs.frozen
class Reply:
    """What to acknowledge with (None: a bare acknowledgement) and what follows it."""

    body: JSON | None = None
    later: Sequence[Later] = ()


class SlackInbox:
    """Runs what an event or an interaction asks for, as the HTTP endpoints and the Socket
    Mode listener both need it."""

    def __init__(
        self, runner: UseCaseRunner, interactions: Interactions, homes: HomePublisher | None
    ) -> None:
        self.runner = runner
        self.interactions = interactions
        self.homes = homes

    async def event(self, envelope: JSON) -> Reply:
        """An Events API envelope; raises `MalformedEnvelope` for one that is not Slack's.
        Removals run before the acknowledgement (once per `event_id`); a Home is published
        after it."""
        asked = read_event(envelope)
        if isinstance(asked, UrlVerification):
            return Reply({"challenge": asked.challenge})
        if isinstance(asked, HomeOpened):
            homes = self.homes
            if homes is None:
                return Reply()
            opened = asked
            return Reply(later=[lambda: homes.opened(opened)])
        if isinstance(asked, SlackAccountChanged):
            await self.runner(slack_account_changed, asked, SYSTEM)
        elif asked is not None:
            await self.runner(workspace_removed_in_slack, asked, SYSTEM)
        return Reply()

    async def interaction(self, payload: JSON) -> Reply:
        """An interaction payload (`block_actions`, `view_submission`, `view_closed`); raises
        `MalformedEnvelope` for one that is not an object."""
        asked = interaction_of(payload)
        if asked is None:
            return Reply()
        answer = await self.interactions.handle(asked)
        return Reply(answer.body, answer.later)

"""What Slack's two endpoints need, handed over as one: the check of Slack's signature (our
signing secret, read at the app's clock) and the inbox that handles what is signed.

One dependency rather than three: Litestar resolves the dependencies a handler names side by
side in a task group of their own, which cost a Slack click more CPU than checking its
signature."""

from __future__ import annotations

from collections.abc import Mapping

import attrs
from litestar.di import NamedDependency

from adapters.slack.inbox import SlackInbox
from adapters.slack.signing import verify_slack_request
from adapters.slack.slack_app import SlackApp
from application.ports import Clock


@attrs.frozen(kw_only=True)
class SlackDoor:
    slack: SlackApp
    inbox: SlackInbox
    clock: Clock

    def signed(self, headers: Mapping[str, str], raw: bytes) -> bool:
        """Signed with our signing secret, less than 5 minutes ago (see `signing`)."""
        return verify_slack_request(self.slack.signing_secret, headers, raw, self.clock.now())


Door = NamedDependency[SlackDoor]
"""What Slack's endpoints receive by name."""

"""Our Slack app as the endpoints and the Slack page see it: its public credentials, the
signing secret and the OAuth flow's URLs (Slack's consent page, our callback). Handed over by
the composition root; nothing here reads the environment."""

from __future__ import annotations

import attrs
from slack_sdk.oauth import AuthorizeUrlGenerator

from adapters.slack.manifest import BOT_SCOPES

OAUTH_CALLBACK_PATH = "/slack/oauth/callback"
"""Where Slack sends the administrator's browser back after the consent page."""


@attrs.frozen(kw_only=True)
class SlackApp:
    """Our Slack app as the endpoints see it: its public credentials, the signing secret and
    where Slack sends admins back after the consent page. (The Slack gateway is the use case
    runner's to hand to the use cases that call Slack.)"""

    client_id: str
    signing_secret: str = attrs.field(repr=False)
    oauth_url: str
    public_url: str

    @property
    def redirect_uri(self) -> str:
        return f"{self.public_url.rstrip('/')}{OAUTH_CALLBACK_PATH}"

    def authorize_url(self, state: str, team: str | None = None) -> str:
        """Slack's consent page for the least scopes mentorlink needs, carrying `state`;
        `team` (a workspace or Grid id) preselects where to install, as for Reconnect."""
        generator = AuthorizeUrlGenerator(
            client_id=self.client_id,
            redirect_uri=self.redirect_uri,
            scopes=list(BOT_SCOPES),
            authorization_url=self.oauth_url,
        )
        url: str = generator.generate(state, team=team)
        return url

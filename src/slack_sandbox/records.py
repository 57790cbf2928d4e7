"""The things the sandbox remembers while it runs (all in memory, cleared by a reset)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import attrs

JSON = dict[str, Any]


@attrs.define
class Install:
    """The app installed in one workspace, or org-wide in a Grid (`team_id` None)."""

    id: str
    enterprise_id: str | None
    team_id: str | None
    bot_user_id: str
    bot_id: str
    installer_user_id: str
    scopes: set[str]
    token: str
    installed_at: float
    active: bool = True
    #: Token rotation is on for this install (it cannot be switched off again).
    rotating: bool = False
    #: The refresh token that buys the next token pair (rotating installs only).
    refresh_token: str = ""

    @property
    def is_enterprise_install(self) -> bool:
        """True for an org-wide Grid install."""
        return self.team_id is None

    @property
    def scope_key(self) -> str:
        """The workspace (or Grid, for org-wide installs) this install acts in."""
        return self.team_id or self.enterprise_id or ""


@attrs.define
class Token:
    """A bot token; it stays known after revocation so Slack's `token_revoked` can be told."""

    value: str
    install_id: str
    issued_at: float
    revoked: bool = False
    #: What calls with the token answer once revoked: `token_revoked` after auth.revoke,
    #: `account_inactive` after the app was uninstalled.
    revoked_error: str = "token_revoked"
    #: How long a rotating token works, in Slack seconds (time-scaled when checked, like every
    #: sandbox window); None: for ever.
    lifetime: float | None = None

    def left(self, now: float, scaled: Callable[[float], float]) -> float | None:
        """Real seconds until it expires (<= 0: expired); None when it never does."""
        if self.lifetime is None:
            return None
        return scaled(self.lifetime) - (now - self.issued_at)


@attrs.define
class RefreshToken:
    """A rotating install's refresh token: spent by its one use."""

    value: str
    install_id: str
    issued_at: float
    spent: bool = False


@attrs.define
class Message:
    """A bot message in a DM (or an ephemeral one, seen only by `visible_to`)."""

    channel: str
    ts: str
    text: str
    blocks: list[JSON]
    install_id: str
    bot_user_id: str
    bot_id: str
    team_id: str
    metadata: JSON | None = None
    edits: list[JSON] = attrs.field(factory=list)
    edited_ts: str | None = None
    thread_ts: str | None = None
    visible_to: str | None = None
    deleted: bool = False
    picked: JSON = attrs.field(factory=dict)  # stateful elements' choices, for state.values

    def as_slack(self, app_id: str) -> JSON:
        """The message as Slack returns it from chat.postMessage / chat.update."""
        body: JSON = {"type": "message", "text": self.text, "user": self.bot_user_id,
                      "bot_id": self.bot_id, "app_id": app_id, "ts": self.ts,
                      "team": self.team_id, "blocks": self.blocks}
        if self.edited_ts:
            body["edited"] = {"user": self.bot_user_id, "ts": self.edited_ts}
        if self.thread_ts:
            body["thread_ts"] = self.thread_ts
        if self.metadata is not None:
            body["metadata"] = self.metadata
        return body


@attrs.define
class DmChannel:
    """The bot's direct-message channel with one user (one per Grid, as user ids are)."""

    id: str
    scope_key: str
    user_id: str
    messages: dict[str, Message] = attrs.field(factory=dict)
    ephemerals: list[Message] = attrs.field(factory=list)
    last_ts: float = 0.0


@attrs.define
class View:
    """A modal in a user's stack or a published Home tab."""

    id: str
    install_id: str
    team_id: str
    user_id: str
    kind: Literal["modal", "home"]
    definition: JSON
    hash: str
    root_view_id: str
    previous_view_id: str | None = None
    external_id: str | None = None
    errors: dict[str, str] = attrs.field(factory=dict)
    state_values: JSON = attrs.field(factory=dict)
    picked: JSON = attrs.field(factory=dict)  # choices in actions blocks, for state.values


@attrs.define
class Trigger:
    """A trigger_id handed to the app with an interaction; single use, short-lived."""

    id: str
    install_id: str
    team_id: str
    user_id: str
    created_at: float
    view_id: str | None = None
    used: bool = False


@attrs.define
class ResponseUrl:
    """A response_url for a message interaction: 5 uses within 30 minutes."""

    id: str
    install_id: str
    team_id: str
    user_id: str
    channel: str
    message_ts: str
    created_at: float
    uses: int = 0


@attrs.define
class OAuthCode:
    """An authorization code from the consent page; single use, 10 minutes."""

    code: str
    client_id: str
    redirect_uri: str | None
    scopes: list[str]
    team_id: str | None
    enterprise_id: str | None
    installer_user_id: str
    created_at: float
    used: bool = False


@attrs.define
class Attempt:
    """One HTTP delivery attempt to the app and what came back."""

    number: int
    at: float
    status: int | None
    reason: str | None
    duration_ms: float
    body: str = ""
    #: Socket Mode only: the envelope this attempt sent (the same on every retry).
    envelope_id: str | None = None


@attrs.define
class Delivery:
    """An event or interaction sent to the app, with every attempt."""

    id: str
    kind: Literal["event", "interaction", "url_verification"]
    type: str
    team_id: str | None
    user_id: str | None
    payload: JSON
    attempts: list[Attempt] = attrs.field(factory=list)
    outcome: str = "pending"

    def as_json(self) -> JSON:
        """For the inspection API."""
        return attrs.asdict(self)

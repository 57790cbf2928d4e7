"""Token rotation, as Slack does it for an app that turned it on.

With rotation on (`--token-rotation`, or `token_rotation` in `POST /_sandbox/config`), an
install's bot token is an `xoxe.xoxb-` token that expires `token_lifetime_seconds` (Slack
seconds, 12 hours by default; time-scaled) after it was issued, and oauth.v2.access answers it
with a `refresh_token` (`xoxe-`) and `expires_in` (real seconds, so an app can trust it as
it would Slack's; the time scale applies when a token is checked, like every sandbox window,
so raising it later makes live tokens expire sooner). `oauth.v2.access` with
`grant_type=refresh_token` spends the refresh token once: it answers a new access token and a
new refresh token; a second use of the spent one is `invalid_refresh_token`. Rotation cannot
be switched off for an install once on. An earlier access token keeps working until it
expires; an expired one answers `token_expired` to every Web API method. Removing the app
revokes all of the install's tokens.
"""

from __future__ import annotations

import secrets

from slack_sandbox.errors import SlackError
from slack_sandbox.records import Install, RefreshToken, Token
from slack_sandbox.state import SandboxState


def expires_in(state: SandboxState, token: Token) -> int | None:
    """Slack's `expires_in` for a token: whole real seconds left (None: it never expires)."""
    left = token.left(state.now(), state.tunables.scaled)
    if left is None:
        return None
    return max(1, round(left)) if left > 0 else 0


def expired(state: SandboxState, token: Token) -> bool:
    left = token.left(state.now(), state.tunables.scaled)
    return left is not None and left <= 0


def issue_rotating(state: SandboxState, install: Install) -> str:
    """A fresh expiring access token and refresh token for `install`; returns the token."""
    now = state.now()
    value = (f"xoxe.xoxb-1-{secrets.randbelow(10**12):012d}-{secrets.randbelow(10**13):013d}-"
             f"{secrets.token_urlsafe(24)}")
    state.tokens[value] = Token(value=value, install_id=install.id, issued_at=now,
                                lifetime=state.tunables.token_lifetime_seconds)
    previous = state.refresh_tokens.get(install.refresh_token)
    if previous is not None:  # a reinstall's new pair supersedes the old refresh token
        previous.spent = True
    refresh = f"xoxe-1-{secrets.token_urlsafe(40)}"
    state.refresh_tokens[refresh] = RefreshToken(value=refresh, install_id=install.id,
                                                 issued_at=now)
    install.token, install.refresh_token = value, refresh
    return value


def refresh(state: SandboxState, value: str | None) -> Install:
    """Spend a refresh token (once) for the install's next token pair."""
    record = state.refresh_tokens.get(value or "")
    if record is None or record.spent:
        raise SlackError("invalid_refresh_token")
    install = state.installs[record.install_id]
    if not install.active:
        raise SlackError("invalid_refresh_token")
    record.spent = True
    issue_rotating(state, install)
    state.changed()
    return install

"""Installing and removing the app: OAuth codes, installs, bot tokens.

Slack's behaviour, followed here:
- an authorization code is single use and lives 10 minutes (time-scaled);
- one bot token per app per workspace: reinstalling an active install keeps the same token
  and adds the newly granted scopes (scopes are additive); after a removal the next install
  gets a fresh token;
- a removal (auth.revoke, apps.uninstall, "Remove app") revokes the token for good;
- with token rotation on, tokens expire and each code exchange gives a new pair (`rotation`).
"""

from __future__ import annotations

import secrets

from slack_sandbox.errors import SlackError
from slack_sandbox.records import JSON, Install, OAuthCode, Token
from slack_sandbox.rotation import expires_in, issue_rotating
from slack_sandbox.state import SandboxState

CODE_TTL_SECONDS = 600.0


def issue_code(state: SandboxState, *, client_id: str, redirect_uri: str | None,
               scopes: list[str], team_id: str | None, enterprise_id: str | None,
               installer_user_id: str) -> OAuthCode:
    """A fresh authorization code for the consent page's "Allow"."""
    value = f"{int(state.now())}.{secrets.token_hex(20)}"
    code = OAuthCode(code=value, client_id=client_id, redirect_uri=redirect_uri,
                     scopes=scopes, team_id=team_id, enterprise_id=enterprise_id,
                     installer_user_id=installer_user_id, created_at=state.now())
    state.oauth_codes[value] = code
    return code


def redeem_code(state: SandboxState, value: str | None, redirect_uri: str | None) -> OAuthCode:
    """The code's grant, once; raises Slack's error when it cannot be redeemed."""
    code = state.oauth_codes.get(value or "")
    if code is None:
        raise SlackError("invalid_code")
    if code.used:
        raise SlackError("code_already_used")
    if state.now() - code.created_at > state.tunables.scaled(CODE_TTL_SECONDS):
        raise SlackError("invalid_code")
    # Slack demands the identical redirect_uri when the authorize step carried one.
    if code.redirect_uri is not None and redirect_uri != code.redirect_uri:
        raise SlackError("bad_redirect_uri")
    code.used = True
    return code


def _new_token(state: SandboxState, install: Install) -> str:
    if install.rotating:
        return issue_rotating(state, install)
    value = (f"xoxb-{secrets.randbelow(10**12):012d}-{secrets.randbelow(10**13):013d}-"
             f"{secrets.token_urlsafe(18)}")
    state.tokens[value] = Token(value=value, install_id=install.id, issued_at=state.now())
    return value


def install_app(state: SandboxState, *, team_id: str | None, enterprise_id: str | None,
                scopes: list[str], installer_user_id: str) -> Install:
    """Create or refresh the install for a workspace (or a whole Grid when team_id is None)."""
    for existing in state.installs.values():
        if existing.team_id == team_id and existing.enterprise_id == enterprise_id:
            existing.rotating = existing.rotating or state.tunables.token_rotation
            if not existing.active or existing.rotating:
                if not existing.active:
                    existing.scopes = set()
                existing.token = _new_token(state, existing)
            existing.active = True
            existing.scopes |= set(scopes)
            existing.installer_user_id = installer_user_id
            existing.installed_at = state.now()
            state.changed()
            return existing
    # One bot user per app per Grid (user ids are Grid-wide), else per workspace.
    anchor = enterprise_id or team_id or ""
    install_id = state.new_id("I")
    install = Install(id=install_id, enterprise_id=enterprise_id, team_id=team_id,
                      bot_user_id=f"U{anchor[1:]}BOT", bot_id=f"B{(team_id or anchor)[1:]}",
                      installer_user_id=installer_user_id, scopes=set(scopes), token="",
                      installed_at=state.now(), rotating=state.tunables.token_rotation)
    install.token = _new_token(state, install)
    state.installs[install_id] = install
    state.changed()
    return install


def access_response(state: SandboxState, install: Install) -> JSON:
    """oauth.v2.access's answer for a fresh (re)install."""
    directory = state.directory
    team = directory.workspaces.get(install.team_id or "")
    grid = directory.grids.get(install.enterprise_id or "")
    rotation: JSON = {}
    token = state.tokens.get(install.token)
    left = expires_in(state, token) if token is not None else None
    if install.rotating and left is not None:
        rotation = {"refresh_token": install.refresh_token, "expires_in": left}
    return {
        "ok": True,
        "app_id": state.config.app_id,
        "authed_user": {"id": install.installer_user_id},
        "scope": ",".join(sorted(install.scopes)),
        "token_type": "bot",
        "access_token": install.token,
        "bot_user_id": install.bot_user_id,
        "team": {"id": team.id, "name": team.name} if team else None,
        "enterprise": {"id": grid.id, "name": grid.name} if grid else None,
        "is_enterprise_install": install.is_enterprise_install,
        **rotation,
    }


def remove_install(state: SandboxState, install: Install, error: str = "token_revoked") -> str:
    """Deactivate the install and revoke its token; returns the revoked token.

    `error` is what later calls with the token answer (`token_revoked` or `account_inactive`).
    """
    install.active = False
    for token in state.tokens.values():  # a rotating install's earlier tokens too
        if token.install_id == install.id and not token.revoked:
            token.revoked = True
            token.revoked_error = error
    refresh = state.refresh_tokens.get(install.refresh_token)
    if refresh is not None:
        refresh.spent = True
    state.changed()
    return install.token

"""What a Web API method is (handler, scopes, auth) and what a handler gets (a Call)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from slack_sandbox.errors import SlackError
from slack_sandbox.records import JSON, Install
from slack_sandbox.state import SandboxState

if TYPE_CHECKING:
    from slack_sandbox.services import Sandbox


@attrs.define
class Call:
    """One incoming Web API call, already authenticated."""

    sandbox: Sandbox
    method: str
    params: dict[str, Any]
    headers: Mapping[str, str]
    token_install: Install | None

    @property
    def state(self) -> SandboxState:
        """The sandbox's memory."""
        return self.sandbox.state

    @property
    def install(self) -> Install:
        """The caller's install (methods that need a token only)."""
        if self.token_install is None:
            raise SlackError("not_authed")
        return self.token_install

    def team_for(self, team_hint: str | None = None) -> str:
        """The workspace a call acts in: the hint (`team_id` argument) for org-wide tokens."""
        install = self.install
        if install.team_id is not None:
            return install.team_id
        teams = self.state.teams_of(install)
        if team_hint is None:
            raise SlackError("missing_argument")
        if team_hint not in teams:
            raise SlackError("team_access_not_granted")
        return team_hint


Handler = Callable[[Call], JSON]


@attrs.frozen
class Method:
    """A Web API method: its handler, the scopes it needs, whether it wants a token."""

    name: str
    handler: Handler
    scopes: tuple[str, ...] = ()
    needs_token: bool = True

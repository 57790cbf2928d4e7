"""The sandbox's working parts, wired together: state, rate limiter, deliverer."""

from __future__ import annotations

import time
from collections.abc import Callable

import attrs

from slack_sandbox import events
from slack_sandbox.config import SandboxConfig, tunables_from
from slack_sandbox.delivery import Deliverer
from slack_sandbox.installs import remove_install
from slack_sandbox.keeping import StateKeeper, load_into
from slack_sandbox.mailbox import Mail, MailHandler, SmtpReceiver
from slack_sandbox.rate_limits import RateLimiter
from slack_sandbox.records import Delivery, Install
from slack_sandbox.socket_mode import SocketHub
from slack_sandbox.state import SandboxState
from slack_sandbox.workspaces import Directory, load_directory


@attrs.define
class Sandbox:
    """One running sandbox: what it knows, how it limits, how it talks to the app."""

    state: SandboxState
    limiter: RateLimiter
    deliverer: Deliverer
    smtp: SmtpReceiver | None = None
    keeper: StateKeeper | None = None

    @property
    def hub(self) -> SocketHub:
        """The app's Socket Mode connections."""
        return self.deliverer.hub

    def reset(self) -> None:
        """Forget runtime state and rate-limit consumption (the directory stays; open Socket
        Mode connections stay open)."""
        self.state.reset()
        self.hub.lost_acks = self.hub.drops_mid_envelope = 0
        self.limiter.tunables = self.state.tunables
        self.limiter.reset()

    def remove_app(self, install: Install, *, reason: str, uninstalled: bool) -> list[Delivery]:
        """Revoke the install's token and tell the app: `app_uninstalled` (when the app is
        uninstalled, not merely its token revoked) then `tokens_revoked`."""
        team_id = install.team_id or (self.state.teams_of(install) or [""])[0]
        sent = []
        if uninstalled:
            sent.append(self.deliverer.send_event(
                team_id, None, events.app_uninstalled(self.state, install, team_id)))
        sent.append(self.deliverer.send_event(
            team_id, None, events.tokens_revoked(self.state, install, team_id)))
        remove_install(self.state, install, reason)
        return sent


def build_sandbox(config: SandboxConfig, directory: Directory | None = None,
                  clock: Callable[[], float] = time.time) -> Sandbox:
    """A sandbox for `config` (the directory is loaded from the config unless given)."""
    if directory is None:
        directory = load_directory(config.workspaces_file, config.generated_users)
    state = SandboxState(directory=directory, config=config, tunables=tunables_from(config),
                         clock=clock)

    def receive(mail: Mail) -> None:
        state.mails.append(mail)
        state.changed()

    smtp = (SmtpReceiver(MailHandler(receive, clock), config.host, config.smtp_port)
            if config.smtp_port else None)
    keeper = None
    if config.state_file is not None:
        load_into(state, config.state_file)
        keeper = StateKeeper(state, config.state_file)
    return Sandbox(state=state, limiter=RateLimiter(state.tunables, clock),
                   deliverer=Deliverer(state), smtp=smtp, keeper=keeper)

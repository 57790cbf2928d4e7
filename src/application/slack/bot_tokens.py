"""Bot tokens fit to use: with token rotation on, an installation's token expires (every 12
hours at Slack) and is renewed before it does, once, whichever worker notices first.

Spending a refresh token is the one Slack call that must never happen twice: Slack answers a
second use with `invalid_refresh_token` and the installation is lost until an admin
reconnects. So the renewal holds the installation (`InstallationRepository.hold`: a row lock
on PostgreSQL, the writers' turn on SQLite) and reads it again first: when another worker
(another process) renewed it meanwhile, its token is used instead. A refresh Slack refuses
marks the installation "needs reconnecting" (see reconnect.py) and raises `TokenNotRenewed`,
so deliveries fall back as they do for a token Slack stopped accepting. Slack unreachable
(`SlackUnavailable`) changes nothing: the caller retries later."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import attrs

from application.ports import Clock
from application.slack.gateway import SlackError, SlackGateway, SlackUnavailable
from application.slack.ports import SlackUnitOfWork
from domain.errors import ConcurrencyConflict
from domain.ids import InstallationId
from domain.slack.installation import WorkspaceInstallation

#: Slack's answer to a call with an access token past its expiry.
TOKEN_EXPIRED = "token_expired"
#: slack-sdk's token rotator renews two hours ahead of a 12-hour token's expiry.
DEFAULT_AHEAD = timedelta(minutes=120)


class TokenNotRenewed(SlackError):
    """Slack refused to renew the token (`code` says why); the installation now needs
    reconnecting."""


@attrs.define(kw_only=True)
class BotTokens:
    """Hands out installations' bot tokens, renewing a rotating one `ahead` of its expiry."""

    slack: SlackGateway
    uow_factory: Callable[[], SlackUnitOfWork]
    clock: Clock
    ahead: timedelta = DEFAULT_AHEAD
    #: Renewals this process made (operators' and tests' counter).
    renewed: int = 0

    def due(self, expires_at: datetime | None) -> bool:
        """True when a token expiring at `expires_at` should be renewed now."""
        return expires_at is not None and self.clock.now() >= expires_at - self.ahead

    async def fresh(self, installation_id: str, token: str, expires_at: datetime | None) -> str:
        """`token` while it is not due for renewal, else the installation's renewed token."""
        if not self.due(expires_at):
            return token
        return await self.renew(installation_id, stale=token)

    async def of(self, installation: WorkspaceInstallation) -> str:
        """The bot token of an active installation, renewed first when due."""
        if installation.bot is None:
            raise SlackError("not_authed", "the installation has no bot token")
        bot = installation.bot
        return await self.fresh(installation.id, bot.token, bot.expires_at)

    async def renew(self, installation_id: str, *, stale: str) -> str:
        """A token to use instead of `stale` (which is due, or Slack said it expired):
        another worker's renewal if there was one since, else a renewal of our own."""
        async with self.uow_factory() as uow:
            installation = await uow.installations.hold(InstallationId(installation_id))
            bot = installation.bot
            if not installation.is_active or bot is None:
                raise TokenNotRenewed(installation.lost_reason or "invalid_auth",
                                      "the installation is no longer active")
            if not bot.rotates or (bot.token != stale and not self.due(bot.expires_at)):
                return bot.token  # someone renewed it meanwhile (or it never rotated)
            assert bot.refresh_token is not None
            try:
                rotated = await self.slack.rotate_token(bot.refresh_token)
            except SlackUnavailable:
                raise
            except SlackError as refused:
                await self._lost(uow, installation, refused.code)
                raise TokenNotRenewed(refused.code, refused.detail) from None
            expires_at = self.clock.now() + timedelta(seconds=rotated.expires_in)
            try:
                installation.token_rotated(token=rotated.access_token,
                                           refresh_token=rotated.refresh_token,
                                           expires_at=expires_at, now=self.clock.now())
                await uow.commit()
            except ConcurrencyConflict:
                await self._keep(installation.id, rotated.access_token,
                                 rotated.refresh_token, expires_at)
        self.renewed += 1
        return rotated.access_token

    async def _lost(
        self, uow: SlackUnitOfWork, installation: WorkspaceInstallation, code: str
    ) -> None:
        """Mark the installation "needs reconnecting" (again in a fresh unit of work when
        another change of it won the first commit)."""
        try:
            installation.token_refused(reason=code, now=self.clock.now())
            await uow.commit()
            return
        except ConcurrencyConflict:
            pass
        async with self.uow_factory() as again:
            fresh = await again.installations.get(installation.id)
            if fresh.token_refused(reason=code, now=self.clock.now()):
                await again.commit()

    async def _keep(self, installation_id: InstallationId, token: str, refresh_token: str,
                    expires_at: datetime) -> None:
        """Store a renewal whose first commit lost to another change of the installation (a
        store without row locks): the refresh token is spent, the new one must not be lost."""
        for attempt in (1, 2, 3):
            try:
                async with self.uow_factory() as uow:
                    installation = await uow.installations.hold(installation_id)
                    installation.token_rotated(token=token, refresh_token=refresh_token,
                                               expires_at=expires_at, now=self.clock.now())
                    await uow.commit()
                    return
            except ConcurrencyConflict:
                if attempt == 3:
                    raise

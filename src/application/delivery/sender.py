# Over 300 lines: every outcome of a send (Slack, e-mail, held, retried, dead, token renewed).
"""Sending due deliveries: claim (committed before any network call), route, hold in quiet
hours, pace, render, call the channel, record the outcome in a second call. Never sleeps
holding a lease: a delivery that must wait is held or rescheduled and the lease let go.

What Slack's answers lead to:
- `ratelimited` (with Retry-After): that workspace's method pauses for every worker; retry then.
- 5xx, timeouts (`SlackUnavailable`): retry with backoff and jitter; dead after N attempts.
- `invalid_auth`, `token_revoked`, `account_inactive`: the installation cannot post; it is
  marked "needs reconnecting" (application/slack/reconnect.py) and this delivery, like every
  one after it until an admin reconnects, goes by e-mail.
- token rotation: a token due for renewal is renewed first, once across workers
  (application/slack/bot_tokens.py); `token_expired` (Slack's clock ahead of ours) renews and
  posts again, once; a renewal Slack refuses marks the installation "needs reconnecting" and
  the delivery goes by e-mail, as for a lost token.
- `user_not_found`, `channel_not_found`: this person goes by e-mail.
- `invalid_blocks` and other refusals of the message itself: dead, with Slack's reason."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from datetime import datetime, timedelta

import attrs

from application.delivery.model import Channel, Delivery, SlackMessageRef
from application.delivery.ports import (
    DeliveryStore,
    EveryTurn,
    Mailer,
    MailError,
    MailRenderer,
    NotCounted,
    SlackCalls,
    SlackContent,
    SlackPacing,
    SlackRenderer,
    Turns,
)
from application.delivery.preferences import PersonalTiming
from application.delivery.routing import MailRoute, NoRoute, SlackRoute, route_for
from application.ports import Clock
from application.slack.bot_tokens import TOKEN_EXPIRED, BotTokens, TokenNotRenewed
from application.slack.gateway import (
    PostedMessage,
    SlackError,
    SlackGateway,
    SlackRateLimited,
    SlackUnavailable,
)
from application.slack.ports import SlackUnitOfWork
from application.slack.reconnect import note_refused_token
from domain.ids import InstallationId, OrganizationId

log = logging.getLogger(__name__)

POST, UPDATE = "chat.postMessage", "chat.update"
_REROUTE_WORKSPACE = frozenset({"invalid_auth", "token_revoked", "account_inactive"})
_REROUTE_PERSON = frozenset({"user_not_found", "channel_not_found"})
_ABANDONED = (
    "Sending it was abandoned {n} times: the worker stopped (crashed or was killed) every time "
    "it tried. Look at the workers' logs before retrying it."
)


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """Exponential backoff with full jitter: attempt n waits up to base * 2**(n-1), capped."""

    max_attempts: int = 8
    base: timedelta = timedelta(seconds=5)
    cap: timedelta = timedelta(minutes=30)

    def next_attempt(self, attempts: int, now: datetime, rng: Callable[[], float]) -> datetime:
        ceiling = min(self.cap, self.base * (1 << min(max(attempts - 1, 0), 20)))
        return now + ceiling * (0.5 + rng() / 2)


@attrs.define(kw_only=True)
class Sender:
    """Sends what is due; one `send_due` call is one batch. Everything it needs is handed in
    by the composition root."""

    store: DeliveryStore
    pacing: SlackPacing
    slack: SlackGateway
    slack_renderer: SlackRenderer
    mailer: Mailer | None
    mail_renderer: MailRenderer
    uow_factory: Callable[[], SlackUnitOfWork]
    clock: Clock
    lease: timedelta = timedelta(seconds=60)
    retry: RetryPolicy = attrs.field(factory=RetryPolicy)
    rng: Callable[[], float] = random.random
    calls: SlackCalls = attrs.field(factory=NotCounted)
    turns: Turns = attrs.field(factory=EveryTurn)
    timing: PersonalTiming = attrs.field(factory=PersonalTiming)  # per-person preferences
    # rotating bot tokens renewed ahead of expiry; by default on this sender's Slack and store
    tokens: BotTokens = attrs.field(
        default=attrs.Factory(
            lambda self: BotTokens(slack=self.slack, uow_factory=self.uow_factory,
                                   clock=self.clock),
            takes_self=True,
        )
    )  # fmt: skip

    async def send_due(self, limit: int = 20, stop: asyncio.Event | None = None) -> int:
        """Claim up to `limit` due deliveries and settle each, one per turn; how many were
        claimed. Once `stop` is set, the ones not begun are given back at once."""
        claimed = await self.store.claim(self.clock.now(), limit, self.lease)
        for index, delivery in enumerate(claimed):
            await self.turns.wait_turn()
            late = delivery.lease_until is not None and (
                self.clock.now() >= delivery.lease_until - self.lease / 4
            )  # a slow batch gives the rest back rather than let its leases run out
            if late or (stop is not None and stop.is_set()):
                for untouched in claimed[index:]:
                    await self.store.release(
                        untouched.id, now=self.clock.now(), lease_until=untouched.lease_until
                    )
                break
            if delivery.attempts > self.retry.max_attempts:  # every try ended its worker
                await self.store.dead(
                    delivery.id, error=_ABANDONED.format(n=delivery.attempts - 1),
                    lease_until=delivery.lease_until,
                )  # fmt: skip
                continue
            try:
                await self._settle(delivery)
            except Exception as error:  # never lose it: retry, with the reason kept
                log.exception("Delivery %s failed unexpectedly", delivery.id)
                await self._retry(delivery, f"unexpected error: {type(error).__name__}")
        return len(claimed)

    async def _settle(self, delivery: Delivery, slack_refused: str | None = None) -> None:
        notification = delivery.notification
        if notification.refresh:  # updates what was sent: no route, no quiet hours
            await self._refresh(delivery)
            return
        async with self.uow_factory() as uow:
            organization = await uow.organizations.get(OrganizationId(notification.organization_id))
            route = await route_for(
                notification, uow, mail_configured=self.mailer is not None,
                slack_refused=slack_refused,
            )  # fmt: skip
        if isinstance(route, NoRoute):
            await self.store.unreachable(
                delivery.id, reason=route.reason, lease_until=delivery.lease_until
            )
            return
        now = self.clock.now()
        timezone = route.timezone or organization.timezone
        # -- the person's preferences (application.delivery.preferences): hours, digest ------
        timing = await self.timing.decide(delivery, organization.working_window, timezone, now)
        if timing.wait_until is not None or timing.went_in_digest:
            await self._in_digest(delivery, route, timing.wait_until)
            return
        if timing.send_instead is not None:
            delivery = attrs.evolve(delivery, notification=timing.send_instead)
        opens = timing.window.next_opening(now, timezone)
        # -- end of the person's preferences -------------------------------------------------
        if opens is not None:
            await self.store.hold(delivery.id, until=opens, lease_until=delivery.lease_until)
            return
        if isinstance(route, SlackRoute):
            await self._post(delivery, route)
        else:
            await self._mail(delivery, route)

    async def _post(self, delivery: Delivery, route: SlackRoute) -> None:
        now = self.clock.now()
        wait = await self.pacing.reserve(route.workspace, POST, now)
        if wait is not None:
            await self.store.hold(delivery.id, until=wait, lease_until=delivery.lease_until)
            return
        content = self.slack_renderer.render(delivery.notification, delivery_id=delivery.id)
        try:
            posted = await self._post_message(route, content)
        except SlackError as refused:
            self._count(POST, refused)
            await self._slack_refused(delivery, route, refused)
            return
        self._count(POST)
        ref = SlackMessageRef(
            installation_id=route.installation_id, channel_id=posted.channel, ts=posted.ts
        )
        await self.store.sent(
            delivery.id,
            channel=Channel.SLACK,
            slack=ref,
            now=self.clock.now(),
            lease_until=delivery.lease_until,
        )

    async def _post_message(self, route: SlackRoute, content: SlackContent) -> PostedMessage:
        """`chat.postMessage` with a token fit to use; once more after `token_expired` (the
        refused post changed nothing at Slack) with the renewed token."""
        token = await self.tokens.fresh(route.installation_id, route.token, route.expires_at)
        for attempt in (1, 2):
            try:
                return await self.slack.post_message(
                    token, channel=route.slack_user_id, text=content.text,
                    blocks=content.blocks, metadata=content.metadata, team_id=route.team_id,
                )  # fmt: skip
            except SlackError as refused:
                if refused.code != TOKEN_EXPIRED or attempt == 2:
                    raise
                token = await self.tokens.renew(route.installation_id, stale=token)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _slack_refused(
        self, delivery: Delivery, route: SlackRoute, refused: SlackError
    ) -> None:
        if isinstance(refused, SlackRateLimited):
            until = self.clock.now() + timedelta(seconds=refused.retry_after)
            await self.pacing.pause(route.workspace, POST, until)
            await self.store.hold(delivery.id, until=until, lease_until=delivery.lease_until)
        elif isinstance(refused, SlackUnavailable):
            await self._retry(delivery, f"Slack unavailable: {refused.detail or refused.code}")
        elif isinstance(refused, TokenNotRenewed):  # already marked needs reconnecting
            await self._settle(delivery, slack_refused=f"Slack answered {refused.code}.")
        elif refused.code in _REROUTE_WORKSPACE | _REROUTE_PERSON:
            if refused.code in _REROUTE_WORKSPACE:  # the token is lost: flag it for the admin
                installation_id = InstallationId(route.installation_id)
                await note_refused_token(self.uow_factory(), installation_id, refused, self.clock)
            reason = f"Slack answered {refused.code}."
            await self._settle(delivery, slack_refused=reason)
        else:
            await self.store.dead(
                delivery.id,
                error=f"Slack refused the message: {refused.code}",
                lease_until=delivery.lease_until,
            )

    async def _mail(self, delivery: Delivery, route: MailRoute) -> None:
        assert self.mailer is not None  # routing offers e-mail only when there is a mailer
        try:
            await self.mailer.send(
                to=route.address, content=self.mail_renderer.render(delivery.notification)
            )
        except MailError as failed:
            if failed.permanent:
                await self.store.dead(
                    delivery.id,
                    error=f"E-mail refused: {failed.detail}",
                    lease_until=delivery.lease_until,
                )
            else:
                await self._retry(delivery, f"E-mail failed: {failed.detail}")
            return
        await self.store.sent(
            delivery.id,
            channel=Channel.EMAIL,
            slack=None,
            now=self.clock.now(),
            lease_until=delivery.lease_until,
        )

    async def _refresh(self, delivery: Delivery) -> None:
        """Bring every Slack message about the subject up to this state (latest wins); an
        update is never held by quiet hours."""
        notification = delivery.notification
        for shown in await self.store.slack_messages_about(notification.subject.key):
            if shown.slack is None:
                continue
            if not await self.store.record_update(shown.id, notification.subject_version):
                continue  # it already shows this state or a newer one
            async with self.uow_factory() as uow:
                installation = await uow.installations.get(
                    InstallationId(shown.slack.installation_id)
                )
            if not installation.is_active or installation.bot is None:
                continue  # nothing to update through any more: the message went with it
            # the outcome as the person who got that message reads it ("Cancelled by you")
            as_seen = attrs.evolve(
                notification, recipient_user_id=shown.notification.recipient_user_id
            )
            content = self.slack_renderer.render(as_seen, delivery_id=shown.id)
            try:
                await self.slack.update_message(
                    await self.tokens.of(installation),
                    channel=shown.slack.channel_id, ts=shown.slack.ts,
                    text=content.text, blocks=content.blocks,
                    team_id=installation.workspace.team_id,
                )  # fmt: skip
                self._count(UPDATE)
            except SlackError as refused:
                self._count(UPDATE, refused)
                log.warning("Could not update message of %s: %s", shown.id, refused.code)
                await note_refused_token(self.uow_factory(), installation.id, refused, self.clock)
        await self.store.sent(
            delivery.id,
            channel=Channel.SLACK,
            slack=None,
            now=self.clock.now(),
            lease_until=delivery.lease_until,
        )

    async def _in_digest(
        self, delivery: Delivery, route: SlackRoute | MailRoute, until: datetime | None
    ) -> None:
        """Waits for the daily digest (`until`), or went out in another delivery's digest."""
        if until is not None:
            await self.store.hold(delivery.id, until=until, lease_until=delivery.lease_until)
            return
        channel = Channel.SLACK if isinstance(route, SlackRoute) else Channel.EMAIL
        await self.store.sent(delivery.id, channel=channel, slack=None, now=self.clock.now(),
                              lease_until=delivery.lease_until)  # fmt: skip

    def _count(self, method: str, refused: SlackError | None = None) -> None:
        self.calls.called(method, rate_limited=isinstance(refused, SlackRateLimited))

    async def _retry(self, delivery: Delivery, error: str) -> None:
        at = self.retry.next_attempt(delivery.attempts, self.clock.now(), self.rng)
        await self.store.retry(
            delivery.id, error=error, at=at, max_attempts=self.retry.max_attempts,
            lease_until=delivery.lease_until,
        )  # fmt: skip

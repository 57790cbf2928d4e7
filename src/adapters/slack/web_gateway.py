# Over 300 lines: one short method per Web API call of the port, beside the shared error mapping.
"""SlackWebGateway: the SlackGateway port over Slack's Web API (slack-sdk's AsyncWebClient).

Slack's refusals become `SlackError(code)`; a Slack that cannot be reached, answers 5xx or
keeps rate-limiting becomes `SlackUnavailable`. For the install and directory calls a 429 is
waited out with slack-sdk's own retry handler (it sleeps `Retry-After`), a bounded number of
times and never for longer than `max_retry_after_seconds`: a longer wait is the caller's to
reschedule. Posting and updating messages is never retried here: a 429 raises
`SlackRateLimited(retry_after)` at once (the delivery worker shares the pause with every
process and releases its lease rather than sleep), and a retry after a 5xx or a lost answer
could post twice, so that too is the worker's decision.

Tokens travel only in the Authorization header, never in a URL, a log line, an exception
message or a repr.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Mapping, Sequence
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack import wire
from adapters.slack.connections import SlackConnections
from adapters.slack.pacing import RatePacer, current_key, pace_key, tell_wait
from application.slack.gateway import (
    DEAD_TOKEN_CODES,
    OAuthGrant,
    PostedMessage,
    RotatedToken,
    SlackError,
    SlackRateLimited,
    SlackTeam,
    SlackUnavailable,
    SlackUser,
    TeamProfile,
    UsersPage,
)

SLACK_API_URL = "https://slack.com/api/"
_log = logging.getLogger(__name__)


def _retry_after(response: HttpResponse | None) -> float:
    """Seconds Slack asked us to wait: 1 when it did not say (as slack-sdk assumes), endless
    when the header is not a number (slack-sdk's handler would crash parsing it)."""
    if response is None:
        return 1.0
    for key, values in response.headers.items():
        if key.lower() == "retry-after" and values:
            value = values[0] if isinstance(values, list) else values
            return float(value) if value.strip().isdigit() else math.inf
    return 1.0


class BoundedRateLimitRetry(AsyncRateLimitErrorRetryHandler):
    """slack-sdk's 429 handler, refusing to sleep through a wait longer than `max_wait`.
    Each wait it accepts is logged at INFO on `adapters.slack.web_gateway` (method and
    seconds only), so operators and benchmarks can count them."""

    def __init__(
        self, max_retry_count: int, max_wait: float, pacer: RatePacer | None = None
    ) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait
        self.pacer = pacer

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not await super()._can_retry_async(
            state=state, request=request, response=response, error=error
        ):
            return False
        wait = _retry_after(response)
        if wait > self.max_wait:
            return False
        method = request.url.split("?", 1)[0].rsplit("/", 1)[-1]
        key = current_key.get()
        if self.pacer is not None and key is not None and key.endswith(":" + method):
            self.pacer.slow_down(key, wait)
        tell_wait(method, wait)
        _log.info("Slack rate limit (429) on %s: waiting %s s, retry %d of %d",
                  request.url.rsplit("/", 1)[-1], wait, state.current_attempt + 1,
                  self.max_retry_count)
        return True


def _seconds(value: object) -> float:
    """A Retry-After header's seconds (1 when absent or not a number, as slack-sdk assumes)."""
    try:
        seconds = float(str(value))
    except ValueError:
        return 1.0
    return seconds if math.isfinite(seconds) and seconds >= 0 else 1.0


def _refusal(response: AsyncSlackResponse, *, raise_429: bool = False) -> SlackError:
    """The port's error for a Slack answer that was not `ok` (after any retries); with
    `raise_429` a rate limit is SlackRateLimited rather than SlackUnavailable."""
    status = response.status_code
    data = response.data if isinstance(response.data, dict) else {}
    code = data.get("error")
    if status == 429 and raise_429:
        headers = response.headers or {}
        return SlackRateLimited(_seconds(headers.get("Retry-After", headers.get("retry-after"))))
    if status == 429:
        wait = response.headers.get("Retry-After", "?") if response.headers else "?"
        return SlackUnavailable(f"ratelimited (Retry-After {wait} s)")
    if status >= 500 or not isinstance(code, str) or not code:
        return SlackUnavailable(f"HTTP {status}")
    needed = data.get("needed")
    return SlackError(code, f"needed {needed}" if isinstance(needed, str) else "")


async def _answer(
    call: Awaitable[AsyncSlackResponse], *, raise_429: bool = False
) -> Mapping[str, Any]:
    """Await one Web API call and return its body, or raise the port's error.

    `from None`: slack-sdk's exception keeps the request (headers with the token) attached;
    chaining it would carry the token into tracebacks and error reporters.
    """
    try:
        response = await call
    except SlackApiError as exc:
        raise _refusal(exc.response, raise_429=raise_429) from None
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        raise SlackUnavailable(f"{type(exc).__name__}: {exc}") from None
    if not isinstance(response.data, dict):
        raise SlackUnavailable("the answer was not JSON")
    return response.data


class SlackWebGateway:
    """The SlackGateway port against Slack (or the sandbox, by `api_url`)."""

    def __init__(
        self,
        api_url: str,
        client_id: str,
        client_secret: str,
        *,
        timeout_seconds: int = 30,
        rate_limit_retries: int = 3,
        max_retry_after_seconds: float = 60.0,
        connection_retries: int = 2,
        connections: SlackConnections | None = None,
    ) -> None:
        self._connections = connections or SlackConnections()
        self._api_url = api_url if api_url.endswith("/") else api_url + "/"
        self._client_id = client_id
        self._client_secret = client_secret
        self._timeout = timeout_seconds
        self.pacer = RatePacer()
        self._retry_handlers: list[AsyncRetryHandler] = [
            BoundedRateLimitRetry(rate_limit_retries, max_retry_after_seconds, self.pacer),
            AsyncConnectionErrorRetryHandler(max_retry_count=connection_retries),
            AsyncServerErrorRetryHandler(max_retry_count=1),
        ]
        # slack-sdk logs whole request arguments and answers at DEBUG (oauth.v2.access's
        # answer holds the new token): its logger for us never goes below INFO.
        self._logger = logging.getLogger(f"{__name__}.sdk")
        self._logger.setLevel(max(self._logger.level, logging.INFO))

    def __repr__(self) -> str:
        return f"SlackWebGateway(api_url={self._api_url!r}, client_id={self._client_id!r})"

    def _client(self, token: str | None = None, *, retries: bool = True) -> AsyncWebClient:
        # One client per call, so that a token is held only as long as the call that needs
        # it; the connection under it is kept while the process runs (SlackConnections).
        return AsyncWebClient(token=token, base_url=self._api_url, timeout=self._timeout,
                              retry_handlers=self._retry_handlers if retries else [],
                              logger=self._logger,
                              session=self._connections.session(self._timeout))

    async def exchange_code(self, code: str, redirect_uri: str) -> OAuthGrant:
        """`oauth.v2.access` with the app's client id and secret (HTTP Basic)."""
        body = await _answer(self._client().oauth_v2_access(
            client_id=self._client_id, client_secret=self._client_secret, code=code,
            redirect_uri=redirect_uri))
        return wire.grant_from_access(body)

    async def rotate_token(self, refresh_token: str) -> RotatedToken:
        """`oauth.v2.access` with `grant_type=refresh_token`, once: no retry may spend the
        refresh token a second time (slack-sdk's `AsyncTokenRotator` makes the same call)."""
        body = await _answer(self._client(retries=False).oauth_v2_access(
            client_id=self._client_id, client_secret=self._client_secret,
            grant_type="refresh_token", refresh_token=refresh_token))
        return wire.rotated_from(body)

    async def describe(self, token: str, team_id: str | None) -> TeamProfile:
        """`auth.test`, then `team.info` of `team_id` (or the token's own workspace).

        An org-wide token without a `team_id` describes the Grid from auth.test alone:
        team.info would need a workspace to look at.
        """
        client = self._client(token)
        auth = await _answer(client.auth_test())
        if team_id is None and auth.get("is_enterprise_install"):
            return wire.profile_from(auth, None)
        info = await _answer(client.team_info(team=team_id))
        team = info.get("team")
        return wire.profile_from(auth, team if isinstance(team, dict) else {})

    async def revoke(self, token: str) -> None:
        """`auth.revoke`; a token Slack already considers dead counts as revoked."""
        try:
            await _answer(self._client(token).auth_revoke())
        except SlackError as error:
            if error.code not in DEAD_TOKEN_CODES:
                raise

    async def list_users(
        self, token: str, *, team_id: str | None, cursor: str | None, limit: int = 200
    ) -> UsersPage:
        """One page of `users.list`; `team_id` is required by Slack for org-wide tokens."""
        await self.pacer.wait_turn(pace_key(f"Bearer {token}", "users.list"))
        body = await _answer(self._client(token).users_list(
            limit=limit, cursor=cursor or None, team_id=team_id))
        return wire.users_page_from(body)

    async def lookup_by_email(self, token: str, email: str) -> SlackUser | None:
        """`users.lookupByEmail`; None when Slack answers `users_not_found`."""
        await self.pacer.wait_turn(pace_key(f"Bearer {token}", "users.lookupByEmail"))
        try:
            body = await _answer(self._client(token).users_lookupByEmail(email=email))
        except SlackError as error:
            if error.code == "users_not_found":
                return None
            raise
        user = body.get("user")
        if not isinstance(user, dict):
            raise SlackError("invalid_response", "missing user")
        return wire.user_from(user)

    async def list_teams(self, token: str) -> Sequence[SlackTeam]:
        """`auth.teams.list`, following its cursor (Tier 2, so paced like users.list)."""
        teams: list[SlackTeam] = []
        cursor: str | None = None
        while True:
            await self.pacer.wait_turn(pace_key(f"Bearer {token}", "auth.teams.list"))
            body = await _answer(self._client(token).auth_teams_list(
                limit=1000, cursor=cursor or None))
            teams.extend(wire.teams_from(body))
            metadata = body.get("response_metadata") or {}
            cursor = metadata.get("next_cursor") if isinstance(metadata, dict) else None
            if not cursor:
                return teams

    async def post_message(
        self,
        token: str,
        *,
        channel: str,
        text: str,
        blocks: Sequence[Mapping[str, Any]],
        metadata: Mapping[str, Any] | None = None,
        team_id: str | None = None,
    ) -> PostedMessage:
        """`chat.postMessage`, once: a 429 is SlackRateLimited, never slept through."""
        body = await _answer(self._client(token, retries=False).chat_postMessage(
            channel=channel, text=text, blocks=[dict(b) for b in blocks],
            metadata=dict(metadata) if metadata is not None else None, team_id=team_id,
        ), raise_429=True)
        channel_id, ts = body.get("channel"), body.get("ts")
        if not isinstance(channel_id, str) or not isinstance(ts, str):
            raise SlackError("invalid_response", "missing channel or ts")
        return PostedMessage(channel=channel_id, ts=ts)

    async def update_message(
        self,
        token: str,
        *,
        channel: str,
        ts: str,
        text: str,
        blocks: Sequence[Mapping[str, Any]],
        team_id: str | None = None,
    ) -> None:
        """`chat.update`, once; `blocks=[]` removes the message's blocks."""
        await _answer(self._client(token, retries=False).chat_update(
            channel=channel, ts=ts, text=text, blocks=[dict(b) for b in blocks],
            team_id=team_id,
        ), raise_429=True)

    async def publish_view(
        self,
        token: str,
        *,
        user_id: str,
        view: Mapping[str, Any],
        team_id: str | None = None,
    ) -> None:
        """`views.publish`, once: a Home is rebuilt and published again on the next change."""
        # An org-wide token names the workspace as Slack's other methods take it.
        extra = {"team_id": team_id} if team_id else {}
        await _answer(self._client(token, retries=False).views_publish(
            user_id=user_id, view=dict(view), **extra), raise_429=True)

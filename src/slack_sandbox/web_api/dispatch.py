"""The `/api/<method>` endpoint as a bare ASGI app: the sandbox's hot path.

It bypasses the framework's request parsing on purpose: a benchmark drives thousands of
chat.postMessage calls a second through here. Order of checks follows Slack: method known,
arguments readable, token present and valid, scopes granted, rate limit, then the method.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import msgspec

from slack_sandbox.errors import SlackError
from slack_sandbox.records import JSON, Install
from slack_sandbox.rotation import expired
from slack_sandbox.web_api import all_methods
from slack_sandbox.web_api.method import Call, Method

if TYPE_CHECKING:
    from slack_sandbox.services import Sandbox

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.decode
_JSON_HEADERS = [(b"content-type", b"application/json; charset=utf-8")]


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def read_params(query: bytes, content_type: str, body: bytes) -> tuple[dict[str, Any], bool]:
    """Arguments from the query string and the body; True when the body was JSON."""
    params: dict[str, Any] = dict(parse_qsl(query.decode("latin-1"), keep_blank_values=True))
    if not body:
        return params, False
    if content_type.startswith("application/json"):
        try:
            decoded = _decode(body)
        except msgspec.DecodeError as exc:
            raise SlackError("invalid_json") from exc
        if not isinstance(decoded, dict):
            raise SlackError("json_not_object")
        params.update(decoded)
        return params, True
    if content_type.startswith("application/x-www-form-urlencoded") or not content_type:
        params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        return params, False
    raise SlackError("invalid_form_data")


class WebApi:
    """Serves every Web API method against one sandbox."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.methods: dict[str, Method] = all_methods()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        name = path.strip("/").rsplit("/", 1)[-1]
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        body = await _read_body(receive)
        status, payload, extra, delay = self.handle(name, scope.get("query_string", b""),
                                                    headers, body)
        if delay > 0:
            await asyncio.sleep(delay)
        response_headers = list(_JSON_HEADERS)
        response_headers.extend((k.encode(), v.encode()) for k, v in extra.items())
        await send({"type": "http.response.start", "status": status,
                    "headers": response_headers})
        await send({"type": "http.response.body", "body": _encode(payload)})

    def handle(self, name: str, query: bytes, headers: dict[str, str], body: bytes
               ) -> tuple[int, JSON, dict[str, str], float]:
        """Run one call; returns (HTTP status, body, extra headers, seconds to hold the
        answer back). Never raises."""
        state = self.sandbox.state
        method = self.methods.get(name)
        if method is None:
            return 404, {"ok": False, "error": "unknown_method", "req_method": name}, {}, 0.0
        params: dict[str, Any] = {}
        install: Install | None = None
        extra: dict[str, str] = {}
        delay = 0.0
        try:
            params, was_json = read_params(query, headers.get("content-type", ""), body)
            install = self._authenticate(method, headers, params, was_json)
            if install is not None:
                # Slack's scope headers on every call made with a token: what the token
                # has, and what the method accepts (empty for methods that need none).
                extra["x-oauth-scopes"] = ", ".join(sorted(install.scopes))
                extra["x-accepted-oauth-scopes"] = ", ".join(method.scopes)
                self._check_scopes(method, install)
                delay, failure = self._check_faults(method, install, params, extra)
                if failure is not None:
                    raise failure
                self._check_rate(method, install, params, extra)
            result = method.handler(Call(self.sandbox, name, params, headers, install))
            status = 200
        except SlackError as exc:
            result, status = exc.body(), exc.status
        team = install.scope_key if install is not None else None
        state.record_call(name, team, params, bool(result.get("ok")), result.get("error"), status)
        return status, result, extra, delay

    def _check_faults(self, method: Method, install: Install, params: dict[str, Any],
                      extra: dict[str, str]) -> tuple[float, SlackError | None]:
        """A planned fault for this call (see `faults`): how long to hold the answer back,
        and the refusal to answer with instead of running the method."""
        teams = {install.team_id, install.enterprise_id, install.scope_key}
        if isinstance(params.get("team_id"), str):
            teams.add(params["team_id"])
        fault = self.sandbox.state.faults.take(method.name, teams)
        if fault is None:
            return 0.0, None
        failure = fault.failure()
        if failure is not None and failure.status == 429:
            self.sandbox.state.ratelimited[(method.name, install.scope_key)] += 1
            extra["retry-after"] = str(fault.retry_after)
        return fault.delay, failure

    def _authenticate(self, method: Method, headers: dict[str, str], params: dict[str, Any],
                      was_json: bool) -> Install | None:
        authorization = headers.get("authorization", "")
        token = authorization[7:].strip() if authorization.lower().startswith("bearer ") else None
        if token is None and not was_json:
            # Slack ignores a token inside a JSON body: it must come as a header then.
            token = params.get("token") or None
        elif token is None:
            token = None
        if not method.needs_token:
            return None
        if not token:
            raise SlackError("not_authed")
        record = self.sandbox.state.tokens.get(str(token))
        if record is None:
            raise SlackError("invalid_auth")
        if record.revoked:
            raise SlackError(record.revoked_error)
        if expired(self.sandbox.state, record):
            raise SlackError("token_expired")
        return self.sandbox.state.installs[record.install_id]

    @staticmethod
    def _check_scopes(method: Method, install: Install) -> None:
        for scope in method.scopes:
            if scope not in install.scopes:
                raise SlackError("missing_scope", needed=scope,
                                 provided=",".join(sorted(install.scopes)))

    def _check_rate(self, method: Method, install: Install, params: dict[str, Any],
                    extra: dict[str, str]) -> None:
        scope = install.scope_key
        if install.team_id is None and isinstance(params.get("team_id"), str):
            scope = params["team_id"]
        channel = params.get("channel") if method.name == "chat.postMessage" else None
        if isinstance(channel, str) and channel.startswith("D"):
            # A user id and the DM's D id are the same channel for the per-channel limit.
            dm = self.sandbox.state.channels.get(channel)
            channel = dm.user_id if dm is not None else channel
        verdict = self.sandbox.limiter.check(scope, method.name,
                                             channel if isinstance(channel, str) else None)
        if verdict.allowed:
            return
        self.sandbox.state.ratelimited[(method.name, scope)] += 1
        extra["retry-after"] = str(verdict.retry_after)
        extra["x-sandbox-retry-after-ms"] = str(int(verdict.wait_seconds * 1000))
        raise SlackError("ratelimited", status=429)

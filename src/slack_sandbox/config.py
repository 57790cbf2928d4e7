"""Configuration of the sandbox: the startup options and the knobs tests may turn at runtime.

`SandboxConfig` is what the command line decides once (where to listen, which directory to
load, the app's secrets). `Tunables` holds what `POST /_sandbox/config` may change while the
sandbox runs (time scale, rate limits, delivery deadlines), so a test can speed things up or
tighten a limit without restarting the server.
"""

from __future__ import annotations

from pathlib import Path

import attrs

#: Development defaults, documented in the sandbox README. They only ever guard a local
#: stand-in for Slack, never a real workspace.
DEV_SIGNING_SECRET = "sandbox-signing-secret"
DEV_CLIENT_ID = "1000000000.2000000000"
DEV_CLIENT_SECRET = "sandbox-client-secret"
DEV_VERIFICATION_TOKEN = "sandbox-verification-token"
DEV_APP_TOKEN = "xapp-1-A0MENTORLNK-1-sandbox-app-level-token"
DEFAULT_APP_ID = "A0MENTORLNK"
DEFAULT_APP_URL = "http://127.0.0.1:8000"


@attrs.frozen
class SandboxConfig:
    """Everything fixed for the lifetime of one sandbox process."""

    host: str = "127.0.0.1"
    port: int = 3000
    workspaces_file: Path | None = None
    app_url: str = DEFAULT_APP_URL
    signing_secret: str = DEV_SIGNING_SECRET
    client_id: str = DEV_CLIENT_ID
    client_secret: str = DEV_CLIENT_SECRET
    verification_token: str = DEV_VERIFICATION_TOKEN
    #: The app-level token `apps.connections.open` accepts (Socket Mode).
    app_token: str = DEV_APP_TOKEN
    #: Deliver events and interactions over Socket Mode only (no HTTP posts to the app).
    socket_mode: bool = False
    app_id: str = DEFAULT_APP_ID
    app_name: str = "mentorlink"
    time_scale: float = 1.0
    rate_limits: bool = True
    #: Public base URL of the sandbox itself (for response_url, OAuth pages); derived from
    #: host and port when not given.
    public_url: str | None = None
    #: Where the SMTP receiver listens (on `host`); 0 runs none.
    smtp_port: int = 0
    #: Extra generated users per workspace id (`--generate-users N` applies to the first one).
    generated_users: dict[str, int] = attrs.field(factory=dict)
    #: Where installs, tokens, DMs, views and mail are kept between runs; None: in memory.
    state_file: Path | None = None
    #: Installs get expiring `xoxe.xoxb-` tokens with refresh tokens (see `rotation`).
    token_rotation: bool = False

    @property
    def base_url(self) -> str:
        """Where the sandbox can be reached, without a trailing slash."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in {"0.0.0.0", "::", ""} else self.host
        return f"http://{host}:{self.port}"


@attrs.define
class Tunables:
    """Runtime settings; `POST /_sandbox/config` overwrites any subset of them."""

    app_url: str = DEFAULT_APP_URL
    #: >1 makes every Slack window and delay shorter: a 60 s window lasts 60/scale seconds.
    time_scale: float = 1.0
    rate_limits: bool = True
    #: Per-method overrides of the per-minute allowance, e.g. {"users.list": 5}.
    method_limits: dict[str, int] = attrs.field(factory=dict)
    #: chat.postMessage: steady rate per channel and how many may come at once.
    post_message_per_channel_per_second: float = 1.0
    post_message_channel_burst: int = 3
    #: chat.postMessage: ceiling per workspace ("several hundred per minute").
    post_message_workspace_per_minute: int = 300
    #: How long the app may take to answer an event or interaction. Not time-scaled: the
    #: app's own latency does not shrink with the sandbox clock.
    ack_timeout_seconds: float = 3.0
    #: Event retry delays after a failed delivery, in Slack seconds (time-scaled).
    event_retry_delays: tuple[float, ...] = (0.0, 60.0, 300.0)
    #: trigger_id lifetime in Slack seconds (time-scaled).
    trigger_ttl_seconds: float = 3.0
    #: Events and interactions go over the app's Socket Mode connection instead of HTTP.
    socket_mode: bool = False
    #: After `disconnect`, how long the old connection stays open (Slack seconds, scaled).
    socket_disconnect_grace_seconds: float = 10.0
    #: New installs get rotating tokens (an install keeps rotating once it did).
    token_rotation: bool = False
    #: How long a rotating token lives, in Slack seconds (time-scaled): 12 hours at Slack.
    token_lifetime_seconds: float = 43200.0

    def scaled(self, slack_seconds: float) -> float:
        """Real seconds that correspond to `slack_seconds` of Slack time."""
        return slack_seconds / self.time_scale if self.time_scale > 0 else slack_seconds

    def update(self, changes: dict[str, object]) -> list[str]:
        """Apply known keys from `changes`; return the unknown ones (the caller reports them)."""
        known = {field.name: field for field in attrs.fields(Tunables)}
        unknown = [key for key in changes if key not in known]
        for key, value in changes.items():
            if key not in known:
                continue
            current = getattr(self, key)
            if isinstance(current, tuple) and isinstance(value, list):
                value = tuple(float(v) for v in value)
            elif isinstance(current, bool):
                value = bool(value)
            elif isinstance(current, float) and isinstance(value, int | float):
                value = float(value)
            elif isinstance(current, dict) and isinstance(value, dict):
                value = {str(k): int(v) for k, v in value.items()}
            setattr(self, key, value)
        return unknown

    def as_dict(self) -> dict[str, object]:
        """A JSON-friendly copy."""
        return attrs.asdict(self)


def tunables_from(config: SandboxConfig) -> Tunables:
    """The runtime settings a freshly started sandbox begins with."""
    return Tunables(app_url=config.app_url, time_scale=config.time_scale,
                    rate_limits=config.rate_limits, socket_mode=config.socket_mode,
                    token_rotation=config.token_rotation)

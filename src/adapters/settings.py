"""Configuration from the environment (the README's configuration table lists every name),
read when asked, never at import."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping

import attrs

DEFAULT_DATABASE = "sqlite:///./mentorlink.db"
SLACK_API = "https://slack.com/api/"
SLACK_OAUTH = "https://slack.com/oauth/v2/authorize"
MIN_SECRET_LENGTH = 32
DEFAULT_MAIL_FROM = "mentorlink <mentorlink@localhost>"


class SecretKeyMissing(ValueError):
    """The database would hold sealed Slack tokens and sessions under no real secret."""

    def __init__(self) -> None:
        super().__init__(
            f"MENTORLINK_SECRET_KEY must be set to a secret of at least {MIN_SECRET_LENGTH}"
            " characters (comma-separated to rotate keys, newest first). Create one with:"
            " python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            " (`mentorlink run-local` makes and keeps one for local development)."
        )


class AppTokenInvalid(ValueError):
    """SLACK_APP_TOKEN is set but is not an app-level token: Socket Mode could never connect."""

    def __init__(self) -> None:
        super().__init__(
            "SLACK_APP_TOKEN must be an app-level token (it starts with xapp-; make one on your"
            " Slack app's Basic Information page with the connections:write scope), or unset"
            " to receive Slack's events and interactions over HTTP"
        )


@attrs.frozen(kw_only=True)
class Settings:
    """All the composition root needs; `database_url="memory://"` selects the in-memory store."""

    database_url: str = DEFAULT_DATABASE
    secret_keys: tuple[str, ...] = ()
    public_url: str = "http://127.0.0.1:8000"
    slack_client_id: str = ""
    slack_client_secret: str = ""
    slack_signing_secret: str = ""
    slack_app_token: str = attrs.field(default="", repr=False)  # "": no Socket Mode
    slack_api_url: str = SLACK_API
    slack_oauth_url: str = SLACK_OAUTH
    debug: bool = False
    token_cache_seconds: float = 5.0
    session_idle_minutes: float = 30.0
    session_hours: float = 8.0
    smtp_url: str = ""  # "" sends no e-mail
    in_process_worker: str = "auto"  # auto: on for a SQLite file, off for PostgreSQL and memory
    mail_from: str = DEFAULT_MAIL_FROM
    # SQLite: a write is answered once it is on disk. False answers once it is in the log, not
    # synced: faster, and a power cut or OS crash can take back the last moments' acknowledged
    # writes (a process crash still loses nothing). Off by default; see README, Reliability.
    sqlite_durable: bool = True
    #: Token rotation: a bot token is renewed this long before it expires (slack-sdk's
    #: rotator uses two hours of Slack's twelve; a time-scaled sandbox wants less).
    slack_renew_ahead_seconds: float = 7200.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        e = os.environ if env is None else env
        keys = tuple(k.strip() for k in e.get("MENTORLINK_SECRET_KEY", "").split(",") if k.strip())
        return cls(
            database_url=e.get("MENTORLINK_DATABASE_URL", DEFAULT_DATABASE),
            secret_keys=keys,
            public_url=e.get("MENTORLINK_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
            slack_client_id=e.get("SLACK_CLIENT_ID", ""),
            slack_client_secret=e.get("SLACK_CLIENT_SECRET", ""),
            slack_signing_secret=e.get("SLACK_SIGNING_SECRET", ""),
            slack_app_token=e.get("SLACK_APP_TOKEN", "").strip(),
            slack_api_url=e.get("MENTORLINK_SLACK_API_URL", SLACK_API),
            slack_oauth_url=e.get("MENTORLINK_SLACK_OAUTH_URL", SLACK_OAUTH),
            debug=e.get("MENTORLINK_DEBUG", "") in ("1", "true"),
            token_cache_seconds=float(e.get("MENTORLINK_TOKEN_CACHE_SECONDS", "5")),
            session_idle_minutes=float(e.get("MENTORLINK_SESSION_IDLE_MINUTES", "30")),
            session_hours=float(e.get("MENTORLINK_SESSION_HOURS", "8")),
            smtp_url=e.get("MENTORLINK_SMTP_URL", "").strip(),
            in_process_worker=e.get("MENTORLINK_IN_PROCESS_WORKER", "auto").strip().lower(),
            mail_from=e.get("MENTORLINK_MAIL_FROM", "").strip() or DEFAULT_MAIL_FROM,
            sqlite_durable=e.get("MENTORLINK_SQLITE_DURABLE", "true").strip().lower()
            not in ("0", "false", "off", "no"),
            slack_renew_ahead_seconds=float(e.get("MENTORLINK_SLACK_RENEW_AHEAD_SECONDS", "7200")),
        )

    @property
    def runs_worker_in_process(self) -> bool:
        """`serve` delivers notifications itself: by default on the embedded SQLite database
        (one command runs everything); separate `mentorlink worker` processes on PostgreSQL."""
        if self.in_process_worker in ("on", "1", "true"):
            return True
        if self.in_process_worker in ("off", "0", "false"):
            return False
        return self.database_url.startswith("sqlite")

    def checked_secret_keys(self) -> tuple[str, ...]:
        """The configured keys, each long enough; an in-memory store (tests, nothing kept)
        gets a random key of its own. Anything else without a real key is refused."""
        if not self.secret_keys and self.uses_memory:
            return (secrets.token_urlsafe(48),)
        if not self.secret_keys or any(len(k) < MIN_SECRET_LENGTH for k in self.secret_keys):
            raise SecretKeyMissing()
        return self.secret_keys

    @property
    def socket_mode(self) -> bool:
        """Slack's events and interactions come over Socket Mode (an app-level token is set)."""
        return bool(self.slack_app_token)

    def checked_app_token(self) -> str:
        """The app-level token for Socket Mode; raises `AppTokenInvalid` for anything else."""
        if not self.slack_app_token.startswith("xapp-"):
            raise AppTokenInvalid()
        return self.slack_app_token

    @property
    def uses_memory(self) -> bool:
        return self.database_url == "memory://"

    @property
    def talks_to_real_slack(self) -> bool:
        """Real credentials and Slack's own API: `make run` then skips the sandbox."""
        return bool(self.slack_client_id and self.slack_client_secret) and (
            self.slack_api_url == SLACK_API
        )

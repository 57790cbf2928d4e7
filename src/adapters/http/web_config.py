"""What the admin pages and the Slack endpoints are handed by the composition root, and the
Litestar configuration (session cookie, CSRF, templates) derived from it.

Session and CSRF keys are derived from the newest `MENTORLINK_SECRET_KEY`, each with its own
label, so neither is the key that seals Slack tokens. Nothing here reads the environment.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
from jinja2 import Environment
from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.exceptions import SerializationException
from litestar.middleware.session.client_side import ClientSideSessionBackend, CookieBackendConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig
from slack_sdk.oauth import AuthorizeUrlGenerator

from adapters.slack.manifest import BOT_SCOPES
from application.slack import SlackGateway

TEMPLATES = Path(__file__).parent / "templates"
SESSION_COOKIE = "mentorlink_session"


class _TamperProofSessions(ClientSideSessionBackend):
    """Litestar's cookie sessions, except that *any* undecodable cookie is no session.

    Litestar ignores a cookie whose ciphertext or base64 is damaged, but parses the cookie's
    readable expiry part before checking it: damage there raised an error instead (a random
    tampered byte could turn the sign-in page into a server error)."""

    async def load_from_connection(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> dict[str, Any]:
        try:
            return await super().load_from_connection(connection)
        except (SerializationException, KeyError, TypeError, ValueError):
            return {}


@dataclass
class _SessionCookieConfig(CookieBackendConfig):
    _backend_class = _TamperProofSessions
CSRF_COOKIE = "mentorlink_csrf"
SESSION_HOURS = 8
# Routes that are not browser forms: bearer-token JSON, Slack's signed requests, probes.
NOT_BROWSER_FORMS = ["^/api/", "^/slack/", "^/healthz", "^/schema"]


@attrs.frozen(kw_only=True)
class SlackApp:
    """Our Slack app as the endpoints see it: the gateway, its public credentials, the
    signing secret and where Slack sends admins back after the consent page."""

    gateway: SlackGateway
    client_id: str
    signing_secret: str = attrs.field(repr=False)
    oauth_url: str
    public_url: str

    @property
    def redirect_uri(self) -> str:
        return f"{self.public_url.rstrip('/')}/slack/oauth/callback"

    def authorize_url(self, state: str) -> str:
        """Slack's consent page for the least scopes mentorlink needs, carrying `state`."""
        generator = AuthorizeUrlGenerator(
            client_id=self.client_id,
            redirect_uri=self.redirect_uri,
            scopes=list(BOT_SCOPES),
            authorization_url=self.oauth_url,
        )
        url: str = generator.generate(state)
        return url


@attrs.frozen(kw_only=True)
class WebSecurity:
    """Keys and cookie flags for the browser-facing pages."""

    secret_key: str = attrs.field(repr=False)
    secure_cookies: bool

    @classmethod
    def for_public_url(cls, secret_key: str, public_url: str) -> WebSecurity:
        """Cookies are `Secure` whenever the app is served over https."""
        return cls(secret_key=secret_key, secure_cookies=public_url.startswith("https://"))

    def _derive(self, label: str) -> bytes:
        return hashlib.sha256(f"mentorlink {label}\0{self.secret_key}".encode()).digest()

    def session_config(self) -> CookieBackendConfig:
        """An encrypted (AES-GCM) cookie: HttpOnly, SameSite=Lax, Secure over https."""
        return _SessionCookieConfig(
            secret=self._derive("session"),
            key=SESSION_COOKIE,
            max_age=SESSION_HOURS * 3600,
            httponly=True,
            samesite="lax",
            secure=self.secure_cookies,
            exclude=["^/api/", "^/slack/events", "^/healthz", "^/schema"],
        )

    def csrf_config(self) -> CSRFConfig:
        """Every unsafe request outside the API and Slack's endpoints needs the form token."""
        return CSRFConfig(
            secret=self._derive("csrf").hex(),
            cookie_name=CSRF_COOKIE,
            cookie_secure=self.secure_cookies,
            cookie_httponly=True,
            cookie_samesite="lax",
            exclude=list(NOT_BROWSER_FORMS),
        )


def _when(value: datetime | None) -> str:
    """A moment as administrators read it: `2026-03-02 09:00 UTC`."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%d %H:%M UTC")


def _add_filters(engine: JinjaTemplateEngine) -> None:
    environment: Environment = engine.engine
    environment.filters["when"] = _when
    environment.trim_blocks = True
    environment.lstrip_blocks = True


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(
        directory=TEMPLATES, engine=JinjaTemplateEngine, engine_callback=_add_filters
    )

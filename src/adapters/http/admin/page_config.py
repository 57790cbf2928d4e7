"""How the admin pages keep sessions (what the composition root hands over) and the Litestar
configuration derived from it: server-side sessions, templates. Nothing here reads the
environment."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import attrs
from jinja2 import Environment
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from adapters.http.admin.csrf import csrf_token
from adapters.http.admin.session_store import SESSION_COOKIE, DatabaseSessionConfig, SessionCheck
from application.browser_sessions import BrowserSessions, SessionPolicy
from application.ports import Clock

TEMPLATES = Path(__file__).parent / "templates"
# Routes that are not browser forms: bearer-token JSON, Slack's signed requests, probes.
NOT_BROWSER_FORMS = ["^/api/", "^/slack/", "^/healthz", "^/schema"]
# Routes with no session: all but the pages and the OAuth callback (which Slack sends the
# administrator's browser to).
NO_SESSION = ["^/api/", "^/slack/events", "^/slack/interactivity", "^/healthz", "^/schema"]


@attrs.frozen(kw_only=True)
class WebSecurity:
    """How the browser-facing pages keep sessions: server-side, in `sessions`, re-checked on
    every request by `check`; cookies `Secure` whenever the app is served over https."""

    sessions: BrowserSessions
    policy: SessionPolicy
    secure_cookies: bool

    @classmethod
    def for_public_url(
        cls, sessions: BrowserSessions, policy: SessionPolicy, public_url: str
    ) -> WebSecurity:
        return cls(
            sessions=sessions, policy=policy, secure_cookies=public_url.startswith("https://")
        )

    def session_config(self, clock: Clock, check: SessionCheck) -> DatabaseSessionConfig:
        """A cookie with a random id only: HttpOnly, SameSite=Lax, Secure over https."""
        return DatabaseSessionConfig(
            sessions=self.sessions,
            clock=clock,
            policy=self.policy,
            check=check,
            key=SESSION_COOKIE,
            max_age=int(self.policy.lifetime.total_seconds()),
            httponly=True,
            samesite="lax",
            secure=self.secure_cookies,
            exclude=list(NO_SESSION),
        )


def _when(value: datetime | None) -> str:
    """A moment as administrators read it: `2026-03-02 09:00 UTC`."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%d %H:%M UTC")


def _add_filters(engine: JinjaTemplateEngine) -> None:
    engine.register_template_callable("csrf_token", csrf_token)  # the session's, not a cookie's
    environment: Environment = engine.engine
    environment.filters["when"] = _when
    environment.trim_blocks = True
    environment.lstrip_blocks = True


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(
        directory=TEMPLATES, engine=JinjaTemplateEngine, engine_callback=_add_filters
    )

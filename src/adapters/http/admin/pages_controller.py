"""The admin pages around the Slack page: sign-in with an API token, sign-out, the
Manage > Engagement > Integrations navigation, and support's Slack switch."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from adapters.http.admin.sessions import Viewer, end_session, only, session_actor, start_session
from adapters.http.dependencies import Authenticate, Runner
from application.usecases.slack_switches import (
    SwitchSlackForOrganization,
    switch_slack_for_organization,
)
from domain.errors import IllegalTransition
from domain.people import Role

ADMIN = "/admin"
INTEGRATIONS = "/admin/manage/engagement/integrations"
SUPPORT = "/admin/support"
_MAX_TOKEN = 512

CurrentViewer = NamedDependency[Viewer]
TokenChecker = NamedDependency[Authenticate]


class SignInForm(msgspec.Struct):
    token: str = ""
    next: str = ""


class SlackSwitchForm(msgspec.Struct):
    enabled: str = ""


def _safe_next(target: str) -> str:
    """Only our own admin pages: never an open redirect to another site."""
    if target.startswith("/admin") and not target.startswith("//") and "\\" not in target:
        return target
    return ADMIN


def _own_page(target: str) -> str:
    """The `next` a sign-in form carries: one of our pages, or nothing (the role's home)."""
    return target if target and _safe_next(target) == target else ""


def _home_for(role: Role) -> str:
    return {Role.GLOBAL_ADMIN: INTEGRATIONS, Role.SUPPORT: SUPPORT}.get(role, ADMIN)


class SignInController(Controller):
    """Pages anyone may open: signing in and out."""

    path = ADMIN

    @get("/sign-in", sync_to_thread=False)
    def sign_in_page(
        self, request: Request[Any, Any, Any], next: FromQuery[str] = ""
    ) -> Template | Redirect:
        if session_actor(request) is not None:
            return Redirect(_safe_next(next), status_code=303)
        return Template("sign_in.html", context={"next": _own_page(next), "error": None})

    @post("/sign-in", status_code=303)
    async def sign_in(
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[SignInForm],
        authenticate: TokenChecker,
    ) -> Template | Redirect:
        secret = data.token.strip()
        actor = None
        if secret and len(secret) <= _MAX_TOKEN and " " not in secret:
            actor = await authenticate(secret)
        if actor is None:
            return Template(
                "sign_in.html",
                context={
                    "next": _own_page(data.next),
                    "error": "That token is unknown, revoked, or belongs to a deactivated user.",
                },
                status_code=401,
            )
        start_session(request, actor)
        target = _safe_next(data.next) if data.next else _home_for(actor.role)
        return Redirect(target, status_code=303)

    @post("/sign-out", status_code=303)
    async def sign_out(self, request: Request[Any, Any, Any]) -> Redirect:
        end_session(request)
        flash(request, "You are signed out.", "info")
        return Redirect(f"{ADMIN}/sign-in", status_code=303)


class HomeController(Controller):
    """The landing page for anyone signed in."""

    path = ADMIN
    guards = [only(*Role)]

    @get("/", sync_to_thread=False)
    def home(self, viewer: CurrentViewer) -> Template:
        return Template("home.html", context={"viewer": viewer})


class ManageController(Controller):
    """Manage > Engagement > Integrations: global administrators only."""

    path = f"{ADMIN}/manage"
    guards = [only(Role.GLOBAL_ADMIN)]

    @get("/", sync_to_thread=False)
    def manage(self, viewer: CurrentViewer) -> Template:
        return Template("manage.html", context={"viewer": viewer})

    @get("/engagement", sync_to_thread=False)
    def engagement(self, viewer: CurrentViewer) -> Template:
        return Template("engagement.html", context={"viewer": viewer})

    @get("/engagement/integrations", sync_to_thread=False)
    def integrations(self, viewer: CurrentViewer) -> Template:
        return Template("integrations.html", context={"viewer": viewer})


class SupportController(Controller):
    """Support staff switch Slack on or off for their organization."""

    path = SUPPORT
    guards = [only(Role.SUPPORT)]

    @get("/", sync_to_thread=False)
    def support(self, viewer: CurrentViewer) -> Template:
        return Template("support.html", context={"viewer": viewer})

    @post("/slack", status_code=303)
    async def switch_slack(
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[SlackSwitchForm],
        viewer: CurrentViewer,
        runner: Runner,
    ) -> Redirect:
        if data.enabled not in ("on", "off"):
            flash(request, "Choose whether Slack should be on or off.", "error")
            return Redirect(SUPPORT, status_code=303)
        command = SwitchSlackForOrganization(
            organization_id=viewer.actor.organization_id, enabled=data.enabled == "on"
        )
        try:
            await runner(switch_slack_for_organization, command, viewer.actor)
        except IllegalTransition as refused:
            flash(request, refused.message, "error")
        else:
            state = "on" if command.enabled else "off"
            flash(request, f"Slack is now {state} for {viewer.organization_name}.", "success")
        return Redirect(SUPPORT, status_code=303)

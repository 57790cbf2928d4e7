"""The Slack page (Manage > Engagement > Integrations > Slack) and its forms: add a workspace
(off to Slack's consent page), reconnect or remove one, sync its directory, switch programs;
who is matched in each directory (searchable) and the unmatched as CSV.

Every form answers with a redirect back to the page and a flash message; a subject of another
organization is a 404 page, and nothing is changed by a refused form."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, TypeVar

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Response, Template

from adapters.http.admin.delivery_section import delivery_view, quiet_hours_view
from adapters.http.admin.pages_controller import INTEGRATIONS, CurrentViewer
from adapters.http.admin.sessions import Viewer, only
from adapters.http.admin.slack_people import people_view, unmatched_csv
from adapters.http.dependencies import CurrentSlackApp, Runner
from application.delivery.health import ReadDeliveryHealth, read_delivery_health
from application.running import UseCaseRunner
from application.slack.directory import SyncDirectory, sync_slack_directory
from application.slack.gateway import SlackError, SlackUnavailable
from application.slack.install import (
    BeginSlackInstall,
    RemoveWorkspace,
    begin_slack_install,
    remove_workspace,
)
from application.slack.overview import ConnectedWorkspace, slack_overview
from application.usecases.slack_switches import SetProgramSlackOptIn, set_program_slack_opt_in
from application.usecases.working_window import ReadWorkingWindow, read_working_window
from domain.errors import DomainError, NotFound
from domain.ids import InstallationId, ProgramId
from domain.people import Role

SLACK_PAGE = f"{INTEGRATIONS}/slack"


class OptInForm(msgspec.Struct):
    opted_in: str = ""


T = TypeVar("T")


async def _refusals_flashed(request: Request[Any, Any, Any], outcome: Awaitable[T]) -> T | None:
    """The outcome of a Slack-side action, or None after flashing why it was refused (a domain
    rule or Slack's answer). Unknown ids still raise: the page answers 404."""
    try:
        return await outcome
    except NotFound:
        raise
    except DomainError as refused:
        flash(request, refused.message, "error")
    except SlackError as error:
        flash(request, slack_trouble(error), "error")
    return None


def _back() -> Redirect:
    return Redirect(SLACK_PAGE, status_code=303)


def slack_trouble(error: SlackError) -> str:
    if isinstance(error, SlackUnavailable) or error.code in {"ratelimited", "fatal_error"}:
        return f"Slack could not do it ({error.code}). Nothing was changed; try again later."
    return f"Slack refused it ({error.code}). Nothing was changed."


class SlackPageController(Controller):
    path = SLACK_PAGE
    guards = [only(Role.GLOBAL_ADMIN)]

    @get("/")
    async def page(self, viewer: CurrentViewer, runner: Runner, q: FromQuery[str] = "") -> Template:
        overview = await runner(slack_overview, None, viewer.actor)
        health = await runner(read_delivery_health, ReadDeliveryHealth(), viewer.actor)
        organization = await runner(read_working_window, ReadWorkingWindow(), viewer.actor)
        context = {
            "viewer": viewer,
            "overview": overview,
            "delivery": delivery_view(health, organization),
            "quiet_hours": quiet_hours_view(organization),
            "people": people_view(overview, q),
        }
        return Template("slack.html", context=context)

    @post("/workspaces", status_code=303)
    async def add_workspace(
        self,
        request: Request[Any, Any, Any],
        viewer: CurrentViewer,
        runner: Runner,
        slack: CurrentSlackApp,
    ) -> Redirect:
        try:
            command = BeginSlackInstall(session_id=viewer.session_id)
            attempt = await runner(begin_slack_install, command, viewer.actor)
        except DomainError as refused:
            flash(request, refused.message, "error")
            return _back()
        return Redirect(slack.authorize_url(attempt.id), status_code=303)

    @post("/workspaces/{installation_id:str}/reconnect", status_code=303)
    async def reconnect(
        self,
        request: Request[Any, Any, Any],
        installation_id: FromPath[str],
        viewer: CurrentViewer,
        runner: Runner,
        slack: CurrentSlackApp,
    ) -> Redirect:
        """Run the OAuth install again for this workspace (or Grid): Slack's consent page
        with it preselected; coming back reactivates the installation."""
        workspace = await _listed(runner, viewer, installation_id)
        try:
            command = BeginSlackInstall(session_id=viewer.session_id)
            attempt = await runner(begin_slack_install, command, viewer.actor)
        except DomainError as refused:
            flash(request, refused.message, "error")
            return _back()
        target = workspace.installation.workspace
        return Redirect(
            slack.authorize_url(attempt.id, team=target.team_id or target.enterprise_id),
            status_code=303,
        )

    @get("/unmatched.csv")
    async def unmatched_csv(
        self, viewer: CurrentViewer, runner: Runner, directory: FromQuery[str] = ""
    ) -> Response[str]:
        """Program members not found in Slack (in one Grid or workspace, or in none)."""
        overview = await runner(slack_overview, None, viewer.actor)
        return unmatched_csv(overview, directory)

    @get("/workspaces/{installation_id:str}/remove")
    async def confirm_removal(
        self, installation_id: FromPath[str], viewer: CurrentViewer, runner: Runner
    ) -> Template:
        workspace = await _connected(runner, viewer, installation_id)
        return Template("slack_remove.html", context={"viewer": viewer, "workspace": workspace})

    @post("/workspaces/{installation_id:str}/remove", status_code=303)
    async def remove(
        self,
        request: Request[Any, Any, Any],
        installation_id: FromPath[str],
        viewer: CurrentViewer,
        runner: Runner,
    ) -> Redirect:
        command = RemoveWorkspace(installation_id=InstallationId(installation_id))
        removed = await _refusals_flashed(request, runner(remove_workspace, command, viewer.actor))
        if removed is not None:
            name = removed.workspace.display_name
            token = (
                "Slack had already stopped accepting its token."
                if removed.lost_reason
                else "Its bot token was revoked at Slack."
            )
            flash(request, f"Removed {name}. {token}", "success")
        return _back()

    @post("/workspaces/{installation_id:str}/sync", status_code=303)
    async def sync(
        self,
        request: Request[Any, Any, Any],
        installation_id: FromPath[str],
        viewer: CurrentViewer,
        runner: Runner,
    ) -> Redirect:
        command = SyncDirectory(installation_id=InstallationId(installation_id))
        report = await _refusals_flashed(
            request, runner(sync_slack_directory, command, viewer.actor)
        )
        if report is not None:
            flash(
                request,
                f"Directory synced: {report.matched} of {report.slack_users} Slack members "
                "matched people in your organization.",
                "success",
            )
        return _back()

    @post("/programs/{program_id:str}", status_code=303)
    async def switch_program(
        self,
        request: Request[Any, Any, Any],
        program_id: FromPath[str],
        data: URLEncodedBody[OptInForm],
        viewer: CurrentViewer,
        runner: Runner,
    ) -> Redirect:
        if data.opted_in not in ("on", "off"):
            flash(request, "Choose whether the program should use Slack.", "error")
            return _back()
        command = SetProgramSlackOptIn(
            program_id=ProgramId(program_id), opted_in=data.opted_in == "on"
        )
        try:
            program = await runner(set_program_slack_opt_in, command, viewer.actor)
        except NotFound:
            raise
        except DomainError as refused:
            flash(request, refused.message, "error")
        else:
            state = "uses Slack now" if program.slack_opt_in else "no longer uses Slack"
            flash(request, f"{program.name} {state}.", "success")
        return _back()


async def _connected(
    runner: UseCaseRunner, viewer: Viewer, installation_id: str
) -> ConnectedWorkspace:
    return await _listed(runner, viewer, installation_id)


async def _listed(
    runner: UseCaseRunner, viewer: Viewer, installation_id: str
) -> ConnectedWorkspace:
    """One of the organization's installations that is not removed, else a 404."""
    overview = await runner(slack_overview, None, viewer.actor)
    for workspace in overview.workspaces:
        if workspace.installation.id == installation_id and not workspace.installation.is_removed:
            return workspace
    raise NotFound("No such connected workspace.")

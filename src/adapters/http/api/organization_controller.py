"""Support staff: the per-organization Slack switch and the expiry housekeeping."""

from __future__ import annotations

from litestar import Controller, post, put
from litestar.params import FromPath, JSONBody

from adapters.http.api.auth import CurrentActor
from adapters.http.api.errors import problems
from adapters.http.api.schemas.organizations import ExpiredOut, OrganizationOut, SlackSwitch
from adapters.http.dependencies import Runner
from application.usecases.expire_overdue import ExpireOverdue, expire_overdue
from application.usecases.slack_switches import (
    SwitchSlackForOrganization,
    switch_slack_for_organization,
)
from domain.ids import OrganizationId


class OrganizationsController(Controller):
    path = "/organizations"
    tags = ["support"]

    @put(
        "/{organization_id:str}/slack",
        summary="Switch Slack on or off for an organization",
        responses=problems(403, 404, 409, 422),
    )
    async def slack(
        self,
        organization_id: FromPath[str],
        data: JSONBody[SlackSwitch],
        actor: CurrentActor,
        runner: Runner,
    ) -> OrganizationOut:
        command = SwitchSlackForOrganization(
            organization_id=OrganizationId(organization_id), enabled=data.enabled
        )
        return OrganizationOut.of(await runner(switch_slack_for_organization, command, actor))


class MaintenanceController(Controller):
    path = "/maintenance"
    tags = ["support"]

    @post(
        "/expire",
        status_code=200,
        summary="Expire overdue mentor requests and meetings",
        responses=problems(403),
    )
    async def expire(self, actor: CurrentActor, runner: Runner) -> ExpiredOut:
        expired = await runner(expire_overdue, ExpireOverdue(), actor)
        return ExpiredOut(requests=expired.requests, meetings=expired.meetings)

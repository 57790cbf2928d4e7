"""The Slack page's "Delivery" and "Quiet hours" sections: what reached people and how, what
waits for working hours, who cannot be reached and why, what failed (with a Retry), and the
form that sets the organization's working window. In an administrator's words: no statuses,
ids or channels by their internal names."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs
from litestar import Controller, Request, post
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect

from adapters.http.admin.pages_controller import INTEGRATIONS, CurrentViewer
from adapters.http.admin.sessions import only
from adapters.http.dependencies import Runner
from application.delivery.health import DeliveryHealth, Period, RetryDelivery, retry_delivery
from application.delivery.model import Channel, DeliveryStatus, NotificationKind
from application.usecases.working_window import SetWorkingWindow, set_working_window
from domain.errors import DomainError, NotFound
from domain.organization import Organization
from domain.people import Role
from domain.working_hours import DAY_NAMES, zone_of

SLACK_PAGE = f"{INTEGRATIONS}/slack"
_S = DeliveryStatus

WHAT = {
    NotificationKind.MENTOR_REQUEST_RECEIVED: "Mentor request",
    NotificationKind.MENTOR_REQUEST_ANSWERED: "Answer to a mentor request",
    NotificationKind.MENTOR_REQUEST_WITHDRAWN: "Withdrawn mentor request",
    NotificationKind.CONNECTION_PUBLISHED: "New connection",
    NotificationKind.MENTORS_RECOMMENDED: "Recommended mentors",
    NotificationKind.MEETING_PROPOSED: "Meeting proposal",
    NotificationKind.MEETING_ANSWERED: "Meeting update",
    NotificationKind.MESSAGE_RECEIVED: "Message from a partner",
    NotificationKind.TASK_ASSIGNED: "New task",
    NotificationKind.TASK_COMPLETED: "Task done",
    NotificationKind.SURVEY_ASSIGNED: "Survey to answer",
    NotificationKind.ANNOUNCEMENT: "Announcement",
    NotificationKind.WELCOME: "Welcome message",
}

# The columns of the counts table: a heading and the (status, channel) pairs it adds up.
COLUMNS: tuple[tuple[str, Any], ...] = (
    ("Delivered in Slack", lambda s, c: s is _S.SENT and c is Channel.SLACK),
    ("Delivered by email", lambda s, c: s is _S.SENT and c is Channel.EMAIL),
    ("On their way", lambda s, c: s in (_S.PENDING, _S.SENDING, _S.RETRYING)),
    ("Waiting for working hours", lambda s, c: s is _S.HELD),
    ("Could not reach the person", lambda s, c: s is _S.UNREACHABLE),
    ("Failed", lambda s, c: s is _S.DEAD),
)


@attrs.frozen
class CountsRow:
    label: str
    cells: list[int]
    total: int


@attrs.frozen
class DeliveryView:
    """What the template shows; times in the organization's timezone."""

    health: DeliveryHealth
    timezone: str
    headings: list[str]
    rows: list[CountsRow]
    workspaces: list[tuple[str, int, int]]  # name, sent in the last 24 h, in the last 7 days
    what: dict[NotificationKind, str]

    def local(self, moment: datetime) -> str:
        """`Mon 2 Mar, 08:00` in the organization's timezone."""
        here = moment.astimezone(zone_of(self.timezone))
        return f"{here:%a} {here.day} {here:%b}, {here:%H:%M}"


def delivery_view(health: DeliveryHealth, organization: Organization) -> DeliveryView:
    day, week = health.periods
    rows = [_row("Last 24 hours", day), _row("Last 7 days", week)]
    weekly = {id: n for id, _, n in week.sent_by_workspace}
    daily = {id: n for id, _, n in day.sent_by_workspace}
    workspaces = [(name, daily.get(id, 0), weekly[id]) for id, name, _ in week.sent_by_workspace]
    return DeliveryView(
        health=health,
        timezone=organization.timezone,
        headings=[heading for heading, _ in COLUMNS],
        rows=rows,
        workspaces=workspaces,
        what=WHAT,
    )


@attrs.frozen
class QuietHoursView:
    days: list[tuple[int, str, bool]]  # number, name, chosen
    start: str
    end: str
    timezone: str
    summary: str


def quiet_hours_view(organization: Organization) -> QuietHoursView:
    window = organization.working_window
    return QuietHoursView(
        days=[(n, name, n in window.days) for n, name in enumerate(DAY_NAMES)],
        start=f"{window.start:%H:%M}",
        end=f"{window.end:%H:%M}",
        timezone=organization.timezone,
        summary=window.describe(),
    )


def _row(label: str, period: Period) -> CountsRow:
    cells = [
        sum(n for (status, channel), n in period.counts.items() if counts(status, channel))
        for _, counts in COLUMNS
    ]
    return CountsRow(label=label, cells=cells, total=period.total())


def _back() -> Redirect:
    return Redirect(SLACK_PAGE, status_code=303)


class DeliveryFormsController(Controller):
    """Retry and the quiet-hours form; each answers with the Slack page and a message."""

    path = SLACK_PAGE
    guards = [only(Role.GLOBAL_ADMIN)]

    @post("/deliveries/{delivery_id:str}/retry", status_code=303)
    async def retry(
        self,
        request: Request[Any, Any, Any],
        delivery_id: FromPath[str],
        viewer: CurrentViewer,
        runner: Runner,
    ) -> Redirect:
        try:
            await runner(retry_delivery, RetryDelivery(delivery_id=delivery_id), viewer.actor)
        except NotFound:
            raise
        except DomainError as refused:
            flash(request, refused.message, "error")
        else:
            flash(request, "It will be sent again in a moment.", "success")
        return _back()

    @post("/working-window", status_code=303)
    async def quiet_hours(
        self, request: Request[Any, Any, Any], viewer: CurrentViewer, runner: Runner
    ) -> Redirect:
        form = await request.form()
        try:
            days = frozenset(int(day) for day in form.getall("days", []))
        except ValueError:
            days = frozenset({-1})  # refused below, with the domain's words
        command = SetWorkingWindow(
            days=days,
            start=str(form.get("start", "")),
            end=str(form.get("end", "")),
            timezone=str(form.get("timezone", "")),
        )
        try:
            organization = await runner(set_working_window, command, viewer.actor)
        except DomainError as refused:
            flash(request, f"Quiet hours not saved: {refused.message}", "error")
        else:
            window = organization.working_window.describe()
            flash(
                request,
                f"Saved. Notifications now arrive {window} in each person's timezone "
                f"({organization.timezone} for people whose timezone is unknown).",
                "success",
            )
        return _back()

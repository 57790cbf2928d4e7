"""Reading a Slack directory for the sync: `users.list` page by page (an org-wide Grid
install pages every workspace the Grid granted it, `auth.teams.list`, naming each with
`team_id` as Slack requires of org-level tokens), or newcomers one `users.lookupByEmail`
each. A person has one user id across a Grid: one found in several workspaces is one person.
Each page is handed on as soon as it is read, so its people can be kept before the next."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

import attrs

from application.slack.gateway import SlackGateway, SlackUser
from domain.people import User
from domain.slack.installation import CoveredWorkspace, WorkspaceInstallation

PAGE = 200


class DirectoryProgress(Protocol):
    """Told how a sync goes (the command line draws a progress bar from it)."""

    def workspaces(self, names: Sequence[str]) -> None:
        """The workspaces about to be paged."""

    def reading(self, workspace: str) -> None:
        """Paging of `workspace` begins."""

    def page(self, workspace: str, *, pages: int, people: int, matched: int) -> None:
        """One more page of `workspace` read. Totals so far, over every workspace: `pages`
        read, `people` found (each once), `matched` to the organization's users by email."""


class Silent:
    """A DirectoryProgress that tells nobody."""

    def workspaces(self, names: Sequence[str]) -> None:
        pass

    def reading(self, workspace: str) -> None:
        pass

    def page(self, workspace: str, *, pages: int, people: int, matched: int) -> None:
        pass


@attrs.frozen
class Found:
    """What a read found so far."""

    users: dict[str, SlackUser]  # by Slack user id: one entry per person, however many teams
    teams_of: dict[str, list[str]]  # Slack user id -> the workspaces they were found in
    covered: tuple[CoveredWorkspace, ...] | None  # None: looked up, not paged
    calls: int
    deactivated: set[str] = attrs.field(factory=set)  # Slack user ids listed as deleted


#: Called after each page with what was found so far and the people on that page.
PageRead = Callable[[Found, Sequence[SlackUser]], Awaitable[None]]


async def workspaces_of(
    gateway: SlackGateway, token: str, installation: WorkspaceInstallation
) -> tuple[tuple[CoveredWorkspace, ...], int]:
    """The workspaces to page: the installation's own, or every one its Grid granted."""
    workspace = installation.workspace
    if workspace.team_id is not None:
        return (CoveredWorkspace(team_id=workspace.team_id, name=workspace.team_name),), 0
    teams = await gateway.list_teams(token)
    return tuple(CoveredWorkspace(team_id=t.id, name=t.name) for t in teams), 1


async def list_all(
    gateway: SlackGateway,
    token: str,
    installation: WorkspaceInstallation,
    progress: DirectoryProgress,
    emails: set[str],
    page_read: PageRead,
) -> Found:
    """Every page of every covered workspace; `page_read` after each one."""
    covered, calls = await workspaces_of(gateway, token, installation)
    progress.workspaces([w.name for w in covered])
    found = Found(users={}, teams_of={}, covered=covered, calls=calls)
    pages = matched = 0
    for workspace in covered:
        progress.reading(workspace.name)
        cursor: str | None = None
        while True:
            page = await gateway.list_users(
                token, team_id=workspace.team_id, cursor=cursor, limit=PAGE
            )
            calls += 1
            pages += 1
            people = []
            for user in page.users:
                if is_person(user):
                    if user.id not in found.users:
                        matched += (user.email or "").lower() in emails
                    found.users.setdefault(user.id, user)
                    found.teams_of.setdefault(user.id, []).append(workspace.team_id)
                    people.append(user)
                elif user.deleted and not user.is_bot:
                    found.deactivated.add(user.id)
            await page_read(found, people)
            progress.page(workspace.name, pages=pages, people=len(found.users), matched=matched)
            cursor = page.next_cursor
            if not cursor:
                break
    return attrs.evolve(found, calls=calls)


async def look_up(
    gateway: SlackGateway, token: str, installation: WorkspaceInstallation, users: Sequence[User]
) -> Found:
    """The newcomers' accounts, one `users.lookupByEmail` each."""
    found = Found(users={}, teams_of={}, covered=None, calls=len(users))
    for user in users:
        slack_user = await gateway.lookup_by_email(token, user.email)
        if slack_user is not None and is_person(slack_user):
            found.users[slack_user.id] = slack_user
            team = slack_user.team_id or installation.workspace.team_id
            found.teams_of[slack_user.id] = [team] if team else []
    return found


def is_person(user: SlackUser) -> bool:
    """Someone to match: not a bot, not deactivated, with an e-mail to match by."""
    return not user.deleted and not user.is_bot and bool(user.email)

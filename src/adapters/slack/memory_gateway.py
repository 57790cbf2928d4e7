"""MemorySlackGateway: a stateful, honest stand-in for Slack's Web API, in memory.

It keeps what Slack keeps — grids, workspaces, members, issued OAuth codes, installs and
their bot tokens, revoked tokens — and answers as Slack does for the same inputs (the
contract suite runs it side by side with the real gateway against the sandbox): codes are
single use and live 10 minutes, `redirect_uri` must repeat the authorize step's, one bot
token per workspace (reinstalling keeps it and adds scopes; after a removal a new one is
issued), scopes are checked, `users.list` pages with opaque cursors and lists Slackbot and
the app's own bot user, org-wide tokens must name a workspace.

It never rate-limits: `fail_next` makes the next call of a method fail instead (e.g. with
SlackUnavailable, what the real gateway raises once a 429 outlasts its retries).
"""

from __future__ import annotations

import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterable

from adapters.slack.manifest import BOT_SCOPES
from adapters.slack.memory_records import (
    Code,
    Grid,
    Install,
    Person,
    Workspace,
    cursor_for,
    position_of,
)
from application.slack.gateway import (
    DEAD_TOKEN_CODES,
    OAuthGrant,
    SlackError,
    SlackUser,
    TeamProfile,
    UsersPage,
)

CODE_TTL_SECONDS = 600.0
PAGE_MAXIMUM = 1000
SLACKBOT = "USLACKBOT"
# Scopes each method needs, as Slack documents them.
_NEEDS = {
    "team.info": "team:read",
    "users.list": "users:read",
    "users.lookupByEmail": "users:read.email",
}


class MemorySlackGateway:
    """The SlackGateway port over an in-memory Slack. Set it up with `add_grid`,
    `add_workspace`, `add_user`; install with `issue_code` + `exchange_code` (or `install`).
    `calls` counts the Web API methods called, by Slack's method name."""

    def __init__(
        self,
        *,
        app_id: str = "A0MENTORLNK",
        app_name: str = "mentorlink",
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app_id = app_id
        self.app_name = app_name
        self.calls: Counter[str] = Counter()
        self._now = now
        self._grids: dict[str, Grid] = {}
        self._workspaces: dict[str, Workspace] = {}
        self._people: dict[str, Person] = {}
        self._codes: dict[str, Code] = {}
        self._installs: list[Install] = []
        self._tokens: dict[str, Install] = {}
        self._revoked: dict[str, str] = {}  # token -> the error later calls answer
        self._failures: dict[str, list[SlackError]] = {}

    def __repr__(self) -> str:
        return (
            f"MemorySlackGateway(workspaces={len(self._workspaces)}, "
            f"users={len(self._people)}, installs={len(self._installs)})"
        )

    # -- setting the scene ---------------------------------------------------------------

    def add_grid(self, id: str, name: str, *, domain: str | None = None) -> None:
        """An Enterprise Grid organization."""
        self._grids[id] = Grid(id=id, name=name, domain=domain or id.lower())

    def add_workspace(
        self,
        id: str,
        name: str,
        *,
        domain: str | None = None,
        icon_url: str | None = None,
        enterprise_id: str | None = None,
    ) -> None:
        """A workspace, standalone or in a Grid added before."""
        if enterprise_id is not None and enterprise_id not in self._grids:
            raise ValueError(f"unknown grid {enterprise_id}")
        domain = domain or name.lower().replace(" ", "-")
        self._workspaces[id] = Workspace(
            id=id,
            name=name,
            domain=domain,
            enterprise_id=enterprise_id,
            icon_url=icon_url or f"https://a.slack-edge.com/img/avatars-teams/{domain}-88.png",
        )

    def add_user(
        self,
        id: str,
        *,
        name: str,
        email: str,
        workspaces: Iterable[str],
        tz: str = "America/Los_Angeles",
        deleted: bool = False,
        is_bot: bool = False,
    ) -> None:
        """A member of one or more workspaces (a Grid user has one id across the Grid)."""
        teams = tuple(workspaces)
        unknown = [t for t in teams if t not in self._workspaces]
        if unknown:
            raise ValueError(f"unknown workspaces {unknown}")
        self._people[id] = Person(
            id=id, name=name, email=email, tz=tz, teams=teams, deleted=deleted, is_bot=is_bot
        )

    def issue_code(
        self,
        *,
        team_id: str | None = None,
        enterprise_id: str | None = None,
        scopes: Iterable[str] = BOT_SCOPES,
        installer: str = "UINSTALLER",
        redirect_uri: str | None = None,
    ) -> str:
        """What Slack's consent page hands out on "Allow": a code for `exchange_code`.
        `team_id=None` with an `enterprise_id` is an org-wide Grid install."""
        if team_id is not None:
            enterprise_id = self._workspaces[team_id].enterprise_id
        elif enterprise_id not in self._grids:
            raise ValueError("give a known team_id, or an enterprise_id for an org-wide install")
        value = f"{int(self._now())}.{secrets.token_hex(20)}"
        self._codes[value] = Code(
            team_id=team_id,
            enterprise_id=enterprise_id,
            scopes=tuple(scopes),
            redirect_uri=redirect_uri,
            installer=installer,
            issued_at=self._now(),
        )
        return value

    def install(
        self,
        *,
        team_id: str | None = None,
        enterprise_id: str | None = None,
        scopes: Iterable[str] = BOT_SCOPES,
        installer: str = "UINSTALLER",
    ) -> OAuthGrant:
        """Install without a code (like the sandbox's `POST /_sandbox/installs`)."""
        code = self.issue_code(
            team_id=team_id, enterprise_id=enterprise_id, scopes=scopes, installer=installer
        )
        return self._grant(self._install(self._codes.pop(code)))

    def remove_app(self, *, team_id: str | None, enterprise_id: str | None = None) -> None:
        """ "Remove app" from Slack's side: the token then answers `account_inactive`."""
        install = next(
            (
                i
                for i in self._installs
                if i.active
                and i.team_id == team_id
                and (enterprise_id is None or i.enterprise_id == enterprise_id)
            ),
            None,
        )
        if install is None:
            raise ValueError("app not installed there")
        self._deactivate(install, "account_inactive")

    def fail_next(self, method: str, error: SlackError) -> None:
        """Make the next call of `method` (e.g. "users.list") raise `error`."""
        self._failures.setdefault(method, []).append(error)

    def is_active(self, token: str) -> bool:
        """True while the token works (issued, not revoked)."""
        return token in self._tokens and token not in self._revoked

    # -- the port ------------------------------------------------------------------------

    async def exchange_code(self, code: str, redirect_uri: str) -> OAuthGrant:
        """`oauth.v2.access`."""
        self._enter("oauth.v2.access")
        issued = self._codes.get(code)
        if issued is None:
            raise SlackError("invalid_code")
        if issued.used:
            raise SlackError("code_already_used")
        if self._now() - issued.issued_at > CODE_TTL_SECONDS:
            raise SlackError("invalid_code")
        if issued.redirect_uri is not None and redirect_uri != issued.redirect_uri:
            raise SlackError("bad_redirect_uri")
        issued.used = True
        return self._grant(self._install(issued))

    async def describe(self, token: str, team_id: str | None) -> TeamProfile:
        """`auth.test` then `team.info`; an org-wide token alone describes its Grid."""
        install = self._authenticate("auth.test", token)
        if team_id is None and install.team_id is None:
            grid = self._grids[install.enterprise_id or ""]
            return TeamProfile(
                bot_id=install.bot_id, team_name=grid.name, domain=grid.domain, icon_url=""
            )
        install = self._authenticate("team.info", token)
        if team_id is None:
            team_id = install.team_id
        if team_id not in self._teams_of(install):
            raise SlackError("team_not_found")
        team = self._workspaces[team_id or ""]
        return TeamProfile(
            bot_id=install.bot_id, team_name=team.name, domain=team.domain, icon_url=team.icon_url
        )

    async def revoke(self, token: str) -> None:
        """`auth.revoke`; a dead token counts as revoked."""
        try:
            install = self._authenticate("auth.revoke", token)
        except SlackError as error:
            if error.code in DEAD_TOKEN_CODES:
                return
            raise
        self._deactivate(install, "token_revoked")

    async def list_users(
        self, token: str, *, team_id: str | None, cursor: str | None, limit: int = 200
    ) -> UsersPage:
        """One page of `users.list` (Slackbot first, the app's bot user last, as in Slack)."""
        install = self._authenticate("users.list", token)
        team = self._team_for(install, team_id)
        members = [
            SLACKBOT,
            *(p.id for p in self._people.values() if team in p.teams),
            install.bot_user_id,
        ]
        if limit <= 0:
            if len(members) > PAGE_MAXIMUM:
                raise SlackError("limit_required")
            limit = len(members)
        limit = min(limit, PAGE_MAXIMUM)
        start = position_of(cursor, members) if cursor else 0
        following = members[start + limit] if start + limit < len(members) else None
        with_email = "users:read.email" in install.scopes
        users = [
            self._user(member, team, install, with_email)
            for member in members[start : start + limit]
        ]
        return UsersPage(users=users, next_cursor=cursor_for(following) if following else None)

    async def lookup_by_email(self, token: str, email: str) -> SlackUser | None:
        """`users.lookupByEmail`: case-insensitive, deactivated members included."""
        install = self._authenticate("users.lookupByEmail", token)
        reachable = self._teams_of(install)
        for person in self._people.values():
            team = next((t for t in person.teams if t in reachable), None)
            if email and person.email.lower() == email.lower() and team is not None:
                return self._user(person.id, team, install, with_email=True)
        return None

    # -- Slack's rules -------------------------------------------------------------------

    def _enter(self, method: str) -> None:
        self.calls[method] += 1
        queued = self._failures.get(method)
        if queued:
            raise queued.pop(0)

    def _authenticate(self, method: str, token: str) -> Install:
        """Slack's order of checks: token given, known, alive; then the method's scope."""
        self._enter(method)
        if not token:
            raise SlackError("not_authed")
        install = self._tokens.get(token)
        if install is None:
            raise SlackError("invalid_auth")
        if token in self._revoked:
            raise SlackError(self._revoked[token])
        needed = _NEEDS.get(method)
        if needed is not None and needed not in install.scopes:
            raise SlackError("missing_scope", f"needed {needed}")
        return install

    def _teams_of(self, install: Install) -> list[str]:
        if install.team_id is not None:
            return [install.team_id]
        return [w.id for w in self._workspaces.values() if w.enterprise_id == install.enterprise_id]

    def _team_for(self, install: Install, team_hint: str | None) -> str:
        if install.team_id is not None:
            return install.team_id
        if team_hint is None:
            raise SlackError("missing_argument")
        if team_hint not in self._teams_of(install):
            raise SlackError("team_access_not_granted")
        return team_hint

    def _install(self, code: Code) -> Install:
        """One bot token per app per workspace (or Grid, org-wide); scopes are additive."""
        for install in self._installs:
            if (install.team_id, install.enterprise_id) == (code.team_id, code.enterprise_id):
                if not install.active:
                    install.token, install.scopes = self._new_token(install), set()
                install.active = True
                install.scopes |= set(code.scopes)
                install.installer = code.installer
                return install
        # A Grid's user ids are Grid-wide, so is the app's bot user.
        anchor = code.enterprise_id or code.team_id or ""
        install = Install(
            team_id=code.team_id,
            enterprise_id=code.enterprise_id,
            scopes=set(code.scopes),
            bot_user_id=f"U{anchor[1:]}BOT",
            bot_id=f"B{(code.team_id or anchor)[1:]}",
            installer=code.installer,
        )
        install.token = self._new_token(install)
        self._installs.append(install)
        return install

    def _new_token(self, install: Install) -> str:
        token = (
            f"xoxb-{secrets.randbelow(10**12):012d}-{secrets.randbelow(10**13):013d}-"
            f"{secrets.token_urlsafe(18)}"
        )
        self._tokens[token] = install
        return token

    def _deactivate(self, install: Install, error: str) -> None:
        install.active = False
        self._revoked[install.token] = error

    def _grant(self, install: Install) -> OAuthGrant:
        team = self._workspaces.get(install.team_id or "")
        grid = self._grids.get(install.enterprise_id or "")
        return OAuthGrant(
            access_token=install.token,
            scopes=tuple(sorted(install.scopes)),
            bot_user_id=install.bot_user_id,
            app_id=self.app_id,
            team_id=team.id if team else None,
            team_name=team.name if team else None,
            enterprise_id=grid.id if grid else None,
            enterprise_name=grid.name if grid else None,
            is_enterprise_install=install.team_id is None,
            authed_user_id=install.installer,
        )

    def _user(self, member: str, team: str, install: Install, with_email: bool) -> SlackUser:
        if member == SLACKBOT:
            return SlackUser(
                id=SLACKBOT, name="Slackbot", email=None, tz="America/Los_Angeles", team_id=team
            )
        if member == install.bot_user_id:
            return SlackUser(
                id=member, name=self.app_name, email=None, tz=None, team_id=team, is_bot=True
            )
        person = self._people[member]
        return SlackUser(
            id=person.id,
            name=person.name,
            email=person.email if with_email else None,
            tz=person.tz,
            team_id=team,
            deleted=person.deleted,
            is_bot=person.is_bot,
        )

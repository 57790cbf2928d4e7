# Over 300 lines: one stand-in for every Web API method the app calls, each a few lines.
"""MemorySlackGateway: a stateful, honest stand-in for Slack's Web API, in memory.

It keeps what Slack keeps — grids, workspaces, members, issued OAuth codes, installs and
their bot tokens, revoked tokens — and answers as Slack does for the same inputs (the
contract suite runs it side by side with the real gateway against the sandbox): codes are
single use and live 10 minutes, `redirect_uri` must repeat the authorize step's, one bot
token per workspace (reinstalling keeps it and adds scopes; after a removal a new one is
issued), scopes are checked, `users.list` pages with opaque cursors and lists Slackbot and
the app's own bot user, org-wide tokens must name a workspace; DMs go to a person's one
channel per workspace (or Grid) and are kept in `dms` (see memory_dms).

It never rate-limits: `fail_next` makes the next call of a method fail instead (e.g. with
SlackUnavailable, what the real gateway raises once a 429 outlasts its retries, or with
SlackRateLimited for chat.postMessage).
"""

from __future__ import annotations

import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from adapters.slack.manifest import BOT_SCOPES
from adapters.slack.memory_dms import DmLedger
from adapters.slack.memory_records import (
    SLACKBOT,
    Code,
    Grid,
    Install,
    Person,
    Workspace,
    cursor_for,
    grant_of,
    install_from,
    position_of,
    user_of,
)
from adapters.slack.memory_rotation import RotatingTokens
from application.slack.gateway import (
    DEAD_TOKEN_CODES,
    OAuthGrant,
    PostedMessage,
    RotatedToken,
    SlackError,
    SlackTeam,
    SlackUser,
    TeamProfile,
    UsersPage,
)

CODE_TTL_SECONDS = 600.0
MAX_HOME_BLOCKS = 100
PAGE_MAXIMUM = 1000
# Scopes each method needs, as Slack documents them.
_NEEDS = {"team.info": "team:read", "users.list": "users:read",
          "users.lookupByEmail": "users:read.email", "chat.postMessage": "chat:write",
          "chat.update": "chat:write"}


class MemorySlackGateway:
    """The SlackGateway port over an in-memory Slack. Set it up with `add_grid`,
    `add_workspace`, `add_user`; install with `issue_code` + `exchange_code` (or `install`).
    `calls` counts the Web API methods called, by Slack's method name; `dms` keeps the
    messages posted."""

    def __init__(self, *, app_id: str = "A0MENTORLNK", app_name: str = "mentorlink",
                 now: Callable[[], float] = time.monotonic,
                 token_lifetime: int | None = None) -> None:
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
        #: With a lifetime (seconds), tokens rotate as with Slack's token rotation on.
        self.rotation = RotatingTokens(token_lifetime, now)
        self.dms = DmLedger()
        self.homes: dict[tuple[str, str], dict[str, Any]] = {}  # (install bot, user) -> view

    def __repr__(self) -> str:
        return f"MemorySlackGateway({len(self._workspaces)} workspaces, {len(self._people)} users)"

    # -- setting the scene ---------------------------------------------------------------

    def add_grid(self, id: str, name: str, *, domain: str | None = None) -> None:
        """An Enterprise Grid organization."""
        self._grids[id] = Grid(id=id, name=name, domain=domain or id.lower())

    def add_workspace(self, id: str, name: str, *, domain: str | None = None,
                      icon_url: str | None = None, enterprise_id: str | None = None) -> None:
        """A workspace, standalone or in a Grid added before."""
        if enterprise_id is not None and enterprise_id not in self._grids:
            raise ValueError(f"unknown grid {enterprise_id}")
        domain = domain or name.lower().replace(" ", "-")
        self._workspaces[id] = Workspace(
            id=id, name=name, domain=domain, enterprise_id=enterprise_id,
            icon_url=icon_url or f"https://a.slack-edge.com/img/avatars-teams/{domain}-88.png")

    def add_user(self, id: str, *, name: str, email: str, workspaces: Iterable[str],
                 tz: str = "America/Los_Angeles", deleted: bool = False,
                 is_bot: bool = False) -> None:
        """A member of one or more workspaces (a Grid user has one id across the Grid)."""
        teams = tuple(workspaces)
        unknown = [t for t in teams if t not in self._workspaces]
        if unknown:
            raise ValueError(f"unknown workspaces {unknown}")
        self._people[id] = Person(id=id, name=name, email=email, tz=tz, teams=teams,
                                  deleted=deleted, is_bot=is_bot)

    def issue_code(self, *, team_id: str | None = None, enterprise_id: str | None = None,
                   scopes: Iterable[str] = BOT_SCOPES, installer: str = "UINSTALLER",
                   redirect_uri: str | None = None) -> str:
        """What Slack's consent page hands out on "Allow": a code for `exchange_code`.
        `team_id=None` with an `enterprise_id` is an org-wide Grid install."""
        if team_id is not None:
            enterprise_id = self._workspaces[team_id].enterprise_id
        elif enterprise_id not in self._grids:
            raise ValueError("give a known team_id, or an enterprise_id for an org-wide install")
        value = f"{int(self._now())}.{secrets.token_hex(20)}"
        self._codes[value] = Code(team_id=team_id, enterprise_id=enterprise_id,
                                  scopes=tuple(scopes), redirect_uri=redirect_uri,
                                  installer=installer, issued_at=self._now())
        return value

    def install(self, *, team_id: str | None = None, enterprise_id: str | None = None,
                scopes: Iterable[str] = BOT_SCOPES, installer: str = "UINSTALLER") -> OAuthGrant:
        """Install without a code (like the sandbox's `POST /_sandbox/installs`)."""
        code = self.issue_code(team_id=team_id, enterprise_id=enterprise_id, scopes=scopes,
                               installer=installer)
        return self._grant(self._install(self._codes.pop(code)))

    def remove_app(self, *, team_id: str | None, enterprise_id: str | None = None) -> None:
        """"Remove app" from Slack's side: the token then answers `account_inactive`."""
        install = next((i for i in self._installs if i.active and i.team_id == team_id and (
            enterprise_id is None or i.enterprise_id == enterprise_id)), None)
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

    async def rotate_token(self, refresh_token: str) -> RotatedToken:
        """`oauth.v2.access` with a refresh token (token rotation)."""
        self._enter("oauth.v2.access")
        return self.rotation.refresh(refresh_token, self._tokens)

    async def describe(self, token: str, team_id: str | None) -> TeamProfile:
        """`auth.test` then `team.info`; an org-wide token alone describes its Grid."""
        install = self._authenticate("auth.test", token)
        if team_id is None and install.team_id is None:
            grid = self._grids[install.enterprise_id or ""]
            return TeamProfile(bot_id=install.bot_id, team_name=grid.name, domain=grid.domain,
                               icon_url="")
        install = self._authenticate("team.info", token)
        if team_id is None:
            team_id = install.team_id
        if team_id not in self._teams_of(install):
            raise SlackError("team_not_found")
        team = self._workspaces[team_id or ""]
        return TeamProfile(bot_id=install.bot_id, team_name=team.name, domain=team.domain,
                           icon_url=team.icon_url)

    async def revoke(self, token: str) -> None:
        """`auth.revoke`; a dead token counts as revoked."""
        try:
            install = self._authenticate("auth.revoke", token)
        except SlackError as error:
            if error.code in DEAD_TOKEN_CODES:
                return
            raise
        self._deactivate(install, "token_revoked")

    async def list_users(self, token: str, *, team_id: str | None, cursor: str | None,
                         limit: int = 200) -> UsersPage:
        """One page of `users.list` (Slackbot first, the app's bot user last, as in Slack)."""
        install = self._authenticate("users.list", token)
        team = self._team_for(install, team_id)
        members = [SLACKBOT, *(p.id for p in self._people.values() if team in p.teams),
                   install.bot_user_id]
        if limit <= 0:
            if len(members) > PAGE_MAXIMUM:
                raise SlackError("limit_required")
            limit = len(members)
        limit = min(limit, PAGE_MAXIMUM)
        start = position_of(cursor, members) if cursor else 0
        following = members[start + limit] if start + limit < len(members) else None
        with_email = "users:read.email" in install.scopes
        users = [self._user(member, team, install, with_email)
                 for member in members[start:start + limit]]
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

    async def list_teams(self, token: str) -> Sequence[SlackTeam]:
        """`auth.teams.list`: the workspaces the install reaches (one for a workspace token)."""
        install = self._authenticate("auth.teams.list", token)
        return [SlackTeam(id=t, name=self._workspaces[t].name) for t in self._teams_of(install)]

    async def post_message(self, token: str, *, channel: str, text: str,
                           blocks: Sequence[Mapping[str, Any]],
                           metadata: Mapping[str, Any] | None = None,
                           team_id: str | None = None) -> PostedMessage:
        """`chat.postMessage` to a user id (their DM with the bot) or a DM's D… id."""
        install = self._authenticate("chat.postMessage", token)
        channel, user_id = self.dms.recipient(channel, self._people, self._dm_scopes(install))
        return self.dms.post(owner=install.bot_id, channel=channel, user_id=user_id, text=text,
                             blocks=blocks, metadata=metadata, team_id=team_id)

    async def update_message(self, token: str, *, channel: str, ts: str, text: str,
                             blocks: Sequence[Mapping[str, Any]],
                             team_id: str | None = None) -> None:
        """`chat.update` of a message this app posted."""
        install = self._authenticate("chat.update", token)
        self.dms.update(owner=install.bot_id, channel=channel, ts=ts, text=text, blocks=blocks,
                        reachable=set(self._dm_scopes(install).values()))

    async def publish_view(self, token: str, *, user_id: str, view: Mapping[str, Any],
                           team_id: str | None = None) -> None:
        """`views.publish`: the person's Home tab, kept in `homes` by (install, user)."""
        install = self._authenticate("views.publish", token)
        person = self._people.get(user_id)
        if person is None or not any(t in self._teams_of(install) for t in person.teams):
            raise SlackError("invalid_arguments")
        blocks = view.get("blocks")
        if view.get("type") != "home" or not isinstance(blocks, list):
            raise SlackError("invalid_arguments")
        if len(blocks) > MAX_HOME_BLOCKS:
            raise SlackError("invalid_blocks")
        self.homes[(install.bot_id, user_id)] = dict(view)

    def home_of(self, user_id: str) -> dict[str, Any] | None:
        """The Home tab last published for `user_id` (by any install)."""
        found = [v for (_, user), v in self.homes.items() if user == user_id]
        return found[-1] if found else None

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
        self.rotation.check(token)
        needed = _NEEDS.get(method)
        if needed is not None and needed not in install.scopes:
            raise SlackError("missing_scope", f"needed {needed}")
        return install

    def _dm_scopes(self, install: Install) -> dict[str, str]:
        """Each workspace the install reaches, with where its DMs live: the Grid (user ids
        are Grid-wide), else the workspace."""
        return {t: self._workspaces[t].enterprise_id or t for t in self._teams_of(install)}

    def _teams_of(self, install: Install) -> list[str]:
        if install.team_id is not None:
            return [install.team_id]
        return [w.id for w in self._workspaces.values()
                if w.enterprise_id == install.enterprise_id]

    def _team_for(self, install: Install, team_hint: str | None) -> str:
        if install.team_id is not None:
            return install.team_id
        if team_hint is None:
            raise SlackError("missing_argument")
        if team_hint not in self._teams_of(install):
            raise SlackError("team_access_not_granted")
        return team_hint

    def _install(self, code: Code) -> Install:
        install = install_from(code, self._installs, self._tokens)
        self.rotation.issue(install, self._tokens)  # rotating: every install a new pair
        return install

    def _deactivate(self, install: Install, error: str) -> None:  # tokens then answer `error`
        install.active = False
        for token, owner in self._tokens.items():
            if owner is install:
                self._revoked[token] = error
        self.rotation.forget(install)

    def _grant(self, install: Install) -> OAuthGrant:
        grant = grant_of(install, self.app_id, self._workspaces.get(install.team_id or ""),
                         self._grids.get(install.enterprise_id or ""))
        return self.rotation.with_rotation(grant, install)

    def _user(self, member: str, team: str, install: Install, with_email: bool) -> SlackUser:
        return user_of(member, team, install, self._people.get(member), self.app_name,
                       with_email=with_email)

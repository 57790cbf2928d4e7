"""The directory: Enterprise Grids, workspaces and their users.

The directory is read at startup (the built-in default or a YAML file, format in the
sandbox README); people may join, change or be deactivated while the sandbox runs (the
inspection API, `directory_changes`), and `POST /_sandbox/reset` brings it back as loaded.
A Grid user has one id across every workspace of the Grid, as in Slack.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import yaml

DEFAULT_TZ = "America/Los_Angeles"


class DirectoryError(ValueError):
    """The workspaces file is malformed; the message says where."""


@attrs.frozen
class Grid:
    """An Enterprise Grid organization."""

    id: str
    name: str
    domain: str


@attrs.frozen
class Workspace:
    """A Slack workspace (team), standalone or part of a Grid."""

    id: str
    name: str
    domain: str
    icon: str  # a URL from the workspaces file, or "" for the sandbox's own
    enterprise_id: str | None = None


@attrs.frozen
class User:
    """A person (or bot) with an account in one or more workspaces."""

    id: str
    name: str
    real_name: str
    email: str
    tz: str
    workspaces: tuple[str, ...]
    avatar: str = ""
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    is_restricted: bool = False
    deleted: bool = False


@attrs.define
class Directory:
    """Lookups over grids, workspaces and users, kept in step with every change."""

    grids: dict[str, Grid]
    workspaces: dict[str, Workspace]
    users: dict[str, User]
    members: dict[str, list[str]] = attrs.field(init=False)
    by_email: dict[str, list[User]] = attrs.field(init=False)
    _loaded: dict[str, User] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self._loaded = dict(self.users)
        self._index()

    def put(self, user: User) -> None:
        """Add `user`, or replace the user with that id (a new member, an edited profile)."""
        self.users[user.id] = user
        self._index()

    def restore(self) -> None:
        """Back to the directory as loaded: changes made while running are forgotten."""
        self.users = dict(self._loaded)
        self._index()

    def _index(self) -> None:
        self.members = {team_id: [] for team_id in self.workspaces}
        self.by_email = {}
        for user in self.users.values():
            for team_id in user.workspaces:
                self.members[team_id].append(user.id)
            self.by_email.setdefault(user.email.lower(), []).append(user)

    def grid_of(self, team_id: str) -> Grid | None:
        """The Grid a workspace belongs to, if any."""
        workspace = self.workspaces.get(team_id)
        if workspace is None or workspace.enterprise_id is None:
            return None
        return self.grids.get(workspace.enterprise_id)

    def teams_of_grid(self, enterprise_id: str) -> list[str]:
        """Ids of the workspaces in a Grid, in file order."""
        return [w.id for w in self.workspaces.values() if w.enterprise_id == enterprise_id]

    def user_in(self, user_id: str, team_ids: Iterable[str]) -> User | None:
        """The user if they belong to at least one of `team_ids`."""
        user = self.users.get(user_id)
        if user is None:
            return None
        return user if any(t in user.workspaces for t in team_ids) else None


def _workspace_from(raw: Mapping[str, Any], grids: Mapping[str, Grid]) -> Workspace:
    enterprise_id = raw.get("enterprise_id")
    if enterprise_id is not None and enterprise_id not in grids:
        raise DirectoryError(f"workspace {raw['id']}: unknown enterprise_id {enterprise_id}")
    domain = str(raw.get("domain") or str(raw["name"]).lower().replace(" ", "-"))
    icon = str(raw.get("icon") or "")  # none: the sandbox draws one (ui/icons.py)
    return Workspace(id=str(raw["id"]), name=str(raw["name"]), domain=domain, icon=icon,
                     enterprise_id=enterprise_id)


def _user_from(raw: Mapping[str, Any], workspaces: Mapping[str, Workspace]) -> User:
    user_id = str(raw["id"])
    teams = tuple(str(t) for t in raw.get("workspaces", ()))
    for team_id in teams:
        if team_id not in workspaces:
            raise DirectoryError(f"user {user_id}: unknown workspace {team_id}")
    grids = {workspaces[t].enterprise_id for t in teams}
    if len(grids) > 1:
        raise DirectoryError(f"user {user_id}: one user id cannot span several grids or "
                             "a grid and a standalone workspace; declare two users")
    name = str(raw.get("name") or user_id.lower())
    return User(
        id=user_id, name=name, real_name=str(raw.get("real_name") or name),
        email=str(raw.get("email") or f"{name}@example.com"), tz=str(raw.get("tz") or DEFAULT_TZ),
        workspaces=teams, avatar=str(raw.get("avatar") or ""),
        is_admin=bool(raw.get("is_admin", False)), is_owner=bool(raw.get("is_owner", False)),
        is_bot=bool(raw.get("is_bot", False)), is_restricted=bool(raw.get("is_restricted", False)),
        deleted=bool(raw.get("deleted", False)),
    )


def generated_users(workspace: Workspace, count: int, start: int = 0) -> list[User]:
    """`count` synthetic members of `workspace` (for benchmarks with big directories)."""
    prefix = "W" if workspace.enterprise_id else "U"
    zones = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "America/Los_Angeles",
             "Asia/Kolkata", "UTC")
    tag = workspace.id[-4:].upper()
    users = []
    for n in range(start, start + count):
        name = f"user{n:05d}.{workspace.domain}"
        users.append(User(id=f"{prefix}9{tag}{n:06d}", name=name, real_name=f"Member {n:05d}",
                          email=f"{name}@generated.example", tz=zones[n % len(zones)],
                          workspaces=(workspace.id,)))
    return users


def directory_from_data(data: Mapping[str, Any], extra_users: Mapping[str, int] | None = None
                        ) -> Directory:
    """Build a directory from the parsed YAML document (see README for the format)."""
    if not isinstance(data, Mapping):
        raise DirectoryError("the workspaces file must be a mapping with grids/workspaces/users")
    try:
        grids = {str(g["id"]): Grid(id=str(g["id"]), name=str(g["name"]),
                                    domain=str(g.get("domain") or str(g["id"]).lower()))
                 for g in data.get("grids") or ()}
        workspaces: dict[str, Workspace] = {}
        for raw in data.get("workspaces") or ():
            workspace = _workspace_from(raw, grids)
            workspaces[workspace.id] = workspace
        users: dict[str, User] = {}
        for raw in data.get("users") or ():
            user = _user_from(raw, workspaces)
            if user.id in users:
                raise DirectoryError(f"user {user.id} declared twice")
            users[user.id] = user
        generated = dict(extra_users or {})
        for raw in data.get("workspaces") or ():
            if raw.get("generate_users"):
                generated.setdefault(str(raw["id"]), int(raw["generate_users"]))
    except (KeyError, TypeError) as exc:
        raise DirectoryError(f"malformed workspaces file: missing or wrong field {exc}") from exc
    if not workspaces:
        raise DirectoryError("the workspaces file declares no workspace")
    if "*" in generated:
        # `--generate-users N` without a workspace fills the first one.
        generated[next(iter(workspaces))] = generated.pop("*")
    for team_id, count in generated.items():
        if team_id not in workspaces:
            raise DirectoryError(f"generate_users: unknown workspace {team_id}")
        for user in generated_users(workspaces[team_id], count):
            users[user.id] = user
    return Directory(grids=grids, workspaces=workspaces, users=users)


def load_directory(path: Path | None = None, extra_users: Mapping[str, int] | None = None
                   ) -> Directory:
    """The directory from `path`, or the built-in default when `path` is None."""
    if path is None:
        text = resources.files("slack_sandbox").joinpath("default_workspaces.yaml").read_text()
    else:
        text = Path(path).read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DirectoryError(f"the workspaces file is not valid YAML: {exc}") from exc
    return directory_from_data(data, extra_users)

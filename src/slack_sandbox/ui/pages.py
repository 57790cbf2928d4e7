"""HTML for the browser UI: the workspace list and one user's Slack (DMs, Home, modal)."""

from __future__ import annotations

import hashlib
from html import escape

from slack_sandbox.blockkit import STYLESHEET, render_blocks, render_modal
from slack_sandbox.modals import view_json
from slack_sandbox.records import JSON, Message
from slack_sandbox.state import SandboxState, mask_token
from slack_sandbox.ui.layout import page
from slack_sandbox.ui.mail_pages import mail_list, mails_to

#: Mentions render with names only for directories small enough to pass along cheaply.
_NAMES_UP_TO = 2000
_USERS_LISTED = 200
_TABS = (("messages", "Messages"), ("home", "Home"), ("mail", "Mail"))


def _names(state: SandboxState) -> dict[str, str]:
    users = state.directory.users
    return {u.id: u.real_name for u in users.values()} if len(users) <= _NAMES_UP_TO else {}


def home_page(state: SandboxState) -> str:
    """`/`: every workspace, its install, its users."""
    cards = []
    for workspace in state.directory.workspaces.values():
        grid = state.directory.grid_of(workspace.id)
        install = state.install_for_team(workspace.id)
        if install is not None:
            scope = "org-wide" if install.is_enterprise_install else "this workspace"
            status = (f"App installed ({scope}), token {escape(mask_token(install.token))} "
                      f"<form method='post' action='/ui/{workspace.id}/remove' class='sb-inline'>"
                      "<button type='submit' class='sb-remove-app'>Remove app</button></form>")
        else:
            status = "App not installed."
        members = state.directory.members[workspace.id]
        rows = "".join(
            f"<tr><td><a href='/ui/{workspace.id}/{uid}' class='sb-user-link'>"
            f"{escape(state.directory.users[uid].real_name)}</a></td>"
            f"<td>{escape(state.directory.users[uid].email)}</td>"
            f"<td>{escape(state.directory.users[uid].tz)}</td><td>{uid}</td></tr>"
            for uid in members[:_USERS_LISTED])
        more = (f"<p>… and {len(members) - _USERS_LISTED} more.</p>"
                if len(members) > _USERS_LISTED else "")
        grid_note = f" · {escape(grid.name)} ({grid.id})" if grid else ""
        cards.append(
            f"<section class='sb-card' data-team-id='{workspace.id}'>"
            f"<h2>{escape(workspace.name)} <small>{workspace.id} · {escape(workspace.domain)}"
            f"{grid_note}</small></h2><p>{status}</p>"
            f"<table><tr><th>User</th><th>Email</th><th>Time zone</th><th>Id</th></tr>{rows}"
            f"</table>{more}</section>")
    config = state.config
    intro = (f"<p>Web API at <code>{config.base_url}/api/</code>; the app at "
             f"<code>{escape(state.tunables.app_url)}</code>. Install with "
             f"<a href='/oauth/v2/authorize?client_id={escape(config.client_id)}"
             "&scope=chat:write,users:read,users:read.email,team:read'>the consent page</a>.</p>")
    return page("Workspaces", intro + "".join(cards))


def user_page(state: SandboxState, team_id: str, user_id: str, tab: str) -> str:
    """`/ui/{team}/{user}`: the shell the script fills from `/surface`."""
    user = state.directory.users[user_id]
    workspace = state.directory.workspaces[team_id]
    tabs = "".join(
        f"<a href='?tab={name}' data-tab='{name}' class='{'sb-current' if name == tab else ''}'>"
        f"{label}</a>" for name, label in _TABS)
    body = (
        f"<div id='sb-app' data-team='{team_id}' data-user='{user_id}' data-tab='{tab}'>"
        f"<h2>{escape(user.real_name)} <small>in {escape(workspace.name)} · "
        f"{escape(user.tz)}</small></h2><nav class='sb-tabs'>{tabs}</nav>"
        "<div id='sb-banner' class='sb-banner' hidden></div>"
        "<div id='sb-surface' class='sb-card'></div>"
        "<div id='sb-modal' class='sb-overlay' hidden></div></div>"
        "<script src='/ui/static/sandbox.js' defer></script>")
    return page(f"{user.real_name} · {workspace.name}", body,
                extra_head=f"<style>{STYLESHEET}</style>")


def _message_html(message: Message, tz: str, names: dict[str, str]) -> str:
    edited = " <span class='sb-meta'>(edited)</span>" if message.edited_ts else ""
    ephemeral = " sb-ephemeral" if message.visible_to else ""
    note = "<div class='sb-meta'>Only visible to you</div>" if message.visible_to else ""
    content = (render_blocks(message.blocks, tz=tz, names=names) if message.blocks
               else f"<div class='sb-text'>{escape(message.text)}</div>")
    return (f"<div class='sb-msg{ephemeral}' data-container='message' "
            f"data-channel='{message.channel}' data-ts='{message.ts}'>"
            f"<div class='sb-meta'>app · {message.ts}{edited}</div>{note}{content}</div>")


def surface(state: SandboxState, team_id: str, user_id: str, tab: str) -> JSON:
    """What the script shows: the tab's HTML, the top modal and its inline errors."""
    user = state.directory.users[user_id]
    names = _names(state)
    install = state.install_for_team(team_id)
    if tab == "mail":
        html = mail_list(mails_to(state, user.email))
    elif tab == "home":
        home = state.views.get(state.homes.get((install.id, user_id), "")) if install else None
        html = ("<p class='sb-meta'>Nothing published on the Home tab yet.</p>" if home is None
                else f"<div data-container='view' data-view-id='{home.id}'>"
                     f"{render_blocks(home.definition.get('blocks', []), tz=user.tz, names=names)}"
                     "</div>")
    else:
        dm = state.dm_channel(team_id, user_id, create=False)
        messages = [] if dm is None else sorted(
            [*dm.messages.values(), *(m for m in dm.ephemerals if m.visible_to == user_id)],
            key=lambda m: m.ts)
        html = "".join(_message_html(m, user.tz, names) for m in messages) or \
            "<p class='sb-meta'>No messages from the app yet.</p>"
    stack = state.modal_stack(team_id, user_id)
    modal_html, modal_key, errors = "", "", {}
    if stack:
        view = state.views[stack[-1]]
        modal_html = ("<div class='sb-modal-frame' data-container='view' "
                      f"data-view-id='{view.id}'>"
                      f"{render_modal(view_json(state, view), tz=user.tz, names=names)}</div>")
        modal_key = f"{view.id}:{view.hash}"
        errors = view.errors
    # A Home published again shows again, even as it was: what the person ticked on it
    # before gives way to what the app published (its hash is new on every publish).
    published = home.hash if tab == "home" and home is not None else ""
    digest = hashlib.sha1((published + html).encode(), usedforsecurity=False).hexdigest()
    return {"version": state.version, "html": html, "html_key": digest,
            "modal_html": modal_html, "modal_key": modal_key, "errors": errors}

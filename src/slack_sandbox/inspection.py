"""The JSON inspection API under `/_sandbox/...`: what happened, plus test-only actions.

Tokens never appear in full: installs show them masked, the calls log drops them.
Documented in the sandbox README.
"""

from __future__ import annotations

from typing import Any

import attrs
from litestar import Request, Response, Router, delete, get, post

from slack_sandbox import directory_changes, interactions
from slack_sandbox.errors import SlackError
from slack_sandbox.faults import fault_from
from slack_sandbox.installs import access_response, install_app
from slack_sandbox.modals import view_json
from slack_sandbox.records import JSON, Message
from slack_sandbox.services import Sandbox
from slack_sandbox.state import mask_token

AnyRequest = Request[Any, Any, Any]


def _sandbox(request: AnyRequest) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


def _query(request: AnyRequest, name: str) -> str | None:
    value = request.query_params.get(name)
    return str(value) if value else None


def _message_json(message: Message) -> JSON:
    return attrs.asdict(message)


@get("/directory", sync_to_thread=False)
def directory(request: AnyRequest) -> JSON:
    """Grids, workspaces and users (as loaded)."""
    d = _sandbox(request).state.directory
    return {"grids": [attrs.asdict(g) for g in d.grids.values()],
            "workspaces": [attrs.asdict(w) for w in d.workspaces.values()],
            "users": [attrs.asdict(u) for u in d.users.values()
                      if not u.id.startswith(("U9", "W9"))],
            "user_count": len(d.users)}


@get("/messages", sync_to_thread=False)
def messages(request: AnyRequest) -> JSON:
    """Bot DMs (with edits history, metadata, ephemeral ones) per user or channel."""
    state = _sandbox(request).state
    user, channel = _query(request, "user"), _query(request, "channel")
    out = []
    for dm in state.channels.values():
        if (user and dm.user_id != user) or (channel and dm.id != channel):
            continue
        for message in [*dm.messages.values(), *dm.ephemerals]:
            out.append({**_message_json(message), "user_id": dm.user_id})
    out.sort(key=lambda m: m["ts"])
    return {"messages": out}


@get("/calls", sync_to_thread=False)
def calls(request: AnyRequest) -> JSON:
    """Web API calls (arguments without tokens or secrets) and counts per method."""
    state = _sandbox(request).state
    method = _query(request, "method")
    rows = [attrs.asdict(c) for c in state.calls if method is None or c.method == method]
    return {"calls": rows, "counts": dict(state.call_counts)}


@get("/ratelimited", sync_to_thread=False)
def ratelimited(request: AnyRequest) -> JSON:
    """How many 429s were served, per method and workspace."""
    state = _sandbox(request).state
    rows = [{"method": m, "team_id": t, "count": n} for (m, t), n in state.ratelimited.items()]
    return {"ratelimited": rows, "total": sum(state.ratelimited.values())}


def _deliveries(request: AnyRequest, kinds: set[str]) -> JSON:
    type_ = _query(request, "type")
    rows = [d.as_json() for d in _sandbox(request).state.deliveries
            if d.kind in kinds and (type_ is None or d.type == type_)]
    return {"deliveries": rows}


@get("/events", sync_to_thread=False)
def delivered_events(request: AnyRequest) -> JSON:
    """Events sent to the app with every attempt (status, retry reason, timing)."""
    return _deliveries(request, {"event", "url_verification"})


@get("/interactions", sync_to_thread=False)
def delivered_interactions(request: AnyRequest) -> JSON:
    """Interaction payloads sent to the app and its answers."""
    return _deliveries(request, {"interaction"})


@get("/views", sync_to_thread=False)
def views(request: AnyRequest) -> JSON:
    """Open modal stacks and published Home tabs (with errors shown and typed values)."""
    state = _sandbox(request).state
    user = _query(request, "user")
    stacks = [{"team_id": team, "user_id": uid, "views": [
        {**view_json(state, state.views[v]), "errors": state.views[v].errors} for v in stack]}
        for (team, uid), stack in state.modal_stacks.items() if stack and user in (None, uid)]
    homes = [{"user_id": uid, "install_id": iid, "view": view_json(state, state.views[v])}
             for (iid, uid), v in state.homes.items() if user in (None, uid)]
    return {"modals": stacks, "homes": homes}


@get("/installs", sync_to_thread=False)
def installs(request: AnyRequest) -> JSON:
    """Installs with masked tokens."""
    rows = []
    for install in _sandbox(request).state.installs.values():
        row = attrs.asdict(install)
        row["token"] = mask_token(install.token)
        row["refresh_token"] = mask_token(install.refresh_token) if install.refresh_token else ""
        row["scopes"] = sorted(install.scopes)
        rows.append(row)
    return {"installs": rows}


@post("/installs")
async def direct_install(request: AnyRequest) -> JSON:
    """Install without the consent page: {team_id | enterprise_id, scopes, installer}.
    Returns oauth.v2.access's body (with the token): a shortcut for tests."""
    sandbox = _sandbox(request)
    body = await request.json()
    team_id = body.get("team_id")
    directory = sandbox.state.directory
    if team_id is not None and team_id not in directory.workspaces:
        raise_400("unknown team_id")
    enterprise_id = (directory.workspaces[team_id].enterprise_id if team_id
                     else body.get("enterprise_id"))
    if team_id is None and enterprise_id not in directory.grids:
        raise_400("give team_id or a known enterprise_id")
    install = install_app(sandbox.state, team_id=team_id, enterprise_id=enterprise_id,
                          scopes=list(body.get("scopes") or []),
                          installer_user_id=str(body.get("installer") or ""))
    return access_response(sandbox.state, install)


def raise_400(message: str) -> None:
    """Refuse a malformed inspection request."""
    raise SlackError(message, status=400)


@get("/config", sync_to_thread=False)
def read_config(request: AnyRequest) -> JSON:
    """The runtime settings."""
    return _sandbox(request).state.tunables.as_dict()


@post("/config")
async def write_config(request: AnyRequest) -> JSON:
    """Change runtime settings (any subset of GET /_sandbox/config's keys)."""
    sandbox = _sandbox(request)
    unknown = sandbox.state.tunables.update(await request.json())
    if unknown:
        raise_400(f"unknown settings: {', '.join(unknown)}")
    return sandbox.state.tunables.as_dict()


@post("/reset")
async def reset(request: AnyRequest) -> JSON:
    """Forget everything but the directory (installs, messages, views, logs, settings)."""
    sandbox = _sandbox(request)
    await sandbox.deliverer.drain(within=0.5)
    sandbox.reset()
    return {"ok": True}


@post("/drain")
async def drain(request: AnyRequest) -> JSON:
    """Wait (up to `timeout` seconds) until no delivery or retry is pending."""
    body = await request.json() if await request.body() else {}
    await _sandbox(request).deliverer.drain(float(body.get("timeout", 10)))
    return {"ok": True}


@post("/url_verification")
async def url_verification(request: AnyRequest) -> JSON:
    """Send Slack's url_verification challenge to the app's events URL now."""
    return (await _sandbox(request).deliverer.url_verification()).as_json()


@post("/actions/click")
async def click(request: AnyRequest) -> JSON:
    """Click as a user: {team_id, user_id, action_id, [block_id], channel+ts | view_id,
    [value]} (value = option value(s) for selects, radio buttons, checkboxes, overflow)."""
    b = await request.json()
    return await interactions.click(
        _sandbox(request), team_id=b["team_id"], user_id=b["user_id"], action_id=b["action_id"],
        block_id=b.get("block_id"), channel=b.get("channel"), ts=b.get("ts"),
        view_id=b.get("view_id"), value=b.get("value"))


@post("/actions/submit")
async def submit(request: AnyRequest) -> JSON:
    """Submit the user's top modal: {team_id, user_id, values: {block_id: value}}."""
    b = await request.json()
    return await interactions.submit(_sandbox(request), team_id=b["team_id"],
                                     user_id=b["user_id"], values=b.get("values") or {},
                                     view_id=b.get("view_id"))


@post("/actions/close")
async def close(request: AnyRequest) -> JSON:
    """Close the user's top modal: {team_id, user_id}."""
    b = await request.json()
    return await interactions.close_view(_sandbox(request), team_id=b["team_id"],
                                         user_id=b["user_id"])


@post("/actions/open_tab")
async def open_tab(request: AnyRequest) -> JSON:
    """Open the app's Home (default) or Messages tab: {team_id, user_id, [tab]}."""
    b = await request.json()
    return interactions.open_tab(_sandbox(request), team_id=b["team_id"], user_id=b["user_id"],
                                 tab=b.get("tab", "home"))


@post("/actions/remove_app")
async def remove(request: AnyRequest) -> JSON:
    """"Remove app": {team_id} or {enterprise_id} for an org-wide install."""
    b = await request.json()
    return interactions.remove_app(_sandbox(request), team_id=b.get("team_id"),
                                   enterprise_id=b.get("enterprise_id"))


@get("/faults", sync_to_thread=False)
def faults(request: AnyRequest) -> JSON:
    """Faults still to happen."""
    return {"faults": _sandbox(request).state.faults.as_json()}


@post("/faults")
async def add_fault(request: AnyRequest) -> JSON:
    """Plan a fault: {method, [team_id], [times=1], error | status (5xx) | delay (s),
    [retry_after] (with error "ratelimited")}."""
    state = _sandbox(request).state
    state.faults.add(fault_from(await request.json()))
    return {"faults": state.faults.as_json()}


@delete("/faults", status_code=200, sync_to_thread=False)
def clear_faults(request: AnyRequest) -> JSON:
    """Forget every planned fault."""
    _sandbox(request).state.faults.clear()
    return {"ok": True}


@get("/mails", sync_to_thread=False)
def mails(request: AnyRequest) -> JSON:
    """E-mails the SMTP receiver accepted, oldest first (`?to=` filters by recipient)."""
    to = (_query(request, "to") or "").lower()
    return {"mails": [m.as_json() for m in _sandbox(request).state.mails
                      if not to or to in (r.lower() for r in m.rcpt_tos)]}


@delete("/mails", status_code=200, sync_to_thread=False)
def clear_mails(request: AnyRequest) -> JSON:
    """Empty the mailbox."""
    state = _sandbox(request).state
    state.mails.clear()
    state.changed()
    return {"ok": True}


def slack_error_response(_: AnyRequest, exc: SlackError) -> Response[JSON]:
    """Inspection refusals as JSON with a 4xx status."""
    return Response(exc.body(), status_code=exc.status if exc.status >= 400 else 400)


def inspection_router() -> Router:
    """All inspection routes under /_sandbox."""
    return Router("/_sandbox", route_handlers=[
        directory, messages, calls, ratelimited, delivered_events, delivered_interactions,
        views, installs, direct_install, read_config, write_config, reset, drain,
        url_verification, click, submit, close, open_tab, remove, faults, add_fault,
        clear_faults, mails, clear_mails, *directory_changes.ROUTES,
    ], exception_handlers={SlackError: slack_error_response})

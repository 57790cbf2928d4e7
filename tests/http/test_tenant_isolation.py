"""Tenant isolation, generated from what the app declares (issue 8, acceptance 5).

For EVERY operation of the OpenAPI document and every admin form (and admin page taking an id)
in the route table, Globex's users of every role aim at Acme's real ids:
- a request that names an Acme id gets 404, or 403 where the role is wrong for any
  organization — exactly what the same request with ids that exist nowhere gets, so an answer
  never tells that an id exists — and changes nothing in the store (rows, outbox, tokens, chat
  messages) nor calls Slack; Acme's own user then makes the same request successfully, which
  proves the ids and the body were valid and the refusal was for the tenant reason;
- a request that names no id (lists, `me`, maintenance) changes nothing of Acme's and names
  none of its ids.

A route added later is covered by itself: a path parameter no victim id is known for, an
operation with a body and no entry in `API_CASES`, or an admin form without an entry in
`ADMIN_FORMS` fails here until someone says what to aim at."""

from __future__ import annotations

import string
from datetime import timedelta
from typing import Any

import httpx
import pytest

from application.slack.directory import SyncDirectory, sync_slack_directory
from domain.errors import NotFound
from domain.people import Role
from tests.http.admin_web import OAUTH_URL, SLACK_PAGE, Browser, Web, web_fixture  # noqa: F401  (the `web` fixture)
from tests.http.conftest import QUESTIONS, Org
from tests.http.tenant_probe import (
    TIMES,
    Operation,
    Victim,
    acme_part,
    admin_operations,
    api_operations,
    differences,
    everything,
    victim_world,
)

API_OPERATIONS = api_operations()
ADMIN_OPERATIONS = admin_operations()
# Every organization role; members as a mentor, a mentee and someone in no program.
API_ATTACKERS = ["support", "admin", "padmin", "maria", "sam", "outsider"]
PAGE_ATTACKERS = ["support", "admin", "padmin", "sam"]

# Per operation: who in Acme may make it (the control), and a valid body. Placeholders are
# the victim's ids by parameter name, members by first name, and the times `slot`/`later`.
API_CASES: dict[str, tuple[str, Any]] = {
    "PUT /api/v1/organizations/{organization_id}/slack": ("support", {"enabled": False}),
    "POST /api/v1/maintenance/expire": ("support", None),
    "GET /api/v1/programs": ("admin", None),
    "POST /api/v1/programs": ("admin", {"name": "Second Pathways"}),
    "POST /api/v1/programs/{program_id}/surveys": (
        "admin", {"title": "Pulse", "questions": QUESTIONS}),
    "GET /api/v1/programs/{program_id}/members": ("admin", None),
    "POST /api/v1/programs/{program_id}/members": (
        "admin", {"email": "newcomer@acme.example", "name": "Newcomer", "roles": ["mentee"]}),
    "POST /api/v1/programs/{program_id}/connections": (
        "admin", {"mentor_ids": ["{otto}"], "mentee_ids": ["{tess}"]}),
    "GET /api/v1/programs/{program_id}/recommended-mentors": ("tess", None),
    "PUT /api/v1/programs/{program_id}/slack": ("admin", {"opted_in": False}),
    "POST /api/v1/programs/{program_id}/announcements": (
        "admin", {"text": "Kick-off on Monday", "audience": "mentees"}),
    "POST /api/v1/mentor-requests": ("tess", {"program_id": "{program_id}", "mentor_id": "{otto}"}),
    "POST /api/v1/mentor-requests/{request_id}/accept": ("maria", None),
    "POST /api/v1/mentor-requests/{request_id}/decline": ("maria", {"reason": "Full up"}),
    "POST /api/v1/mentor-requests/{request_id}/withdraw": ("tess", None),
    "GET /api/v1/connections/{connection_id}/messages": ("sam", None),
    "POST /api/v1/connections/{connection_id}/messages": ("sam", {"body": "Hello"}),
    "POST /api/v1/connections/{connection_id}/tasks": ("sam", {"title": "Read chapter two"}),
    "POST /api/v1/connections/{connection_id}/tasks/{task_id}/complete": ("sam", None),
    "POST /api/v1/connections/{connection_id}/meetings": (
        "sam", {"invitee_id": "{maria}", "slots": [{"start": "{later}"}]}),
    "POST /api/v1/meetings/{meeting_id}/accept": ("maria", {"slot_start": "{slot}"}),
    "POST /api/v1/meetings/{meeting_id}/decline": ("maria", {"reason": "Busy"}),
    "POST /api/v1/meetings/{meeting_id}/cancel": ("sam", None),
    "POST /api/v1/surveys/{survey_id}/assignments": ("admin", {"connection_id": "{connection_id}"}),
    "POST /api/v1/survey-assignments/{assignment_id}/responses": (
        "sam", {"answers": {"mood": 4, "pace": "right", "topics": ["code"]}}),
    "DELETE /api/v1/tokens/{token_id}": ("admin", None),
    "POST /api/v1/deliveries/{delivery_id}/retry": ("admin", None),
    "PUT /api/v1/organization/working-window": (
        "admin", {"days": [0, 1, 2, 3], "start": "09:00", "end": "17:00", "timezone": "UTC"}),
}  # fmt: skip

# Per admin form: who in Acme may send it (the control) and its fields.
ADMIN_FORMS: dict[str, tuple[str, dict[str, str]]] = {
    "POST /admin/sign-in": ("admin", {"token": "{own_token}"}),
    "POST /admin/sign-out": ("admin", {}),
    "POST /admin/support/slack": ("support", {"enabled": "off"}),
    f"POST {SLACK_PAGE}/workspaces": ("admin", {}),
    f"GET {SLACK_PAGE}/workspaces/{{installation_id}}/remove": ("admin", {}),
    f"POST {SLACK_PAGE}/workspaces/{{installation_id}}/remove": ("admin", {}),
    f"POST {SLACK_PAGE}/workspaces/{{installation_id}}/sync": ("admin", {}),
    f"POST {SLACK_PAGE}/workspaces/{{installation_id}}/reconnect": ("admin", {}),
    f"POST {SLACK_PAGE}/programs/{{program_id}}": ("admin", {"opted_in": "off"}),
    f"POST {SLACK_PAGE}/deliveries/{{delivery_id}}/retry": ("admin", {}),
    f"POST {SLACK_PAGE}/working-window": (
        "admin", {"days": "2", "start": "09:00", "end": "17:00", "timezone": "UTC"}),
}


@pytest.fixture
async def victim(web: Web) -> Victim:
    return await victim_world(web)


def _aimed_at_acme(op: Operation, template: Any, victim: Victim) -> bool:
    """Whether the request names an Acme id (in its path or body); fails on unknown names."""
    unknown = [name for name in op.params if name not in victim.ids]
    if unknown:
        pytest.fail(f"{op.key}: no Acme id for path parameter(s) {unknown}; add them to "
                    "`victim_world` in tenant_probe.py")  # fmt: skip
    return bool(op.params) or bool(_placeholders(template) - TIMES - {"own_token"})


def _placeholders(template: Any) -> set[str]:
    if isinstance(template, str):
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}
    items = template.values() if isinstance(template, dict) else template or []
    return set().union(*map(_placeholders, items)) if isinstance(template, (dict, list)) else set()


async def _api(web: Web, op: Operation, org: Org, who: str, path: str, body: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {org.tokens[who]}"}
    kwargs = {"json": body} if body is not None else {}
    return await web.browser().client.request(op.method, path, headers=headers, **kwargs)


@pytest.mark.parametrize("who", API_ATTACKERS)
@pytest.mark.parametrize("op", API_OPERATIONS, ids=lambda op: op.key)
async def test_another_organization_neither_reaches_nor_changes_acme_over_the_api(
    web: Web, victim: Victim, op: Operation, who: str
) -> None:
    if op.has_body and op.key not in API_CASES:
        pytest.fail(f"{op.key} takes a body: add a valid one (and its Acme user) to API_CASES")
    owner, template = API_CASES.get(op.key, (None, None))
    path, body = victim.fill(op.path), victim.fill(template)
    if not _aimed_at_acme(op, template, victim):
        before = acme_part(web.store, victim)
        response = await _api(web, op, web.globex, who, path, body)
        assert response.status_code < 500, response.text
        changed = differences(before, acme_part(web.store, victim))
        assert not changed, f"{response.status_code}, and changed Acme's {changed}"
        assert victim.leaked(response.text) == [], f"names Acme's ids: {response.text}"
        return
    before, calls = everything(web.store), dict(web.slack.calls)
    response = await _api(web, op, web.globex, who, path, body)
    elsewhere = await _api(web, op, web.globex, who, victim.fill(op.path, unknown=True),
                           victim.fill(template, unknown=True))  # fmt: skip
    changed = differences(before, everything(web.store))
    assert not changed, f"answered {response.status_code} and changed {changed}"
    assert dict(web.slack.calls) == calls
    assert response.status_code in (403, 404), response.text
    assert (response.status_code, response.json()["error"]) == (
        elsewhere.status_code, elsewhere.json()["error"],
    ), f"Acme's ids answer {response.text}, ids that exist nowhere {elsewhere.text}"  # fmt: skip
    assert victim.leaked(response.text) == [], response.text
    if owner is not None:
        control = await _api(web, op, web.acme, owner, path, body)
        assert control.status_code < 300, f"the control by Acme's {owner}: {control.text}"


async def _page(browser: Browser, op: Operation, path: str, form: dict[str, str]) -> httpx.Response:
    if op.method == "GET":
        return await browser.client.get(path)
    token = await browser.csrf_token()
    return await browser.client.request(op.method, path, data={**form, "_csrf_token": token})


@pytest.mark.parametrize("who", PAGE_ATTACKERS)
@pytest.mark.parametrize("op", ADMIN_OPERATIONS, ids=lambda op: op.key)
async def test_another_organization_neither_opens_nor_posts_acme_admin_forms(
    web: Web, victim: Victim, op: Operation, who: str
) -> None:
    if op.key not in ADMIN_FORMS:
        pytest.fail(f"{op.key}: add this admin form (its Acme user and fields) to ADMIN_FORMS")
    owner, fields = ADMIN_FORMS[op.key]
    browser = await web.signed_in(who, web.globex)
    path = victim.fill(op.path)
    form = victim.fill(fields, own_token=web.globex.tokens[who])
    if not _aimed_at_acme(op, fields, victim):
        before = acme_part(web.store, victim)
        response = await _page(browser, op, path, form)
        assert response.status_code < 500, response.text
        changed = differences(before, acme_part(web.store, victim))
        assert not changed, f"{response.status_code}, and changed Acme's {changed}"
        assert victim.leaked(response.text + str(response.headers)) == [], response.text
        return
    await browser.csrf_token()  # its first visit may set the CSRF cookie: not under test
    before, calls = everything(web.store), dict(web.slack.calls)
    response = await _page(browser, op, path, form)
    elsewhere = await _page(browser, op, victim.fill(op.path, unknown=True),
                            victim.fill(fields, unknown=True, own_token=""))  # fmt: skip
    changed = differences(before, everything(web.store))
    assert not changed, f"answered {response.status_code} and changed {changed}"
    assert dict(web.slack.calls) == calls, "called Slack for another organization's workspace"
    assert response.status_code in (403, 404), response.text
    assert response.status_code == elsewhere.status_code, (response.text, elsewhere.text)
    assert victim.leaked(response.text) == [], response.text
    control = await _page(await web.signed_in(owner), op, path, form)
    assert control.status_code in (200, 303), f"the control by Acme's {owner}: {control.text}"
    if op.method != "GET":  # Reconnect goes on to Slack's consent page for that workspace
        back = OAUTH_URL if op.path.endswith("/reconnect") else SLACK_PAGE
        assert control.headers["location"].split("?")[0] == back
        assert differences(before, everything(web.store)) != [], "the control changed nothing"


async def test_expire_by_another_organizations_support_expires_only_its_own(
    web: Web, victim: Victim
) -> None:
    """Regression (issue 8, 1): Acme's overdue requests and meetings stay pending, and the
    counts are Globex's alone."""
    globex, member = web.globex, web.globex.members
    pair = {"mentor_ids": [member["maria"]], "mentee_ids": [member["sam"]]}
    made = await web.api("POST", f"/programs/{globex.program_id}/connections", "admin", globex,
                         json=pair)  # fmt: skip
    assert made.status_code == 201, made.text
    tomorrow = {"start": (web.clock.now() + timedelta(days=1)).isoformat()}
    for path, body in [
        ("/mentor-requests", {"program_id": globex.program_id, "mentor_id": member["otto"]}),
        (f"/connections/{made.json()['id']}/meetings",
         {"invitee_id": member["maria"], "slots": [tomorrow]}),
    ]:  # fmt: skip
        assert (await web.api("POST", path, "sam", globex, json=body)).status_code == 201
    web.clock.advance(days=15)  # Acme now has 2 overdue requests and 2 meetings, Globex 1 and 1
    before = acme_part(web.store, victim)
    response = await web.api("POST", "/maintenance/expire", "support", globex)
    changed = differences(before, acme_part(web.store, victim))
    assert not changed, f"answered {response.text} and changed Acme's {changed}"
    assert (response.status_code, response.json()) == (200, {"requests": 1, "meetings": 1})
    own = await web.api("POST", "/maintenance/expire", "support", web.acme)
    assert (own.status_code, own.json()) == (200, {"requests": 2, "meetings": 2})


async def test_directory_sync_of_acmes_workspace_by_another_organizations_support_is_refused(
    web: Web, victim: Victim
) -> None:
    """Regression (issue 8, 5): no route lets support sync a directory, so this asks the use
    case itself; Acme's workspace is neither listed at Slack nor touched."""
    command = SyncDirectory(installation_id=victim.ids["installation_id"])  # type: ignore[arg-type]
    run = web.runner
    before, listed = everything(web.store), web.slack.calls["users.list"]
    globex_support = web.actor("support", Role.SUPPORT, web.globex)
    with pytest.raises(NotFound):
        await run(sync_slack_directory, command, globex_support)
    assert differences(before, everything(web.store)) == []
    assert web.slack.calls["users.list"] == listed
    acme_admin = web.actor("admin", Role.GLOBAL_ADMIN)
    # the control: Acme's own administrator can sync it, so the refusal was not "not connected"
    report = await run(sync_slack_directory, command, acme_admin)
    assert report.matched > 0

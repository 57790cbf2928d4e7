"""What the tenant-isolation test needs besides its tables: the operations and admin routes the
app itself declares (read once, when the tests are collected), Acme's world of real ids to aim
at, and two views of the store — all of it, and only what belongs to Acme."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import attrs
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import TestClient

from adapters.persistence.memory import MemoryStore
from application.delivery.model import (
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    Subject,
)
from bootstrap import create_app, create_container
from tests.http.admin_web import SETTINGS, Web
from tests.http.conftest import QUESTIONS

_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")
UNKNOWN = "does-not-exist"
TIMES = frozenset({"slot", "later"})  # placeholders that are not ids


@dataclass(frozen=True)
class Operation:
    """One method on one path, as the app declares it."""

    method: str
    path: str  # with `{name}` placeholders, converters stripped
    params: tuple[str, ...]
    has_body: bool = False

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


def _app() -> Litestar:
    return create_app(container=create_container(SETTINGS))


def api_operations() -> list[Operation]:
    """Every operation of the OpenAPI document the running app serves."""
    with TestClient(app=_app()) as client:
        document = client.get("/schema/openapi.json").json()
    return [
        Operation(
            method=method.upper(),
            path=path,
            params=tuple(p["name"] for p in op.get("parameters", []) if p["in"] == "path"),
            has_body="requestBody" in op,
        )
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method in {"get", "put", "post", "patch", "delete"}
    ]


def admin_operations() -> list[Operation]:
    """Every admin form (an unsafe method under /admin) and every admin page that takes an id,
    from the app's route table: the pages are not in the OpenAPI document."""
    found = set()
    for route in _app().routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/admin"):
            continue
        path = _PARAM.sub(r"{\1}", route.path)
        params = tuple(m.group(1) for m in _PARAM.finditer(route.path))
        for handler in route.route_handlers:
            for method in handler.http_methods - {"OPTIONS", "HEAD"}:
                if method != "GET" or params:
                    found.add(Operation(method=method, path=path, params=params))
    return sorted(found, key=lambda op: op.key)


@attrs.define
class Victim:
    """Acme's ids, by the name a path parameter or body placeholder uses for them."""

    ids: dict[str, str]
    times: dict[str, str]
    organization_id: str
    markers: frozenset[str]  # every Acme id and name: none may show up in Globex's answers

    def fill(self, template: Any, *, unknown: bool = False, **extra: str) -> Any:
        """The template with Acme's ids, or with ids that exist nowhere."""
        ids = dict.fromkeys(self.ids, UNKNOWN) if unknown else self.ids
        return _filled(template, {**ids, **self.times, **extra})

    def leaked(self, text: str) -> list[str]:
        return sorted(marker for marker in self.markers if marker in text)


def _filled(template: Any, values: dict[str, str]) -> Any:
    if isinstance(template, str):
        return template.format(**values)
    if isinstance(template, list):
        return [_filled(item, values) for item in template]
    if isinstance(template, dict):
        return {key: _filled(value, values) for key, value in template.items()}
    return template


async def victim_world(web: Web) -> Victim:
    """Acme with Slack on and a workspace installed, a mentor request and a meeting proposal
    left overdue (15 days ago), and fresh subjects of every kind an operation can name."""
    acme, member = web.acme, web.acme.members
    await web.enable_slack(acme)
    await web.enable_slack(web.globex)
    installation = await web.install(await web.signed_in("admin"))

    async def made(path: str, who: str, body: dict[str, Any]) -> str:
        response = await web.api("POST", path, who, json=body)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    pair = {"mentor_ids": [member["maria"]], "mentee_ids": [member["sam"]]}
    connection = await made(f"/programs/{acme.program_id}/connections", "admin", pair)
    meetings = f"/connections/{connection}/meetings"
    overdue = [
        await made("/mentor-requests", "sam",
                   {"program_id": acme.program_id, "mentor_id": member["otto"]}),
        await made(meetings, "sam", {"invitee_id": member["maria"], "slots": [_slot(web, 24)]}),
    ]  # fmt: skip
    web.clock.advance(days=15)
    slot = _slot(web, 24)
    survey = {"title": "Check-in", "questions": QUESTIONS}
    surveys = f"/programs/{acme.program_id}/surveys"
    assigned = await made(surveys, "admin", survey)
    ids = {
        "organization_id": acme.id,
        "program_id": acme.program_id,
        "installation_id": installation.id,
        "connection_id": connection,
        "request_id": await made("/mentor-requests", "tess",
                                 {"program_id": acme.program_id, "mentor_id": member["maria"]}),
        "meeting_id": await made(meetings, "sam",
                                 {"invitee_id": member["maria"], "slots": [slot, _slot(web, 48)]}),
        "task_id": await made(f"/connections/{connection}/tasks", "sam", {"title": "Read it"}),
        "survey_id": await made(surveys, "admin", survey),  # not sent to anyone yet
        "assignment_id": await made(f"/surveys/{assigned}/assignments", "admin",
                                    {"connection_id": connection}),
        "token_id": next(t.id for t in web.store.tokens.values()
                         if t.user_id == acme.users["admin"]),
        "member_id": member["maria"],
        "user_id": acme.users["sam"],
        **member,  # by first name, for bodies
    }  # fmt: skip
    await made(f"/connections/{connection}/messages", "sam", {"body": "Hi"})
    ids["delivery_id"] = _dead_delivery(web)
    return Victim(
        ids=ids,
        times={"slot": slot["start"], "later": _slot(web, 96)["start"]},
        organization_id=acme.id,
        markers=frozenset({*ids.values(), *overdue, assigned, *acme.users.values(), "Acme"}),
    )


def _dead_delivery(web: Web) -> str:
    """A message to Maria that Slack refused, as the worker leaves it: one to retry."""
    notification = Notification(
        kind=NotificationKind.MESSAGE_RECEIVED, organization_id=web.acme.id,
        program_id=web.acme.program_id, recipient_user_id=web.acme.users["maria"],
        subject=Subject(kind="connection", id="c"), facts={}, outbox_id=1,
        created_at=web.clock.now(),
    )  # fmt: skip
    delivery = Delivery(
        id="acme-dead-delivery", notification=notification, status=DeliveryStatus.DEAD,
        attempts=1, next_attempt_at=web.clock.now(),
        last_error="Slack refused the message: invalid_blocks",
    )  # fmt: skip
    web.store.deliveries[delivery.id] = delivery
    return delivery.id


def _slot(web: Web, hours: float) -> dict[str, Any]:
    return {"start": (web.clock.now() + timedelta(hours=hours)).isoformat(), "minutes": 30}


def everything(store: MemoryStore) -> dict[str, Any]:
    """Every row, outbox message, API token, chat message, handled Slack event and delivery."""
    rows = {f"{t}/{k}": row for t, by_key in store.tables.items() for k, row in by_key.items()}
    return copy.deepcopy(
        {
            "rows": rows,
            "outbox": dict(enumerate(store.outbox)),
            "tokens": store.tokens,
            "messages": store.messages,
            "slack_events": store.slack_events,
            "deliveries": store.deliveries,
        }
    )


def acme_part(store: MemoryStore, victim: Victim) -> dict[str, Any]:
    """What belongs to the victim: rows that name any of its ids, its outbox messages, tokens
    and chat messages. Another organization may change its own data, never this."""
    own = victim.organization_id
    whole = everything(store)
    return {
        "rows": {
            k: r for k, r in whole["rows"].items() if victim.leaked(json.dumps(r, default=str))
        },
        "outbox": {k: m for k, m in whole["outbox"].items() if m.organization_id == own},
        "tokens": {k: t for k, t in whole["tokens"].items() if t.organization_id == own},
        "messages": {k: m for k, m in whole["messages"].items() if k in victim.markers},
        "deliveries": {
            k: d for k, d in whole["deliveries"].items() if d.notification.organization_id == own
        },
    }


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What changed between two views, named `part/key` (e.g. `rows/meetings/<id>`)."""
    return [
        f"{part}/{key}"
        for part in before
        for key in sorted({*before[part], *after[part]}, key=str)
        if before[part].get(key) != after[part].get(key)
    ]

"""A client nobody here wrote: schemathesis reads `/schema/openapi.json` and sends examples it
generates to every operation, with each role's token, in process on the ASGI app over the
in-memory store seeded with the demo organization. It fails on any server error and on any
response the document does not describe (status, headers, body)."""

from __future__ import annotations

import asyncio

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from adapters.demo import ADMIN_EMAIL, seed_demo
from adapters.local import create_token
from adapters.settings import Settings
from bootstrap import create_app, create_container
from domain.people import Role

ROLES = {
    Role.SUPPORT: "support@mentorlink.example",
    Role.GLOBAL_ADMIN: ADMIN_EMAIL,
    Role.PROGRAM_ADMIN: "pat@acme.example",
    Role.MEMBER: "sam@acme.example",
}


def _seeded() -> tuple[object, dict[Role, str]]:
    container = create_container(Settings(database_url="memory://"))
    runner = container.runner()

    async def seed() -> dict[Role, str]:
        org = await seed_demo(runner)
        return {
            role: await create_token(runner, org, email, email.split("@")[0], role)
            for role, email in ROLES.items()
        }

    tokens = asyncio.run(seed())
    return create_app(container=container), tokens


APP, TOKENS = _seeded()
schema = schemathesis.openapi.from_asgi("/schema/openapi.json", APP)
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


@pytest.mark.parametrize("role", list(ROLES), ids=lambda role: role.value)
@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_documented_contract(case: schemathesis.Case, role: Role) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKENS[role]}"}, checks=CHECKS)

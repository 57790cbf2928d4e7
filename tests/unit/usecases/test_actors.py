"""The tenant check every use case makes, and its one exception: the system actor."""

from __future__ import annotations

import attrs
import pytest

from application.actors import SYSTEM, Actor, ensure_same_organization
from domain.errors import NotFound
from domain.ids import OrganizationId, UserId
from domain.people import Role

ACME, GLOBEX = OrganizationId("acme"), OrganizationId("globex")
SUPPORT = Actor(user_id=UserId("u1"), organization_id=ACME, role=Role.SUPPORT)


def test_an_actor_reaches_only_its_own_organization() -> None:
    ensure_same_organization(SUPPORT, ACME, "program")
    with pytest.raises(NotFound, match=r"No such program\."):
        ensure_same_organization(SUPPORT, GLOBEX, "program")
    assert SUPPORT.organization_scope == ACME


def test_only_the_system_actor_itself_reaches_every_organization() -> None:
    ensure_same_organization(SYSTEM, GLOBEX, "program")
    assert SYSTEM.organization_scope is None
    look_alike = attrs.evolve(SYSTEM, token_id="t")  # equal by value, built from data
    assert look_alike == SYSTEM
    assert not look_alike.is_system
    with pytest.raises(NotFound):
        ensure_same_organization(look_alike, GLOBEX, "program")

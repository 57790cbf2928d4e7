"""The API's memory of verified tokens: hits within the TTL, refusals never remembered."""

from __future__ import annotations

from adapters.http.api.auth_cache import RecentTokens
from application.actors import Actor
from domain.ids import OrganizationId, UserId
from domain.people import Role

ADA = Actor(user_id=UserId("ada"), organization_id=OrganizationId("acme"), role=Role.GLOBAL_ADMIN)


class Directory:
    def __init__(self) -> None:
        self.valid = {"good"}
        self.asked = 0

    async def __call__(self, secret: str) -> Actor | None:
        self.asked += 1
        return ADA if secret in self.valid else None


async def test_a_verified_token_is_trusted_for_the_ttl_then_checked_again() -> None:
    now = [0.0]
    directory = Directory()
    tokens = RecentTokens(directory, ttl=5.0, clock=lambda: now[0])
    assert await tokens("good") == ADA
    directory.valid.clear()  # revoked
    now[0] = 2.4  # trusted for between half the TTL and the whole of it
    assert await tokens("good") == ADA
    assert directory.asked == 1
    now[0] = 5.1
    assert await tokens("good") is None
    assert directory.asked == 2


async def test_refusals_are_not_remembered_and_a_zero_ttl_always_asks() -> None:
    directory = Directory()
    directory.valid.clear()
    tokens = RecentTokens(directory, ttl=0.0)
    assert await tokens("good") is None
    directory.valid.add("good")
    assert await tokens("good") == ADA
    assert await tokens("good") == ADA
    assert directory.asked == 3


async def test_the_memory_is_bounded() -> None:
    directory = Directory()
    directory.valid.update({"a", "b", "c"})
    tokens = RecentTokens(directory, max_entries=2)
    for secret in ("a", "b", "c", "a"):
        await tokens(secret)
    assert directory.asked == 4  # "a" was pushed out by "c"

"""GET /me/tokens and DELETE /tokens/{id}: one's own tokens, never their secrets; revoking."""

from __future__ import annotations

from typing import Any

from dependency_injector import providers
from httpx import ASGITransport, AsyncClient

from adapters.persistence.memory import MemoryStore
from adapters.settings import Settings
from application.tokens import hash_secret
from bootstrap import create_app, create_container
from tests.http.conftest import Api, _seed


def _revoked(api: Api, who: str) -> bool:
    return api.store.tokens[hash_secret(api.acme.tokens[who])].revoked


async def _my_tokens(api: Api, who: str) -> list[dict[str, Any]]:
    response = await api.get("/me/tokens", who)
    assert response.status_code == 200, response.text
    listed: list[dict[str, Any]] = response.json()
    return listed


async def test_my_tokens_list_the_current_one_and_never_a_secret(api: Api) -> None:
    response = await api.get("/me/tokens", "sam")
    [token] = response.json()
    assert token["current"] is True and token["revoked"] is False
    assert set(token) == {"id", "label", "created_at", "revoked", "current"}
    assert api.acme.tokens["sam"] not in response.text
    assert hash_secret(api.acme.tokens["sam"]) not in response.text


async def test_revoking_my_token_is_204_idempotent_and_shows_in_the_list(api: Api) -> None:
    [token] = await _my_tokens(api, "sam")
    response = await api.call("DELETE", f"/tokens/{token['id']}", "sam")
    assert response.status_code == 204 and response.content == b""
    assert _revoked(api, "sam")
    again = await api.call("DELETE", f"/tokens/{token['id']}", "sam")  # cached check: still in
    assert again.status_code == 204
    assert [t["revoked"] for t in await _my_tokens(api, "sam")] == [True]


async def test_someone_elses_token_is_404_and_stays_valid_unless_an_admin_revokes_it(
    api: Api,
) -> None:
    [token] = await _my_tokens(api, "sam")
    path = f"/tokens/{token['id']}"
    for who, org in (("maria", api.acme), ("padmin", api.acme), ("admin", api.globex)):
        with api.unchanged():
            response = await api.call("DELETE", path, who, org=org)
        assert response.status_code == 404, who
        assert response.json() == {"error": "not_found", "detail": "No such API token."}
        assert not _revoked(api, "sam")
    response = await api.call("DELETE", "/tokens/no-such-token", "sam")
    assert response.status_code == 404
    assert (await api.call("DELETE", path, "admin")).status_code == 204
    assert _revoked(api, "sam")


async def test_a_revoked_token_is_refused_once_the_check_cache_lets_go() -> None:
    store = MemoryStore()
    container = create_container(Settings(database_url="memory://", token_cache_seconds=0))
    container.memory_store.override(providers.Object(store))
    acme = await _seed(container.runner(), "Acme")
    transport = ASGITransport(app=create_app(container=container))
    async with AsyncClient(transport=transport, base_url="http://testserver") as client:
        headers = {"Authorization": f"Bearer {acme.tokens['sam']}"}
        [token] = (await client.get("/api/v1/me/tokens", headers=headers)).json()
        revoked = await client.delete(f"/api/v1/tokens/{token['id']}", headers=headers)
        assert revoked.status_code == 204
        after = await client.get("/api/v1/me", headers=headers)
        assert after.status_code == 401
        assert "revoked" in after.json()["detail"]

"""`make run` end to end: migrate, seed, sandbox + app up, the admin token works, and two
simultaneous accepts of one mentor request on the real server give one 200 and one 409."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.processes import base_env, cli, free_port, running, wait_until_up

pytestmark = pytest.mark.e2e


def test_run_local_serves_the_seeded_demo_with_the_sandbox(tmp_path: Path) -> None:
    port, sandbox_port = free_port(), free_port()
    env = base_env(tmp_path)
    args = ("run-local", "--port", str(port), "--sandbox-port", str(sandbox_port))
    with running(env, *args, cwd=tmp_path):
        app = f"http://127.0.0.1:{port}"
        wait_until_up(f"{app}/healthz")
        wait_until_up(f"http://127.0.0.1:{sandbox_port}/")
        printed = (tmp_path / "output.txt").read_text()
        token = re.search(r"admin token\s+(\S+)", printed)
        assert token is not None, printed
        assert f"Slack sandbox  http://127.0.0.1:{sandbox_port}" in printed
        headers = {"Authorization": f"Bearer {token.group(1)}"}
        programs = httpx.get(f"{app}/api/v1/programs", headers=headers).json()
        assert sorted(p["name"] for p in programs) == ["Engineering Mentoring", "Leadership Circle"]
        directory = httpx.get(f"http://127.0.0.1:{sandbox_port}/_sandbox/directory").json()
        emails = {u.get("email") for u in directory["users"]}
        assert "maria@acme.example" in emails
        assert "noor@acme.example" not in emails

    # A second start finds data and does not seed twice.
    assert cli(env, "seed") == "database not empty; nothing seeded"


async def test_two_simultaneous_accepts_on_the_real_server(tmp_path: Path) -> None:
    port = free_port()
    env = base_env(tmp_path)
    cli(env, "migrate")
    assert cli(env, "seed") == "seeded the demo organization"
    org = cli(env, "org", "list").split("\t")[0]
    li = cli(env, "token", "create", "--org", org, "--email", "li@acme.example",
             "--name", "Li Wei", "--role", "member")  # fmt: skip
    auth = {"Authorization": f"Bearer {li}"}
    with running(env, "serve", "--port", str(port), cwd=tmp_path):
        wait_until_up(f"http://127.0.0.1:{port}/healthz")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}/api/v1") as client:
            mine = (await client.get("/me/mentor-requests", headers=auth)).json()
            (pending,) = mine["received"]
            accept = f"/mentor-requests/{pending['request']['id']}/accept"
            answers = await asyncio.gather(*(client.post(accept, headers=auth) for _ in range(2)))
            assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
            loser = next(a for a in answers if a.status_code == 409).json()
            assert "already" in loser["detail"] or "same time" in loser["detail"]
            area = (await client.get("/me/connections", headers=auth)).json()
            assert len(area["connections"]) == 1


def test_run_local_over_socket_mode(tmp_path: Path) -> None:
    """`make run SOCKET_MODE=1`: the app opens its Socket Mode connection as `serve` starts
    and acknowledges the sandbox's envelopes; nothing is posted to its HTTP endpoints."""
    port, sandbox_port = free_port(), free_port()
    env = base_env(tmp_path)
    args = ("run-local", "--port", str(port), "--sandbox-port", str(sandbox_port),
            "--socket-mode")  # fmt: skip
    sandbox = f"http://127.0.0.1:{sandbox_port}"
    with running(env, *args, cwd=tmp_path):
        wait_until_up(f"http://127.0.0.1:{port}/healthz")
        wait_until_up(f"{sandbox}/")
        assert "(Socket Mode only)" in (tmp_path / "output.txt").read_text()
        deadline = time.monotonic() + 20
        while not httpx.get(f"{sandbox}/_sandbox/socket").json()["connections"]:
            assert time.monotonic() < deadline, "the app never opened its Socket Mode connection"
            time.sleep(0.1)
        installed = httpx.post(f"{sandbox}/_sandbox/installs",
                               json={"team_id": "T0ACMEENG", "scopes": ["chat:write"]})
        assert installed.status_code == 201, installed.text
        httpx.post(f"{sandbox}/_sandbox/actions/open_tab",
                   json={"team_id": "T0ACMEENG", "user_id": "W0MARIASA"})
        httpx.post(f"{sandbox}/_sandbox/drain", json={"timeout": 10}, timeout=15)
        [event] = httpx.get(f"{sandbox}/_sandbox/events").json()["deliveries"]
        assert event["outcome"] == "delivered", event
        assert all(a["envelope_id"] and a["status"] is None for a in event["attempts"]), event

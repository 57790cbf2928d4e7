"""A restarted `mentorlink run-local` is the same demo: the sandbox kept its installs, tokens
and messages in `mentorlink.sandbox.json` beside the database, so the app's installation
still works after the restart (a sync, not `invalid_auth`)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from tests.e2e.processes import cli
from tests.e2e.stack import install, local_stack, signed_in_admin, slack_messages

pytestmark = pytest.mark.e2e


def test_a_restarted_demo_keeps_its_slack_workspace(tmp_path: Path) -> None:
    with local_stack(tmp_path, slack=True) as stack, signed_in_admin(stack) as admin:
        install(admin, stack, team="T0ACMEENG", installer="W0ADALOVE")
        installation_id = cli(stack.env, "slack", "list").split("\t")[0]
        kept = httpx.get(f"{stack.sandbox}/_sandbox/installs").json()["installs"]
        before = [m["ts"] for m in slack_messages(stack)]
    assert (tmp_path / "mentorlink.sandbox.json").exists()

    with local_stack(tmp_path, slack=True) as stack:
        again = httpx.get(f"{stack.sandbox}/_sandbox/installs").json()["installs"]
        assert [(i["id"], i["token"], i["active"]) for i in again] == [
            (i["id"], i["token"], i["active"]) for i in kept
        ]
        assert [m["ts"] for m in slack_messages(stack)][: len(before)] == before
        synced = cli(stack.env, "slack", "sync", "--installation", installation_id)
        assert re.fullmatch(r"matched \d+ of \d+ Slack members", synced), synced
        listed = cli(stack.env, "slack", "list")
        assert "\tactive\t" in listed, listed

"""Inside a connection, from Slack: Send message / Reply (a modal; the partner gets a DM and
the message joins the connection's history on the platform), Mark done, Add a task (title,
assignee, optional due date) from the connection's modal."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.http.slack_world import MARIA, SAM, World


async def _connected(world: World) -> tuple[str, dict[str, Any]]:
    connection_id = await world.connection()
    await world.deliver()
    return connection_id, await world.dm(SAM, "You're connected")


async def test_a_message_sent_from_slack_reaches_the_partner_and_the_history(
    world: World,
) -> None:
    connection_id, dm = await _connected(world)
    await world.click(SAM, "connection.send_message", message=dm)
    [view] = await world.modals(SAM)
    assert "Maria" in str(view["blocks"])
    done = await world.submit(SAM, {"body": {"value": "Hi Maria! When could we talk?"}})
    assert done["ok"], done
    await world.ephemeral(SAM, "Message sent")
    history = await world.ok("GET", f"/connections/{connection_id}/messages", "maria")
    assert [m["body"] for m in history] == ["Hi Maria! When could we talk?"]
    await world.deliver()
    received = await world.dm(MARIA, "When could we talk?")
    # ... and Maria replies from that DM.
    await world.click(MARIA, "connection.send_message", message=received)
    assert (await world.submit(MARIA, {"body": {"value": "Tomorrow at 10?"}}))["ok"]
    await world.deliver()
    await world.dm(SAM, "Tomorrow at 10?")


async def test_a_blank_message_is_refused_inline(world: World) -> None:
    _connection_id, dm = await _connected(world)
    await world.click(SAM, "connection.send_message", message=dm)
    before = world.snapshot()
    refused = await world.submit(SAM, {"body": {"value": "   "}})
    assert refused["errors"] == {"body": "Please write a message first."}, refused
    assert len(await world.modals(SAM)) == 1 and world.snapshot() == before


async def test_a_task_is_marked_done_from_its_dm(world: World) -> None:
    connection_id, _ = await _connected(world)
    body = {"title": "Read chapter 3", "assignee_id": world.acme.members["sam"]}
    task = await world.ok("POST", f"/connections/{connection_id}/tasks", "maria", json=body)
    await world.deliver()
    dm = await world.dm(SAM, "Read chapter 3")
    await world.click(SAM, "task.mark_done", message=dm)

    async def in_place() -> bool:
        return "Done" in str((await world.dm(SAM, dm["ts"]))["blocks"])

    await world.eventually(in_place, "the task DM shows it done")
    area = await world.ok("GET", "/me/connections", "sam")
    [connection] = [c for c in area["connections"] if c["id"] == connection_id]
    assert task["id"] not in str(connection.get("open_tasks", []))
    await world.deliver()
    await world.dm(MARIA, "finished a task")


async def test_a_task_is_added_from_the_connection_modal(world: World) -> None:
    connection_id, dm = await _connected(world)
    await world.click(SAM, "connection.open", message=dm)
    [opened] = await world.modals(SAM)
    await world.click(SAM, "task.add", view_id=opened["id"])
    stack = await world.modals(SAM)
    assert [v["callback_id"] for v in stack] == ["connection.open", "connection.task"]
    due = (date.today() + timedelta(days=7)).isoformat()
    done = await world.submit(SAM, {"title": {"value": "Draft my goals"},
                                    "assignee": {"value": world.acme.members["maria"]},
                                    "due": {"value": due}})  # fmt: skip
    assert done["ok"], done
    area = await world.ok("GET", "/me/connections", "maria")
    [connection] = [c for c in area["connections"] if c["id"] == connection_id]
    [task] = [t for t in connection["open_tasks"] if t["title"] == "Draft my goals"]
    assert task["assignee_id"] == world.acme.members["maria"] and task["due"].startswith(due[:4])
    await world.deliver()
    await world.dm(MARIA, "Draft my goals")


async def test_a_task_due_in_the_past_is_refused_inline(world: World) -> None:
    _connection_id, dm = await _connected(world)
    await world.click(SAM, "connection.open", message=dm)
    [opened] = await world.modals(SAM)
    await world.click(SAM, "task.add", view_id=opened["id"])
    past = (date.today() - timedelta(days=2)).isoformat()
    refused = await world.submit(SAM, {"title": {"value": "Too late"},
                                       "assignee": {"value": world.acme.members["sam"]},
                                       "due": {"value": past}})  # fmt: skip
    assert refused["errors"] == {"due": "Please pick a date from today on."}, refused

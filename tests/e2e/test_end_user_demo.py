"""The whole end-user demo, end to end in Chromium through the sandbox's UI, on the real
processes (`mentorlink run-local`: the app on SQLite with its in-process worker, and the Slack
sandbox), the demo organization having connected Acme Sales through the consent form; twice,
each on its own stack, Slack reaching the app over HTTP and over Socket Mode (`run-local
--socket-mode`) with the same checks, and the sandbox's record shows which way it came. Alex
Kim (a mentee without a mentor) and Priya Patel (a mentor with room) each act in their own
browser tab:

- Alex opens his Home: the mentors he could ask; he opens Priya's profile and requests
  mentoring with a note; his Home shows the request he sent;
- Priya accepts in the DM: its buttons give way to the outcome; her Home shows Alex as her
  mentee and no longer the request, and Alex's Home shows Priya as his mentor;
- Alex sends a message from his Home; Priya replies from the DM it came in; Alex reads it;
- Alex proposes a meeting with three times (over the platform's API); Priya picks the
  second in the DM and accepts;
- Priya adds a task for Alex from the connection; Alex marks it done on his Home;
- Alex takes the connection survey over two pages: a required answer of blanks only passes
  Slack's client but not the app, whose inline error shows under that question; he corrects
  it and submits; the DM says it was answered, and a note thanks him.

A screenshot of each step is saved in `SHOTS`/<transport>; the platform's API confirms it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Locator, Page, async_playwright, expect

from tests.e2e.processes import cli
from tests.e2e.stack import (
    Stack,
    assert_slack_came_only_by,
    eventually,
    install,
    local_stack,
    set_working_window,
    signed_in_admin,
    slack_messages,
)
from tests.e2e.test_delivery_journey import ALL_WEEK
from tests.support.infra import CHROMIUM_ARGS

pytestmark = pytest.mark.e2e
SALES, ALEX, PRIYA, MARIA = "T0ACMESAL", "W0ALEXKIM", "W0PRIYAPA", "W0MARIASA"
SHOTS = Path("/tmp/mentorlink-end-user-demo")
NOTE = "I'd like to learn how to review designs for security."
HELLO = "Hi Priya, thank you! When could we meet?"
REPLY = "Hi Alex! I've just been sent your times; I'll pick one."
TASK = "List three systems you'd like to review together"
QUESTIONS = [
    {"id": "mood", "kind": "rating", "prompt": "How is your mentoring going?", "scale": 5},
    {"id": "pace", "kind": "single_choice", "prompt": "How is the pace?",
     "options": ["Too slow", "About right", "Too fast"]},
    {"id": "hope", "kind": "text", "prompt": "What would you like from your next session?"},
    {"id": "topics", "kind": "multiple_choice", "prompt": "What did you work on?",
     "options": ["Career", "Security", "Leadership"]},
    {"id": "notes", "kind": "text", "prompt": "Anything else?", "required": False},
]  # fmt: skip


class Api:
    """The platform's JSON API as one person (a token made with the CLI)."""

    def __init__(self, stack: Stack, token: str) -> None:
        self.base, self.token = f"{stack.app}/api/v1", token

    def __call__(self, method: str, path: str, body: Any = None) -> Any:
        done = httpx.request(method, f"{self.base}{path}", json=body,
                             headers={"Authorization": f"Bearer {self.token}"})  # fmt: skip
        assert done.status_code in (200, 201), done.text
        return done.json()


def _member_api(stack: Stack, email: str, name: str) -> Api:
    return Api(stack, cli(stack.env, "token", "create", "--org", stack.organization_id,
                          "--role", "member", "--email", email, "--name", name))  # fmt: skip


class Person:
    """One person's Slack in the sandbox UI, in their own tab."""

    def __init__(self, page: Page, stack: Stack, user: str, shots: Path) -> None:
        self.page, self.stack, self.user, self.shots = page, stack, user, shots

    async def shot(self, name: str) -> None:
        """A screenshot of the tab, numbered in the order of the journey's steps."""
        number = len(list(self.shots.glob("*.png"))) + 1
        path = self.shots / f"{number:02d}-{name}.png"
        await self.page.screenshot(path=str(path), full_page=True)

    async def tab(self, name: str) -> Locator:
        """Open the Messages or Home tab; its surface."""
        if not self.page.url.startswith(f"{self.stack.sandbox}/ui/{SALES}/{self.user}"):
            await self.page.goto(f"{self.stack.sandbox}/ui/{SALES}/{self.user}")
        await self.page.locator(f"a[data-tab='{name}']").click()
        return self.page.locator("#sb-surface")

    def message(self, has: str) -> Locator:
        return self.page.locator(".sb-msg", has_text=has).last

    def modal(self) -> Locator:
        return self.page.locator("form.sb-modal")

    async def submit(self) -> None:
        await self.modal().locator(".sb-modal-submit").click()


@asynccontextmanager
async def _browser(chromium_path: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path,
                                                   args=CHROMIUM_ARGS, headless=True)  # fmt: skip
        try:
            yield browser
        finally:
            await browser.close()


async def _person(browser: Browser, stack: Stack, user: str, shots: Path) -> Person:
    page = await browser.new_page(viewport={"width": 1100, "height": 900})
    page.set_default_timeout(10_000)
    return Person(page, stack, user, shots)


@pytest.mark.browser
@pytest.mark.parametrize("transport", ["http", "socket_mode"])
async def test_the_end_user_demo_in_the_sandbox_ui(
    tmp_path: Path, chromium_path: str, transport: str
) -> None:
    shots = SHOTS / transport
    shots.mkdir(parents=True, exist_ok=True)
    for old in shots.glob("*.png"):
        old.unlink()
    socket_mode = transport == "socket_mode"
    with local_stack(tmp_path, slack=True, socket_mode=socket_mode) as stack:
        await set_working_window(stack, ALL_WEEK)
        with signed_in_admin(stack) as admin:
            install(admin, stack, team=SALES, installer=MARIA)
        for user in (ALEX, PRIYA):  # found in Slack: their welcomes are out
            eventually(lambda u=user: slack_messages(stack, u), within=10, what="a welcome")
        alex_api = _member_api(stack, "alex@acme.example", "Alex Kim")
        async with _browser(chromium_path) as browser:
            alex = await _person(browser, stack, ALEX, shots)
            priya = await _person(browser, stack, PRIYA, shots)
            await _alex_requests_mentoring(alex)
            await _priya_accepts(priya, alex)
            await _they_exchange_messages(alex, priya)
            connection = await _priya_picks_the_second_time(alex_api, priya)
            await _a_task_is_marked_done(alex, priya)
            await _alex_answers_the_survey(alex, stack, connection)
        [card] = alex_api("GET", "/me/connections")["connections"]
        assert [p["name"] for p in card["partners"]] == ["Priya Patel"]
        assert [t["title"] for t in card["done_tasks"]] == [TASK]
        assert [m["body"] for m in card["latest_messages"]][-2:] == [HELLO, REPLY]
        assert card["next_meeting"]["status"] == "accepted"
        assert card["next_meeting"]["accepted_slot"]["start"] == connection["second_slot"]
        assert alex_api("GET", "/me/surveys") == []
        assert_slack_came_only_by(stack, transport)
    assert len(list(shots.glob("*.png"))) == 16


async def _alex_requests_mentoring(alex: Person) -> None:
    home = await alex.tab("home")
    await expect(home).to_contain_text("here's your mentoring")
    priya = home.locator(".sb-block", has_text="Priya Patel")
    await expect(priya.get_by_role("button", name="View profile")).to_be_visible()
    await alex.shot("alex-home-mentors-he-could-ask")
    await priya.get_by_role("button", name="View profile").click()
    await expect(alex.modal()).to_contain_text("Open places")
    await expect(alex.modal()).to_contain_text("Security architect")
    await alex.shot("alex-opens-priyas-profile")
    await alex.submit()  # Request mentoring
    await expect(alex.modal()).to_contain_text("Ask Priya Patel to mentor you")
    await alex.modal().locator("textarea").fill(NOTE)
    await alex.submit()  # Send request
    await expect(alex.page.locator("#sb-modal")).to_be_hidden()
    await expect(home).to_contain_text("You asked Priya Patel to mentor you")
    await expect(home.get_by_role("button", name="Withdraw")).to_be_visible()
    await alex.shot("alex-home-request-sent")


async def _priya_accepts(priya: Person, alex: Person) -> None:
    await priya.tab("messages")
    request = priya.message("asks you to mentor them")
    await expect(request).to_contain_text(NOTE)
    await priya.shot("priya-gets-the-request")
    await request.get_by_role("button", name="Accept").click()
    await expect(request).to_contain_text("Accepted by you")
    await expect(request.get_by_role("button", name="Accept")).to_have_count(0)
    await priya.shot("priya-accepted-in-the-dm")
    home = await priya.tab("home")
    await expect(home).to_contain_text("Alex Kim (your mentee)")
    await expect(home).not_to_contain_text("asks you to mentor them")
    await priya.shot("priya-home-shows-the-connection")
    alex_home = alex.page.locator("#sb-surface")  # still on his Home: it follows by itself
    await expect(alex_home).to_contain_text("Priya Patel (your mentor)")
    await expect(alex_home).not_to_contain_text("You asked Priya Patel")
    await alex.shot("alex-home-shows-the-connection")


async def _they_exchange_messages(alex: Person, priya: Person) -> None:
    home = alex.page.locator("#sb-surface")
    await expect(home).to_contain_text("No messages yet")
    await home.get_by_role("button", name="Send message").click()
    await expect(alex.modal()).to_contain_text("To Priya Patel")
    await alex.modal().locator("textarea").fill(HELLO)
    await alex.submit()
    await expect(alex.page.locator("#sb-modal")).to_be_hidden()
    await expect(home).to_contain_text(HELLO)  # his Home's recent messages
    await priya.tab("messages")
    received = priya.message(HELLO)
    await expect(received).to_be_visible()
    await received.get_by_role("button", name=re.compile("Reply")).click()
    await priya.modal().locator("textarea").fill(REPLY)
    await priya.shot("priya-replies")
    await priya.submit()
    await expect(priya.page.locator("#sb-modal")).to_be_hidden()
    await alex.tab("messages")
    await expect(alex.message("I'm mentorlink")).to_contain_text("Hi Alex!")  # as his Home
    await expect(alex.message(REPLY)).to_be_visible()
    await alex.shot("alex-reads-the-reply")


async def _priya_picks_the_second_time(alex_api: Api, priya: Person) -> dict[str, Any]:
    [card] = alex_api("GET", "/me/connections")["connections"]
    [partner] = card["partners"]
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    slots = [{"start": (start + timedelta(days=d, hours=h)).isoformat(), "minutes": 45}
             for d, h in ((0, 0), (0, 3), (1, 1))]  # fmt: skip
    alex_api("POST", f"/connections/{card['id']}/meetings",
             {"invitee_id": partner["member_id"], "title": "First chat", "slots": slots})
    proposal = priya.message("First chat")
    await expect(proposal.locator("select")).to_be_visible()
    await priya.shot("priya-gets-three-times")
    await proposal.locator("select").select_option(index=2)  # the placeholder, then three
    await proposal.get_by_role("button", name="Accept").click()
    await expect(proposal).to_contain_text("Accepted by you for")
    await priya.shot("priya-accepted-the-second-time")
    second = datetime.fromisoformat(slots[1]["start"]).astimezone(UTC)
    return {"id": card["id"], "program_id": card["program_id"],
            "second_slot": second.isoformat().replace("+00:00", "Z")}  # fmt: skip


async def _a_task_is_marked_done(alex: Person, priya: Person) -> None:
    home = await priya.tab("home")
    await home.get_by_role("button", name="Add a task").click()
    await expect(priya.modal()).to_contain_text("Who does it?")
    await priya.modal().locator("input[type=text]").first.fill(TASK)
    await priya.shot("priya-adds-a-task")
    await priya.submit()
    await expect(priya.page.locator("#sb-modal")).to_be_hidden()
    await expect(home).to_contain_text(f"{TASK} — for Alex Kim")  # her Home, published again
    home = await alex.tab("home")
    task = home.locator(".sb-block", has_text=TASK)
    await expect(task.get_by_role("button", name="Mark done")).to_be_visible()
    await task.get_by_role("button", name="Mark done").click()
    await expect(alex.page.locator("#sb-modal")).to_contain_text("Done")
    await expect(home).not_to_contain_text(TASK)  # his Home, published again
    await alex.shot("alex-marked-the-task-done")
    await alex.page.locator(".sb-modal-close").first.click()
    await expect(alex.page.locator("#sb-modal")).to_be_hidden()


async def _alex_answers_the_survey(alex: Person, stack: Stack, connection: dict[str, Any]) -> None:
    admin = Api(stack, stack.admin_token)
    survey = admin("POST", f"/programs/{connection['program_id']}/surveys",
                   {"title": "Connection survey", "questions": QUESTIONS})
    admin("POST", f"/surveys/{survey['id']}/assignments", {"connection_id": connection["id"]})
    await alex.tab("messages")
    due = alex.message("Connection survey")
    await due.get_by_role("button", name="Take survey").click()
    modal = alex.modal()
    await expect(modal).to_contain_text("Page 1 of 2")
    await modal.locator(".sb-radio-group").nth(0).locator("input").nth(3).check()
    await modal.locator(".sb-radio-group").nth(1).locator("input").nth(1).check()
    await modal.locator("textarea").fill("   ")  # blanks: Slack's client lets them through
    await alex.submit()
    error = modal.locator(".sb-error[data-block-id='q.hope']")
    await expect(error).to_contain_text("needs an answer")
    await expect(modal).to_contain_text("Page 1 of 2")
    await alex.shot("survey-page-1-inline-error")
    await modal.locator("textarea").fill("Walk through a real threat model together.")
    await alex.submit()
    await expect(modal).to_contain_text("Page 2 of 2")
    await modal.locator(".sb-checkbox-group input").nth(1).check()
    await alex.shot("survey-page-2")
    await alex.submit()
    await expect(alex.page.locator("#sb-modal")).to_be_hidden()
    await expect(due).to_contain_text("Thanks, answered")
    await expect(due.get_by_role("button", name="Take survey")).to_have_count(0)
    await expect(alex.message("Your answers went to the program team")).to_be_visible()
    await expect(due).not_to_contain_text("It takes a couple of minutes")  # as the worker wrote it
    await alex.shot("survey-answered")

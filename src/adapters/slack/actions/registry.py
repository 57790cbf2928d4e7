"""The dispatch table of Slack interactions: `action_id` -> click handler, view
`callback_id` -> submission (and close) handler, and what a handler answers with.

A handler is a small async function in a module named from the mentoring world
(`requests.py`, `meetings.py`...). It gets what the person did and an `Acting` (who they are,
the use case runner to act as them), runs the SAME use cases the JSON API runs, and returns
a reply; refusals are the domain's own errors, raised through, which the dispatcher words
for Slack. To add a surface, write handlers and register them (`preferences.py` registers
the Home tab's own elements this way):

    registry.on_click(actions.TASK_ADD, open_task)  # connections.py
    registry.on_submit(TASK, add, main_block=TITLE)
    registry.on_click(ids.MUTE, change(READERS[ids.MUTE]))  # preferences.py
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, ParamSpec, TypeVar

import attrs

from adapters.slack.actions.payloads import Click, Closed, Submission
from application.actors import Actor
from application.running import Handler, UseCaseRunner
from application.slack.acting import SlackCaller

C = TypeVar("C")
R = TypeVar("R")
P = ParamSpec("P")
JSON = dict[str, Any]


@attrs.frozen(kw_only=True)
class Acting:
    """The person acting from Slack, and the way to act as them."""

    caller: SlackCaller
    runner: UseCaseRunner

    @property
    def actor(self) -> Actor:
        return self.caller.actor

    def now(self) -> datetime:
        return self.runner.clock.now()

    async def run(self, handler: Handler[C, P, R], command: C) -> R:
        """Run a use case as the person who clicked (the JSON API's runner and use cases)."""
        return await self.runner(handler, command, self.caller.actor)


# What a handler answers. The dispatcher carries each out the way Slack expects.


@attrs.frozen
class Note:
    """A line only the person sees (ephemeral in the DM; a small modal from the Home tab)."""

    text: str


@attrs.frozen
class Outcome:
    """The action worked: the clicked buttons give way to this line in place (the message
    sync then re-renders the whole message), and `note`, if any, is said to the person."""

    line: str
    note: str | None = None


@attrs.frozen
class OpenModal:
    """Open a modal with the click's trigger (pushed when the click came from a modal)."""

    view: JSON


@attrs.frozen
class UpdateModal:
    """Replace the modal the click came from (a block action inside it)."""

    view: JSON


@attrs.frozen
class ModalErrors:
    """`response_action: errors`: the submission is refused, the words show under each block."""

    errors: Mapping[str, str]


@attrs.frozen
class NextView:
    """`response_action: update` (the same modal, its next page) or `push` (a new modal on
    top, at most 3 deep)."""

    view: JSON
    push: bool = False


@attrs.frozen
class CloseModal:
    """The submission worked: close this modal (`clear_all` closes the whole stack) and, if
    `note`, tell the person where they came from."""

    note: str | None = None
    clear_all: bool = False
    blocks: Sequence[JSON] | None = None  # the note with buttons (Withdraw...), when it has some
    line: str | None = None  # the outcome, in place of the buttons of the message it came from


@attrs.frozen
class Nothing:
    """Nothing to say (an option picked, to be confirmed by a later button)."""


@attrs.frozen
class ShownOnHome:
    """A change made on the Home tab itself (a preference): the Home is published again,
    with `notice` (why nothing changed) where the person clicked; a Home has no ephemeral
    messages."""

    notice: str = ""


ClickReply = Note | Outcome | OpenModal | UpdateModal | Nothing | ShownOnHome
SubmitReply = ModalErrors | NextView | CloseModal

ClickHandler = Callable[[Click, Acting], Awaitable[ClickReply]]
SubmitHandler = Callable[[Submission, Acting], Awaitable[SubmitReply]]
CloseHandler = Callable[[Closed, Acting], Awaitable[None]]


@attrs.define
class Registry:
    """Which handler answers which `action_id` or view `callback_id`."""

    clicks: dict[str, ClickHandler] = attrs.field(factory=dict)
    submissions: dict[str, SubmitHandler] = attrs.field(factory=dict)
    closes: dict[str, CloseHandler] = attrs.field(factory=dict)
    # Errors of a submission that a handler did not place on a block go to this block, when
    # the modal has it (see `ModalErrors`); otherwise to its first input block.
    main_blocks: dict[str, str] = attrs.field(factory=dict)

    def on_click(self, action_id: str, handler: ClickHandler) -> None:
        if action_id in self.clicks:
            raise ValueError(f"{action_id!r} already has a handler")
        self.clicks[action_id] = handler

    def on_submit(self, callback_id: str, handler: SubmitHandler, *, main_block: str = "") -> None:
        if callback_id in self.submissions:
            raise ValueError(f"{callback_id!r} already has a handler")
        self.submissions[callback_id] = handler
        if main_block:
            self.main_blocks[callback_id] = main_block

    def on_close(self, callback_id: str, handler: CloseHandler) -> None:
        self.closes[callback_id] = handler

    def include(self, *parts: Callable[[Registry], None]) -> Registry:
        """Let each module register its handlers (`register(registry)` functions)."""
        for register in parts:
            register(self)
        return self

    @property
    def action_ids(self) -> Sequence[str]:
        return sorted(self.clicks)

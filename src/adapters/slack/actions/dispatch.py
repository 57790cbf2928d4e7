"""`Interactions`: one Slack interaction in, what to answer Slack out.

It finds who acted (the Slack identity -> the platform user, `identify_slack_user`), picks
the handler from the `Registry`, and carries out its reply the way Slack expects: modals are
opened with the trigger at once, `response_action` answers a submission, notes and the
clicked message's outcome go through the `response_url` after the acknowledgement, and then
the person's Home tab is published again (their partners' follow through the outbox). Every
refusal (a domain error, an unknown workspace, a forged value) changes nothing and is said to
the person; nothing here ever turns into a 500."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

import attrs

from adapters.slack.actions.modals import message_of, metadata_of, notice
from adapters.slack.actions.payloads import Click, Closed, Interaction, Origin, Submission
from adapters.slack.actions.registry import (
    Acting,
    ClickReply,
    CloseModal,
    ModalErrors,
    NextView,
    Note,
    Nothing,
    OpenModal,
    Outcome,
    Registry,
    ShownOnHome,
    SubmitReply,
    UpdateModal,
)
from adapters.slack.blocks.parts import WHILE_OPEN
from adapters.slack.surfaces import SlackSurfaces
from application.actors import SYSTEM
from application.running import UseCaseRunner
from application.slack.acting import IdentifySlackUser, SlackCaller, identify_slack_user
from domain.errors import ConcurrencyConflict, DomainError

log = logging.getLogger(__name__)
JSON = dict[str, Any]
Later = Callable[[], Awaitable[object]]

ALREADY_ANSWERED = (
    "Already answered: someone acted on this a moment before you, so nothing was changed."
)
UNKNOWN_BUTTON = "This button is from an older version of mentorlink and does nothing any more."
NOT_OPENED = "Sorry, Slack didn't let us open that window in time. Please click again."
TROUBLE = "Sorry, something went wrong on our side and nothing was changed. Please try again."


class Forged(DomainError):
    """A button value or modal metadata that no button of ours carries."""

    def __init__(self) -> None:
        super().__init__("That button doesn't match anything mentorlink sent you.")


def refusal(error: DomainError) -> str:
    """The words for a refused action."""
    if isinstance(error, ConcurrencyConflict):
        return ALREADY_ANSWERED
    return error.message


@attrs.frozen
class Answer:
    """The HTTP answer to Slack (`body`: a `response_action`, or None for an empty 200) and
    what to do right after it was sent."""

    body: JSON | None = None
    later: Sequence[Later] = ()


def outcome_in_place(message: JSON, block_id: str, line: str) -> list[JSON]:
    """The clicked message's blocks with the clicked buttons replaced by `line` (and the notes
    that held only while they were open, such as the answer-by date, gone with them)."""
    found = message.get("blocks")
    blocks = [b for b in found if isinstance(b, dict) and b.get("block_id") != WHILE_OPEN
              ] if isinstance(found, list) else []  # fmt: skip
    said = {"type": "context", "elements": [{"type": "mrkdwn", "text": line}]}
    if not any(b.get("block_id") == block_id and b.get("type") == "actions" for b in blocks):
        return [b for b in blocks if b.get("type") != "actions"] + [said]
    return [said if b.get("block_id") == block_id and b.get("type") == "actions" else b
            for b in blocks]  # fmt: skip


def _input_blocks(view: JSON) -> list[str]:
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        return []
    return [str(b.get("block_id")) for b in blocks
            if isinstance(b, dict) and b.get("type") == "input"]  # fmt: skip


class HomeTabs(Protocol):
    """Publishes a person's Home tab (`HomePublisher`)."""

    async def publish_for(self, user_id: str, *, notice: str = "", paced: bool = False) -> int:
        ...

    async def refresh_soon(self, user_id: str) -> None:
        """Publish it again soon (coalesced with other refreshes of it), or at once."""


class Interactions:
    """Answers every interaction through the registry's handlers, as the person who acted."""

    def __init__(self, runner: UseCaseRunner, registry: Registry, surfaces: SlackSurfaces,
                 homes: HomeTabs | None = None) -> None:  # fmt: skip
        self.runner = runner
        self.registry = registry
        self.surfaces = surfaces
        self.homes = homes

    async def handle(self, asked: Interaction) -> Answer:
        try:
            if isinstance(asked, Click):
                return await self._click(asked)
            if isinstance(asked, Submission):
                return await self._submission(asked)
            return await self._closed(asked)
        except Exception:  # a bug must not become Slack's "something went wrong" page
            log.exception("Interaction failed")
            return self._trouble(asked)

    def _trouble(self, asked: Interaction) -> Answer:
        if isinstance(asked, Submission):
            return self._refuse_in_modal(asked, TROUBLE)
        if isinstance(asked, Click) and asked.response_url:
            return Answer(later=[self._say(asked.response_url, TROUBLE)])
        return Answer()

    async def _identify(self, origin: Origin) -> SlackCaller:
        command = IdentifySlackUser(
            enterprise_id=origin.enterprise_id,
            team_id=origin.team_id,
            slack_user_id=origin.user_id,
            is_enterprise_install=origin.is_enterprise_install,
        )
        return await self.runner(identify_slack_user, command, SYSTEM)

    # Clicks

    async def _click(self, click: Click) -> Answer:
        handler = self.registry.clicks.get(click.action_id)
        if handler is None:
            return self._note_without_caller(click, UNKNOWN_BUTTON)
        try:
            caller = await self._identify(click.origin)
        except DomainError as refused:
            return self._note_without_caller(click, f"⚠️ {refused.message}")
        reply: ClickReply
        was_refused = False
        try:
            reply = await handler(click, Acting(caller=caller, runner=self.runner))
        except DomainError as refusing:
            reply, was_refused = Note(f"⚠️ {refusal(refusing)}"), True
        answer = await self._carry_out(click, caller, reply)
        on_home = (click.view or {}).get("type") == "home"
        if isinstance(reply, ShownOnHome):
            return self._and_home(answer, caller, reply.notice, looking=True)
        if isinstance(reply, Outcome) or (was_refused and on_home):  # a stale button goes too
            return self._and_home(answer, caller, looking=on_home)
        return answer

    def _and_home(
        self, answer: Answer, caller: SlackCaller, notice: str = "", *, looking: bool
    ) -> Answer:
        """`answer`, then the person's Home published again (with `notice`, if any): at once
        when they are `looking` at it (they acted on it), else soon — with the refresh their
        area's change asks for, once, rather than twice in a row."""
        homes = self.homes
        if homes is None:
            return answer
        user_id = caller.actor.user_id

        async def publish() -> None:
            try:
                if looking or notice:
                    await homes.publish_for(user_id, notice=notice)
                else:
                    await homes.refresh_soon(user_id)
            except Exception:  # the action is done; a Home left stale is refreshed later
                log.exception("Could not publish the Home of %s", user_id)

        return Answer(answer.body, later=[*answer.later, publish])

    def _note_without_caller(self, click: Click, text: str) -> Answer:
        if click.response_url:
            return Answer(later=[self._say(click.response_url, text)])
        log.info("A refused click from outside a message could not be answered: %s", text)
        return Answer()

    async def _carry_out(self, click: Click, caller: SlackCaller, reply: ClickReply) -> Answer:
        token = caller.bot_token
        in_modal = bool(click.view) and (click.view or {}).get("type") == "modal"
        if isinstance(reply, Nothing | ShownOnHome):
            return Answer()
        if isinstance(reply, OpenModal):
            if in_modal:
                opened = await self.surfaces.push_modal(token, click.trigger_id, reply.view)
            else:
                opened = bool(await self.surfaces.open_modal(token, click.trigger_id, reply.view))
            if not opened and click.response_url:  # Slack refused it (a trigger too old...)
                return Answer(later=[self._say(click.response_url, NOT_OPENED)])
            return Answer()
        if isinstance(reply, UpdateModal):
            await self.surfaces.update_modal(token, str((click.view or {}).get("id")), reply.view)
            return Answer()
        if isinstance(reply, Outcome):
            later: list[Later] = []
            if click.response_url and click.message is not None:
                later.append(self._replace(click, reply.line))
                if reply.note:
                    later += self._note(click, caller, reply.note).later
            else:  # the Home tab or a modal: no message to rewrite, so say it
                later += self._note(click, caller, reply.note or reply.line).later
            return Answer(later=later)
        return self._note(click, caller, reply.text)

    def _note(self, click: Click, caller: SlackCaller, text: str) -> Answer:
        if click.response_url:
            return Answer(later=[self._say(click.response_url, text)])
        view = notice("mentorlink", text)
        if click.view and click.view.get("type") == "modal":
            return Answer(
                later=[lambda: self.surfaces.push_modal(caller.bot_token, click.trigger_id, view)]
            )
        return Answer(
            later=[lambda: self.surfaces.open_modal(caller.bot_token, click.trigger_id, view)]
        )

    def _say(self, response_url: str, text: str) -> Later:
        return lambda: self.surfaces.respond(response_url, text=text)

    def _replace(self, click: Click, line: str) -> Later:
        message = click.message or {}
        blocks = outcome_in_place(message, click.block_id, line)
        text = str(message.get("text") or line)
        url = click.response_url or ""
        return lambda: self.surfaces.respond(url, text=text, replace_original=True, blocks=blocks)

    # Modals

    async def _submission(self, sub: Submission) -> Answer:
        handler = self.registry.submissions.get(sub.callback_id)
        if handler is None:
            return self._refuse_in_modal(sub, UNKNOWN_BUTTON)
        try:
            caller = await self._identify(sub.origin)
        except DomainError as refused:
            return self._refuse_in_modal(sub, refused.message)
        reply: SubmitReply
        try:
            reply = await handler(sub, Acting(caller=caller, runner=self.runner))
        except DomainError as refused:
            return self._refuse_in_modal(sub, refusal(refused))
        answer = self._answer_submission(sub, reply)
        closed = isinstance(reply, CloseModal)
        return self._and_home(answer, caller, looking=False) if closed else answer

    def _answer_submission(self, sub: Submission, reply: SubmitReply) -> Answer:
        if isinstance(reply, ModalErrors):
            return Answer({"response_action": "errors", "errors": dict(reply.errors)})
        if isinstance(reply, NextView):
            return Answer({"response_action": "push" if reply.push else "update",
                           "view": reply.view})  # fmt: skip
        body = {"response_action": "clear"} if reply.clear_all else None
        metadata = metadata_of(sub.private_metadata)
        response_url = metadata.get("response_url")
        if not response_url:
            return Answer(body)
        later: list[Later] = []
        origin = message_of(metadata) if reply.line else None
        if origin is not None and reply.line:
            message, block_id = origin
            blocks = outcome_in_place(message, block_id, reply.line)
            text = str(message["text"] or reply.line)
            later.append(lambda: self.surfaces.respond(
                response_url, text=text, replace_original=True, blocks=blocks))  # fmt: skip
        if reply.note:
            note, extra = reply.note, reply.blocks
            later.append(lambda: self.surfaces.respond(response_url, text=note, blocks=extra))
        return Answer(body, later=later)

    def _refuse_in_modal(self, sub: Submission, text: str) -> Answer:
        """The words under the modal's main input; a modal without inputs becomes a notice."""
        block = self.registry.main_blocks.get(sub.callback_id)
        inputs = _input_blocks(sub.view)
        if block not in inputs:
            block = inputs[0] if inputs else None
        if block is None:
            view = notice("mentorlink", f"⚠️ {text}")
            return Answer({"response_action": "update", "view": view})
        return Answer({"response_action": "errors", "errors": {block: text}})

    async def _closed(self, closed: Closed) -> Answer:
        handler = self.registry.closes.get(closed.callback_id)
        if handler is None:
            return Answer()
        try:
            caller = await self._identify(closed.origin)
            await handler(closed, Acting(caller=caller, runner=self.runner))
        except DomainError:
            pass  # a modal closed: there is nobody left to tell
        return Answer()

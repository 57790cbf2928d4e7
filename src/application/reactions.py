"""Work that follows a change, as reactions to its event: which use cases follow which topic.

`REACTIONS` is the one list. `Reactions.dispatch` runs them for one outbox row (topic and
payload, typed again through the event registry); the delivery worker will run it from the
outbox, and until then the OAuth callback runs it in-process right after its commit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import attrs

from application.actors import SYSTEM, Actor
from application.event_registry import event_from
from application.running import UseCaseRunner
from application.slack.directory import SyncDirectory, sync_slack_directory
from domain.events import DomainEvent
from domain.ids import InstallationId
from domain.slack.installation import (
    InstallationAdded,
    InstallationEvent,
    InstallationReactivated,
    InstallationRefreshed,
)


@attrs.frozen(kw_only=True)
class Job:
    """One use case run a reaction asks for, and what to call it in logs."""

    handler: Callable[..., Awaitable[Any]]
    command: Any
    actor: Actor
    description: str


Reaction = Callable[[Any], Job]


def sync_directory_of(event: InstallationEvent) -> Job:
    """A workspace was installed (again): learn who is who in it."""
    return Job(
        handler=sync_slack_directory,
        command=SyncDirectory(installation_id=InstallationId(event.installation_id)),
        actor=SYSTEM,
        description=f"Directory sync after installing {event.installation_id}",
    )


REACTIONS: Mapping[str, Sequence[Reaction]] = {
    InstallationAdded.topic: (sync_directory_of,),
    InstallationRefreshed.topic: (sync_directory_of,),
    InstallationReactivated.topic: (sync_directory_of,),
}


class ReactionFailed(Exception):
    """A reaction's use case raised; its cause is chained, the message says which one."""


class Reactions:
    """Runs the reactions to one event through the use case runner."""

    def __init__(
        self, runner: UseCaseRunner, reactions: Mapping[str, Sequence[Reaction]] = REACTIONS
    ) -> None:
        self._runner = runner
        self._reactions = reactions

    async def dispatch(self, topic: str, payload: Mapping[str, Any]) -> list[Any]:
        """Run every reaction to the event, in order; what each returned.
        The first failure stops the rest and raises ReactionFailed."""
        reactions = self._reactions.get(topic, ())
        if not reactions:
            return []
        event = event_from(topic, payload)
        results = []
        for reaction in reactions:
            job = reaction(event)
            try:
                results.append(await self._runner(job.handler, job.command, job.actor))
            except Exception as error:
                raise ReactionFailed(f"{job.description} failed") from error
        return results

    async def react_to(self, events: Sequence[DomainEvent]) -> list[Any]:
        """Dispatch events just committed, through the same payloads the outbox holds."""
        results = []
        for event in events:
            results.extend(await self.dispatch(event.topic, event.payload()))
        return results

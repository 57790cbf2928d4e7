"""When Slack stops accepting an installation's bot token outside any removal (`invalid_auth`,
`token_revoked`, `account_inactive`): the installation needs reconnecting. Real Slack can lose
a token without telling us; every caller of the gateway with an installation's token hands
Slack's refusal to `note_refused_token` (or wraps its calls in `watching_token`), and an
admin's Reconnect runs the OAuth install again."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from application.ports import Clock
from application.slack.gateway import LOST_TOKEN_CODES, SlackError
from application.slack.ports import SlackUnitOfWork
from domain.errors import ConcurrencyConflict, IllegalTransition
from domain.ids import InstallationId
from domain.slack.installation import WorkspaceInstallation


class NeedsReconnecting(IllegalTransition):
    """The installation cannot be used until an admin reconnects it."""

    def __init__(self, installation: WorkspaceInstallation) -> None:
        super().__init__(
            f"{installation.workspace.display_name} needs reconnecting: "
            f"{installation.lost_reason_text} Use Reconnect to install mentorlink again."
        )


async def note_refused_token(
    uow: SlackUnitOfWork, installation_id: InstallationId, error: SlackError, clock: Clock
) -> WorkspaceInstallation | None:
    """Mark the installation "needs reconnecting" (in its own transaction) when `error` says
    Slack no longer accepts its token; returns the installation then, else None."""
    if error.code not in LOST_TOKEN_CODES:
        return None
    for attempt in (1, 2):  # another worker may mark it at the same moment
        try:
            async with uow:
                installation = await uow.installations.get(installation_id)
                if installation.token_refused(reason=error.code, now=clock.now()):
                    await uow.commit()
                return installation
        except ConcurrencyConflict:
            if attempt == 2:
                raise
    return None  # pragma: no cover  (the loop returns or raises)


@asynccontextmanager
async def watching_token(
    uow_factory: Callable[[], SlackUnitOfWork],
    installation_id: InstallationId,
    clock: Clock,
) -> AsyncIterator[None]:
    """Around Slack calls made with one installation's token: a lost token marks the
    installation before Slack's error goes on to the caller."""
    try:
        yield
    except SlackError as error:
        await note_refused_token(uow_factory(), installation_id, error, clock)
        raise

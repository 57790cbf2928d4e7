"""Delivery health and Retry, and the organization's working window: global administrators of
the organization only (another organization's delivery ids answer 404)."""

from __future__ import annotations

from litestar import Controller, get, post, put
from litestar.params import FromPath, JSONBody

from adapters.http.api.auth import CurrentActor
from adapters.http.api.errors import problems
from adapters.http.api.schemas.delivery import (
    DeliveryHealthOut,
    DeliveryOut,
    WorkingWindowIn,
    WorkingWindowOut,
)
from adapters.http.dependencies import Runner
from application.delivery.health import (
    ReadDeliveryHealth,
    RetryDelivery,
    read_delivery_health,
    retry_delivery,
)
from application.usecases.working_window import (
    ReadWorkingWindow,
    SetWorkingWindow,
    read_working_window,
    set_working_window,
)


class DeliveryController(Controller):
    tags = ["delivery"]

    @get(
        "/delivery/health",
        summary="How notifications reach people: counts, held, unreachable, failed",
        responses=problems(403),
    )
    async def health(self, actor: CurrentActor, runner: Runner) -> DeliveryHealthOut:
        return DeliveryHealthOut.of(await runner(read_delivery_health, ReadDeliveryHealth(), actor))

    @post(
        "/deliveries/{delivery_id:str}/retry",
        status_code=200,
        summary="Send a failed or unreachable notification again",
        responses=problems(403, 404, 409),
    )
    async def retry(
        self, delivery_id: FromPath[str], actor: CurrentActor, runner: Runner
    ) -> DeliveryOut:
        command = RetryDelivery(delivery_id=delivery_id)
        return DeliveryOut.of(await runner(retry_delivery, command, actor))

    @get(
        "/organization/working-window",
        summary="When notifications may arrive (quiet hours outside it)",
        responses=problems(403),
    )
    async def working_window(self, actor: CurrentActor, runner: Runner) -> WorkingWindowOut:
        return WorkingWindowOut.of(await runner(read_working_window, ReadWorkingWindow(), actor))

    @put(
        "/organization/working-window",
        summary="Change when notifications may arrive",
        responses=problems(403, 422),
    )
    async def set_working_window(
        self, data: JSONBody[WorkingWindowIn], actor: CurrentActor, runner: Runner
    ) -> WorkingWindowOut:
        command = SetWorkingWindow(
            days=frozenset(data.days), start=data.start, end=data.end, timezone=data.timezone
        )
        return WorkingWindowOut.of(await runner(set_working_window, command, actor))

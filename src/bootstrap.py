# Over 300 lines: the composition root, the one module that knows every concrete class.
"""The composition root: the only module that knows every concrete class.

`create_app()` is what `mentorlink serve` (uvicorn --factory) runs; tests call
`create_container(Settings(database_url="memory://"))` or override providers."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from dependency_injector import containers, providers
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters import cli
from adapters.cli_commands import METRICS_HOST
from adapters.clock import SystemClock
from adapters.http.admin.page_config import WebSecurity
from adapters.http.api.auth_cache import RecentTokens
from adapters.http.app import build_app
from adapters.http.in_process import InProcessWorker
from adapters.http.metrics_endpoint import serve_metrics
from adapters.http.traffic import RequestTraffic
from adapters.mail.render import PlainMailRenderer
from adapters.mail.smtp import SmtpMailer
from adapters.metrics import DeliveryMetrics
from adapters.persistence.browser_sessions import MemoryBrowserSessions, SqlBrowserSessions
from adapters.persistence.database import create_engine, warm_pool
from adapters.persistence.memory import MemoryStore, MemoryUnitOfWork, memory_uow_factory
from adapters.persistence.memory_deliveries import MemoryDeliveryStore
from adapters.persistence.outbox import MemoryOutbox, SqlOutbox
from adapters.persistence.outbox_bell import OutboxBell, listen_for_outbox
from adapters.persistence.preferences import MemoryPreferenceStore, SqlPreferenceStore
from adapters.persistence.sealing import TokenSealer
from adapters.persistence.slack_pacing import MemorySlackPacing, SqlSlackPacing
from adapters.persistence.sql_deliveries import SqlDeliveryStore
from adapters.persistence.sql_uow import SqlUnitOfWork
from adapters.persistence.sqlite_checkpoints import WalCheckpointer, sqlite_file
from adapters.persistence.sqlite_group_commit import (
    GroupCommit,
    serve_durably,
    stop_serving_durably,
)
from adapters.persistence.sqlite_writers import holding_writers
from adapters.settings import SLACK_API, Settings
from adapters.slack.actions import default_registry
from adapters.slack.actions.dispatch import Interactions
from adapters.slack.blocks.renderer import BlockKitRenderer
from adapters.slack.connections import SlackConnections
from adapters.slack.home.view import HomeView
from adapters.slack.inbox import SlackInbox
from adapters.slack.slack_app import SlackApp
from adapters.slack.socket_mode import SocketModeListener
from adapters.slack.surfaces import SlackSurfaces
from adapters.slack.web_gateway import SlackWebGateway
from application.actors import Actor
from application.browser_sessions import BrowserSessions, SessionPolicy
from application.delivery.notifications import MentoringNotifications
from application.delivery.ports import DeliveryStore, SlackPacing
from application.delivery.preferences import FollowingPreferences, PersonalTiming
from application.delivery.sender import Sender
from application.delivery.worker import DeliveryWorker, Expander
from application.ports import Outbox, UnitOfWork
from application.preferences import PreferenceStore
from application.reactions import Reactions
from application.running import UseCaseRunner
from application.slack.bot_tokens import BotTokens
from application.slack.home_publishing import HomePublisher
from application.usecases.access_tokens import authenticate


def _uow_factory(
    settings: Settings,
    engine: Callable[[], AsyncEngine],
    store: MemoryStore,
    sealer: TokenSealer,
    bell: OutboxBell,
) -> Callable[[], UnitOfWork]:
    if settings.uses_memory:
        factory: Callable[[], MemoryUnitOfWork] = memory_uow_factory(store, sealer, bell)
        return factory
    sql_engine = engine()
    return lambda: SqlUnitOfWork(sql_engine, sealer, bell)


def _browser_sessions(settings: Settings, engine: Callable[[], AsyncEngine]) -> BrowserSessions:
    if settings.uses_memory:
        return MemoryBrowserSessions()
    return SqlBrowserSessions(engine())


def _session_policy(settings: Settings) -> SessionPolicy:
    return SessionPolicy(
        idle=timedelta(minutes=settings.session_idle_minutes),
        lifetime=timedelta(hours=settings.session_hours),
    )


def _delivery_store(
    settings: Settings, engine: Callable[[], AsyncEngine], store: MemoryStore
) -> DeliveryStore:
    """One store for the worker and the administrators' use cases."""
    if settings.uses_memory:
        return MemoryDeliveryStore(store)
    return SqlDeliveryStore(engine())


def _delivery_worker(
    settings: Settings,
    engine: Callable[[], AsyncEngine],
    store: MemoryStore,
    deliveries: DeliveryStore,
    uow_factory: Callable[[], Any],
    clock: SystemClock,
    gateway: SlackWebGateway,
    metrics: DeliveryMetrics,
    bell: OutboxBell,
    preferences: PreferenceStore,
    homes: HomePublisher,
) -> DeliveryWorker:
    """The outbox -> deliveries -> Slack DM or e-mail pipeline, on this root's stores."""
    if settings.uses_memory:
        outbox: Outbox = MemoryOutbox(store)
        pacing: SlackPacing = MemorySlackPacing(store)
    else:
        sql = engine()
        outbox, pacing = SqlOutbox(sql), SqlSlackPacing(sql)
    mailer = (
        SmtpMailer.from_url(settings.smtp_url, sender=settings.mail_from)
        if settings.smtp_url
        else None
    )
    tokens = BotTokens(
        slack=gateway, uow_factory=uow_factory, clock=clock,
        ahead=timedelta(seconds=settings.slack_renew_ahead_seconds),
    )  # fmt: skip
    sender = Sender(
        store=deliveries, pacing=pacing, slack=gateway, slack_renderer=BlockKitRenderer(),
        mailer=mailer, mail_renderer=PlainMailRenderer(settings.public_url),
        uow_factory=uow_factory, clock=clock, calls=metrics,
        timing=PersonalTiming(store=preferences), tokens=tokens,
    )  # fmt: skip
    # Each person's muted kinds, and their Home tab published again when their area changes.
    policy = FollowingPreferences(
        inner=MentoringNotifications(), preferences=preferences, homes=homes
    )
    expander = Expander(
        outbox=outbox, store=deliveries, policy=policy, uow_factory=uow_factory, clock=clock,
    )  # fmt: skip
    worker = DeliveryWorker(expander=expander, sender=sender)
    bell.listen(worker.wake.set)  # commit to DM without waiting for the next poll
    return worker


def _preference_store(settings: Settings, engine: Callable[[], AsyncEngine]) -> PreferenceStore:
    if settings.uses_memory:
        return MemoryPreferenceStore()
    return SqlPreferenceStore(engine())


def _slack_pacing(
    settings: Settings, engine: Callable[[], AsyncEngine], store: MemoryStore
) -> SlackPacing:
    """Slack's pace per workspace and method, in the store every process shares."""
    if settings.uses_memory:
        return MemorySlackPacing(store)
    return SqlSlackPacing(engine())


def _checkpointer(settings: Settings) -> WalCheckpointer | None:
    """The server's WAL checkpoints, for a file-based SQLite database only."""
    path = None if settings.uses_memory else sqlite_file(settings.database_url)
    return WalCheckpointer(path) if path else None


def _socket_mode(settings: Settings, inbox: SlackInbox) -> SocketModeListener | None:
    """Slack's events and interactions over Socket Mode, when an app-level token is set."""
    if not settings.socket_mode:
        return None
    return SocketModeListener(settings.checked_app_token(), settings.slack_api_url, inbox)


def _sandbox_url(settings: Settings) -> str | None:
    """Where the local Slack sandbox runs, when the app talks to one instead of Slack."""
    if settings.slack_api_url == SLACK_API:
        return None
    return settings.slack_api_url.rstrip("/").removesuffix("/api")


class Container(containers.DeclarativeContainer):
    """Wires settings -> database -> units of work, clock and Slack gateway -> the use case
    runner (which hands each use case the ones it names) -> reactions -> web app."""

    settings = providers.Dependency(instance_of=Settings)
    clock = providers.Singleton(SystemClock)
    engine = providers.Singleton(
        lambda s: create_engine(s.database_url, durable=s.sqlite_durable), settings
    )
    checkpointer = providers.Singleton(_checkpointer, settings)
    memory_store = providers.Singleton(MemoryStore)
    secret_keys = providers.Singleton(lambda s: s.checked_secret_keys(), settings)
    sealer = providers.Singleton(TokenSealer, secret_keys)
    outbox_bell = providers.Singleton(OutboxBell)
    uow_factory = providers.Singleton(
        _uow_factory, settings, engine.provider, memory_store, sealer, outbox_bell
    )
    slack_connections = providers.Singleton(SlackConnections)  # kept while serve/worker run
    slack_gateway = providers.Singleton(
        lambda s, kept: SlackWebGateway(s.slack_api_url, s.slack_client_id, s.slack_client_secret,
                                        connections=kept),
        settings, slack_connections,
    )
    delivery_store = providers.Singleton(_delivery_store, settings, engine.provider, memory_store)
    metrics = providers.Singleton(DeliveryMetrics, delivery_store, clock)
    preference_store = providers.Singleton(_preference_store, settings, engine.provider)
    runner = providers.Singleton(
        UseCaseRunner, uow_factory, clock, gateway=slack_gateway, deliveries=delivery_store,
        preferences=preference_store,
    )  # fmt: skip
    home_publisher = providers.Singleton(
        lambda s, uows, gateway, store, clock, pacing: HomePublisher(
            uow_factory=uows, gateway=gateway, renderer=HomeView(s.public_url),
            preferences=store, clock=clock, pacing=pacing,
            renew_ahead=timedelta(seconds=s.slack_renew_ahead_seconds),
        ),
        settings, uow_factory, slack_gateway, preference_store, clock,
        providers.Singleton(_slack_pacing, settings, engine.provider, memory_store),
    )  # fmt: skip
    reactions = providers.Singleton(Reactions, runner)
    slack_surfaces = providers.Singleton(
        lambda s, kept: SlackSurfaces(s.slack_api_url, connections=kept), settings,
        slack_connections,
    )
    interactions = providers.Singleton(Interactions, runner, providers.Factory(default_registry),
                                       slack_surfaces, home_publisher)  # fmt: skip
    slack_inbox = providers.Singleton(SlackInbox, runner, interactions, home_publisher)
    socket_mode = providers.Singleton(_socket_mode, settings, slack_inbox)
    browser_sessions = providers.Singleton(_browser_sessions, settings, engine.provider)
    session_policy = providers.Singleton(_session_policy, settings)
    delivery_worker = providers.Singleton(
        _delivery_worker, settings, engine.provider, memory_store, delivery_store, uow_factory,
        clock, slack_gateway, metrics, outbox_bell, preference_store, home_publisher,
    )  # fmt: skip
    traffic = providers.Singleton(RequestTraffic)


def create_container(settings: Settings | None = None) -> Container:
    return Container(settings=settings or Settings.from_env())


def create_app(settings: Settings | None = None, container: Container | None = None) -> Litestar:
    """The web application, fully wired."""
    container = container or create_container(settings)
    uow_factory = container.uow_factory()

    async def authenticate_secret(secret: str) -> Actor | None:
        return await authenticate(secret, uow_factory())

    recent_tokens = RecentTokens(authenticate_secret, ttl=container.settings().token_cache_seconds)

    config = container.settings()
    app = build_app(
        runner=container.runner(),
        reactions=container.reactions(),
        authenticate=recent_tokens,
        debug=config.debug,
        security=WebSecurity.for_public_url(
            container.browser_sessions(), container.session_policy(), config.public_url
        ),
        sandbox_url=_sandbox_url(config),
        metrics=container.metrics().exposition,
        interactions=container.interactions(),
        traffic=container.traffic() if config.runs_worker_in_process else None,
        homes=container.home_publisher(),
        inbox=container.slack_inbox(),
        slack=SlackApp(
            client_id=config.slack_client_id,
            signing_secret=config.slack_signing_secret,
            oauth_url=config.slack_oauth_url,
            public_url=config.public_url,
        ),
    )

    checkpointer = container.checkpointer()
    # The Home tabs' publisher runs between requests in every server on a database (clicks
    # only mark a Home stale: refreshes are coalesced and keep to Slack's pace and to the
    # background's share); deliveries too where the worker runs in process.
    delivering = (
        InProcessWorker(
            container.delivery_worker if config.runs_worker_in_process else None,
            container.traffic(), container.home_publisher,
        )
        if config.runs_worker_in_process or not config.uses_memory
        else None
    )  # fmt: skip
    socket_mode = container.socket_mode()  # Slack's events and interactions without a URL

    group_commit = (
        GroupCommit(checkpointer.path)
        if checkpointer is not None and config.sqlite_durable
        else None
    )

    async def start() -> None:
        container.slack_connections().open()
        if not config.uses_memory:
            await warm_pool(container.engine())
        if checkpointer is not None:
            engine = container.engine()
            if group_commit is not None:
                group_commit.start()
                serve_durably(engine, group_commit)
            checkpointer.hold_writers = holding_writers(engine, asyncio.get_running_loop())
            checkpointer.start()
        if delivering is not None:
            delivering.start()
        if socket_mode is not None:
            await socket_mode.start()

    async def dispose() -> None:
        if socket_mode is not None:
            await socket_mode.stop()
        if delivering is not None:
            await delivering.stop()
        if checkpointer is not None:
            checkpointer.stop()
        if group_commit is not None:
            stop_serving_durably(container.engine())
            group_commit.stop()
        await container.slack_connections().close()
        if not config.uses_memory:
            await container.engine().dispose()

    app.on_startup.append(start)
    app.on_shutdown.append(dispose)
    return app


@asynccontextmanager
async def open_runner(settings: Settings) -> AsyncIterator[UseCaseRunner]:
    """A use case runner on `settings`' database, closed (its engine disposed) afterwards."""
    container = create_container(settings)
    try:
        yield container.runner()
    finally:
        if not settings.uses_memory:
            await container.engine().dispose()


async def run_worker(
    settings: Settings, concurrency: int, stop: asyncio.Event, metrics_port: int | None = None
) -> None:
    """`mentorlink worker`: `concurrency` delivery loops sharing the work through leases,
    until `stop` is set (SIGTERM, Ctrl-C); each finishes the delivery in hand and gives back
    the rest of its batch. With `metrics_port`, this process's `/metrics` is served there."""
    container = create_container(settings)
    worker, homes = container.delivery_worker(), container.home_publisher()
    listening = [] if settings.uses_memory else [
        listen_for_outbox(container.engine(), container.outbox_bell(), stop)
    ]  # fmt: skip
    if metrics_port:
        exposition = container.metrics().exposition
        listening.append(serve_metrics(exposition, METRICS_HOST, metrics_port, stop))
    listening.append(homes.run(stop))  # Home tabs published again as areas change
    container.slack_connections().open()
    try:
        await asyncio.gather(*(worker.run(stop) for _ in range(max(concurrency, 1))), *listening)
    finally:
        await container.slack_connections().close()
        if not settings.uses_memory:
            await container.engine().dispose()


def main(argv: Sequence[str] | None = None) -> int:
    """The `mentorlink` command, running use cases through this root's runner."""
    return cli.main(argv, connect=open_runner, work=run_worker)


def create_server_app() -> Litestar:
    """What `mentorlink serve` runs (in each worker): the app, and once it has started, its
    heap moved out of the garbage collector's sight. A full collection walks every tracked
    object: some 120,000 (modules, routes, SQLAlchemy's tables and caches) cost 100 ms per
    collection here, a pause every request in flight waited for. Frozen, the next ones take
    about a millisecond; and young-generation collections run less often."""
    app = create_app()
    app.on_startup.append(_freeze_heap)
    return app


def _freeze_heap() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)

"""The composition root: the only module that knows every concrete class.

`create_app()` is what `mentorlink serve` (uvicorn --factory) runs; tests call
`create_container(Settings(database_url="memory://"))` or override providers."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta

from dependency_injector import containers, providers
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters import cli
from adapters.clock import SystemClock
from adapters.http.admin.page_config import WebSecurity
from adapters.http.api.auth_cache import RecentTokens
from adapters.http.app import build_app
from adapters.persistence.browser_sessions import MemoryBrowserSessions, SqlBrowserSessions
from adapters.persistence.database import create_engine
from adapters.persistence.memory import MemoryStore, MemoryUnitOfWork, memory_uow_factory
from adapters.persistence.sealing import TokenSealer
from adapters.persistence.sql_uow import SqlUnitOfWork
from adapters.persistence.sqlite_checkpoints import WalCheckpointer, sqlite_file
from adapters.settings import SLACK_API, Settings
from adapters.slack.slack_app import SlackApp
from adapters.slack.web_gateway import SlackWebGateway
from application.actors import Actor
from application.browser_sessions import BrowserSessions, SessionPolicy
from application.ports import UnitOfWork
from application.reactions import Reactions
from application.running import UseCaseRunner
from application.usecases.access_tokens import authenticate


def _uow_factory(
    settings: Settings, engine: Callable[[], AsyncEngine], store: MemoryStore, sealer: TokenSealer
) -> Callable[[], UnitOfWork]:
    if settings.uses_memory:
        factory: Callable[[], MemoryUnitOfWork] = memory_uow_factory(store, sealer)
        return factory
    sql_engine = engine()
    return lambda: SqlUnitOfWork(sql_engine, sealer)


def _browser_sessions(settings: Settings, engine: Callable[[], AsyncEngine]) -> BrowserSessions:
    if settings.uses_memory:
        return MemoryBrowserSessions()
    return SqlBrowserSessions(engine())


def _session_policy(settings: Settings) -> SessionPolicy:
    return SessionPolicy(
        idle=timedelta(minutes=settings.session_idle_minutes),
        lifetime=timedelta(hours=settings.session_hours),
    )


def _checkpointer(settings: Settings) -> WalCheckpointer | None:
    """The server's WAL checkpoints and group commit, for a file-based SQLite database only."""
    path = None if settings.uses_memory else sqlite_file(settings.database_url)
    return WalCheckpointer(path) if path else None


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
    checkpointer = providers.Singleton(_checkpointer, settings)
    engine = providers.Singleton(
        lambda s, wal: create_engine(s.database_url, wal=wal), settings, checkpointer
    )
    memory_store = providers.Singleton(MemoryStore)
    secret_keys = providers.Singleton(lambda s: s.checked_secret_keys(), settings)
    sealer = providers.Singleton(TokenSealer, secret_keys)
    uow_factory = providers.Singleton(_uow_factory, settings, engine.provider, memory_store, sealer)
    slack_gateway = providers.Singleton(
        lambda s: SlackWebGateway(s.slack_api_url, s.slack_client_id, s.slack_client_secret),
        settings,
    )
    runner = providers.Singleton(UseCaseRunner, uow_factory, clock, gateway=slack_gateway)
    reactions = providers.Singleton(Reactions, runner)
    browser_sessions = providers.Singleton(_browser_sessions, settings, engine.provider)
    session_policy = providers.Singleton(_session_policy, settings)


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
        slack=SlackApp(
            client_id=config.slack_client_id,
            signing_secret=config.slack_signing_secret,
            oauth_url=config.slack_oauth_url,
            public_url=config.public_url,
        ),
    )

    checkpointer = container.checkpointer()

    async def start() -> None:
        if checkpointer is not None:
            checkpointer.start()

    async def dispose() -> None:
        if checkpointer is not None:
            checkpointer.stop()
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


def main(argv: Sequence[str] | None = None) -> int:
    """The `mentorlink` command, running use cases through this root's runner."""
    return cli.main(argv, connect=open_runner)


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

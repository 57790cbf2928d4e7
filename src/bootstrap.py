"""The composition root: the only module that knows every concrete class.

`create_app()` is what `mentorlink serve` (uvicorn --factory) runs; tests call
`create_container(Settings(database_url="memory://"))` or override providers."""

from __future__ import annotations

import gc
from collections.abc import Callable

from dependency_injector import containers, providers
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.clock import SystemClock
from adapters.http.app import build_app
from adapters.http.auth_cache import RecentTokens
from adapters.http.web_config import SlackApp, WebSecurity
from adapters.persistence.database import create_engine
from adapters.persistence.memory import MemoryStore, MemoryUnitOfWork, memory_uow_factory
from adapters.persistence.sealing import TokenSealer
from adapters.persistence.sql_uow import SqlUnitOfWork
from adapters.persistence.sqlite_checkpoints import WalCheckpointer, sqlite_file
from adapters.settings import Settings
from adapters.slack.web_gateway import SlackWebGateway
from application.actors import Actor
from application.ports import UnitOfWork
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


def _checkpointer(settings: Settings) -> WalCheckpointer | None:
    """The server's WAL checkpoints and group commit, for a file-based SQLite database only."""
    path = None if settings.uses_memory else sqlite_file(settings.database_url)
    return WalCheckpointer(path) if path else None


class Container(containers.DeclarativeContainer):
    """Wires settings -> database -> units of work -> use case runner -> web app, and the
    Slack gateway the install, removal and directory use cases are handed."""

    settings = providers.Dependency(instance_of=Settings)
    clock = providers.Singleton(SystemClock)
    checkpointer = providers.Singleton(_checkpointer, settings)
    engine = providers.Singleton(
        lambda s, wal: create_engine(s.database_url, wal=wal), settings, checkpointer
    )
    memory_store = providers.Singleton(MemoryStore)
    sealer = providers.Singleton(lambda s: TokenSealer(s.secret_keys), settings)
    uow_factory = providers.Singleton(_uow_factory, settings, engine.provider, memory_store, sealer)
    runner = providers.Singleton(UseCaseRunner, uow_factory, clock)
    slack_gateway = providers.Singleton(
        lambda s: SlackWebGateway(s.slack_api_url, s.slack_client_id, s.slack_client_secret),
        settings,
    )


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
        authenticate=recent_tokens,
        debug=config.debug,
        security=WebSecurity.for_public_url(config.secret_keys[0], config.public_url),
        slack=SlackApp(
            gateway=container.slack_gateway(),
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

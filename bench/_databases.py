"""Fresh, migrated benchmark databases: a SQLite file in a temporary directory, or a new
PostgreSQL database that is dropped afterwards."""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from bench._server import bench_env, mentorlink_command

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


def postgres_admin_url() -> str:
    """Where to create benchmark databases (`MENTORLINK_BENCH_POSTGRES_URL` overrides)."""
    return os.environ.get("MENTORLINK_BENCH_POSTGRES_URL", DEFAULT_POSTGRES)


def migrate(database_url: str) -> None:
    """Bring the schema up to date with the real command, `mentorlink migrate`."""
    env = bench_env(database_url)
    subprocess.run(
        [*mentorlink_command(), "migrate"], env=env, check=True, stdout=subprocess.DEVNULL
    )


async def _postgres_admin(admin_url: str, statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextmanager
def fresh_database(kind: str, workdir: Path, admin_url: str) -> Iterator[str]:
    """Yield the URL of an empty, migrated database of `kind` ("sqlite" or "postgres")."""
    if kind == "sqlite":
        url = f"sqlite:///{workdir / 'bench.db'}"
        migrate(url)
        yield url
        return
    name = f"mentorlink_bench_{os.getpid()}"
    asyncio.run(_postgres_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}"'))
    asyncio.run(_postgres_admin(admin_url, f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        migrate(url)
        yield url
    finally:
        asyncio.run(_postgres_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

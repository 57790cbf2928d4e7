"""The migrations build exactly the schema that `tables.py` describes, on every database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import VARCHAR, Connection, String

from adapters.persistence.database import create_engine
from adapters.persistence.tables import metadata
from tests.contract.conftest import empty_database


def _differences(connection: Connection) -> list[object]:
    sqlite = connection.dialect.name == "sqlite"
    options = {"compare_type": _sqlite_ignores_lengths} if sqlite else {}
    context = MigrationContext.configure(connection, opts=options)
    return list(compare_metadata(context, metadata))


def _sqlite_ignores_lengths(
    _context: object, _inspected: object, _column: object, inspected: Any, declared: Any
) -> bool | None:
    """SQLite does not enforce a VARCHAR's length: widening one there (which would mean
    copying the table) is left to PostgreSQL (migration 0007). Other differences count."""
    if isinstance(inspected, VARCHAR) and type(declared) is String:
        return False  # a widened VARCHAR: see above
    return None  # alembic's own comparison


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_migrated_schema_matches_the_table_definitions(
    kind: str, tmp_path: Path, sqlite_template: Path, postgres_url: str | None
) -> None:
    engine = create_engine(await empty_database(kind, tmp_path, sqlite_template, postgres_url))
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(_differences)
    finally:
        await engine.dispose()
    assert differences == []

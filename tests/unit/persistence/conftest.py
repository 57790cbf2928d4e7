"""What the SQLite engine tests share: a migrated database file of their own."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.persistence.migrate import upgrade


@pytest.fixture
def url(tmp_path: Path) -> str:
    """`sqlite:///...` of a fresh, migrated database in the test's temporary folder."""
    url = f"sqlite:///{tmp_path / 'engine.db'}"
    upgrade(url)
    return url

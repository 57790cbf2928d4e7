"""Shared fixtures for every test suite."""

from __future__ import annotations

import os

import pytest

from tests.support.infra import CHROMIUM, require

# A `.env` that `make run` left in the checkout must not configure the tests' commands.
os.environ["MENTORLINK_ENV_FILE"] = os.path.join(os.path.dirname(__file__), "no-such.env")


@pytest.fixture

def chromium_path() -> str:
    """Path to Debian's Chromium for Playwright; skips (or fails in CI) when absent."""
    require(os.path.exists(CHROMIUM), f"Chromium at {CHROMIUM}")
    return CHROMIUM

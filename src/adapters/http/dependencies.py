"""What route handlers receive by name: the authenticated actor and the use case runner."""

from __future__ import annotations

from litestar.di import NamedDependency

from application.actors import Actor
from application.running import UseCaseRunner

CurrentActor = NamedDependency[Actor]
"""The caller, resolved from the bearer token by `auth.bearer_guard`."""

Runner = NamedDependency[UseCaseRunner]
"""Runs one use case in its own unit of work."""

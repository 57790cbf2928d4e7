"""Slack's Web API at `/api/<method>`, one module per method family."""

from __future__ import annotations

from slack_sandbox.web_api.method import Method


def all_methods() -> dict[str, Method]:
    """Every method the sandbox serves, by name."""
    from slack_sandbox.web_api import apps, auth, chat, conversations, oauth, team, users, views

    table: dict[str, Method] = {}
    for module in (apps, auth, chat, conversations, oauth, team, users, views):
        for method in module.METHODS:
            table[method.name] = method
    return table

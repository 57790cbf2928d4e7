"""Adapters: the outside world (persistence, Slack, HTTP, CLI) plugged into the ports."""

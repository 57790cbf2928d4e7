"""The app and the Slack sandbox over real HTTP (see `tests.http.slack_world`)."""

from tests.http.slack_world import sandbox_server, world_fixture  # noqa: F401

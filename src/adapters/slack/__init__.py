"""Slack adapters: the Web API gateway (real and in-memory), request signature checks and the
app manifest. The mentoring core sees Slack only through `application.slack.gateway`'s port."""

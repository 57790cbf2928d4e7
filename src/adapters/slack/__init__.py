"""Slack adapters: the Web API gateway (real and in-memory), request signature checks, reading
what Slack sends into commands (`inbound`), our app's OAuth URLs and the app manifest. The
mentoring core sees Slack only through `application.slack.gateway`'s port."""

"""Slack's endpoints: the Events API (signed requests from Slack) and the OAuth callback
(Slack sends the administrator's browser back there). Reading Slack's envelopes is
`adapters.slack.inbound`'s job; these handlers verify, translate and answer."""

"""Delivery: every domain event reaches the right people (Slack DM, else e-mail), never lost.

`notifications` says who is told what (a pure policy over outbox topics); `model` holds the
delivery records; `ports` the stores and channels the worker needs. The worker lives in
`application.delivery.worker`; the adapters for the ports in `adapters.persistence` (store),
`adapters.slack` (DMs) and `adapters.mail` (e-mail)."""

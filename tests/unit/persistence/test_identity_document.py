"""A Slack identity stored before accounts could be deactivated (its document has no
`deactivated_at`) reads back as active: no migration is needed for the new field."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.persistence.codec import dump, load
from domain.ids import InstallationId, OrganizationId, UserId
from domain.slack.identity import SlackIdentity

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_an_identity_stored_before_deactivation_existed_reads_as_active() -> None:
    identity = SlackIdentity(
        id="org.E0.W1", organization_id=OrganizationId("org"), user_id=UserId("u1"),
        directory_key="E0", slack_user_id="W1", installation_id=InstallationId("i1"),
        email="maria@acme.example", tz="Europe/Berlin", seen_at=NOW,
    )  # fmt: skip
    older = dump(identity)
    del older["deactivated_at"]
    read = load(SlackIdentity, older, version=3)
    assert not read.deactivated and read.version == 3
    assert read.deactivate(now=NOW)
    assert load(SlackIdentity, dump(read), version=4).deactivated_at == NOW

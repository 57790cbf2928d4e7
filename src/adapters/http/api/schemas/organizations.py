"""Organizations, support's Slack switch and housekeeping."""

from __future__ import annotations

from domain.organization import Organization

from .common import Body, Out


class SlackSwitch(Body):
    enabled: bool


class OrganizationOut(Out):
    id: str
    name: str
    slack_enabled: bool

    @classmethod
    def of(cls, organization: Organization) -> OrganizationOut:
        return cls(
            id=organization.id, name=organization.name, slack_enabled=organization.slack_enabled
        )


class ExpiredOut(Out):
    """How many mentor requests and meeting proposals just expired."""

    requests: int
    meetings: int

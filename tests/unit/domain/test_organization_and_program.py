"""Organization (support's Slack switch) and Program (rules and Slack opt-in)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import IllegalTransition, InvalidInput
from domain.ids import OrganizationId, ProgramId
from domain.organization import Organization, SlackSwitched
from domain.program import Program, ProgramSlackOptInChanged
from tests.unit.domain.examples import only_event
from tests.unit.world import T0


def test_an_organization_needs_a_name() -> None:
    with pytest.raises(InvalidInput, match="needs a name"):
        Organization(id=OrganizationId("o"), name="   ")


def test_support_switches_slack_on_then_off_and_each_switch_is_an_event() -> None:
    org = Organization(id=OrganizationId("o"), name="Acme")
    assert org.slack_enabled is False

    org.switch_slack(True, by="support-1", now=T0)
    assert org.slack_enabled is True
    event = only_event(org)
    assert isinstance(event, SlackSwitched)
    assert (event.topic, event.enabled, event.by_user_id) == (
        "organization.slack_switched",
        True,
        "support-1",
    )
    assert (event.organization_id, event.occurred_at) == ("o", T0)

    org.switch_slack(False, by="support-2", now=T0)
    assert org.slack_enabled is False
    assert only_event(org).payload()["enabled"] is False


@pytest.mark.parametrize(("start", "word"), [(False, "off"), (True, "on")])
def test_switching_slack_to_its_current_state_is_refused(start: bool, word: str) -> None:
    org = Organization(id=OrganizationId("o"), name="Acme", slack_enabled=start)
    with pytest.raises(IllegalTransition, match=f"already {word} for Acme"):
        org.switch_slack(start, by="s", now=T0)
    assert org.slack_enabled is start
    assert org.events == []


def program(**rules: object) -> Program:
    return Program(id=ProgramId("p"), organization_id=OrganizationId("o"), name="Pilot", **rules)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ({"name": " "}, "needs a name"),
        ({"mentees_per_mentor": 0}, "Mentees per mentor"),
        ({"mentees_per_mentor": 51}, "Mentees per mentor"),
        ({"request_expiry_days": 0}, "Request expiry"),
        ({"request_expiry_days": 366}, "Request expiry"),
    ],
)
def test_program_rules_are_checked(rules: dict[str, object], message: str) -> None:
    facts = {"id": ProgramId("p"), "organization_id": OrganizationId("o"), "name": "Pilot"}
    with pytest.raises(InvalidInput, match=message):
        Program(**(facts | rules))  # type: ignore[arg-type]


def test_program_rule_bounds_are_inclusive() -> None:
    assert program(mentees_per_mentor=1, request_expiry_days=1).mentees_per_mentor == 1
    assert program(mentees_per_mentor=50, request_expiry_days=365).request_expiry_days == 365


def test_a_request_sent_now_expires_after_the_programs_expiry_days() -> None:
    assert program(request_expiry_days=5).request_deadline(T0) == T0 + timedelta(days=5)


def test_programs_use_slack_by_default_and_can_opt_out_and_back_in() -> None:
    pilot = program()
    assert pilot.slack_opt_in is True

    pilot.set_slack_opt_in(False, now=T0)
    assert pilot.slack_opt_in is False
    event = only_event(pilot)
    assert isinstance(event, ProgramSlackOptInChanged)
    assert (event.topic, event.program_id, event.opted_in) == (
        "program.slack_opt_in_changed",
        "p",
        False,
    )

    pilot.set_slack_opt_in(True, now=T0)
    assert only_event(pilot).payload()["opted_in"] is True


@pytest.mark.parametrize(
    ("state", "words"), [(True, "already uses"), (False, "already does not use")]
)
def test_opting_into_the_current_state_is_refused(state: bool, words: str) -> None:
    pilot = program(slack_opt_in=state)
    with pytest.raises(IllegalTransition, match=words):
        pilot.set_slack_opt_in(state, now=T0)
    assert pilot.events == []

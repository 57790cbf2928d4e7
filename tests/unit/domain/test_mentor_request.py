"""MentorRequest: pending -> accepted | declined | withdrawn | expired, and nothing after."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from domain.connection import Connection, ConnectionPublished
from domain.errors import IllegalTransition, InvalidInput, NotAllowed
from domain.ids import ConnectionId, MemberId
from domain.mentor_request import (
    MAX_NOTE,
    MentorRequest,
    MentorRequestAccepted,
    MentorRequestDeclined,
    MentorRequested,
    MentorRequestExpired,
    MentorRequestWithdrawn,
    RequestStatus,
)
from tests.unit.domain.examples import (
    DEADLINE,
    MENTEE,
    MENTOR,
    OTHER_MENTOR,
    STRANGER,
    only_event,
    pending_request,
)
from tests.unit.world import T0

SOON = T0 + timedelta(hours=2)
CONN = ConnectionId("conn-9")


def accept(
    request: MentorRequest, by: MemberId = MENTOR, load: int = 0, capacity: int = 3
) -> Connection:
    return request.accept(
        by=by, now=SOON, mentor_load=load, mentor_capacity=capacity, connection_id=CONN
    )


def test_sending_records_the_request_with_a_trimmed_note() -> None:
    request = MentorRequest.send(
        id="r",  # type: ignore[arg-type]
        organization_id="o",  # type: ignore[arg-type]
        program_id="p",  # type: ignore[arg-type]
        mentee_id=MENTEE,
        mentor_id=MENTOR,
        note="  Hi!  ",
        now=T0,
        expires_at=DEADLINE,
    )
    assert (request.status, request.note, request.expires_at) == (
        RequestStatus.PENDING,
        "Hi!",
        DEADLINE,
    )
    event = only_event(request)
    assert isinstance(event, MentorRequested)
    assert event.topic == "mentor_request.sent"
    assert event.payload() == {
        "organization_id": "o",
        "occurred_at": T0.isoformat(),
        "request_id": "r",
        "program_id": "p",
        "mentee_id": MENTEE,
        "mentor_id": MENTOR,
        "note": "Hi!",
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"mentor_id": MENTEE}, "cannot ask yourself"),
        ({"note": "x" * (MAX_NOTE + 1)}, f"at most {MAX_NOTE}"),
        ({"expires_at": T0}, "expire in the future"),
    ],
)
def test_bad_requests_are_refused(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        pending_request(**overrides)


def test_the_mentor_accepts_and_a_connection_is_published() -> None:
    request = pending_request()
    made = accept(request, load=2, capacity=3)
    assert (request.status, request.decided_at, request.connection_id) == (
        RequestStatus.ACCEPTED,
        SOON,
        CONN,
    )
    event = only_event(request)
    assert isinstance(event, MentorRequestAccepted)
    assert (event.topic, event.connection_id, event.request_id) == (
        "mentor_request.accepted",
        CONN,
        "req-1",
    )
    assert (made.id, made.mentor_ids, made.mentee_ids) == (CONN, (MENTOR,), (MENTEE,))
    published = only_event(made)
    assert isinstance(published, ConnectionPublished)
    assert published.connection_id == CONN


@pytest.mark.parametrize(("load", "capacity"), [(3, 3), (4, 3), (0, 0)])
def test_a_full_mentor_cannot_accept(load: int, capacity: int) -> None:
    request = pending_request()
    with pytest.raises(IllegalTransition, match=f"already mentor {load} of {capacity}"):
        accept(request, load=load, capacity=capacity)
    assert (request.status, request.events, request.connection_id) == (
        RequestStatus.PENDING,
        [],
        None,
    )


@pytest.mark.parametrize("who", [OTHER_MENTOR, MENTEE, STRANGER])
def test_only_the_addressed_mentor_answers(who: MemberId) -> None:
    request = pending_request()
    for answer in (lambda: accept(request, by=who), lambda: request.decline(by=who, now=SOON)):
        with pytest.raises(NotAllowed, match="Only the mentor this request was sent to"):
            answer()
    assert (request.status, request.events) == (RequestStatus.PENDING, [])


def test_the_mentor_cannot_answer_once_the_deadline_has_come() -> None:
    request = pending_request()
    for now in (DEADLINE, DEADLINE + timedelta(days=1)):
        with pytest.raises(IllegalTransition, match="expired; the mentee can send a new one"):
            request.accept(by=MENTOR, now=now, mentor_load=0, mentor_capacity=3, connection_id=CONN)
        with pytest.raises(IllegalTransition, match="expired"):
            request.decline(by=MENTOR, now=now)
    assert (request.status, request.events) == (RequestStatus.PENDING, [])


def test_the_mentor_declines_with_a_trimmed_reason() -> None:
    request = pending_request()
    request.decline(by=MENTOR, now=SOON, reason="  Too busy this quarter ")
    assert (request.status, request.decline_reason, request.decided_at) == (
        RequestStatus.DECLINED,
        "Too busy this quarter",
        SOON,
    )
    event = only_event(request)
    assert isinstance(event, MentorRequestDeclined)
    assert (event.topic, event.reason) == ("mentor_request.declined", "Too busy this quarter")


def test_a_decline_reason_is_at_most_the_note_limit() -> None:
    request = pending_request()
    with pytest.raises(InvalidInput, match=f"at most {MAX_NOTE}"):
        request.decline(by=MENTOR, now=SOON, reason="x" * (MAX_NOTE + 1))
    assert request.status is RequestStatus.PENDING


def test_the_mentee_withdraws_even_after_the_deadline_until_it_expires() -> None:
    request = pending_request()
    request.withdraw(by=MENTEE, now=DEADLINE)
    assert (request.status, request.decided_at) == (RequestStatus.WITHDRAWN, DEADLINE)
    event = only_event(request)
    assert isinstance(event, MentorRequestWithdrawn)
    assert (event.topic, event.mentee_id) == ("mentor_request.withdrawn", MENTEE)


@pytest.mark.parametrize("who", [MENTOR, OTHER_MENTOR, STRANGER])
def test_only_the_mentee_withdraws(who: MemberId) -> None:
    request = pending_request()
    with pytest.raises(NotAllowed, match="Only the mentee who sent this request"):
        request.withdraw(by=who, now=SOON)
    assert (request.status, request.events) == (RequestStatus.PENDING, [])


def test_a_request_expires_at_its_deadline_not_before() -> None:
    request = pending_request()
    assert request.is_overdue(DEADLINE - timedelta(seconds=1)) is False
    with pytest.raises(IllegalTransition, match="not reached its deadline"):
        request.expire(now=DEADLINE - timedelta(seconds=1))
    assert request.events == []

    assert request.is_overdue(DEADLINE) is True
    request.expire(now=DEADLINE)
    assert (request.status, request.decided_at) == (RequestStatus.EXPIRED, DEADLINE)
    event = only_event(request)
    assert isinstance(event, MentorRequestExpired)
    assert (event.topic, event.occurred_at) == ("mentor_request.expired", DEADLINE)
    assert request.is_overdue(DEADLINE + timedelta(days=1)) is False


def _end(status: RequestStatus) -> MentorRequest:
    request = pending_request()
    {
        RequestStatus.ACCEPTED: lambda: accept(request),
        RequestStatus.DECLINED: lambda: request.decline(by=MENTOR, now=SOON),
        RequestStatus.WITHDRAWN: lambda: request.withdraw(by=MENTEE, now=SOON),
        RequestStatus.EXPIRED: lambda: request.expire(now=DEADLINE),
    }[status]()
    request.pull_events()
    return request


LATE = DEADLINE + timedelta(days=1)
ACTIONS: dict[str, Callable[[MentorRequest], object]] = {
    "accept": lambda r: accept(r),
    "decline": lambda r: r.decline(by=MENTOR, now=SOON),
    "withdraw": lambda r: r.withdraw(by=MENTEE, now=SOON),
    "expire": lambda r: r.expire(now=LATE),
}
TERMINAL = [s for s in RequestStatus if s is not RequestStatus.PENDING]


@pytest.mark.parametrize("status", TERMINAL)
@pytest.mark.parametrize("action", ACTIONS)
def test_terminal_states_are_final(status: RequestStatus, action: str) -> None:
    request = _end(status)
    before = (request.status, request.decided_at, request.connection_id, request.decline_reason)
    with pytest.raises(IllegalTransition, match=f"already {status.value}"):
        ACTIONS[action](request)
    assert (request.status, request.decided_at, request.connection_id, request.decline_reason) == (
        before
    )
    assert request.events == []
    assert request.is_overdue(LATE) is False

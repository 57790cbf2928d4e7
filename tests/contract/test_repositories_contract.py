# Over 300 lines: the one contract suite of every repository, run on each store alike.
"""The repositories' queries. Runs on the in-memory fake, SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import attrs
import pytest

from adapters.persistence.sql_rows import SqlMessages
from application.ports import UnitOfWork
from application.tokens import ApiToken, hash_secret
from domain.connection import Connection, Message
from domain.errors import ConcurrencyConflict, NotFound
from domain.ids import AssignmentId, MemberId, OrganizationId, SurveyId, new_id
from domain.slack.identity import SlackIdentity, identity_id
from domain.slack.install_attempt import InstallAttempt
from domain.slack.installation import CoveredWorkspace, InstallationStatus, RemovedBy
from domain.survey import Question, QuestionKind, Survey, SurveyAssignment
from tests.contract.builders import NOW, connection, installation, meeting, request
from tests.contract.conftest import Backend
from tests.contract.test_unit_of_work_contract import save_graph

Factory = Callable[[], UnitOfWork]


async def test_get_of_an_unknown_id_is_not_found(uow_factory: Factory) -> None:
    async with uow_factory() as uow:
        for repo in (uow.organizations, uow.programs, uow.members, uow.connections, uow.meetings):
            with pytest.raises(NotFound):
                await repo.get("nope")  # type: ignore[arg-type]


async def test_people_queries(uow_factory: Factory) -> None:
    g = await save_graph(uow_factory)
    async with uow_factory() as uow:
        found = await uow.users.find_by_email(g.organization.id, "  Maria@ACME.example ")
        assert found is not None
        assert found.id == g.users[0].id
        assert await uow.users.find_by_email(g.organization.id, "nobody@acme.example") is None
        assert await uow.users.find_by_email("other-org", "maria@acme.example") is None  # type: ignore[arg-type]
        member = await uow.members.find(g.program.id, g.users[2].id)
        assert member is not None
        assert member.id == g.mentee.id
        ids = {m.id for m in await uow.members.list_for_program(g.program.id)}
        assert ids == {g.mentor.id, g.mentor2.id, g.mentee.id}
        assert [m.id for m in await uow.members.list_for_user(g.users[1].id)] == [g.mentor2.id]
        mentors = {m.id for m in await uow.members.list_mentors(g.program.id)}
        assert mentors == {m.id for m in (g.mentor, g.mentor2, g.mentee) if m.is_mentor}
        assert mentors and g.mentee.id not in mentors
        assert await uow.members.list_mentors("other-program") == []  # type: ignore[arg-type]
        many = await uow.members.get_many([g.mentee.id, "nope", g.mentor.id, g.mentee.id])  # type: ignore[list-item]
        assert sorted(m.id for m in many) == sorted([g.mentee.id, g.mentor.id])
        assert [p.id for p in await uow.programs.list_for_organization(g.organization.id)] == [
            g.program.id
        ]
        assert [o.id for o in await uow.organizations.list()] == [g.organization.id]


async def test_connections_by_member_and_mentor_load(uow_factory: Factory) -> None:
    g = await save_graph(uow_factory)
    older, newer = connection(g), connection(g, mentor=g.mentor2, at=NOW + timedelta(days=1))
    closed = connection(g, at=NOW + timedelta(days=2))
    closed.close(by=None, now=NOW + timedelta(days=3))
    async with uow_factory() as uow:
        for c in (older, newer, closed):
            await uow.connections.add(c)
        await uow.commit()
    async with uow_factory() as uow:
        mine = await uow.connections.list_for_member(g.mentee.id)
        assert [c.id for c in mine] == [older.id, newer.id, closed.id]
        assert [c.id for c in await uow.connections.list_for_member(g.mentor2.id)] == [newer.id]
        loads = await uow.connections.active_mentee_counts(g.program.id)
        assert loads == {g.mentor.id: 1, g.mentor2.id: 1}
        assert await uow.connections.active_mentee_count(g.mentor.id) == 1  # the closed one not
        assert await uow.connections.active_mentee_count(g.mentee.id) == 0


async def test_tasks_and_messages_survive_a_round_trip(uow_factory: Factory) -> None:
    g = await save_graph(uow_factory)
    c = connection(g)
    task = c.add_task("Read the guide", by=g.mentor.id, id=new_id(), now=NOW, assignee=g.mentee.id)  # type: ignore[arg-type]
    message = c.send_message("Welcome!", by=g.mentor.id, id=new_id(), now=NOW)  # type: ignore[arg-type]
    async with uow_factory() as uow:
        await uow.connections.add(c)
        await uow.messages.add(message)
        await uow.commit()
    async with uow_factory() as uow:
        loaded = await uow.connections.get(c.id)
        loaded.complete_task(task.id, by=g.mentee.id, now=NOW)
        await uow.commit()
    async with uow_factory() as uow:
        again = await uow.connections.get(c.id)
        stored = await uow.messages.list_for_connection(c.id, before=None, limit=5)
    assert [(t.title, t.status.value) for t in again.tasks] == [("Read the guide", "done")]
    assert stored == [message]


async def test_messages_newest_first_in_pages_and_the_latest_per_connection(
    uow_factory: Factory,
) -> None:
    g = await save_graph(uow_factory)
    first, second = connection(g), connection(g, mentor=g.mentor2)
    author: Any = g.mentee.id

    def say(c: Connection, i: int) -> Message:
        return c.send_message(f"{i}", by=author, id=new_id(), now=NOW + timedelta(minutes=i))  # type: ignore[arg-type]

    sent = [say(c, i) for i in range(5) for c in (first, second)]
    ones, twos = sent[0::2], sent[1::2]
    async with uow_factory() as uow:
        await uow.connections.add(first)
        await uow.connections.add(second)
        for message in sent:
            await uow.messages.add(message)
        await uow.commit()
    async with uow_factory() as uow:
        page = await uow.messages.list_for_connection(first.id, before=None, limit=2)
        assert page == [ones[4], ones[3]]
        older = await uow.messages.list_for_connection(first.id, before=page[-1].sent_at, limit=9)
        assert older == [ones[2], ones[1], ones[0]]
        latest = await uow.messages.latest_for_connections([second.id, first.id, first.id], 2)
        assert latest == {first.id: ones[3:], second.id: twos[3:]}
        assert await uow.messages.latest_for_connections([first.id], 0) == {}
        assert await uow.messages.latest_for_connections([], 3) == {}
        assert await uow.messages.latest_for_connections([new_id()], 3) == {}  # type: ignore[list-item]
        await uow.messages.add(attrs.evolve(ones[0], id=new_id(), body="not committed"))
    async with uow_factory() as uow:
        assert len(await uow.messages.list_for_connection(first.id, before=None, limit=99)) == 5
        await uow.messages.add(ones[0])  # the same message again
        with pytest.raises(ConcurrencyConflict):
            await uow.commit()


async def test_mentor_request_queries(uow_factory: Factory) -> None:
    g = await save_graph(uow_factory)
    soon, later = request(g, days=1), request(g, mentor=g.mentor2, days=30)
    async with uow_factory() as uow:
        await uow.mentor_requests.add(soon)
        await uow.mentor_requests.add(later)
        await uow.commit()
    async with uow_factory() as uow:
        pending = await uow.mentor_requests.list_pending_for_member(g.mentee.id)
        assert sorted(r.id for r in pending) == sorted([soon.id, later.id])
        assert [r.id for r in await uow.mentor_requests.list_pending_for_member(g.mentor2.id)] == [
            later.id
        ]
        overdue = await uow.mentor_requests.list_overdue(
            NOW + timedelta(days=2), limit=10, organization_id=None
        )
        assert [r.id for r in overdue] == [soon.id]
        assert await uow.mentor_requests.list_overdue(NOW, limit=10, organization_id=None) == []
        overdue[0].expire(now=NOW + timedelta(days=2))
        await uow.commit()
    async with uow_factory() as uow:
        pending = await uow.mentor_requests.list_pending_for_member(g.mentee.id)
        assert [r.id for r in pending] == [later.id]
        assert await uow.mentor_requests.list_overdue(
            NOW + timedelta(days=99), limit=1, organization_id=None
        ) == [await uow.mentor_requests.get(later.id)]


async def test_meeting_queries(uow_factory: Factory) -> None:
    g = await save_graph(uow_factory)
    c = connection(g)
    early, late = meeting(c, hours=(1, 2)), meeting(c, hours=(1, 50))
    async with uow_factory() as uow:
        await uow.connections.add(c)
        await uow.meetings.add(early)
        await uow.meetings.add(late)
        await uow.commit()
    async with uow_factory() as uow:
        assert {m.id for m in await uow.meetings.list_for_connection(c.id)} == {early.id, late.id}
        both = await uow.meetings.list_for_connections([c.id, "other"])  # type: ignore[list-item]
        assert {m.id for m in both} == {early.id, late.id}
        assert await uow.meetings.list_for_connections([]) == []
        overdue = await uow.meetings.list_overdue(
            NOW + timedelta(hours=3), limit=10, organization_id=None
        )
        assert [m.id for m in overdue] == [early.id]
        loaded = await uow.meetings.get(late.id)
        assert loaded.slots == late.slots


async def test_overdue_work_of_one_organization_or_of_all(uow_factory: Factory) -> None:
    acme, globex = await save_graph(uow_factory), await save_graph(uow_factory)
    work = {}
    for g in (acme, globex):
        c = connection(g)
        work[g.organization.id] = (request(g, days=1), meeting(c, hours=(1,)))
        async with uow_factory() as uow:
            await uow.connections.add(c)
            await uow.mentor_requests.add(work[g.organization.id][0])
            await uow.meetings.add(work[g.organization.id][1])
            await uow.commit()
    later = NOW + timedelta(days=2)
    async with uow_factory() as uow:
        for org, (overdue_request, overdue_meeting) in work.items():
            requests = await uow.mentor_requests.list_overdue(later, 10, organization_id=org)
            meetings = await uow.meetings.list_overdue(later, 10, organization_id=org)
            assert [r.id for r in requests] == [overdue_request.id]
            assert [m.id for m in meetings] == [overdue_meeting.id]
        everyone = await uow.mentor_requests.list_overdue(later, 10, organization_id=None)
        assert {r.id for r in everyone} == {r.id for r, _ in work.values()}
        every_meeting = await uow.meetings.list_overdue(later, 10, organization_id=None)
        assert {m.id for m in every_meeting} == {m.id for _, m in work.values()}
        nobody = OrganizationId(new_id())
        assert await uow.mentor_requests.list_overdue(later, 10, organization_id=nobody) == []
        assert await uow.meetings.list_overdue(later, 10, organization_id=nobody) == []


async def test_survey_assignments(uow_factory: Factory) -> None:
    g = await save_graph(uow_factory)
    c = connection(g)
    survey = Survey(
        id=SurveyId(new_id()),
        organization_id=g.organization.id,
        program_id=g.program.id,
        title="Check-in",
        questions=(
            Question(id="q1", kind=QuestionKind.RATING, prompt="How is it going?"),
            Question(
                id="q2", kind=QuestionKind.MULTIPLE_CHOICE, prompt="Topics", options=("a", "b", "c")
            ),
        ),
    )
    assignment = SurveyAssignment.assign(
        id=AssignmentId(new_id()),
        survey=survey,
        connection_id=c.id,
        respondent_ids=c.participants,
        now=NOW,
    )
    assignment.submit(survey, {"q1": 4, "q2": ["c", "a"]}, by=g.mentee.id, now=NOW)
    async with uow_factory() as uow:
        await uow.connections.add(c)
        await uow.surveys.add(survey)
        await uow.survey_assignments.add(assignment)
        await uow.commit()
    async with uow_factory() as uow:
        found = await uow.survey_assignments.find(survey.id, c.id)
        assert found is not None
        assert found.responses[MemberId(g.mentee.id)].answers == {"q1": 4, "q2": ("a", "c")}
        assert found.is_due_for(g.mentor.id)
        assert not found.is_due_for(g.mentee.id)
        assert [a.id for a in await uow.survey_assignments.list_for_connection(c.id)] == [
            assignment.id
        ]
        assert (await uow.surveys.list_for_program(g.program.id))[0].questions == survey.questions
        assert [s.id for s in await uow.surveys.get_many([survey.id])] == [survey.id]
        listed = await uow.survey_assignments.list_for_connections([c.id])
        assert [a.id for a in listed] == [assignment.id]


async def test_installations_seal_their_token_and_forget_it_on_removal(
    uow_factory: Backend,
) -> None:
    g = await save_graph(uow_factory)
    install = installation(g.organization.id, g.users[0].id)
    async with uow_factory() as uow:
        await uow.installations.add(install)
        await uow.commit()
    (stored,) = await uow_factory.raw("installations")
    assert "xoxb-contract-secret" not in json.dumps(stored)
    async with uow_factory() as uow:
        (loaded,) = await uow.installations.list_for_organization(g.organization.id)
        assert loaded.bot is not None and loaded.bot.token == "xoxb-contract-secret"
        assert await uow.installations.find_by_key("E0GRID:T0ACME") is loaded
        assert await uow.installations.find_by_key("-:T0ACME") is None
        loaded.remove(by=RemovedBy.SLACK, now=NOW)
        await uow.commit()
    async with uow_factory() as uow:
        again = await uow.installations.get(install.id)
        assert (again.is_active, again.removed_by, again.bot) == (False, RemovedBy.SLACK, None)


async def test_an_installation_that_needs_reconnecting_keeps_why_and_what_it_covers(
    uow_factory: Backend,
) -> None:
    g = await save_graph(uow_factory)
    install = installation(g.organization.id, g.users[0].id)
    covered = (CoveredWorkspace(team_id="T0ACME", name="Acme"),
               CoveredWorkspace(team_id="T0SALES", name="Acme Sales"))  # fmt: skip
    async with uow_factory() as uow:
        await uow.installations.add(install)
        await uow.commit()
    async with uow_factory() as uow:
        loaded = await uow.installations.get(install.id)
        loaded.directory_synced(now=NOW, covered=covered)
        assert loaded.token_refused(reason="invalid_auth", now=NOW)
        await uow.commit()
    async with uow_factory() as uow:
        again = await uow.installations.get(install.id)
        assert again.status is InstallationStatus.NEEDS_RECONNECTING
        assert (again.lost_reason, again.lost_at, again.covered) == ("invalid_auth", NOW, covered)
        assert again.bot is not None and again.bot.token == "xoxb-contract-secret"
    assert [r["status"] for r in await uow_factory.raw("installations")] == [
        "needs_reconnecting"
    ]


async def test_one_installation_per_slack_workspace(uow_factory: Backend) -> None:
    g = await save_graph(uow_factory)
    async with uow_factory() as uow:
        await uow.installations.add(installation(g.organization.id, g.users[0].id))
        await uow.commit()
    with pytest.raises(ConcurrencyConflict):
        async with uow_factory() as uow:
            await uow.installations.add(installation(g.organization.id, g.users[0].id))
            await uow.commit()


async def test_slack_identities_are_unique_per_person_per_grid(uow_factory: Backend) -> None:
    g = await save_graph(uow_factory)
    install = installation(g.organization.id, g.users[0].id)

    def identity(slack_user: str, user: int) -> SlackIdentity:
        return SlackIdentity(
            id=identity_id(g.organization.id, "E0GRID", slack_user),
            organization_id=g.organization.id,
            user_id=g.users[user].id,
            directory_key="E0GRID",
            slack_user_id=slack_user,
            installation_id=install.id,
            email=g.users[user].email,
            tz="Europe/Berlin",
            seen_at=NOW,
        )

    async with uow_factory() as uow:
        await uow.installations.add(install)
        await uow.slack_identities.add(identity("W1", 0))
        await uow.slack_identities.add(identity("W2", 1))
        await uow.commit()
    async with uow_factory() as uow:
        assert len(await uow.slack_identities.list_for_organization(g.organization.id)) == 2
        (maria,) = await uow.slack_identities.list_for_user(g.users[0].id)
        assert (maria.slack_user_id, maria.tz) == ("W1", "Europe/Berlin")
        maria.refresh(installation_id=install.id, email=maria.email, tz="Asia/Tokyo", now=NOW,
                      team_ids=("T0ACME", "T0SALES"))  # fmt: skip
        await uow.commit()
    async with uow_factory() as uow:
        kept = await uow.slack_identities.get(maria.id)
        assert (kept.tz, kept.team_ids) == ("Asia/Tokyo", ("T0ACME", "T0SALES"))
        assert not kept.deactivated
        assert kept.deactivate(now=NOW)  # Slack's user_change: deactivated
        await uow.commit()
    async with uow_factory() as uow:
        gone = await uow.slack_identities.get(maria.id)
        assert (gone.deactivated, gone.deactivated_at) == (True, NOW)
        assert not gone.deactivate(now=NOW)  # no news
    with pytest.raises(ConcurrencyConflict):
        async with uow_factory() as uow:
            await uow.slack_identities.add(identity("W1", 2))
            await uow.commit()


async def test_install_attempts_and_slack_event_ids(uow_factory: Backend) -> None:
    g = await save_graph(uow_factory)
    attempt = InstallAttempt(
        id="state-" + new_id(),
        organization_id=g.organization.id,
        user_id=g.users[0].id,
        session_key="s1",
        created_at=NOW,
    )
    async with uow_factory() as uow:
        await uow.install_attempts.add(attempt)
        assert await uow.slack_events.first_time("Ev1", NOW) is True
        assert await uow.slack_events.first_time("Ev1", NOW) is False
        await uow.commit()
    async with uow_factory() as uow:
        loaded = await uow.install_attempts.get(attempt.id)
        loaded.use(session_key="s1", organization_id=g.organization.id, now=NOW)
        assert await uow.slack_events.first_time("Ev1", NOW) is False
        assert await uow.slack_events.first_time("Ev2", NOW) is True
    async with uow_factory() as uow:  # the block above did not commit: nothing of it stuck
        assert (await uow.install_attempts.get(attempt.id)).used_at is None
        assert await uow.slack_events.first_time("Ev2", NOW) is True


async def test_api_tokens_by_hash(uow_factory: Backend) -> None:
    g = await save_graph(uow_factory)
    token = ApiToken(
        id=new_id(),
        token_hash=hash_secret("ml_secret"),
        user_id=g.users[0].id,
        organization_id=g.organization.id,
        label="admin",
        created_at=NOW,
    )
    async with uow_factory() as uow:
        await uow.api_tokens.add(token)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.api_tokens.find_by_hash(hash_secret("ml_secret")) == token
        assert await uow.api_tokens.find_by_hash(hash_secret("other")) is None


async def test_api_tokens_of_a_user_and_their_revocation(uow_factory: Backend) -> None:
    g = await save_graph(uow_factory)
    owner, other = g.users[0].id, g.users[1].id

    def token(secret: str, user: str, minutes: int) -> ApiToken:
        return ApiToken(
            id=new_id(),
            token_hash=hash_secret(secret),
            user_id=user,  # type: ignore[arg-type]
            organization_id=g.organization.id,
            label=secret,
            created_at=NOW + timedelta(minutes=minutes),
        )

    newer, older, theirs = token("ml_b", owner, 2), token("ml_a", owner, 1), token("ml_c", other, 0)
    async with uow_factory() as uow:
        for t in (newer, older, theirs):
            await uow.api_tokens.add(t)
        await uow.commit()
    async with uow_factory() as uow:
        assert [t.id for t in await uow.api_tokens.list_for_user(owner)] == [older.id, newer.id]
        assert await uow.api_tokens.get(theirs.id) == theirs
        with pytest.raises(NotFound):
            await uow.api_tokens.get("no-such-token")
        await uow.api_tokens.revoke(older)  # not committed: forgotten
    async with uow_factory() as uow:
        assert not (await uow.api_tokens.get(older.id)).revoked
        await uow.api_tokens.revoke(older)
        await uow.commit()
    async with uow_factory() as uow:
        assert (await uow.api_tokens.get(older.id)).revoked
        found = await uow.api_tokens.find_by_hash(hash_secret("ml_a"))
        assert found is not None and found.revoked
        assert not (await uow.api_tokens.get(newer.id)).revoked
        assert not (await uow.api_tokens.get(theirs.id)).revoked


async def test_message_pages_skip_nothing_when_messages_share_an_instant(
    uow_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(SqlMessages, "CHUNK", 2)  # several queries for the latest per connection
    g = await save_graph(uow_factory)
    pairs = [connection(g) for _ in range(5)]
    author: Any = g.mentee.id
    tied = [pairs[0].send_message(f"t{i}", by=author, id=new_id(), now=NOW) for i in range(3)]  # type: ignore[arg-type]
    others = [p.send_message("hi", by=author, id=new_id(), now=NOW) for p in pairs[1:]]  # type: ignore[arg-type]
    async with uow_factory() as uow:
        for pair in pairs:
            await uow.connections.add(pair)
        for message in [*tied, *others]:
            await uow.messages.add(message)
        await uow.commit()
    seen: list[Message] = []
    async with uow_factory() as uow:
        before, before_id = None, None
        while page := await uow.messages.list_for_connection(
            pairs[0].id, before=before, before_id=before_id, limit=1
        ):
            seen.extend(page)
            before, before_id = page[-1].sent_at, page[-1].id
        latest = await uow.messages.latest_for_connections([p.id for p in pairs], 5)
    assert sorted(m.id for m in seen) == sorted(m.id for m in tied)
    assert [m.id for m in seen] == sorted((m.id for m in tied), reverse=True)
    assert latest == {p.id: [m] for p, m in zip(pairs[1:], others, strict=True)} | {
        pairs[0].id: sorted(tied, key=lambda m: m.id)
    }


async def test_one_commit_cannot_add_the_same_message_twice(uow_factory: Factory) -> None:
    g = await save_graph(uow_factory)
    pair = connection(g)
    message = pair.send_message("once", by=g.mentee.id, id=new_id(), now=NOW)  # type: ignore[arg-type]
    async with uow_factory() as uow:
        await uow.connections.add(pair)
        await uow.commit()
    async with uow_factory() as uow:
        await uow.messages.add(message)
        await uow.messages.add(message)
        with pytest.raises(ConcurrencyConflict):
            await uow.commit()
    async with uow_factory() as uow:
        assert await uow.messages.list_for_connection(pair.id, before=None, limit=5) == []

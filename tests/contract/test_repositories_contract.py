"""The repositories' queries. Runs on the in-memory fake, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from application.ports import UnitOfWork
from application.tokens import ApiToken, hash_secret
from domain.errors import NotFound
from domain.ids import AssignmentId, InstallationId, MemberId, SurveyId, new_id
from domain.installation import RemovedBy, WorkspaceInstallation
from domain.survey import Question, QuestionKind, Survey, SurveyAssignment
from tests.contract.builders import NOW, connection, meeting, request
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


async def test_tasks_and_messages_survive_a_round_trip(uow_factory: Factory) -> None:
    g = await save_graph(uow_factory)
    c = connection(g)
    task = c.add_task("Read the guide", by=g.mentor.id, id=new_id(), now=NOW, assignee=g.mentee.id)  # type: ignore[arg-type]
    c.send_message("Welcome!", by=g.mentor.id, id=new_id(), now=NOW)  # type: ignore[arg-type]
    async with uow_factory() as uow:
        await uow.connections.add(c)
        await uow.commit()
    async with uow_factory() as uow:
        loaded = await uow.connections.get(c.id)
        loaded.complete_task(task.id, by=g.mentee.id, now=NOW)
        await uow.commit()
    async with uow_factory() as uow:
        again = await uow.connections.get(c.id)
    assert [(t.title, t.status.value) for t in again.tasks] == [("Read the guide", "done")]
    assert [m.body for m in again.messages] == ["Welcome!"]
    assert again.messages[0].sent_at == NOW


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
        found = await uow.mentor_requests.find_pending(g.mentee.id, g.mentor.id)
        assert found is not None
        assert found.id == soon.id
        assert await uow.mentor_requests.find_pending(g.mentor.id, g.mentee.id) is None
        overdue = await uow.mentor_requests.list_overdue(NOW + timedelta(days=2), limit=10)
        assert [r.id for r in overdue] == [soon.id]
        assert await uow.mentor_requests.list_overdue(NOW, limit=10) == []
        overdue[0].expire(now=NOW + timedelta(days=2))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.mentor_requests.find_pending(g.mentee.id, g.mentor.id) is None
        assert await uow.mentor_requests.list_overdue(NOW + timedelta(days=99), limit=1) == [
            await uow.mentor_requests.get(later.id)
        ]


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
        overdue = await uow.meetings.list_overdue(NOW + timedelta(hours=3), limit=10)
        assert [m.id for m in overdue] == [early.id]
        loaded = await uow.meetings.get(late.id)
        assert loaded.slots == late.slots


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


async def test_installations_and_tokens(uow_factory: Factory) -> None:
    g = await save_graph(uow_factory)
    install = WorkspaceInstallation(
        id=InstallationId(new_id()),
        organization_id=g.organization.id,
        team_id="T0ACME",
        installed_at=NOW,
    )
    token = ApiToken(
        id=new_id(),
        token_hash=hash_secret("ml_secret"),
        user_id=g.users[0].id,
        organization_id=g.organization.id,
        label="admin",
        created_at=NOW,
    )
    async with uow_factory() as uow:
        await uow.installations.add(install)
        await uow.api_tokens.add(token)
        await uow.commit()
    async with uow_factory() as uow:
        (loaded,) = await uow.installations.list_for_organization(g.organization.id)
        loaded.remove(by=RemovedBy.SLACK, now=NOW)
        assert await uow.api_tokens.find_by_hash(hash_secret("ml_secret")) == token
        assert await uow.api_tokens.find_by_hash(hash_secret("other")) is None
        await uow.commit()
    async with uow_factory() as uow:
        again = await uow.installations.get(install.id)
        assert (again.is_active, again.removed_by) == (False, RemovedBy.SLACK)

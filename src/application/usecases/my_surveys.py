"""The surveys the actor still has to answer, with their questions."""

from __future__ import annotations

import attrs

from application.actors import Actor
from application.ports import Clock, UnitOfWork
from domain.people import Member
from domain.survey import Survey, SurveyAssignment


@attrs.frozen(kw_only=True)
class MySurveysDue:
    pass


@attrs.frozen(kw_only=True)
class DueSurvey:
    assignment: SurveyAssignment
    survey: Survey
    respondent: Member


async def my_surveys_due(
    query: MySurveysDue, actor: Actor, uow: UnitOfWork, clock: Clock
) -> list[DueSurvey]:
    async with uow:
        due: list[DueSurvey] = []
        for me in await uow.members.list_for_user(actor.user_id):
            for connection in await uow.connections.list_for_member(me.id):
                if not connection.is_active:
                    continue
                for assignment in await uow.survey_assignments.list_for_connection(connection.id):
                    if assignment.is_due_for(me.id):
                        survey = await uow.surveys.get(assignment.survey_id)
                        due.append(DueSurvey(assignment=assignment, survey=survey, respondent=me))
        return due

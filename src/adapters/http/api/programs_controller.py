"""Programs: created and configured by administrators; members, matches, surveys, and the
mentors a mentee could ask."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from adapters.http.api.auth import CurrentActor
from adapters.http.api.errors import problems
from adapters.http.api.schemas.programs import (
    AnnouncementOut,
    ConnectionOut,
    MemberOut,
    NewAnnouncement,
    NewConnection,
    NewMember,
    NewProgram,
    ProgramOut,
    RecommendationOut,
    SlackOptIn,
)
from adapters.http.api.schemas.surveys import NewSurvey, SurveyOut
from adapters.http.dependencies import Runner
from application.usecases.announcements import MakeAnnouncement, make_announcement
from application.usecases.organization_setup import (
    CreateProgram,
    EnrollMember,
    create_program,
    enroll_member,
)
from application.usecases.program_directory import (
    ListProgramMembers,
    ListPrograms,
    list_program_members,
    list_programs,
)
from application.usecases.publish_connection import PublishConnection, publish_connection
from application.usecases.recommended_mentors import RecommendedMentors, recommended_mentors
from application.usecases.slack_switches import SetProgramSlackOptIn, set_program_slack_opt_in
from application.usecases.surveys import CreateSurvey, create_survey
from domain.ids import MemberId, ProgramId


class ProgramsController(Controller):
    path = "/programs"
    tags = ["programs"]

    @post("/", summary="Create a program", responses=problems(403, 422))
    async def create(
        self, data: JSONBody[NewProgram], actor: CurrentActor, runner: Runner
    ) -> ProgramOut:
        command = CreateProgram(
            name=data.name,
            mentees_per_mentor=data.mentees_per_mentor,
            request_expiry_days=data.request_expiry_days,
        )
        return ProgramOut.of(await runner(create_program, command, actor))

    @get("/", summary="List the organization's programs", responses=problems(403))
    async def index(self, actor: CurrentActor, runner: Runner) -> list[ProgramOut]:
        return [ProgramOut.of(p) for p in await runner(list_programs, ListPrograms(), actor)]

    @put(
        "/{program_id:str}/slack",
        summary="Opt a program in or out of Slack",
        responses=problems(403, 404, 409, 422),
    )
    async def slack(
        self,
        program_id: FromPath[str],
        data: JSONBody[SlackOptIn],
        actor: CurrentActor,
        runner: Runner,
    ) -> ProgramOut:
        command = SetProgramSlackOptIn(program_id=ProgramId(program_id), opted_in=data.opted_in)
        return ProgramOut.of(await runner(set_program_slack_opt_in, command, actor))

    @post(
        "/{program_id:str}/members",
        summary="Enroll a member",
        responses=problems(403, 404, 409, 422),
    )
    async def enroll(
        self,
        program_id: FromPath[str],
        data: JSONBody[NewMember],
        actor: CurrentActor,
        runner: Runner,
    ) -> MemberOut:
        command = EnrollMember(
            program_id=ProgramId(program_id),
            email=data.email,
            name=data.name,
            roles=frozenset(data.roles),
            expertise=tuple(data.expertise),
            goals=tuple(data.goals),
            bio=data.bio,
            capacity=data.capacity,
        )
        return MemberOut.of(await runner(enroll_member, command, actor))

    @get(
        "/{program_id:str}/members",
        summary="List a program's members",
        responses=problems(403, 404),
    )
    async def members(
        self, program_id: FromPath[str], actor: CurrentActor, runner: Runner
    ) -> list[MemberOut]:
        query = ListProgramMembers(program_id=ProgramId(program_id))
        return [MemberOut.of(m) for m in await runner(list_program_members, query, actor)]

    @post(
        "/{program_id:str}/connections",
        summary="Publish an admin match",
        responses=problems(403, 404, 409, 422),
    )
    async def publish(
        self,
        program_id: FromPath[str],
        data: JSONBody[NewConnection],
        actor: CurrentActor,
        runner: Runner,
    ) -> ConnectionOut:
        command = PublishConnection(
            program_id=ProgramId(program_id),
            mentor_ids=tuple(MemberId(i) for i in data.mentor_ids),
            mentee_ids=tuple(MemberId(i) for i in data.mentee_ids),
        )
        return ConnectionOut.of(await runner(publish_connection, command, actor))

    @post("/{program_id:str}/surveys", summary="Define a survey", responses=problems(403, 404, 422))
    async def define_survey(
        self,
        program_id: FromPath[str],
        data: JSONBody[NewSurvey],
        actor: CurrentActor,
        runner: Runner,
    ) -> SurveyOut:
        command = CreateSurvey(
            program_id=ProgramId(program_id),
            title=data.title,
            questions=tuple(q.to_question() for q in data.questions),
        )
        return SurveyOut.of(await runner(create_survey, command, actor))

    @get(
        "/{program_id:str}/recommended-mentors",
        summary="Mentors the caller could ask",
        responses=problems(403, 404, 422),
    )
    async def recommend(
        self,
        program_id: FromPath[str],
        actor: CurrentActor,
        runner: Runner,
        limit: Annotated[int, QueryParameter(ge=1, le=50, description="How many at most.")] = 10,
    ) -> list[RecommendationOut]:
        query = RecommendedMentors(program_id=ProgramId(program_id), limit=limit)
        return [RecommendationOut.of(r) for r in await runner(recommended_mentors, query, actor)]

    @post(
        "/{program_id:str}/announcements",
        summary="Announce something to the program's members, mentors or mentees",
        responses=problems(403, 404, 422),
    )
    async def announce(
        self,
        program_id: FromPath[str],
        data: JSONBody[NewAnnouncement],
        actor: CurrentActor,
        runner: Runner,
    ) -> AnnouncementOut:
        command = MakeAnnouncement(
            program_id=ProgramId(program_id), text=data.text, audience=data.audience
        )
        return AnnouncementOut.of(await runner(make_announcement, command, actor))

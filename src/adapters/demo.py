"""The demo organization `make run` seeds into an empty database, built through the use cases."""

from __future__ import annotations

from datetime import timedelta

from application.actors import SYSTEM, Actor
from application.running import UseCaseRunner
from application.usecases.access_tokens import IssueToken, issue_token
from application.usecases.answer_mentor_request import AcceptMentorRequest, accept_mentor_request
from application.usecases.connection_work import AddTask, SendMessage, add_task, send_message
from application.usecases.meetings import ProposeMeeting, propose_meeting
from application.usecases.organization_setup import (
    CreateOrganization,
    CreateProgram,
    EnrollMember,
    create_organization,
    create_program,
    enroll_member,
)
from application.usecases.send_mentor_request import SendMentorRequest, send_mentor_request
from application.usecases.slack_switches import (
    SwitchSlackForOrganization,
    switch_slack_for_organization,
)
from application.usecases.surveys import AssignSurvey, CreateSurvey, assign_survey, create_survey
from domain.ids import OrganizationId
from domain.meeting import Slot
from domain.people import Member, ProgramRole, Role
from domain.survey import Question, QuestionKind

MENTOR, MENTEE = frozenset({ProgramRole.MENTOR}), frozenset({ProgramRole.MENTEE})
ADMIN_EMAIL = "ada@acme.example"
SUPPORT_EMAIL = "support@mentorlink.example"

# (email, name, roles, expertise, goals, bio) — emails match the sandbox's default workspaces;
# noor@ is deliberately in no Slack workspace.
ENGINEERING = [
    (
        "maria@acme.example",
        "Maria Santos",
        MENTOR,
        ("python", "architecture", "career growth"),
        (),
        "Staff engineer, 12 years in backend systems.",
    ),
    (
        "omar@acme.example",
        "Omar Okafor",
        MENTOR,
        ("leadership", "public speaking"),
        (),
        "Engineering manager who loves coaching.",
    ),
    (
        "li@acme.example",
        "Li Wei",
        MENTOR,
        ("data", "python", "machine learning"),
        (),
        "Data scientist and conference speaker.",
    ),
    (
        "priya@acme.example",
        "Priya Patel",
        MENTOR,
        ("security", "architecture"),
        (),
        "Security architect.",
    ),
    (
        "sam@acme.example",
        "Sam Rivera",
        MENTEE,
        ("javascript",),
        ("python", "career growth"),
        "Junior developer, first year.",
    ),
    (
        "jo@acme.example",
        "Jo Nguyen",
        MENTEE,
        ("testing",),
        ("machine learning", "data"),
        "QA engineer moving into data.",
    ),
    (
        "alex@acme.example",
        "Alex Kim",
        MENTEE,
        ("design",),
        ("leadership",),
        "Designer growing into a lead role.",
    ),
    ("noor@acme.example", "Noor Haddad", MENTEE, (), ("security",), "Graduate hire."),
]
LEADERSHIP = [
    (
        "omar@acme.example",
        "Omar Okafor",
        MENTOR,
        ("leadership", "hiring"),
        (),
        "Engineering manager.",
    ),
    ("alex@acme.example", "Alex Kim", MENTEE, (), ("leadership", "hiring"), "New team lead."),
]


async def seed_demo(run: UseCaseRunner) -> OrganizationId:
    """Create the demo organization with programs, people, a connection and pending work."""
    org = await run(create_organization, CreateOrganization(name="Acme Robotics"), SYSTEM)
    support = Actor(user_id=SYSTEM.user_id, organization_id=org.id, role=Role.SUPPORT)
    await run(
        issue_token,
        IssueToken(organization_id=org.id, email=SUPPORT_EMAIL, name="Support", role=Role.SUPPORT),
        support,
    )
    admin_user = (
        await run(
            issue_token,
            IssueToken(
                organization_id=org.id,
                email=ADMIN_EMAIL,
                name="Ada Lovelace",
                role=Role.GLOBAL_ADMIN,
            ),
            support,
        )
    ).user
    admin = Actor(user_id=admin_user.id, organization_id=org.id, role=Role.GLOBAL_ADMIN)
    await run(
        switch_slack_for_organization,
        SwitchSlackForOrganization(organization_id=org.id, enabled=True),
        support,
    )

    engineering = await run(create_program, CreateProgram(name="Engineering Mentoring"), admin)
    leadership = await run(
        create_program, CreateProgram(name="Leadership Circle", mentees_per_mentor=2), admin
    )
    members: dict[str, Member] = {}
    for program, people in ((engineering, ENGINEERING), (leadership, LEADERSHIP)):
        for email, name, roles, expertise, goals, bio in people:
            member = await run(
                enroll_member,
                EnrollMember(
                    program_id=program.id,
                    email=email,
                    name=name,
                    roles=roles,
                    expertise=expertise,
                    goals=goals,
                    bio=bio,
                ),
                admin,
            )
            members.setdefault(email, member)

    def actor(email: str) -> Actor:
        return Actor(user_id=members[email].user_id, organization_id=org.id, role=Role.MEMBER)

    maria, sam, li = (
        members["maria@acme.example"],
        members["sam@acme.example"],
        members["li@acme.example"],
    )
    request = await run(
        send_mentor_request,
        SendMentorRequest(
            program_id=engineering.id,
            mentor_id=maria.id,
            note="I'd love help growing into backend work.",
        ),
        actor("sam@acme.example"),
    )
    connection = await run(
        accept_mentor_request,
        AcceptMentorRequest(request_id=request.id),
        actor("maria@acme.example"),
    )
    for title, who in (
        ("Share your learning goals for the quarter", sam),
        ("Read 'A Philosophy of Software Design', chapter 1-3", sam),
        ("Book a code review session", maria),
    ):
        await run(
            add_task,
            AddTask(connection_id=connection.id, title=title, assignee_id=who.id),
            actor("maria@acme.example"),
        )
    await run(
        send_message,
        SendMessage(
            connection_id=connection.id, body="Welcome Sam! Looking forward to working together."
        ),
        actor("maria@acme.example"),
    )
    await run(
        send_message,
        SendMessage(connection_id=connection.id, body="Thanks Maria, me too!"),
        actor("sam@acme.example"),
    )
    await run(
        send_mentor_request,
        SendMentorRequest(
            program_id=engineering.id,
            mentor_id=li.id,
            note="Could you guide me into machine learning?",
        ),
        actor("jo@acme.example"),
    )

    start = run.clock.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    slots = tuple(
        Slot(start=start + timedelta(days=d, hours=h), minutes=45)
        for d, h in ((0, 0), (0, 3), (1, 1))
    )
    await run(
        propose_meeting,
        ProposeMeeting(
            connection_id=connection.id,
            invitee_id=sam.id,
            slots=slots,
            title="First mentoring session",
        ),
        actor("maria@acme.example"),
    )

    survey = await run(
        create_survey,
        CreateSurvey(
            program_id=engineering.id,
            title="Connection check-in",
            questions=(
                Question(
                    id="progress",
                    kind=QuestionKind.RATING,
                    prompt="How useful are your sessions so far?",
                ),
                Question(
                    id="frequency",
                    kind=QuestionKind.SINGLE_CHOICE,
                    prompt="How often do you meet?",
                    options=("Weekly", "Every two weeks", "Monthly"),
                ),
                Question(
                    id="topics",
                    kind=QuestionKind.MULTIPLE_CHOICE,
                    prompt="What have you worked on?",
                    options=("Career", "Technical skills", "Communication", "Other"),
                ),
                Question(
                    id="comments",
                    kind=QuestionKind.TEXT,
                    prompt="Anything else to share?",
                    required=False,
                ),
            ),
        ),
        admin,
    )
    await run(assign_survey, AssignSurvey(survey_id=survey.id, connection_id=connection.id), admin)
    return org.id

"""The Home tab's Block Kit (`adapters.slack.home.view`): every rendering passes the sandbox's
own validator as a `home` view, stays within 100 blocks however much there is (the most recent
first, then "N more" with a link to the platform), and says something friendly when there is
nothing; preferences show what the person chose."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from adapters.slack.blocks import actions
from adapters.slack.home import preferences as pref_ids
from adapters.slack.home.view import MAX_BLOCKS, HomeView
from application.slack.home import (
    Home,
    HomeConnection,
    HomeMeeting,
    HomeMentor,
    HomeMessage,
    HomeRequest,
    HomeSurvey,
    HomeTask,
    NextMeeting,
    ProgramHome,
    Stranger,
)
from domain.ids import OrganizationId, UserId
from domain.preferences import NotificationPreferences
from domain.working_hours import WorkingWindow
from slack_sandbox.blockkit import check_view

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
URL = "https://mentorlink.example"
VIEW = HomeView(URL)


def prefs(**changes: Any) -> NotificationPreferences:
    p = NotificationPreferences(user_id=UserId("u1"), organization_id=OrganizationId("o1"))
    for name, value in changes.items():
        setattr(p, name, value)
    return p


def home(*programs: ProgramHome, notice: str = "", **preferences: Any) -> Home:
    return Home(name="Sam Doe", programs=programs, preferences=prefs(**preferences),
                organization_window=WorkingWindow(), now=NOW, notice=notice)  # fmt: skip


def program(**lists: Any) -> ProgramHome:
    base: dict[str, Any] = {
        "program_id": "p1", "name": "Acme Pathways", "is_mentor": False, "is_mentee": True,
        "connections": (), "received": (), "sent": (), "meetings": (), "surveys": (),
        "recommended": (),
    }  # fmt: skip
    return ProgramHome(**{**base, **lists})


def request(n: int) -> HomeRequest:
    return HomeRequest(request_id=f"r{n}", other=f"Mentee {n}", other_member_id=f"m{n}",
                       note="Please <help>", sent_at=NOW - timedelta(hours=n),
                       expires_at=NOW + timedelta(days=3))  # fmt: skip


def connection(n: int, tasks: int = 2, messages: int = 3) -> HomeConnection:
    return HomeConnection(
        connection_id=f"c{n}", partners=(("Maria", "mentor"),),
        next_meeting=NextMeeting(title="Weekly", start=NOW + timedelta(days=1), minutes=30),
        tasks=tuple(HomeTask(connection_id=f"c{n}", task_id=f"t{i}", title=f"Task {i}",
                             due=NOW + timedelta(days=i), assignee="you")
                    for i in range(tasks)),
        messages=tuple(HomeMessage(author="Maria" if i % 2 else "you", body=f"Message {i}",
                                   sent_at=NOW - timedelta(minutes=i)) for i in range(messages)),
        started=NOW - timedelta(days=30),
    )  # fmt: skip


def meeting(n: int, mine: bool = True) -> HomeMeeting:
    return HomeMeeting(meeting_id=f"mt{n}", title=f"Chat {n}", other="Maria", mine_to_answer=mine,
                       slots=tuple((NOW + timedelta(days=d), 30) for d in (1, 2, 3)))  # fmt: skip


def survey(n: int) -> HomeSurvey:
    return HomeSurvey(assignment_id=f"a{n}", title=f"Check-in {n}", due=NOW, with_whom="Maria")


def mentor(n: int) -> HomeMentor:
    return HomeMentor(mentor_id=f"mm{n}", name=f"Mentor {n}", reason="Knows python",
                      open_places=2)  # fmt: skip


def rendered(page: Home | Stranger) -> dict[str, Any]:
    view = dict(VIEW.render(page))
    assert view["blocks"] == [b.to_dict() for b in VIEW.blocks(page)], "as slack-sdk writes it"
    check_view(view, kind="home")  # the sandbox's validator: raises on anything Slack refuses
    assert len(view["blocks"]) <= MAX_BLOCKS
    assert len(json.dumps(view)) < 250_000
    return view


def text(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def ids(view: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for block in view["blocks"]:
        elements = block.get("elements", []) if block["type"] == "actions" else []
        elements = [*elements, *([block["accessory"]] if "accessory" in block else [])]
        found += [(e["action_id"], e.get("value", "")) for e in elements if "action_id" in e]
    return found


def test_everything_at_once_is_valid_and_carries_the_dms_action_ids() -> None:
    view = rendered(home(program(
        is_mentor=True, received=(request(1),), sent=(request(2),), connections=(connection(1),),
        meetings=(meeting(1), meeting(2, mine=False)), surveys=(survey(1),),
    )))  # fmt: skip
    found = ids(view)
    for expected in [
        (actions.MENTOR_REQUEST_ACCEPT, "r1"), (actions.MENTOR_REQUEST_DECLINE, "r1"),
        (actions.MENTOR_REQUEST_VIEW_PROFILE, "m1"), (actions.MENTOR_REQUEST_WITHDRAW, "r2"),
        (actions.TASK_MARK_DONE, "c1:t0"), (actions.CONNECTION_SEND_MESSAGE, "c1"),
        (actions.MEETING_ACCEPT, "mt1"), (actions.MEETING_DECLINE, "mt1"),
        (actions.MEETING_CANCEL, "mt2"), (actions.SURVEY_TAKE, "a1"),
    ]:  # fmt: skip
        assert expected in found
    meeting_block = next(b for b in view["blocks"] if b.get("block_id") == "meeting:mt1")
    assert meeting_block["elements"][0]["action_id"] == actions.MEETING_PICK_SLOT
    assert "Please &lt;help&gt;" in text(view), "user text is escaped"
    assert "<!date^" in text(view), "times in each viewer's own timezone"


def test_every_action_id_is_a_known_one() -> None:
    view = rendered(home(program(
        is_mentor=True, received=(request(1),), sent=(request(2),), connections=(connection(1),),
        meetings=(meeting(1), meeting(2, mine=False)), surveys=(survey(1),),
        recommended=(mentor(1),),
    )))  # fmt: skip
    known = actions.ALL | pref_ids.ALL
    assert {a for a, _ in ids(view)} <= known


def test_a_mentee_without_a_mentor_sees_recommended_mentors_with_view_profile() -> None:
    view = rendered(home(program(recommended=(mentor(1), mentor(2)))))
    assert (actions.MENTOR_VIEW_PROFILE, "mm1") in ids(view)
    assert "Mentor 2" in text(view) and "Knows python" in text(view)


def test_a_mentee_nobody_can_take_learns_how_to_get_matched() -> None:
    view = rendered(home(program()))
    assert "Your program team can match you" in text(view)


def test_nobody_in_any_program_gets_a_friendly_empty_state() -> None:
    view = rendered(home())
    assert "not in a mentoring program yet" in text(view)
    assert {a for a, _ in ids(view)} <= pref_ids.ALL


def test_a_mentor_with_nothing_to_do_is_told_so() -> None:
    view = rendered(home(program(is_mentor=True, is_mentee=False)))
    assert "Nothing needs you right now" in text(view)


def test_a_stranger_learns_how_to_get_matched() -> None:
    view = rendered(Stranger(workspace="Acme Engineering"))
    assert "How to get matched" in text(view) and "Acme Engineering" in text(view)
    assert ids(view) == []


@pytest.mark.parametrize("count", [6, 40])
def test_long_lists_show_the_most_recent_and_say_how_many_more(count: int) -> None:
    view = rendered(home(program(
        is_mentor=True, received=tuple(request(n) for n in range(count)),
    )))  # fmt: skip
    accepts = [v for a, v in ids(view) if a == actions.MENTOR_REQUEST_ACCEPT]
    assert accepts == ["r0", "r1", "r2", "r3", "r4"], "the five most recent, in order"
    assert f"and {count - 5} more requests to answer" in text(view)
    assert URL in text(view)


def test_a_huge_area_stays_within_100_blocks_and_counts_what_was_left_out() -> None:
    programs = tuple(
        program(
            program_id=f"p{p}", name=f"Program {p}", is_mentor=True,
            received=tuple(request(100 * p + n) for n in range(8)),
            meetings=tuple(meeting(100 * p + n) for n in range(8)),
            surveys=tuple(survey(100 * p + n) for n in range(8)),
            connections=tuple(connection(100 * p + n, tasks=9) for n in range(8)),
            sent=tuple(request(100 * p + 50 + n) for n in range(8)),
        )
        for p in range(6)
    )  # fmt: skip
    view = rendered(home(*programs))
    assert len(view["blocks"]) <= MAX_BLOCKS
    assert "more things" in text(view) and URL in text(view)
    assert "Your notifications" in text(view), "the preferences always fit"


def test_a_connection_without_messages_or_meetings_invites_a_first_step() -> None:
    bare = HomeConnection(connection_id="c9", partners=(("Sam", "mentee"),), next_meeting=None,
                          tasks=(), messages=(), started=NOW)  # fmt: skip
    view = rendered(home(program(is_mentor=True, connections=(bare,))))
    assert "No messages yet" in text(view) and "No meeting planned yet" in text(view)
    assert "*Sam* (your mentee)" in text(view)


def test_preferences_show_what_the_person_chose() -> None:
    own = WorkingWindow(days=frozenset({0, 2}), start=time(9), end=time(23, 59))
    view = rendered(home(muted=frozenset({"announcement"}), window=own, digest=True))
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    mute = blocks["preferences:mute"]["elements"][0]
    assert [o["value"] for o in mute["initial_options"]] == ["announcement"]
    days = blocks["preferences:days"]["elements"][0]
    assert [o["value"] for o in days["initial_options"]] == ["0", "2"]
    hours = blocks["preferences:hours"]["elements"]
    assert hours[0]["initial_option"]["value"] == "09:00"
    assert hours[1]["initial_option"]["text"]["text"] == "midnight"
    assert hours[2]["action_id"] == pref_ids.RESET_HOURS
    assert "Mon, Wed, 09:00 to midnight" in text(view)
    digest = blocks["preferences:digest"]["elements"][0]
    assert digest["initial_option"]["value"] == pref_ids.DAILY
    assert "your own" in text(view)


def test_without_own_hours_the_organizations_are_shown_and_no_reset() -> None:
    view = rendered(home())
    assert "weekdays, 08:00 to 19:00" in text(view) and "your organization's" in text(view)
    assert pref_ids.RESET_HOURS not in [a for a, _ in ids(view)]


def test_a_refused_change_is_explained_on_the_home() -> None:
    view = rendered(home(notice="Requests and meetings addressed to you can't be muted."))
    assert "⚠️ Requests and meetings addressed to you can't be muted." in text(view)

"""Programs, members, admin matches and surveys: administrators' work."""

from __future__ import annotations

import pytest

from tests.http.conftest import QUESTIONS, Api


async def test_admin_creates_a_program_and_lists_it(api: Api) -> None:
    body = {"name": "  Leaders  ", "mentees_per_mentor": 2, "request_expiry_days": 7}
    response = await api.post("/programs", "admin", json=body)
    assert response.status_code == 201
    created = response.json()
    assert created["name"] == "Leaders"
    assert created["organization_id"] == api.acme.id
    assert (created["slack_opt_in"], created["mentees_per_mentor"]) == (True, 2)
    listed = (await api.get("/programs", "admin")).json()
    assert [p["name"] for p in listed] == ["Acme Pathways", "Leaders"]
    assert created in listed


@pytest.mark.parametrize("who", ["padmin", "sam", "support"])
async def test_only_a_global_admin_creates_programs(api: Api, who: str) -> None:
    with api.unchanged():
        response = await api.post("/programs", who, json={"name": "Nope"})
    assert response.status_code == 403
    assert response.json()["error"] == "not_allowed"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"name": ""}, "length >= 1"),
        ({"name": "   "}, "needs a name"),
        ({"name": "X", "mentees_per_mentor": 0}, "mentees_per_mentor"),
        ({"name": "X", "request_expiry_days": 400}, "request_expiry_days"),
        ({"name": "X", "mentees_per_mentor": "three"}, "Expected `int`"),
        ({"name": 5}, "Expected `str`, got `int`"),
    ],
)
async def test_invalid_program_is_422(api: Api, body: dict[str, object], detail: str) -> None:
    with api.unchanged():
        response = await api.post("/programs", "admin", json=body)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input"
    assert detail in response.json()["detail"]


async def test_members_cannot_list_programs_and_orgs_do_not_mix(api: Api) -> None:
    assert (await api.get("/programs", "sam")).status_code == 403
    globex = (await api.get("/programs", "admin", org=api.globex)).json()
    assert [p["id"] for p in globex] == [api.globex.program_id]


async def test_program_slack_opt_out_then_in(api: Api) -> None:
    path = f"/programs/{api.acme.program_id}/slack"
    response = await api.put(path, "padmin", json={"opted_in": False})
    assert response.status_code == 200
    assert response.json()["slack_opt_in"] is False
    assert (await api.get("/programs", "admin")).json()[0]["slack_opt_in"] is False
    assert api.topics()[-1] == "program.slack_opt_in_changed"
    with api.unchanged():
        again = await api.put(path, "admin", json={"opted_in": False})
    assert again.status_code == 409
    assert again.json() == {
        "error": "illegal_transition",
        "detail": "Program Acme Pathways already does not use Slack.",
    }
    assert (await api.put(path, "admin", json={"opted_in": True})).json()["slack_opt_in"] is True


async def test_program_slack_refusals(api: Api) -> None:
    acme, globex = api.acme.program_id, api.globex.program_id
    with api.unchanged():
        assert (
            await api.put(f"/programs/{acme}/slack", "sam", json={"opted_in": False})
        ).status_code == 403
        assert (
            await api.put(f"/programs/{globex}/slack", "admin", json={"opted_in": False})
        ).status_code == 404
        assert (
            await api.put("/programs/nope/slack", "admin", json={"opted_in": False})
        ).status_code == 404
        assert (
            await api.put(f"/programs/{acme}/slack", "admin", json={"opted_in": "no"})
        ).status_code == 422


async def test_admin_enrolls_a_member_who_then_appears_in_the_program(api: Api) -> None:
    body = {
        "email": "Nina@Acme.example",
        "name": "Nina",
        "roles": ["mentor", "mentee"],
        "expertise": ["Rust", " go "],
        "goals": ["speaking"],
        "bio": "Systems person.",
        "capacity": 2,
    }
    response = await api.post(f"/programs/{api.acme.program_id}/members", "padmin", json=body)
    assert response.status_code == 201
    nina = response.json()
    assert nina["roles"] == ["mentee", "mentor"]
    assert nina["expertise"] == ["go", "rust"]
    assert (nina["capacity"], nina["bio"], nina["program_id"]) == (
        2,
        "Systems person.",
        api.acme.program_id,
    )
    listed = (await api.get(f"/programs/{api.acme.program_id}/members", "admin")).json()
    assert nina in listed
    assert sorted(m["name"] for m in listed) == ["Maria", "Nina", "Otto", "Sam", "Tess"]


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"email": "sam@acme.example", "name": "Sam", "roles": ["mentee"]}, 409, "already in"),
        ({"email": "not-an-email", "name": "N", "roles": ["mentor"]}, 422, "not an email"),
        ({"email": "n@acme.example", "name": "N", "roles": []}, 422, "length >= 1"),
        ({"email": "n@acme.example", "name": "N", "roles": ["boss"]}, 422, "roles"),
        (
            {"email": "n@acme.example", "name": "N", "roles": ["mentor"], "capacity": 99},
            422,
            "capacity",
        ),
        (
            {"email": "n@acme.example", "name": "N", "roles": ["mentor"], "expertise": ["x"] * 21},
            422,
            "expertise",
        ),
        ({"email": "n@acme.example", "roles": ["mentor"]}, 422, "name"),
    ],
)
async def test_enrollment_refusals(
    api: Api, body: dict[str, object], status: int, detail: str
) -> None:
    with api.unchanged():
        response = await api.post(f"/programs/{api.acme.program_id}/members", "admin", json=body)
    assert response.status_code == status, response.text
    assert detail in response.json()["detail"]


async def test_enrollment_needs_an_admin_of_this_organization(api: Api) -> None:
    body = {"email": "n@acme.example", "name": "N", "roles": ["mentor"]}
    with api.unchanged():
        assert (
            await api.post(f"/programs/{api.acme.program_id}/members", "maria", json=body)
        ).status_code == 403
        assert (
            await api.post(f"/programs/{api.globex.program_id}/members", "admin", json=body)
        ).status_code == 404


async def test_who_may_read_a_programs_members(api: Api) -> None:
    path = f"/programs/{api.acme.program_id}/members"
    assert (await api.get(path, "sam")).status_code == 200
    outsider = await api.get(path, "outsider")
    assert outsider.status_code == 403
    assert outsider.json()["detail"] == "You are not a member of this program."
    assert (await api.get(f"/programs/{api.globex.program_id}/members", "sam")).status_code == 404
    assert (await api.get("/programs/unknown/members", "admin")).status_code == 404


async def test_admin_match_publishes_a_connection_both_sides_see(api: Api) -> None:
    members = api.acme.members
    body = {"mentor_ids": [members["otto"]], "mentee_ids": [members["tess"]]}
    response = await api.post(f"/programs/{api.acme.program_id}/connections", "padmin", json=body)
    assert response.status_code == 201
    connection = response.json()
    assert (connection["mentor_ids"], connection["mentee_ids"]) == (
        [members["otto"]],
        [members["tess"]],
    )
    assert connection["status"] == "active"
    assert api.topics()[-1] == "connection.published"
    area = (await api.get("/me/connections", "tess")).json()["connections"]
    assert [c["id"] for c in area] == [connection["id"]]
    assert area[0]["partners"][0]["name"] == "Otto"


async def test_admin_match_refusals(api: Api) -> None:
    members, program = api.acme.members, api.acme.program_id
    path = f"/programs/{program}/connections"
    full = await api.post(
        f"/programs/{program}/members",
        "admin",
        json={"email": "zoe@acme.example", "name": "Zoe", "roles": ["mentor"], "capacity": 0},
    )
    cases = [
        ("maria", {"mentor_ids": [members["maria"]], "mentee_ids": [members["sam"]]}, 403),
        ("admin", {"mentor_ids": [members["sam"]], "mentee_ids": [members["tess"]]}, 422),
        ("admin", {"mentor_ids": ["nobody"], "mentee_ids": [members["tess"]]}, 404),
        ("admin", {"mentor_ids": [full.json()["id"]], "mentee_ids": [members["tess"]]}, 409),
        ("admin", {"mentor_ids": [], "mentee_ids": [members["tess"]]}, 422),
        ("admin", {"mentor_ids": [members["maria"]]}, 422),
    ]
    for who, body, status in cases:
        with api.unchanged():
            response = await api.post(path, who, json=body)
        assert response.status_code == status, (body, response.text)
    with api.unchanged():
        other = await api.post(
            f"/programs/{api.globex.program_id}/connections", "admin", json=cases[0][1]
        )
    assert other.status_code == 404


async def test_admin_defines_a_survey(api: Api) -> None:
    response = await api.post(
        f"/programs/{api.acme.program_id}/surveys",
        "admin",
        json={"title": "Check-in", "questions": QUESTIONS},
    )
    assert response.status_code == 201
    survey = response.json()
    assert survey["title"] == "Check-in"
    assert [q["kind"] for q in survey["questions"]] == [
        "rating",
        "single_choice",
        "multiple_choice",
        "text",
    ]
    assert survey["questions"][0]["scale"] == 5
    assert survey["questions"][3]["required"] is False


@pytest.mark.parametrize(
    ("questions", "detail"),
    [
        (
            [{"id": "a", "kind": "single_choice", "prompt": "?", "options": ["only"]}],
            "2 to 10 distinct options",
        ),
        ([{"id": "a", "kind": "essay", "prompt": "?"}], "kind"),
        (
            [
                {"id": "a", "kind": "text", "prompt": "?"},
                {"id": "a", "kind": "text", "prompt": "!"},
            ],
            "unique",
        ),
        ([{"id": "a", "kind": "rating", "prompt": "?", "scale": 11}], "scale of 2 to 10"),
        ([{"id": f"q{i}", "kind": "text", "prompt": "?"} for i in range(51)], "length <= 50"),
        ([], "length >= 1"),
    ],
)
async def test_invalid_survey_is_422(api: Api, questions: list[object], detail: str) -> None:
    with api.unchanged():
        response = await api.post(
            f"/programs/{api.acme.program_id}/surveys",
            "admin",
            json={"title": "T", "questions": questions},
        )
    assert response.status_code == 422
    assert detail in response.json()["detail"]


async def test_surveys_are_defined_by_admins_of_the_program(api: Api) -> None:
    body = {"title": "T", "questions": QUESTIONS}
    with api.unchanged():
        assert (
            await api.post(f"/programs/{api.acme.program_id}/surveys", "sam", json=body)
        ).status_code == 403
        assert (
            await api.post(f"/programs/{api.globex.program_id}/surveys", "admin", json=body)
        ).status_code == 404

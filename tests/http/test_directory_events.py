"""`team_join` and `user_change` through POST /slack/events, signed for real: a person who
joins later, changes timezone or e-mail, or is deactivated is reflected at once from the
event; a retried event is applied once; events for unknown workspaces or removed
installations change nothing; an org-wide Grid install keys people by the Grid."""

from __future__ import annotations

from typing import Any

from application.delivery.model import Notification, NotificationKind, Subject
from application.delivery.routing import MailRoute, SlackRoute, route_for
from domain.ids import UserId
from domain.slack.identity import SlackIdentity
from tests.http.admin_web import (  # noqa: F401  (web_fixture is the `web` fixture)
    ACME_TEAM,
    SLACK_PAGE,
    Web,
    removal_event,
    web_fixture,
)

GRID = "E0ACME01"


def account(user_id: str, email: str | None, *, tz: str = "Europe/Berlin",
            team_id: str = ACME_TEAM, deleted: bool = False,
            is_bot: bool = False) -> dict[str, Any]:  # fmt: skip
    """A user object as Slack puts it in `team_join` / `user_change`."""
    profile: dict[str, Any] = {"real_name": user_id.title(), "display_name": user_id.lower()}
    if email is not None:
        profile["email"] = email
    return {"id": user_id, "team_id": team_id, "name": user_id.lower(), "deleted": deleted,
            "real_name": user_id.title(), "tz": tz, "tz_label": "", "tz_offset": 3600,
            "is_bot": is_bot, "profile": profile}  # fmt: skip


def directory_event(kind: str, event_id: str, user: dict[str, Any], *,
                    team_id: str = ACME_TEAM, enterprise_id: str | None = GRID,
                    is_enterprise_install: bool = False) -> dict[str, Any]:  # fmt: skip
    event: dict[str, Any] = {"type": kind, "user": user, "event_ts": "1772442000.000100"}
    if kind == "user_change":
        event["cache_ts"] = 1772442000
    return {
        "token": "verification-token", "team_id": team_id, "enterprise_id": enterprise_id,
        "api_app_id": "A0MENTORLNK", "event": event, "type": "event_callback",
        "event_id": event_id, "event_time": 1772442000,
        "authorizations": [{"enterprise_id": enterprise_id,
                            "team_id": None if is_enterprise_install else team_id,
                            "user_id": "UBOT", "is_bot": True,
                            "is_enterprise_install": is_enterprise_install}],
    }  # fmt: skip


async def connected(web: Web) -> None:
    await web.enable_slack()
    await web.install(await web.signed_in("admin"))


async def identities_of(web: Web, who: str) -> list[SlackIdentity]:
    async with web.runner.uow_factory() as uow:
        found = await uow.slack_identities.list_for_user(UserId(web.acme.users[who]))  # type: ignore[attr-defined]
        return list(found)


async def route_of(web: Web, who: str) -> object:
    probe = Notification(
        kind=NotificationKind.WELCOME, organization_id=web.acme.id, program_id=None,
        recipient_user_id=web.acme.users[who], subject=Subject(kind="connection", id="x"),
        facts={}, outbox_id=0, created_at=web.clock.now(),
    )  # fmt: skip
    async with web.runner.uow_factory() as uow:
        return await route_for(probe, uow, mail_configured=True)  # type: ignore[arg-type]


def found_topics(web: Web) -> list[str]:
    return [t for t in web.topics() if t == "slack_identity.found"]


async def test_a_person_who_joins_later_is_reachable_at_once(web: Web) -> None:
    await connected(web)
    assert await identities_of(web, "tess") == []
    welcomed = len(found_topics(web))
    joined = directory_event("team_join", "EvJOIN1", account("W0TESS", "Tess@acme.example"))
    assert (await web.event(joined)).status_code == 200
    (identity,) = await identities_of(web, "tess")
    assert (identity.slack_user_id, identity.email, identity.tz, identity.team_ids) == (
        "W0TESS", "tess@acme.example", "Europe/Berlin", (ACME_TEAM,))
    assert identity.directory_key == GRID
    route = await route_of(web, "tess")
    assert isinstance(route, SlackRoute) and route.slack_user_id == "W0TESS"
    assert len(found_topics(web)) == welcomed + 1  # welcomed, once


async def test_a_timezone_change_is_kept(web: Web) -> None:
    await connected(web)
    (before,) = await identities_of(web, "maria")
    moved = directory_event("user_change", "EvTZ1",
                            account(before.slack_user_id, "maria@acme.example", tz="Asia/Tokyo"))
    assert (await web.event(moved)).status_code == 200
    (after,) = await identities_of(web, "maria")
    assert after.tz == "Asia/Tokyo"
    route = await route_of(web, "maria")
    assert isinstance(route, SlackRoute) and route.timezone == "Asia/Tokyo"


async def test_an_email_change_keeps_the_person_and_matches_a_newcomer(web: Web) -> None:
    await connected(web)
    (maria,) = await identities_of(web, "maria")
    renamed = directory_event("user_change", "EvMAIL1",
                              account(maria.slack_user_id, "Maria.Santos@acme.example"))
    assert (await web.event(renamed)).status_code == 200
    (after,) = await identities_of(web, "maria")
    assert (after.user_id, after.email) == (maria.user_id, "maria.santos@acme.example")
    # Dana's Slack e-mail was nobody's; now it is Tess's: Tess is found.
    assert await identities_of(web, "tess") == []
    dana = directory_event("user_change", "EvMAIL2", account("W0DANA", "tess@acme.example"))
    assert (await web.event(dana)).status_code == 200
    assert [i.slack_user_id for i in await identities_of(web, "tess")] == ["W0DANA"]


async def test_a_deactivated_account_gets_no_dm_but_an_email_and_can_come_back(web: Web) -> None:
    await connected(web)
    (sam,) = await identities_of(web, "sam")
    gone = directory_event("user_change", "EvOFF1",
                           account(sam.slack_user_id, "sam@acme.example", deleted=True))
    assert (await web.event(gone)).status_code == 200
    (after,) = await identities_of(web, "sam")
    assert after.deactivated
    route = await route_of(web, "sam")
    assert isinstance(route, MailRoute) and route.address == "sam@acme.example"
    page = await (await web.signed_in("admin")).get(SLACK_PAGE)
    assert page.text.count("deactivated in Slack: e-mail instead") == 1
    back = directory_event("user_change", "EvON1", account(sam.slack_user_id, "sam@acme.example"))
    assert (await web.event(back)).status_code == 200
    assert not (await identities_of(web, "sam"))[0].deactivated
    assert isinstance(await route_of(web, "sam"), SlackRoute)


async def test_a_retried_event_is_applied_once(web: Web) -> None:
    await connected(web)
    (maria,) = await identities_of(web, "maria")
    first = directory_event("user_change", "EvRETRY",
                            account(maria.slack_user_id, "maria@acme.example", tz="Asia/Tokyo"))
    assert (await web.event(first)).status_code == 200
    later = directory_event("user_change", "EvLATER",
                            account(maria.slack_user_id, "maria@acme.example", tz="UTC"))
    assert (await web.event(later)).status_code == 200
    # Slack retries the first delivery after the later change: the retry changes nothing.
    retry = await web.event(first, headers={"X-Slack-Retry-Num": "1",
                                            "X-Slack-Retry-Reason": "http_timeout"})  # fmt: skip
    assert retry.status_code == 200
    assert (await identities_of(web, "maria"))[0].tz == "UTC"
    welcomed = len(found_topics(web))
    join = directory_event("team_join", "EvJOIN2", account("W0TESS", "tess@acme.example"))
    assert (await web.event(join)).status_code == 200
    assert (await web.event(join, headers={"X-Slack-Retry-Num": "1"})).status_code == 200
    assert len(await identities_of(web, "tess")) == 1
    assert len(found_topics(web)) == welcomed + 1  # one welcome, not two


async def test_events_for_unknown_workspaces_and_removed_installations_change_nothing(
    web: Web,
) -> None:
    await connected(web)
    stranger = directory_event("team_join", "EvX1", account("W0TESS", "tess@acme.example",
                                                            team_id="T0NOBODY"),
                               team_id="T0NOBODY", enterprise_id=None)  # fmt: skip
    before = web.snapshot()
    assert (await web.event(stranger)).status_code == 200
    assert web.snapshot()[0]["slack_identities"] == before[0]["slack_identities"]
    assert await identities_of(web, "tess") == []
    assert (await web.event(removal_event("app_uninstalled", "EvGONE"))).status_code == 200
    late = directory_event("team_join", "EvX2", account("W0TESS", "tess@acme.example"))
    assert (await web.event(late)).status_code == 200
    assert await identities_of(web, "tess") == []


async def test_an_org_wide_install_keys_people_by_the_grid(web: Web) -> None:
    await web.enable_slack()
    await web.install(await web.signed_in("admin"), team_id=None, enterprise_id=GRID)
    joined = directory_event("team_join", "EvGRID1", account("W0TESS", "tess@acme.example"),
                             is_enterprise_install=True)  # fmt: skip
    assert (await web.event(joined)).status_code == 200
    (identity,) = await identities_of(web, "tess")
    assert identity.directory_key == GRID and identity.team_ids == (ACME_TEAM,)


async def test_bots_and_malformed_accounts_change_nothing(web: Web) -> None:
    await connected(web)
    bot = directory_event("team_join", "EvBOT", account("W0TESS", "tess@acme.example",
                                                        is_bot=True))  # fmt: skip
    assert (await web.event(bot)).status_code == 200
    assert await identities_of(web, "tess") == []
    broken = directory_event("user_change", "EvBAD", {"name": "no id"})
    before = web.snapshot()
    answer = await web.event(broken)
    assert answer.status_code == 400 and answer.headers["X-Slack-No-Retry"] == "1"
    assert web.snapshot() == before

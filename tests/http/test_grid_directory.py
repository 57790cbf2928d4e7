"""Enterprise Grid directories on the sandbox's default Grid (Acme Engineering + Acme Sales),
for both install kinds: an org-wide install pages each workspace the Grid granted with
`team_id`; a person found in any of the Grid's workspaces is matched once; the Slack page
shows who is matched per Grid and per workspace (searchable) and who is not, as CSV too."""

from __future__ import annotations

import csv
import io

import pytest

from tests.http.admin_web import SLACK_PAGE
from tests.http.grid_web import (  # noqa: F401  (fixtures)
    ENG,
    GRID,
    PARTNERS,
    SALES,
    GridWeb,
    grid_fixture,
    sandbox_server,
)

# slack-sdk hands aiohttp a BasicAuth for oauth.v2.access, which aiohttp now deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")


def _directory(page: str, key: str) -> str:
    start = page.index(f'data-directory="{key}"')
    ends = [e for e in (page.find('class="card directory"', start), page.find("</section>", start))
            if e > 0]
    return page[start:min(ends)]


async def test_an_org_wide_install_syncs_every_workspace_of_the_grid(grid: GridWeb) -> None:
    installation = await grid.install(f"grid:{GRID}")
    assert installation.workspace.is_enterprise_install
    sync = await grid.admin.follow(
        await grid.admin.post(f"{SLACK_PAGE}/workspaces/{installation.id}/sync"))
    assert "Directory synced:" in sync.text and "try again later" not in sync.text
    listed = await grid.calls("users.list")
    assert listed and {c["params"].get("team_id") for c in listed} == {ENG, SALES}
    assert (await grid.calls("auth.teams.list"))
    synced = await grid.installation(installation.id)
    assert [w.team_id for w in synced.covered] == [ENG, SALES]

    page = (await grid.admin.get(SLACK_PAGE)).text
    acme = _directory(page, GRID)
    assert "Acme Grid" in acme and "(Enterprise Grid)" in acme
    # Maria and Sam are in both workspaces: matched once for the Grid, listed in each.
    assert acme.count("Maria Santos") == 1
    assert "Acme Engineering, Acme Sales" in acme
    assert "<td>Acme Engineering</td><td>" in acme and "<td>Acme Sales</td><td>" in acme
    # Omar is only in the standalone Acme Partners, Noor in no workspace at all.
    assert "Omar Okafor" in acme.split("Not found")[1]
    assert "Noor" in acme.split("Not found")[1]


async def test_workspace_installs_in_one_grid_count_a_person_once(grid: GridWeb) -> None:
    eng = await grid.install(f"team:{ENG}")
    sales = await grid.install(f"team:{SALES}", installer="W0MARIASA")
    for installation in (eng, sales):
        await grid.admin.post(f"{SLACK_PAGE}/workspaces/{installation.id}/sync")
    listed = await grid.calls("users.list")
    assert {c["team_id"] for c in listed} == {ENG, SALES}
    page = (await grid.admin.get(SLACK_PAGE)).text
    acme = _directory(page, GRID)
    matched = acme.split("Matched (")[1].split(")")[0]
    table = acme.split("Not found")[0]
    # Each of the Grid's people once, whichever workspace synced last.
    assert table.count("Maria Santos") == 1 and table.count("Sam Rivera") == 1
    assert "Acme Engineering, Acme Sales" in table
    unmatched = acme.split("Not found (")[1]
    assert "Maria Santos" not in unmatched and "Priya Patel" not in unmatched
    # The workspace rows above say the same numbers for both installs of the Grid.
    assert page.count(f"<strong>{matched}</strong> matched") == 2


async def test_the_search_narrows_matched_and_unmatched(grid: GridWeb) -> None:
    installation = await grid.install(f"grid:{GRID}")
    await grid.admin.post(f"{SLACK_PAGE}/workspaces/{installation.id}/sync")
    found = (await grid.admin.get(SLACK_PAGE, q="maria")).text
    acme = _directory(found, GRID)
    assert "Maria Santos" in acme and "Sam Rivera" not in acme and "Noor" not in acme
    assert 'value="maria"' in found and "Show everyone" in found
    nobody = _directory((await grid.admin.get(SLACK_PAGE, q="zzz")).text, GRID)
    assert "Nobody matching “zzz”" in nobody


async def test_the_unmatched_download_as_csv(grid: GridWeb) -> None:
    installation = await grid.install(f"grid:{GRID}")
    await grid.admin.post(f"{SLACK_PAGE}/workspaces/{installation.id}/sync")
    page = (await grid.admin.get(SLACK_PAGE)).text
    assert f'href="{SLACK_PAGE}/unmatched.csv?directory={GRID}"' in page
    response = await grid.admin.get(f"{SLACK_PAGE}/unmatched.csv", directory=GRID)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="not-in-acme-grid.csv"' in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["name", "email"]
    emails = {row[1] for row in rows[1:]}
    assert {"omar@acme.example", "noor@acme.example"} <= emails
    assert "maria@acme.example" not in emails
    everyone = await grid.admin.get(f"{SLACK_PAGE}/unmatched.csv")
    assert "noor@acme.example" in everyone.text and "omar@acme.example" in everyone.text
    unknown = await grid.admin.get(f"{SLACK_PAGE}/unmatched.csv", directory=PARTNERS)
    assert unknown.status_code == 404

"""Who is in Slack, as the Slack page shows it: per Grid / workspace the matched people (with
where they were found) and the unmatched, filtered by a search; the unmatched as CSV."""

from __future__ import annotations

import csv
import io
import re

import attrs
from litestar.response import Response

from application.slack.overview import Directory, MatchedPerson, SlackOverview
from domain.errors import NotFound
from domain.people import User


@attrs.frozen(kw_only=True)
class PeopleView:
    query: str
    directories: tuple[Directory, ...]  # filtered by the query; counts stay the full ones
    totals: dict[str, tuple[int, int]]  # key -> (matched, unmatched) before filtering


def _hit(user: User, words: list[str]) -> bool:
    text = f"{user.name} {user.email}".lower()
    return all(word in text for word in words)


def people_view(overview: SlackOverview, query: str) -> PeopleView:
    words = query.lower().split()
    shown = []
    for directory in overview.directories:
        matched: tuple[MatchedPerson, ...] = tuple(
            m for m in directory.matched if _hit(m.user, words)
        )
        unmatched = tuple(u for u in directory.unmatched if _hit(u, words))
        shown.append(attrs.evolve(directory, matched=matched, unmatched=unmatched))
    totals = {d.key: (len(d.matched), len(d.unmatched)) for d in overview.directories}
    return PeopleView(query=query.strip(), directories=tuple(shown), totals=totals)


def unmatched_csv(overview: SlackOverview, directory_key: str) -> Response[str]:
    """`name,email` of the program members not found: in the Grid or workspace
    `directory_key`, or (empty key) in any connected workspace."""
    if directory_key:
        directory = overview.directory(directory_key)
        if directory is None:
            raise NotFound("No such connected workspace.")
        people, label = directory.unmatched, directory.name
    else:
        people, label = overview.unmatched, "slack"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["name", "email"])
    for user in people:
        writer.writerow([_cell(user.name), _cell(user.email)])
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "slack"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="not-in-{slug}.csv"'},
    )


def _cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value

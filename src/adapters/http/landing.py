"""`/`: a small page leading to the admin pages, the API docs and, when the app runs against
the local Slack sandbox, the sandbox. Plain HTML with no template engine, so the JSON API alone
(no admin surface) has it too."""

from __future__ import annotations

from html import escape

from litestar import MediaType, Response, get
from litestar.handlers import HTTPRouteHandler

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mentorlink</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;
color:#1d1c1d}}a{{color:#1264a3}}li{{margin:.5rem 0}}</style></head>
<body><main><h1>mentorlink</h1>
<p>Mentoring programs delivered through Slack.</p>
<ul>{links}</ul></main></body></html>"""


def landing_page(*, admin: bool, sandbox_url: str | None) -> HTTPRouteHandler:
    """The handler for `/`; `admin` says whether the admin pages are served, `sandbox_url`
    where the local Slack stand-in runs (None with real Slack)."""
    links = []
    if admin:
        links.append(("/admin", "Admin pages", "sign in with an API token"))
    links.append(("/schema/swagger", "API docs", "the JSON API's OpenAPI reference"))
    if sandbox_url:
        links.append((sandbox_url, "Slack sandbox", "the local stand-in for Slack"))
    items = "".join(
        f'<li><a href="{escape(href)}">{escape(name)}</a> — {escape(about)}</li>'
        for href, name, about in links
    )
    body = _PAGE.format(links=items)

    @get("/", include_in_schema=False, sync_to_thread=False)
    def landing() -> Response[str]:
        return Response(body, media_type=MediaType.HTML)

    return landing

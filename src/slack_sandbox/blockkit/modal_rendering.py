"""A modal view as an HTML ``<form>``: title, blocks (input blocks included), buttons.

The form carries ``data-view-id`` and ``data-callback-id`` when the view has them; its
``sb-modal-submit`` button submits it and ``sb-modal-close`` dismisses it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from slack_sandbox.blockkit.markup import attributes, esc
from slack_sandbox.blockkit.render_context import Viewer, items, raw_text, text
from slack_sandbox.blockkit.rendering import render_block


def render_modal(
    view: Mapping[str, object],
    *,
    tz: str,
    now: dt.datetime | None = None,
    names: Mapping[str, str] | None = None,
) -> str:
    """A modal view as one ``<form class="sb-modal">`` fragment.

    The close button reads ``close`` (default "Cancel"); the submit button appears only
    when the view has ``submit``, as in Slack.
    """
    viewer = Viewer(tz=tz, now=now, names=names or {})
    blocks = "".join(
        render_block(block, index, viewer) for index, block in enumerate(items(view.get("blocks")))
    )
    ids = attributes(
        {
            "data-view-id": text(view.get("id")),
            "data-callback-id": text(view.get("callback_id")),
        }
    )
    close = esc(raw_text(view.get("close")) or "Cancel")
    submit_text = raw_text(view.get("submit"))
    submit = (
        f'<button type="submit" class="sb-modal-submit">{esc(submit_text)}</button>'
        if submit_text
        else ""
    )
    return (
        f'<form class="sb-modal"{ids}>'
        f'<header class="sb-modal-header"><h2 class="sb-modal-title">'
        f"{esc(raw_text(view.get('title')))}</h2></header>"
        f'<div class="sb-modal-body"><div class="sb-blocks">{blocks}</div></div>'
        f'<footer class="sb-modal-footer">'
        f'<button type="button" class="sb-modal-close">{close}</button>{submit}</footer>'
        "</form>"
    )

"""Block Kit for the Slack sandbox: validation as strict as Slack, and HTML rendering.

Validation (what the sandbox's Web API runs before accepting a payload)::

    check_message(text, blocks)          # chat.postMessage / update / postEphemeral
    check_view(view, kind="modal")       # views.open / push / update / publish
    # both raise BlockKitError(error=<Slack code>, messages=["[ERROR] ... [json-pointer:...]"])

Rendering (for the browser UI)::

    render_blocks(blocks, tz="Europe/Paris")   # a bot DM or the Home tab
    render_modal(view, tz="Europe/Paris")      # a modal as a <form>
    mrkdwn_to_html(text, tz=...); format_slack_date(epoch, "{date} at {time}", tz=..., fallback=...)
    STYLESHEET                                  # CSS for the sb-* classes

Data attributes the UI script relies on are documented in ``element_rendering``
(clickable elements) and ``input_rendering`` (input blocks and ``view.state.values``).
"""

from __future__ import annotations

from slack_sandbox.blockkit.dates import format_slack_date
from slack_sandbox.blockkit.errors import BlockKitError
from slack_sandbox.blockkit.ids import with_generated_ids
from slack_sandbox.blockkit.modal_rendering import render_modal
from slack_sandbox.blockkit.mrkdwn import mrkdwn_to_html
from slack_sandbox.blockkit.rendering import render_blocks
from slack_sandbox.blockkit.stylesheet import STYLESHEET
from slack_sandbox.blockkit.validation import check_message, check_view

__all__ = [
    "STYLESHEET",
    "BlockKitError",
    "check_message",
    "check_view",
    "format_slack_date",
    "mrkdwn_to_html",
    "render_blocks",
    "render_modal",
    "with_generated_ids",
]

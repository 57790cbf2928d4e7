"""The daily digest: a day's low-priority news (announcements, finished tasks) in one DM, for
people who asked for it on their Home tab."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import Block

from adapters.slack.blocks.parts import Rendered, clip, esc, fallback, header, note, section
from application.delivery.model import Notification

SHOWN = 40  # items listed; a message holds 50 blocks


def digest_line(item: Mapping[str, Any]) -> str:
    """One item of the digest as a line of mrkdwn (plain words for a kind it does not know)."""
    f = item["facts"]
    if item["kind"] == "announcement":
        return (f"📣 *{esc(f['program_name'])}* — {esc(clip(f['text'].strip(), 400))}\n"
                f"_— {esc(f['by_name'])}_")  # fmt: skip
    if item["kind"] == "task_completed":
        return f"✅ {esc(f['by']['name'])} finished *{esc(f['title'])}*"
    return f"• {esc(str(item['kind']).replace('_', ' '))}"


def digest(n: Notification) -> Rendered:
    items = n.facts["items"]
    blocks: list[Block] = [header("Your daily digest")]
    blocks += [section(digest_line(i)) for i in items[:SHOWN]]
    if len(items) > SHOWN:
        blocks.append(note(f"…and {len(items) - SHOWN} more."))
    blocks.append(note("You chose a daily digest for announcements and finished tasks; change "
                       "it under “Your notifications” on your Home tab."))  # fmt: skip
    count = "1 item" if len(items) == 1 else f"{len(items)} items"
    return Rendered(fallback(f"Your daily digest: {count}"), blocks)

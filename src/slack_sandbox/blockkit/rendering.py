"""Blocks (a message or the Home tab) as an HTML fragment for the sandbox UI.

Each block is a node with ``class="sb-block sb-<type>"`` and ``data-block-id``; the
interactive conventions are described in ``element_rendering``. Blocks and elements
the sandbox does not model render as a visible ``sb-unsupported`` placeholder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from slack_sandbox.blockkit.element_rendering import Slot, render_element
from slack_sandbox.blockkit.ids import block_elements, generated_action_id, generated_block_id
from slack_sandbox.blockkit.input_rendering import render_input_block
from slack_sandbox.blockkit.markup import attributes, esc, safe_url
from slack_sandbox.blockkit.render_context import (
    JsonObject,
    Viewer,
    items,
    obj,
    raw_text,
    render_text,
    text,
    unsupported,
)

BlockRenderer = Callable[[JsonObject, int, str, Viewer], str]


def _elements(block: JsonObject, index: int, block_id: str, viewer: Viewer) -> list[str]:
    rendered: list[str] = []
    for position, element in enumerate(block_elements(block)):
        action_id = text(obj(element).get("action_id")) or generated_action_id(index, position)
        slot = Slot(block_id, action_id, interactive=True)
        rendered.append(render_element(element, slot, viewer))
    return rendered


def _open(kind: str, block_id: str, tag: str = "div") -> str:
    return f'<{tag} class="sb-block sb-{kind}"{attributes({"data-block-id": block_id})}>'


def _section(block: JsonObject, index: int, block_id: str, viewer: Viewer) -> str:
    body = ""
    if block.get("text") is not None:
        body += f'<div class="sb-text">{render_text(block["text"], viewer)}</div>'
    fields = items(block.get("fields"))
    if fields:
        cells = "".join(f'<div class="sb-field">{render_text(f, viewer)}</div>' for f in fields)
        body += f'<div class="sb-fields">{cells}</div>'
    accessory = "".join(_elements(block, index, block_id, viewer))
    if accessory:
        accessory = f'<div class="sb-accessory">{accessory}</div>'
    return f'{_open("section", block_id)}<div class="sb-section-body">{body}</div>{accessory}</div>'


def _header(block: JsonObject, index: int, block_id: str, viewer: Viewer) -> str:
    return f"{_open('header', block_id, 'h3')}{esc(raw_text(block.get('text')))}</h3>"


def _divider(block: JsonObject, index: int, block_id: str, viewer: Viewer) -> str:
    return f'<hr class="sb-block sb-divider"{attributes({"data-block-id": block_id})}>'


def _image(block: JsonObject, index: int, block_id: str, viewer: Viewer) -> str:
    title = raw_text(block.get("title"))
    caption = f'<figcaption class="sb-image-title">{esc(title)}</figcaption>' if title else ""
    img = attributes(
        {"src": safe_url(block.get("image_url")), "alt": text(block.get("alt_text")) or ""}
    )
    return f"{_open('image', block_id, 'figure')}{caption}<img{img}></figure>"


def _context(block: JsonObject, index: int, block_id: str, viewer: Viewer) -> str:
    parts: list[str] = []
    for element in map(obj, items(block.get("elements"))):
        if element.get("type") == "image":
            img = attributes(
                {
                    "src": safe_url(element.get("image_url")),
                    "alt": text(element.get("alt_text")) or "",
                }
            )
            parts.append(f'<img class="sb-context-image"{img}>')
        elif element.get("type") in ("mrkdwn", "plain_text"):
            parts.append(f'<span class="sb-context-text">{render_text(element, viewer)}</span>')
        else:
            parts.append(unsupported(element.get("type"), "context element"))
    return f"{_open('context', block_id)}{''.join(parts)}</div>"


def _actions(block: JsonObject, index: int, block_id: str, viewer: Viewer) -> str:
    return f"{_open('actions', block_id)}{''.join(_elements(block, index, block_id, viewer))}</div>"


BLOCK_RENDERERS: dict[str, BlockRenderer] = {
    "section": _section,
    "header": _header,
    "divider": _divider,
    "image": _image,
    "context": _context,
    "actions": _actions,
    "input": render_input_block,
}


def render_block(block: object, index: int, viewer: Viewer) -> str:
    """One block at position ``index`` (which names it when it has no block_id)."""
    body = obj(block)
    block_id = text(body.get("block_id")) or generated_block_id(index)
    renderer = BLOCK_RENDERERS.get(str(body.get("type")))
    if renderer is None:
        return f"{_open('unknown', block_id)}{unsupported(body.get('type'), 'block')}</div>"
    return renderer(body, index, block_id, viewer)


def render_blocks(
    blocks: Sequence[Mapping[str, object]],
    *,
    tz: str,
    now: dt.datetime | None = None,
    names: Mapping[str, str] | None = None,
) -> str:
    """Message or Home tab blocks as one ``<div class="sb-blocks">`` fragment.

    ``tz`` is the viewer's IANA zone (for date tokens); ``now`` pins "today" in tests;
    ``names`` maps user / channel ids to display names for mentions.
    """
    viewer = Viewer(tz=tz, now=now, names=names or {})
    inner = "".join(render_block(block, index, viewer) for index, block in enumerate(blocks))
    return f'<div class="sb-blocks">{inner}</div>'

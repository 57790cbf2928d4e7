"""Ids Slack fills in when a payload leaves them out.

Slack stores a message or view with a generated ``block_id`` on every block and an
``action_id`` on every element, and echoes those in interaction payloads. The sandbox
derives them from the position, so the stored payload (:func:`with_generated_ids`)
and the rendered HTML agree even when the store skipped this step.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping, Sequence


def _short(seed: str) -> str:
    # Slack's generated ids are short alphanumerics; a hash keeps them stable per position.
    return hashlib.sha256(seed.encode()).hexdigest()[:5]


def generated_block_id(index: int) -> str:
    """The block_id given to the block at ``index`` when it has none."""
    return _short(f"block:{index}")


def generated_action_id(block_index: int, element_index: int) -> str:
    """The action_id given to an element of block ``block_index`` when it has none."""
    return _short(f"action:{block_index}:{element_index}")


def block_elements(block: Mapping[str, object]) -> list[object]:
    """The interactive slots of a block, in the order their generated ids count them."""
    kind = block.get("type")
    if kind == "actions":
        elements = block.get("elements")
        return list(elements) if isinstance(elements, list) else []
    key = {"section": "accessory", "input": "element"}.get(str(kind))
    return [block[key]] if key and block.get(key) is not None else []


def with_generated_ids(blocks: Sequence[Mapping[str, object]]) -> list[dict[str, object]]:
    """A copy of ``blocks`` with every missing block_id and action_id filled in."""
    filled: list[dict[str, object]] = []
    for block_index, block in enumerate(blocks):
        copied = copy.deepcopy(dict(block))
        copied.setdefault("block_id", generated_block_id(block_index))
        for element_index, element in enumerate(block_elements(copied)):
            if isinstance(element, dict) and element.get("type") != "image":
                element.setdefault("action_id", generated_action_id(block_index, element_index))
        filled.append(copied)
    return filled

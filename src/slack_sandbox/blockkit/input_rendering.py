"""Input blocks as form fields from which a script can build ``view.state.values``.

Layout of one input block::

    <div class="sb-block sb-input-block" data-block-id="B">
      <label class="sb-label">Label <span class="sb-optional">(optional)</span></label>
      <div class="sb-input" data-block-id="B" data-action-id="A" data-type="T"
           [data-optional="true"] [data-dispatch-action="true"]>
        ...standard form controls (input / textarea / select / radios / checkboxes)...
      </div>
      <div class="sb-hint">Hint</div>
      <div class="sb-error" data-block-id="B"></div>
    </div>

The script reads each ``.sb-input`` into
``values[B][A] = {"type": T, "value" | "selected_option" | "selected_options" |
"selected_date": ...}``, taking option objects from the controls' ``data-option``.
``.sb-error`` is where ``response_action: errors`` messages go.
"""

from __future__ import annotations

from slack_sandbox.blockkit.element_rendering import Slot, render_element
from slack_sandbox.blockkit.ids import generated_action_id
from slack_sandbox.blockkit.markup import attributes, esc
from slack_sandbox.blockkit.render_context import JsonObject, Viewer, obj, raw_text, text


def render_input_block(block: JsonObject, index: int, block_id: str, viewer: Viewer) -> str:
    """One input block: label, wrapped control, hint and an empty error slot."""
    element = obj(block.get("element"))
    action_id = text(element.get("action_id")) or generated_action_id(index, 0)
    optional = block.get("optional") is True
    wrapper = attributes(
        {
            "data-block-id": block_id,
            "data-action-id": action_id,
            "data-type": text(element.get("type")) or "",
            "data-optional": "true" if optional else None,
            "data-dispatch-action": "true" if block.get("dispatch_action") is True else None,
        }
    )
    slot = Slot(block_id, action_id, interactive=False, required=not optional)
    control = render_element(element, slot, viewer)
    marker = ' <span class="sb-optional">(optional)</span>' if optional else ""
    hint = raw_text(block.get("hint"))
    hint_html = f'<div class="sb-hint">{esc(hint)}</div>' if hint else ""
    return (
        f'<div class="sb-block sb-input-block"{attributes({"data-block-id": block_id})}>'
        f'<label class="sb-label">{esc(raw_text(block.get("label")))}{marker}</label>'
        f'<div class="sb-input"{wrapper}>{control}</div>{hint_html}'
        f'<div class="sb-error"{attributes({"data-block-id": block_id})}></div></div>'
    )

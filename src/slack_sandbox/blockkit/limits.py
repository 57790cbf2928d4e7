"""Block Kit limits, as Slack documents them (docs.slack.dev/reference/block-kit).

Each number is the largest value Slack accepts; the checks reject anything above it.
"""

from __future__ import annotations

from typing import Final

# Surfaces
MESSAGE_BLOCKS: Final = 50
VIEW_BLOCKS: Final = 100  # modal and Home tab alike
VIEW_BYTES: Final = 250_000  # "250 kB": read as 1000-byte kB, the stricter reading
VIEW_TITLE: Final = 24  # also submit and close
PRIVATE_METADATA: Final = 3000
CALLBACK_ID: Final = 255
EXTERNAL_ID: Final = 255
# chat.postMessage: Slack advises <= 4000 and truncates past 40,000. We accept up to
# 40,000 (what Slack keeps) and refuse longer text with msg_too_long, so a bug that
# builds a huge fallback text shows up locally instead of being silently truncated.
MESSAGE_TEXT: Final = 40_000

# Identifiers
BLOCK_ID: Final = 255
ACTION_ID: Final = 255

# Text objects and blocks
TEXT_OBJECT: Final = 3000
SECTION_TEXT: Final = 3000
SECTION_FIELDS: Final = 10
SECTION_FIELD_TEXT: Final = 2000
HEADER_TEXT: Final = 150
ACTIONS_ELEMENTS: Final = 25
CONTEXT_ELEMENTS: Final = 10
INPUT_LABEL: Final = 2000
INPUT_HINT: Final = 2000
IMAGE_URL: Final = 3000
IMAGE_ALT_TEXT: Final = 2000
IMAGE_TITLE: Final = 2000

# Elements
BUTTON_TEXT: Final = 75
BUTTON_VALUE: Final = 2000
BUTTON_URL: Final = 3000
ACCESSIBILITY_LABEL: Final = 75
PLACEHOLDER: Final = 150
SELECT_OPTIONS: Final = 100
OPTION_GROUPS: Final = 100
OPTION_GROUP_LABEL: Final = 75
# The overflow reference says "up to five" options and Slack accepts one (older docs
# said 2..5; slack-sdk issue #1218 and slack-sdk >= 3.17 use 1..5). We follow Slack.
OVERFLOW_OPTIONS_MIN: Final = 1
OVERFLOW_OPTIONS_MAX: Final = 5
CHOICE_OPTIONS: Final = 10  # checkboxes and radio buttons
TEXT_INPUT_LENGTH: Final = 3000  # plain_text_input min_length / max_length

# Composition objects
OPTION_TEXT: Final = 75
OPTION_VALUE: Final = 150
OPTION_DESCRIPTION: Final = 75
OPTION_URL: Final = 3000
CONFIRM_TITLE: Final = 100
CONFIRM_TEXT: Final = 300
CONFIRM_BUTTON: Final = 30

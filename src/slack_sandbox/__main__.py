"""`python -m slack_sandbox`."""

from __future__ import annotations

import sys

from slack_sandbox.cli import main

if __name__ == "__main__":
    sys.exit(main())

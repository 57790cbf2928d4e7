"""The `.env` file every `mentorlink` command reads (python-dotenv), and what `run-local`
writes into it on first start: the sandbox's URLs, its development secrets and a generated
`MENTORLINK_SECRET_KEY`, so a second shell's `mentorlink slack sync` finds the same sandbox,
database and key. Real environment variables always win over the file."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from dotenv import dotenv_values, load_dotenv, set_key

ENV_FILE_VARIABLE = "MENTORLINK_ENV_FILE"
#: Keys that say where the running sandbox is: rewritten when it starts on another port.
WHERE_THE_SANDBOX_IS = ("MENTORLINK_SLACK_API_URL", "MENTORLINK_SLACK_OAUTH_URL")
_HEADER = (
    "# Written by `mentorlink run-local` (make run) on its first start; every `mentorlink`\n"
    "# command reads it. Variables set in the environment win over these lines.\n"
)


def env_file() -> Path:
    """`$MENTORLINK_ENV_FILE`, else `.env` in the current directory."""
    return Path(os.environ.get(ENV_FILE_VARIABLE) or ".env")


def load_env_file() -> None:
    """Put the file's values into `os.environ` where the environment has none."""
    path = env_file()
    if path.is_file():
        load_dotenv(path, override=False)


def keep_local_settings(values: Mapping[str, str]) -> None:
    """Write each of `values` the file lacks (creating it, readable only by its owner, with a
    header); rewrite where the sandbox is when that changed. Existing lines are kept."""
    path = env_file()
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(_HEADER)
    present = dotenv_values(path)
    for key, value in values.items():
        if key not in present or (key in WHERE_THE_SANDBOX_IS and present[key] != value):
            set_key(path, key, value, quote_mode="never")


def new_secret_key() -> str:
    return secrets.token_urlsafe(48)

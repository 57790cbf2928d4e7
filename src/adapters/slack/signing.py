"""Checking that a request really comes from Slack (its v0 HMAC signature).

A thin wrapper over slack-sdk's SignatureVerifier that takes the time as an argument (the
app's clock, so tests can be exact about the 5-minute window) and never raises on hostile
input: a missing header, a non-numeric timestamp or a body that is not UTF-8 just fail.
Verify the raw bytes before parsing them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from slack_sdk.signature import Clock, SignatureVerifier

TIMESTAMP_HEADER = "x-slack-request-timestamp"
SIGNATURE_HEADER = "x-slack-signature"


class _FixedClock(Clock):
    """SignatureVerifier reads the time from a clock object; this one is the caller's."""

    def __init__(self, at: float) -> None:
        self.at = at

    def now(self) -> float:
        return self.at


def verify_slack_request(
    signing_secret: str, headers: Mapping[str, str], raw_body: bytes, now: datetime
) -> bool:
    """True when `raw_body` was signed with `signing_secret` less than 5 minutes from `now`.

    `headers` may use any capitalization. An empty signing secret verifies nothing.
    """
    if not signing_secret.strip():
        return False
    lowered = {key.lower(): value for key, value in headers.items()}
    timestamp = lowered.get(TIMESTAMP_HEADER, "")
    signature = lowered.get(SIGNATURE_HEADER, "")
    if not timestamp.strip().isdigit() or not signature:
        return False
    verifier = SignatureVerifier(signing_secret, clock=_FixedClock(now.timestamp()))
    try:
        return verifier.is_valid(body=raw_body, timestamp=timestamp.strip(), signature=signature)
    except UnicodeDecodeError:
        # Slack only sends UTF-8; anything else was not signed by Slack.
        return False

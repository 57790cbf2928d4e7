"""Slack request signatures: real ones from SignatureVerifier, and every way to be wrong."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_sdk.signature import SignatureVerifier

from adapters.slack.signing import verify_slack_request

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
BODY = b'{"type":"event_callback","event":{"type":"app_uninstalled"}}'


def signed(body: bytes = BODY, at: datetime = NOW, secret: str = SECRET) -> dict[str, str]:
    """The headers Slack sends with `body`, signed by slack-sdk's own generator."""
    timestamp = str(int(at.timestamp()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    assert signature is not None
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}


def test_a_genuine_request_passes() -> None:
    assert verify_slack_request(SECRET, signed(), BODY, NOW)


def test_header_names_are_case_insensitive() -> None:
    headers = {key.lower(): value for key, value in signed().items()}
    assert verify_slack_request(SECRET, headers, BODY, NOW)


def test_a_forged_signature_fails() -> None:
    assert not verify_slack_request(SECRET, signed(secret="someone-elses-secret"), BODY, NOW)


def test_a_tampered_body_fails() -> None:
    assert not verify_slack_request(SECRET, signed(), BODY.replace(b"app_", b"xyz_"), NOW)


def test_a_tampered_timestamp_fails() -> None:
    headers = signed()
    headers["X-Slack-Request-Timestamp"] = str(int(NOW.timestamp()) + 1)
    assert not verify_slack_request(SECRET, headers, BODY, NOW)


@pytest.mark.parametrize("offset", [0, 299, 300, -300])
def test_within_five_minutes_passes(offset: int) -> None:
    assert verify_slack_request(SECRET, signed(), BODY, NOW + timedelta(seconds=offset))


@pytest.mark.parametrize("offset", [301, -301, 3600])
def test_stale_or_future_requests_fail(offset: int) -> None:
    assert not verify_slack_request(SECRET, signed(), BODY, NOW + timedelta(seconds=offset))


@pytest.mark.parametrize("missing", ["X-Slack-Request-Timestamp", "X-Slack-Signature"])
def test_a_missing_header_fails(missing: str) -> None:
    headers = signed()
    del headers[missing]
    assert not verify_slack_request(SECRET, headers, BODY, NOW)


@pytest.mark.parametrize("timestamp", ["", "soon", "1.5", "-1"])
def test_a_malformed_timestamp_fails_without_raising(timestamp: str) -> None:
    headers = signed()
    headers["X-Slack-Request-Timestamp"] = timestamp
    assert not verify_slack_request(SECRET, headers, BODY, NOW)


def test_a_body_that_is_not_utf8_fails_without_raising() -> None:
    body = b"\xff\xfe payload"
    headers = signed(body=BODY)
    assert not verify_slack_request(SECRET, headers, body, NOW)


def test_an_empty_signing_secret_verifies_nothing() -> None:
    assert not verify_slack_request("", signed(secret="x"), BODY, NOW)


@given(body=st.binary(max_size=300), flip=st.integers(min_value=0))
def test_any_body_verifies_and_any_changed_byte_breaks_it(body: bytes, flip: int) -> None:
    text = body.decode("utf-8", "replace").encode()  # what Slack sends is UTF-8
    headers = signed(body=text)
    assert verify_slack_request(SECRET, headers, text, NOW)
    if text:
        index = flip % len(text)
        changed = text[:index] + bytes([text[index] ^ 0x01]) + text[index + 1:]
        assert not verify_slack_request(SECRET, headers, changed, NOW)

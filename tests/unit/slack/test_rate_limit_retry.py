"""The gateway's 429 policy, decided on slack-sdk's own retry objects (no server)."""

from __future__ import annotations

import pytest
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from adapters.slack.web_gateway import BoundedRateLimitRetry

REQUEST = HttpRequest(method="GET", url="https://slack.com/api/users.list", headers={})


async def may_retry(handler: BoundedRateLimitRetry, status: int, headers: dict[str, str],
                    attempt: int = 0) -> bool:
    return await handler.can_retry_async(
        state=RetryState(current_attempt=attempt), request=REQUEST,
        response=HttpResponse(status_code=status, headers=dict(headers)))


@pytest.mark.parametrize(("retry_after", "expected"), [("1", True), ("5", True), ("6", False),
                                                       ("90", False), ("soon", False)])
async def test_a_429_is_retried_only_when_the_wait_is_bounded(retry_after: str,
                                                              expected: bool) -> None:
    handler = BoundedRateLimitRetry(max_retry_count=2, max_wait=5)
    assert await may_retry(handler, 429, {"Retry-After": retry_after}) is expected


async def test_header_case_does_not_matter_and_a_missing_one_means_one_second() -> None:
    handler = BoundedRateLimitRetry(max_retry_count=2, max_wait=1)
    assert await may_retry(handler, 429, {"retry-after": "1"})
    assert await may_retry(handler, 429, {})
    assert not await may_retry(handler, 429, {"RETRY-AFTER": "2"})


async def test_each_accepted_wait_is_logged_without_secrets(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("INFO", logger="adapters.slack.web_gateway")
    handler = BoundedRateLimitRetry(max_retry_count=3, max_wait=5)
    assert await may_retry(handler, 429, {"Retry-After": "2"}, attempt=1)
    assert not await may_retry(handler, 429, {"Retry-After": "9"})
    assert [r.getMessage() for r in caplog.records] == [
        "Slack rate limit (429) on users.list: waiting 2.0 s, retry 2 of 3"]


async def test_retries_are_bounded_and_only_for_429() -> None:
    handler = BoundedRateLimitRetry(max_retry_count=2, max_wait=60)
    assert await may_retry(handler, 429, {"Retry-After": "1"}, attempt=1)
    assert not await may_retry(handler, 429, {"Retry-After": "1"}, attempt=2)
    assert not await may_retry(handler, 200, {})
    assert not await may_retry(handler, 500, {"Retry-After": "1"})

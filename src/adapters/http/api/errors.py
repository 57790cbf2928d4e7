"""Every refusal leaves the API as `{"error": <kind>, "detail": <why>}` with a fitting status.

Domain errors carry the words the core chose; Litestar's own errors (bad JSON, a field of the
wrong type, an unknown route) are reworded into the same shape; anything unexpected is a 500
that names no internals and is logged here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, MethodNotAllowedException, NotFoundException
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import (
    HTTP_401_UNAUTHORIZED,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_500_INTERNAL_SERVER_ERROR,
)
from litestar.types import ExceptionHandlersMap

from domain.errors import (
    ConcurrencyConflict,
    DomainError,
    IllegalTransition,
    InvalidInput,
    NotAllowed,
    NotFound,
)

log = logging.getLogger(__name__)


class ErrorOut(msgspec.Struct, kw_only=True):
    """Why a request was refused."""

    error: str
    detail: str


_DOMAIN: Mapping[type[DomainError], tuple[int, str]] = {
    InvalidInput: (HTTP_422_UNPROCESSABLE_ENTITY, "invalid_input"),
    NotAllowed: (HTTP_403_FORBIDDEN, "not_allowed"),
    NotFound: (HTTP_404_NOT_FOUND, "not_found"),
    IllegalTransition: (HTTP_409_CONFLICT, "illegal_transition"),
    ConcurrencyConflict: (HTTP_409_CONFLICT, "concurrency_conflict"),
}

_HTTP_KINDS: Mapping[int, str] = {
    401: "unauthorized",
    403: "not_allowed",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}

_DESCRIPTIONS: Mapping[int, str] = {
    401: "No valid bearer token (missing, malformed, unknown or revoked).",
    403: "The caller may not do this.",
    404: "No such subject in the caller's organization.",
    409: "The subject's state does not allow this, or someone changed it first.",
    422: "The request body or parameters are invalid.",
}


def problems(*codes: int) -> dict[int, ResponseSpec]:
    """OpenAPI documentation of the error responses a route can give (401 always)."""
    return {
        code: ResponseSpec(
            data_container=ErrorOut, description=_DESCRIPTIONS[code], generate_examples=False
        )
        for code in sorted({HTTP_401_UNAUTHORIZED, *codes})
    }


def _error(
    status: int, kind: str, detail: str, headers: Mapping[str, str] | None = None
) -> Response[ErrorOut]:
    return Response(
        ErrorOut(error=kind, detail=detail),
        status_code=status,
        media_type=MediaType.JSON,
        headers=dict(headers or {}),
    )


def domain_error(_: Request[Any, Any, Any], exc: DomainError) -> Response[ErrorOut]:
    """The one mapping from the core's refusals to HTTP statuses."""
    status, kind = next(
        (mapped for cls, mapped in _DOMAIN.items() if isinstance(exc, cls)),
        (HTTP_422_UNPROCESSABLE_ENTITY, "invalid_input"),
    )
    return _error(status, kind, exc.message)


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[ErrorOut]:
    """Litestar's errors in our shape; its 400s (undecodable or invalid input) become 422s."""
    if isinstance(exc, NotFoundException | MethodNotAllowedException) and exc.detail in (
        "Not Found",
        "Method Not Allowed",
    ):
        detail = f"There is no route {request.method} {request.url.path}."
        return _error(exc.status_code, _HTTP_KINDS[exc.status_code], detail, exc.headers)
    if exc.status_code == 400:
        return _error(HTTP_422_UNPROCESSABLE_ENTITY, "invalid_input", _validation_detail(exc))
    if exc.status_code >= 500:
        log.error("HTTP %s raised by the framework: %s", exc.status_code, exc.detail)
        return _error(exc.status_code, "internal", "Something went wrong on our side.")
    kind = _HTTP_KINDS.get(exc.status_code, "client_error")
    return _error(exc.status_code, kind, exc.detail, exc.headers)


def unexpected_error(request: Request[Any, Any, Any], exc: Exception) -> Response[ErrorOut]:
    """A bug, not bad input: log it with its traceback and say nothing about internals."""
    log.exception("Unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return _error(HTTP_500_INTERNAL_SERVER_ERROR, "internal", "Something went wrong on our side.")


def _validation_detail(exc: HTTPException) -> str:
    """One readable sentence from Litestar's list of field errors."""
    extra = exc.extra if isinstance(exc.extra, list) else []
    sentences = [_field_sentence(item) for item in extra if isinstance(item, dict)]
    return _plain_json_error("; ".join(sentences) if sentences else exc.detail)


def _plain_json_error(detail: str) -> str:
    """msgspec's decoder messages ("JSON is malformed: …", "Input data was truncated") as a
    sentence a client developer reads without knowing the decoder."""
    for prefix in ("JSON is malformed: ", "JSON is malformed - "):
        if prefix in detail:
            why = detail.split(prefix, 1)[1].rstrip(".")
            return f"The body is not valid JSON: {why}."
    if detail.startswith("Input data was truncated"):
        return "The body is not valid JSON: it ends before the value is complete."
    return detail


def _field_sentence(item: dict[str, Any]) -> str:
    message = str(item.get("message", "invalid value"))
    key = str(item.get("key", ""))
    raw_source = item.get("source", "body")
    source = str(getattr(raw_source, "value", raw_source))
    if key == "data" and message == "'data'":
        return "The request needs a JSON body."
    if message == repr(key):
        return f"Missing {source} parameter {key!r}."
    if key and key != "data":
        return f"{message} - at {source} field {key!r}."
    return f"{message}."


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    DomainError: domain_error,
    HTTPException: http_error,
    Exception: unexpected_error,
}

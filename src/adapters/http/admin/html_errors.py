"""Refusals on the admin pages as pages, not JSON: no session goes to the sign-in page, a
wrong role or a failed CSRF check is a 403 page, an unknown or foreign subject a 404 page.
Anything unexpected is logged here and shown as a 500 page that names no internals."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.types import ExceptionHandlersMap

from domain.errors import DomainError, NotAllowed, NotFound

log = logging.getLogger(__name__)

SIGN_IN = "/admin/sign-in"
_CSRF_FAILED = "CSRF token verification failed"
_TITLES = {400: "Bad request", 403: "Not allowed", 404: "Not found", 409: "Not possible now"}


def error_page(status: int, message: str) -> Template:
    title = _TITLES.get(status, "Something went wrong")
    return Template(
        template_name="error.html",
        context={"title": title, "status": status, "message": message},
        status_code=status,
    )


def _sign_in(request: Request[Any, Any, Any], exc: NotAuthorizedException) -> Response[Any]:
    if "session" in request.scope:
        flash(request, exc.detail, "info")
    target = SIGN_IN
    if request.method == "GET" and request.url.path.startswith("/admin"):
        target += "?next=" + quote(request.url.path, safe="/")
    return Redirect(target, status_code=303)


def _forbidden(_: Request[Any, Any, Any], exc: PermissionDeniedException) -> Response[Any]:
    if exc.detail == _CSRF_FAILED:
        return error_page(
            403,
            "This form has expired or did not come from a mentorlink page. "
            "Go back, reload the page and try again.",
        )
    return error_page(403, exc.detail)


def _domain(_: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    if isinstance(exc, NotAllowed):
        return error_page(403, exc.message)
    if isinstance(exc, NotFound):
        return error_page(404, exc.message)
    return error_page(409, exc.message)


def _http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if exc.status_code >= 500:
        log.error("HTTP %s on %s: %s", exc.status_code, request.url.path, exc.detail)
        return error_page(exc.status_code, "Something went wrong on our side.")
    if exc.status_code == 400:
        return error_page(400, "The form was incomplete or invalid. Go back and try again.")
    if exc.status_code == 404:
        return error_page(404, "There is no such page.")
    return error_page(exc.status_code, exc.detail)


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("Unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_page(500, "Something went wrong on our side.")


HTML_EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    NotAuthorizedException: _sign_in,
    PermissionDeniedException: _forbidden,
    DomainError: _domain,
    HTTPException: _http,
    Exception: _unexpected,
}

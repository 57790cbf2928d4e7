"""`create_app(config)`: the sandbox as a Litestar application."""

from __future__ import annotations

from typing import Any

from litestar import Litestar, Request, get
from litestar.datastructures import State
from litestar.handlers import asgi

from slack_sandbox import oauth_pages, response_urls
from slack_sandbox.config import SandboxConfig
from slack_sandbox.inspection import inspection_router
from slack_sandbox.services import Sandbox, build_sandbox
from slack_sandbox.socket_routes import socket_routes
from slack_sandbox.ui.routes import ui_router
from slack_sandbox.web_api.dispatch import Receive, Scope, Send, WebApi


@get("/healthz", sync_to_thread=False)
def healthz(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """Liveness, plus which app the sandbox talks to."""
    sandbox: Sandbox = request.app.state.sandbox
    return {"ok": True, "app_url": sandbox.state.tunables.app_url}


def create_app(config: SandboxConfig | None = None, sandbox: Sandbox | None = None) -> Litestar:
    """The sandbox app; pass `sandbox` to share one built elsewhere (e.g. with a fake clock)."""
    config = config or SandboxConfig()
    sandbox = sandbox or build_sandbox(config)
    web_api = WebApi(sandbox)

    @asgi("/api", is_mount=True, copy_scope=False)
    async def api(scope: Scope, receive: Receive, send: Send) -> None:
        await web_api(scope, receive, send)  # type: ignore[arg-type]

    async def start() -> None:
        await sandbox.deliverer.start()
        if sandbox.smtp is not None:
            await sandbox.smtp.start()
        if sandbox.keeper is not None:
            await sandbox.keeper.start()

    async def stop() -> None:
        if sandbox.keeper is not None:
            await sandbox.keeper.stop()
        if sandbox.smtp is not None:
            await sandbox.smtp.stop()
        await sandbox.hub.close()
        await sandbox.deliverer.close()

    return Litestar(
        route_handlers=[api, healthz, oauth_pages.authorize_page,
                        oauth_pages.authorize_decision, response_urls.response_url_post,
                        inspection_router(), ui_router(), *socket_routes()],
        state=State({"sandbox": sandbox}),
        on_startup=[start],
        on_shutdown=[stop],
        openapi_config=None,
        debug=False,
    )

"""The OpenAPI document and its Swagger UI, every asset served by the app itself (from the
`swagger-ui-py` package) so the docs render offline and the browser asks no CDN."""

from __future__ import annotations

from pathlib import Path

import swagger_ui
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components
from litestar.router import Router
from litestar.static_files import create_static_files_router

from adapters.http.api.routes import BEARER, BEARER_SCHEME

SCHEMA_PATH = "/schema"
ASSETS = f"{SCHEMA_PATH}/assets"
_SWAGGER_STATIC = Path(swagger_ui.__file__).parent / "static"


def openapi_config() -> OpenAPIConfig:
    """`/schema` and `/schema/swagger`: Swagger UI; `/schema/openapi.json`: the document."""
    swagger = SwaggerRenderPlugin(
        path=["/", "/swagger"],
        js_url=f"{ASSETS}/swagger-ui-bundle.js",
        css_url=f"{ASSETS}/swagger-ui.css",
        standalone_preset_js_url=f"{ASSETS}/swagger-ui-standalone-preset.js",
        favicon=f"<link rel='icon' type='image/png' href='{ASSETS}/favicon-32x32.png'>",
    )
    return OpenAPIConfig(
        title="mentorlink",
        version="1",
        description="A mentoring program's JSON API. Send `Authorization: Bearer <token>`.",
        path=SCHEMA_PATH,
        components=Components(security_schemes={BEARER: BEARER_SCHEME}),
        render_plugins=[swagger],
    )


def docs_assets() -> Router:
    """Swagger UI's scripts, stylesheet and icons under `/schema/assets/`."""
    return create_static_files_router(
        path=ASSETS, directories=[_SWAGGER_STATIC], include_in_schema=False
    )

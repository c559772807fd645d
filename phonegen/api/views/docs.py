"""The browsable page of the OpenAPI schema, served without any CDN.

Swagger UI comes from the drf-spectacular-sidecar package and is served by
the API itself, so the page works on a machine without internet access and
without a separate static file server. (drf-spectacular's Redoc page loads
web fonts from the internet, so it is not offered.)
"""

import mimetypes
import posixpath
from pathlib import Path

import drf_spectacular_sidecar
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from drf_spectacular.views import SpectacularSwaggerView

from ..errors import not_found

ASSETS = (
    Path(drf_spectacular_sidecar.__file__).parent / "static" / "drf_spectacular_sidecar"
)


def _asset(path: str) -> str:
    return reverse("api:docs-asset", kwargs={"path": path})


class DocsSwaggerApi(SpectacularSwaggerView):
    url_name = "api:schema"

    @staticmethod
    def _swagger_ui_resource(filename: str) -> str:
        return _asset(f"swagger-ui-dist/{filename}")

    @staticmethod
    def _swagger_ui_favicon() -> str:
        return _asset("swagger-ui-dist/favicon-32x32.png")


def docs_asset(request: HttpRequest, path: str) -> HttpResponse:
    """One file of the bundled Swagger UI distribution."""
    clean = posixpath.normpath(path)
    file = ASSETS / clean
    if clean != path or not clean.startswith("swagger-ui-dist/") or not file.is_file():
        return not_found(request)

    # Read whole: the files are small, and a file iterator would be read whole
    # anyway by Django under ASGI, with a warning.
    content_type, _ = mimetypes.guess_type(file.name)
    response = HttpResponse(
        file.read_bytes(), content_type=content_type or "application/octet-stream"
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response

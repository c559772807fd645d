"""The dashboard's own CSS and scripts, served by the application itself:
``manage.py serve`` has no separate static file server, in production too."""

import mimetypes
import posixpath
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from .common import not_found

ASSETS = Path(__file__).resolve().parent.parent / "static" / "dashboard"
# Only these kinds: nothing else belongs in the folder.
SERVED_TYPES = {".css", ".js", ".svg", ".png", ".ico"}


@require_safe
def asset(request: HttpRequest, path: str) -> HttpResponse:
    """One file of ``static/dashboard/``; anything outside it is a 404."""
    clean = posixpath.normpath(path)
    file = ASSETS / clean
    if (
        clean != path
        or clean.startswith(("/", "."))
        or file.suffix not in SERVED_TYPES
        or not file.is_file()
    ):
        return not_found(request, "No such file.")

    # Read whole: the files are small, and under ASGI Django would read a file
    # iterator whole anyway, with a warning.
    content_type, _ = mimetypes.guess_type(file.name)
    response = HttpResponse(
        file.read_bytes(), content_type=content_type or "application/octet-stream"
    )
    # Short: file names carry no version, and a new release must show at once.
    response["Cache-Control"] = "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response

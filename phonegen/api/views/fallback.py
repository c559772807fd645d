from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt

from ..errors import error_body, not_found


# Exempt: a POST to an unknown URL must get the JSON 404, not a CSRF page.
@csrf_exempt
def api_not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """JSON 404 for any URL under ``/api/`` that no endpoint serves.

    A URL that only lacks its trailing slash is redirected for GET and HEAD,
    as Django's APPEND_SLASH would; other methods are told the right URL,
    since a redirect would lose their body.
    """
    slashed = request.path + "/"
    if request.path.endswith("/") or not _has_endpoint(slashed):
        return not_found(request)

    if request.method in ("GET", "HEAD"):
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(slashed + (f"?{query}" if query else ""))
    body = error_body(
        f"No endpoint at {request.path}; did you mean {slashed}?", code="not_found"
    )
    return JsonResponse(body, status=404)


def _has_endpoint(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.func is not api_not_found

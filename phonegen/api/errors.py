"""Every error the API answers, in the contract's envelope.

``{"message": "...", "code": "...", "errors": {"field": ["..."]}}`` plus, for
phonegen's own exceptions, the keys of their ``extra`` (a 422 for too few
numbers carries ``available``, ``area_code`` and ``carriers``).
"""

import logging

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from phonegen.errors import PhonegenError

logger = logging.getLogger(__name__)

FieldErrors = dict[str, list[str]]


def error_body(
    message: str,
    *,
    code: str,
    errors: FieldErrors | None = None,
    extra: dict | None = None,
) -> dict:
    body = {"message": message, "code": code, "errors": errors or {}}
    # The envelope's own keys win: ``extra`` only adds help beside them.
    body.update((key, value) for key, value in (extra or {}).items() if key not in body)
    return body


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's exception hook: map any exception raised in a view to the envelope."""
    if isinstance(exc, PhonegenError):
        set_rollback()
        body = error_body(
            exc.message, code=exc.code, errors=exc.errors, extra=exc.extra
        )
        retry_after = getattr(exc, "retry_after", None)
        headers = {"Retry-After": str(retry_after)} if retry_after else None
        return Response(body, status=exc.status, headers=headers)

    if isinstance(exc, RequestDataTooBig):
        set_rollback()
        body = error_body(
            "The request body is too large.",
            code="request_too_large",
            errors={"body": [f"At most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."]},
        )
        return Response(body, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)

    if isinstance(exc, SuspiciousOperation):
        # Django's own refusals of a request (too many parameters or files):
        # the client's doing, so a 400, never the 500 of an unknown exception.
        set_rollback()
        return Response(_suspicious_body(exc), status=status.HTTP_400_BAD_REQUEST)

    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    if isinstance(exc, exceptions.APIException):
        set_rollback()
        return Response(
            _api_exception_body(exc), status=exc.status_code, headers=_headers(exc)
        )

    if settings.DEBUG:
        # Let Django show its debug page with the traceback.
        return None
    view = context.get("view")
    logger.exception("unhandled error in %s", type(view).__name__ if view else "API")
    set_rollback()
    body = error_body(
        "The server could not complete the request; the error has been logged.",
        code="server_error",
    )
    return Response(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR)


def _suspicious_body(exc: SuspiciousOperation) -> dict:
    if isinstance(exc, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        code, message = (
            "too_many_fields",
            f"The request has more than {limit:,} parameters.",
        )
    elif isinstance(exc, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        code, message = "too_many_files", f"The request has more than {limit:,} files."
    else:
        # Other kinds name internals (hosts, paths): those stay in the log.
        logger.warning("request refused: %s", exc)
        code, message = "bad_request", "The request is malformed."
    return error_body(message, code=code, errors={"request": [message]})


def _api_exception_body(exc: exceptions.APIException) -> dict:
    code = _code(exc)
    if isinstance(exc, exceptions.ValidationError):
        errors = field_errors(exc.detail)
        return error_body(_validation_message(errors), code="invalid", errors=errors)
    if isinstance(exc, exceptions.ParseError):
        detail = str(exc.detail)
        return error_body(
            f"The request body could not be parsed: {detail}",
            code=code,
            errors={"body": [detail]},
        )
    if isinstance(exc.detail, (list, dict)):
        errors = field_errors(exc.detail)
        return error_body(_validation_message(errors), code=code, errors=errors)
    return error_body(str(exc.detail), code=code)


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def _headers(exc: exceptions.APIException) -> dict[str, str]:
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    return headers


def field_errors(detail, prefix: str = "") -> FieldErrors:
    """DRF's nested error detail as ``{"field": [messages]}``; nested fields
    are joined with dots (``items.0.number``)."""
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    if isinstance(detail, dict):
        errors: FieldErrors = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            errors.update(field_errors(value, name))
        return errors
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return {prefix or non_field: [str(item) for item in detail]}
        errors = {}
        for index, item in enumerate(detail):
            errors.update(
                field_errors(item, f"{prefix}.{index}" if prefix else str(index))
            )
        return errors
    return {prefix or non_field: [str(detail)]}


def _validation_message(errors: FieldErrors) -> str:
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    fields = [name for name in errors if name != non_field]
    if fields:
        return f"Invalid input: {', '.join(fields)}."
    messages = errors.get(non_field) or ["Invalid input."]
    return messages[0]


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """JSON 404 for URLs no view answers (usable as Django's ``handler404``)."""
    body = error_body(f"No endpoint at {request.path}.", code="not_found")
    return JsonResponse(body, status=404)


def server_error(request: HttpRequest) -> JsonResponse:
    """JSON 500 (usable as Django's ``handler500``)."""
    body = error_body(
        "The server could not complete the request; the error has been logged.",
        code="server_error",
    )
    return JsonResponse(body, status=500)

"""OpenAPI pieces for the envelopes, so the schema shows what clients receive."""

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    message = serializers.CharField()
    code = serializers.CharField(help_text="Stable snake_case reason, e.g. not_found.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages by field name.",
    )


_ERROR_TEXT = {
    400: "Malformed request; errors name each field.",
    401: "No or invalid token.",
    403: "user_id names another user.",
    404: "No such object among the caller's own.",
    409: "Conflicts with the current state.",
    413: "The upload is larger than the server accepts.",
    415: "Unsupported media type.",
    422: "Well-formed but impossible; the body adds what is available.",
    429: "Too many requests; Retry-After says when to try again.",
    503: "A component the request needs is not working.",
}


def envelope(name: str, data) -> serializers.Serializer:
    """A success envelope ``{"message", "data"}`` named ``name`` in the schema."""
    return inline_serializer(
        name=name, fields={"message": serializers.CharField(), "data": data}
    )


def page_envelope(
    name: str, item: type[serializers.Serializer]
) -> serializers.Serializer:
    """A success envelope whose ``data`` is one page of ``item``."""
    page = inline_serializer(
        name=f"{name}Page",
        fields={
            "count": serializers.IntegerField(),
            "page": serializers.IntegerField(),
            "page_size": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
        },
    )
    return envelope(name, page)


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """The error envelope documented for each of ``statuses``."""
    return {
        code: OpenApiResponse(ErrorSerializer, description=_ERROR_TEXT.get(code, ""))
        for code in sorted(set(statuses))
    }

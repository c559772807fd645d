import logging
from collections.abc import AsyncIterator, Iterator

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from phonegen.numbers.export import SOURCE_FIELDS, export_chunks
from phonegen.numbers.selectors import number_chunks, number_list

from ..pagination import PageQuerySerializer, paginated
from ..responses import user_id_check
from ..schema import errors, page_envelope
from ..serializers.numbers import (
    NumberExportQuerySerializer,
    NumberFilterSerializer,
    NumberSerializer,
)

logger = logging.getLogger(__name__)

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


class NumberListApi(APIView):
    @extend_schema(
        tags=["numbers"],
        summary="List your numbers",
        parameters=[NumberFilterSerializer, PageQuerySerializer],
        responses={
            200: page_envelope("NumberListResponse", NumberSerializer),
            **errors(400, 401, 403, 404),
        },
    )
    def get(self, request: Request) -> Response:
        query = NumberFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        user_id_check(request)

        numbers = number_list(user=request.user, **query.filters())
        return paginated(
            request, numbers, message="Numbers", serializer=NumberSerializer
        )


class IgnoreFormatNegotiation(DefaultContentNegotiation):
    """Lets ``?format=csv`` choose the download's format, not DRF's renderer."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class NumberExportApi(APIView):
    content_negotiation_class = IgnoreFormatNegotiation

    @extend_schema(
        tags=["numbers"],
        summary="Download every matching number of a project as CSV or JSON",
        parameters=[NumberExportQuerySerializer],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
            (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT),
            **errors(400, 401, 403, 404),
        },
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        query = NumberExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        user_id_check(request)
        fmt = query.validated_data["format"]
        filters = query.filters()

        # number_list checks the project now: a foreign one answers 404 before
        # any byte is streamed.
        numbers = number_list(user=request.user, **filters)
        content = export_chunks(number_chunks(numbers, fields=SOURCE_FIELDS), fmt)
        if isinstance(request._request, ASGIRequest):
            content = _async_chunks(content)

        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        filename = f"phonegen-project-{filters['project_id']}-{stamp}.{fmt}"
        response = StreamingHttpResponse(content, content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        logger.info(
            "export of project %s as %s for user %s",
            filters["project_id"],
            fmt,
            request.user.pk,
        )
        return response


async def _async_chunks(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    """Pull ``chunks`` one by one in Django's sync thread.

    Under ASGI, Django reads a plain iterator whole into memory before sending
    it; an async iterator is streamed as it goes.
    """
    pull = sync_to_async(next, thread_sensitive=True)
    while True:
        chunk = await pull(chunks, None)
        if chunk is None:
            return
        yield chunk

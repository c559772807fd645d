"""Page-number pagination whose page sits inside the success envelope's ``data``."""

from django.core.paginator import InvalidPage
from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from phonegen.errors import NotFound

from .responses import ok
from .serializers.fields import WholeNumberField

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000


class PageQuerySerializer(serializers.Serializer):
    page = WholeNumberField(required=False, min_value=1, help_text="From 1.")
    page_size = WholeNumberField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        help_text=f"Items per page (default {DEFAULT_PAGE_SIZE}).",
    )


class Pagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view=None
    ) -> list:
        # DRF quietly falls back to defaults for a malformed page size; the
        # API answers 400 naming the parameter instead.
        query = PageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        self.request = request
        page_size = query.validated_data.get("page_size", self.page_size)
        page_number = query.validated_data.get("page", 1)

        paginator = self.django_paginator_class(queryset, page_size)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage:
            raise NotFound(
                f"Page {page_number} does not exist.",
                errors={"page": [f"The last page is {paginator.num_pages}."]},
            ) from None
        return list(self.page)

    def page_data(self, results: list) -> dict:
        return {
            "count": self.page.paginator.count,
            "page": self.page.number,
            "page_size": self.page.paginator.per_page,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": results,
        }


def paginated(
    request: Request,
    queryset: QuerySet,
    *,
    message: str,
    serializer: type[serializers.BaseSerializer],
) -> Response:
    """The success envelope holding one page of ``queryset``."""
    pagination = Pagination()
    items = pagination.paginate_queryset(queryset, request)
    results = serializer(items, many=True).data
    return ok(message, pagination.page_data(results))

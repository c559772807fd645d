from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from phonegen.numbers.selectors import numbers_per_block, project_get
from phonegen.prefixes.selectors import carrier_summary, prefix_list

from ..pagination import PageQuerySerializer, paginated
from ..responses import ok, user_id_check
from ..schema import envelope, errors, page_envelope
from ..serializers.prefixes import (
    CarrierListSerializer,
    CarrierQuerySerializer,
    PrefixFilterSerializer,
    PrefixSerializer,
)


class PrefixListApi(APIView):
    @extend_schema(
        tags=["prefix database"],
        summary="List the prefixes of the prefix database",
        parameters=[PrefixFilterSerializer, PageQuerySerializer],
        responses={
            200: page_envelope("PrefixListResponse", PrefixSerializer),
            **errors(400, 401, 403),
        },
    )
    def get(self, request: Request) -> Response:
        query = PrefixFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        user_id_check(request)

        prefixes = prefix_list(**query.validated_data)
        return paginated(
            request, prefixes, message="Prefixes", serializer=PrefixSerializer
        )


class CarrierListApi(APIView):
    @extend_schema(
        tags=["prefix database"],
        summary="Carriers and line types of an area code, with available numbers",
        parameters=[CarrierQuerySerializer],
        responses={
            200: envelope("CarrierListResponse", CarrierListSerializer()),
            **errors(400, 401, 403, 404),
        },
    )
    def get(self, request: Request) -> Response:
        query = CarrierQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        user_id_check(request)
        area_code = query.validated_data["area_code"]
        taken = None
        if "project_id" in query.validated_data:
            project = project_get(
                user=request.user, project_id=query.validated_data["project_id"]
            )
            taken = numbers_per_block(project=project, npa=area_code)

        carriers = carrier_summary(area_code, taken=taken)
        totals = {
            "carriers": len({row["brand"] for row in carriers}),
            "prefixes": sum(row["prefixes"] for row in carriers),
            "available_numbers": sum(row["available_numbers"] for row in carriers),
        }
        data = {"area_code": area_code, "carriers": carriers, "totals": totals}
        message = (
            f"Carriers in area code {area_code}"
            if carriers
            else f"Area code {area_code} has no prefixes in the prefix database"
        )
        return ok(message, CarrierListSerializer(data).data)

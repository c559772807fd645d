from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..responses import ok
from ..schema import envelope, errors
from ..serializers.auth import TokenInputSerializer, TokenOutputSerializer
from ..services import token_issue
from ..throttles import TokenThrottle


class AuthTokenCreateApi(APIView):
    # No session authentication here: a login needs no CSRF token, and a
    # stale Authorization header must not block getting a new token.
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    @extend_schema(
        tags=["auth"],
        summary="Get the API token for a username and password",
        request=TokenInputSerializer,
        responses={
            200: envelope("TokenResponse", TokenOutputSerializer()),
            **errors(400, 429),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)

        token = token_issue(request=request._request, **data.validated_data)
        return ok(
            "Token issued", TokenOutputSerializer(token).data, status=status.HTTP_200_OK
        )

"""The success envelope and checks every view shares."""

from rest_framework import status as http_status
from rest_framework.request import Request
from rest_framework.response import Response

from phonegen.errors import Forbidden


def ok(message: str, data, *, status: int = http_status.HTTP_200_OK) -> Response:
    return Response({"message": message, "data": data}, status=status)


def user_id_check(request: Request) -> None:
    """Refuse a ``user_id`` (body or query) that is not the caller's username.

    ``user_id`` is accepted as the original API took it, but only the token says
    who the caller is; it never selects whose data is read.
    """
    username = request.user.get_username()
    # Every value, in the query and in a form body alike: a repeated parameter
    # must not hide a wrong one behind a right one.
    data = request.data
    if hasattr(data, "getlist"):
        body = data.getlist("user_id")
    else:
        body = [data.get("user_id")] if isinstance(data, dict) else []
    for given in (*body, *request.query_params.getlist("user_id")):
        if given not in (None, "") and str(given) != username:
            raise Forbidden(
                "user_id does not name the authenticated user.",
                errors={"user_id": [f"'{given}' is not the authenticated user."]},
            )

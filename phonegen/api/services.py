"""Write side of the API's own concerns: API tokens."""

import logging

from django.contrib.auth import authenticate
from django.http import HttpRequest
from rest_framework.authtoken.models import Token

from phonegen.errors import InvalidInput

logger = logging.getLogger(__name__)


def token_issue(*, request: HttpRequest, username: str, password: str) -> Token:
    """The API token of the user with these credentials, created on first use."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        # One message for a wrong name or password: which one is not revealed.
        logger.warning("token refused for username %r", username)
        raise InvalidInput(
            "Unable to log in with the given username and password.",
            errors={"password": ["Wrong username or password."]},
        )

    token, created = Token.objects.get_or_create(user=user)
    if created:
        logger.info("token created for user %s", user.pk)
    return token

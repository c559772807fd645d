"""Request-rate limits that stand aside while their cache is unreachable.

The counts live in the cache (Redis in production). A limit is a guard, not a
service: with Redis restarting, refusing every request would turn a broker blip
into an outage, so the request goes through and the lapse is logged.
"""

import logging

from redis.exceptions import RedisError
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

logger = logging.getLogger(__name__)


class FailOpenMixin:
    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except RedisError as error:
            logger.warning("rate limit not checked, cache unavailable: %s", error)
            return True


class UserRequestThrottle(FailOpenMixin, UserRateThrottle):
    """``PHONEGEN_REQUESTS_PER_MINUTE`` requests a minute per signed-in user."""


class TokenThrottle(FailOpenMixin, AnonRateThrottle):
    """Slows down password guessing: ``PHONEGEN_TOKEN_REQUESTS_PER_MINUTE``
    attempts a minute per client address."""

    scope = "auth_token"

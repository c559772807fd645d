"""WebSocket authentication: a DRF token in ``?token=`` or the session cookie."""

from urllib.parse import parse_qs, urlsplit

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.conf import settings
from django.contrib.auth.models import AnonymousUser


@database_sync_to_async
def _user_for_token(key: str):
    from rest_framework.authtoken.models import Token

    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        return None
    return token.user


class TokenOrSessionAuthMiddleware(BaseMiddleware):
    """Sets ``scope["user"]`` from ``?token=``, else from the session cookie.

    A token that is given but wrong leaves the user anonymous even when a
    session exists, so a bad token is always refused rather than ignored.
    """

    def __init__(self, inner) -> None:
        super().__init__(AuthMiddlewareStack(inner))

    async def __call__(self, scope, receive, send):
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        keys = query.get("token")
        if keys:
            # One token, given once: of several, none is chosen.
            user = await _user_for_token(keys[0]) if len(set(keys)) == 1 else None
            scope = dict(scope, token_user=user or AnonymousUser(), token_given=True)
        elif not _same_site(scope):
            # Browsers send cookies with WebSockets opened by any site's page
            # and WebSockets have no CSRF check: without this, another site
            # could read a signed-in user's task events.
            headers = [(k, v) for k, v in scope["headers"] if k != b"cookie"]
            scope = dict(scope, headers=headers)
        return await super().__call__(scope, receive, send)


def _same_site(scope) -> bool:
    """True unless a browser says the socket was opened by another site's page.

    Clients other than browsers usually send no ``Origin``; they are not
    exposed to cross-site use of their cookies.
    """
    headers = dict(scope.get("headers", []))
    origin = headers.get(b"origin", b"").decode("latin-1")
    if not origin:
        return True
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    host = headers.get(b"host", b"").decode("latin-1")
    return bool(host) and urlsplit(origin).netloc.lower() == host.lower()

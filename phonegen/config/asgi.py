"""ASGI entry point: HTTP API and WebSockets on one port."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phonegen.config.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter

from phonegen.api.body_limit import BodyLimitMiddleware
from phonegen.tasks.routing import websocket_urlpatterns
from phonegen.tasks.ws_auth import TokenOrSessionAuthMiddleware

application = ProtocolTypeRouter(
    {
        "http": BodyLimitMiddleware(django_asgi_app),
        "websocket": TokenOrSessionAuthMiddleware(URLRouter(websocket_urlpatterns)),
    }
)

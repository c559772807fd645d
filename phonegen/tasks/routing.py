"""WebSocket routes, served beside the HTTP API."""

from django.urls import path, re_path

from .consumers import GenerationTaskConsumer, TaskConsumer, UnknownRouteConsumer

websocket_urlpatterns = [
    path("ws/phone-generation/<str:user_id>/", GenerationTaskConsumer.as_asgi()),
    path("ws/tasks/<str:user_id>/", TaskConsumer.as_asgi()),
    re_path(r"", UnknownRouteConsumer.as_asgi()),
]

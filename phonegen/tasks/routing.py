"""WebSocket routes, served beside the HTTP API."""

from django.urls import path

from .consumers import TaskConsumer

websocket_urlpatterns = [
    path("ws/phone-generation/<str:user_id>/", TaskConsumer.as_asgi(generation_only=True)),
    path("ws/tasks/<str:user_id>/", TaskConsumer.as_asgi(generation_only=False)),
]

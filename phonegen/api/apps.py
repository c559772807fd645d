from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "phonegen.api"
    label = "api"
    verbose_name = "HTTP API"

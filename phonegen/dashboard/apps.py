from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "phonegen.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"

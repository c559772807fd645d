from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "phonegen.tasks"
    label = "tasks"
    verbose_name = "Background tasks"

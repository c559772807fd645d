from django.apps import AppConfig


class NumbersConfig(AppConfig):
    name = "phonegen.numbers"
    label = "numbers"
    verbose_name = "Projects and numbers"

from django.apps import AppConfig


class PrefixesConfig(AppConfig):
    name = "phonegen.prefixes"
    label = "prefixes"
    verbose_name = "Prefix database"

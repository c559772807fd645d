"""The Celery application: ``celery -A phonegen.config worker``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phonegen.config.settings")

app = Celery("phonegen")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["phonegen.tasks"])

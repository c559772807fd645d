"""Helpers the API tests share."""

from phonegen.numbers.models import PhoneNumber
from phonegen.tasks.models import Task


def nothing_created() -> bool:
    """True when no task and no number exist: what a refused request leaves."""
    return not Task.objects.exists() and not PhoneNumber.objects.exists()

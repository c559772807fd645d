"""Create projects."""

import logging

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from phonegen.errors import Conflict

from ..models import Project

logger = logging.getLogger(__name__)


def project_create(*, owner: AbstractBaseUser, name: str) -> Project:
    """A new project of ``owner``; raises :class:`Conflict` if the name is taken."""
    name = name.strip()
    try:
        # The unique constraint decides, so two concurrent requests for one
        # name cannot both succeed.
        with transaction.atomic():
            project = Project.objects.create(owner=owner, name=name)
    except IntegrityError:
        raise Conflict(
            f"You already have a project named '{name}'.",
            errors={"name": ["A project with this name already exists."]},
        ) from None

    logger.info("project %s created by user %s", project.pk, owner.pk)
    return project

"""Bring up Django for the command line: settings, database, the CLI's user."""

import logging
import os
import sys
import uuid

from . import CliError

CLI_USERNAME = "cli"


def django_setup(*, verbose: bool = False) -> None:
    """Configure Django from the environment and make the database usable.

    The embedded SQLite database is migrated on first use, as ``make run``
    would; a PostgreSQL database that is behind is left to its operator.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phonegen.config.settings")
    import django

    django.setup()
    # The summary is the command's output; the services' lifecycle lines
    # would bury it.
    if not verbose:
        logging.getLogger("phonegen").setLevel(logging.WARNING)
    _database_ready()


def _database_ready() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    if connection.vendor != "sqlite":
        raise CliError(
            "The database has unapplied migrations; run "
            "'python manage.py migrate' first."
        )
    call_command("migrate", interactive=False, verbosity=0)


def prefixes_warning() -> None:
    """Say on stderr when the prefix database is empty: every number would be
    unassigned, which is not what the user means to learn."""
    from phonegen.prefixes.models import PhonePrefix

    if not PhonePrefix.objects.exists():
        sys.stderr.write(
            "phonegen: warning: the prefix database is empty; load it with\n"
            "  python manage.py load_prefixes --source libphonenumber\n"
            "  python manage.py load_prefixes --source nanpa-blocks\n"
        )


def cli_project(kind: str, label: str):
    """A new project of the ``cli`` user for one run."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from phonegen.numbers.services.projects import project_create

    user, created = get_user_model().objects.get_or_create(username=CLI_USERNAME)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])

    stamp = timezone.now().strftime("%Y-%m-%d %H:%M:%S")
    name = f"cli {kind} {stamp} {uuid.uuid4().hex[:6]} {label}"
    return project_create(owner=user, name=name[:200])

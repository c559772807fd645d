"""Create (or find) a user and print its API token with a ready-to-paste example."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = "Create or find a user, print its token and an example request."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", nargs="?", default="demo")
        parser.add_argument(
            "--password",
            help="Set this password (default: a random one for a new user).",
        )
        parser.add_argument("--token-only", action="store_true")

    def handle(self, *args, username: str, password: str | None, **options) -> None:
        users = get_user_model()
        user, created = users.objects.get_or_create(username=username)
        if created or password:
            password = password or secrets.token_urlsafe(12)
            user.set_password(password)
            user.save()
        token, _ = Token.objects.get_or_create(user=user)

        if options["token_only"]:
            self.stdout.write(token.key)
            return

        base = f"http://127.0.0.1:{settings.PHONEGEN_PORT}"
        auth = f'-H "Authorization: Token {token.key}"'
        self.stdout.write(f"user:     {username}")
        if password:
            self.stdout.write(f"password: {password}")
        else:
            self.stdout.write("password: (unchanged; set one with --password)")
        self.stdout.write(f"token:    {token.key}")
        self.stdout.write("")
        self.stdout.write(
            f"Dashboard: {base}/ (sign in as {username} with its password)"
        )
        if not password:
            self.stdout.write(
                "  forgotten? .venv/bin/python manage.py phonegen_user "
                f"{username} --password NEW"
            )
        self.stdout.write("")
        self.stdout.write("Try it:")
        self.stdout.write(
            f"  curl -s -X POST {base}/api/projects/ {auth} "
            "-H 'Content-Type: application/json' -d '{\"name\": \"first\"}'"
        )
        self.stdout.write(
            f"  curl -s -X POST {base}/api/phone-generator/generate-numbers-enhanced/ "
            f"{auth} -H 'Content-Type: application/json' "
            f'-d \'{{"user_id": "{username}", "project_id": <id from above>, '
            '"area_code": "917", "quantity": 50000, "type_filter": "mobile"}\''
        )

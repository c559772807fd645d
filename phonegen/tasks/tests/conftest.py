"""Fixtures of the task tests: two users, with tokens and a session.

The consumer tests run the ASGI application's own WebSocket stack on the
in-process channel layer. The consumer reads the database from another thread,
so the data a test sets up must be committed: these tests use transactional
databases.
"""

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connections
from django.test import Client
from rest_framework.authtoken.models import Token

PASSWORD = "correct horse battery staple"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def thread_connections_closed():
    """Close what the consumer's database thread opened, once the test is over:
    an open connection would keep PostgreSQL from dropping the test database."""
    yield
    await database_sync_to_async(connections.close_all)()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The default hasher is slow on purpose; tests need no protection from it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password=PASSWORD)


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", password=PASSWORD)


@pytest.fixture
def alice_token(alice) -> str:
    return Token.objects.create(user=alice).key


@pytest.fixture
def bob_token(bob) -> str:
    return Token.objects.create(user=bob).key


@pytest.fixture
def alice_session(alice) -> str:
    """The session cookie of alice signed in through the site."""
    client = Client()
    client.force_login(alice)
    return client.cookies[settings.SESSION_COOKIE_NAME].value

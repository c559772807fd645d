"""Shared fixtures of the API tests: two users with tokens and a project each,
so that every endpoint can be tried on the other user's objects, and the
prefix data of area codes 212 and 917 loaded by the real loaders."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from phonegen.numbers.models import Project
from phonegen.tasks.dispatch import wait_for_threads

PASSWORD = "correct horse battery staple"
NPAS = ("212", "917")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The default hasher is slow on purpose; tests need no protection from it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clean_throttles():
    # The token endpoint's throttle counts requests in the default cache, which
    # outlives a test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_leftover_threads():
    yield
    # A test that started a task must not leave it running into the next one.
    wait_for_threads()


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password=PASSWORD)


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", password=PASSWORD)


def _client(user) -> APIClient:
    client = APIClient()
    token = Token.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def alice_client(alice) -> APIClient:
    return _client(alice)


@pytest.fixture
def bob_client(bob) -> APIClient:
    return _client(bob)


@pytest.fixture
def anon_client() -> APIClient:
    return APIClient()


@pytest.fixture
def project(alice) -> Project:
    return Project.objects.create(owner=alice, name="Alice's numbers")


@pytest.fixture
def bob_project(bob) -> Project:
    return Project.objects.create(owner=bob, name="Bob's numbers")


@pytest.fixture
def prefixes() -> None:
    """The prefix database of 212 and 917, as ``make run`` loads it."""
    for source in ("libphonenumber", "nanpa-blocks"):
        call_command(
            "load_prefixes", source=source, npas=list(NPAS), stdout=io.StringIO()
        )

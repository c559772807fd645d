"""Two users, each with a project, signed in through the dashboard's session."""

import pytest
from django.core.cache import cache
from django.test import Client

from phonegen.numbers.models import Project
from phonegen.tasks.models import Task

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The default hasher is slow on purpose; tests need no protection from it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clean_cache():
    # Failed sign-ins are counted in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password=PASSWORD)


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", password=PASSWORD)


@pytest.fixture
def alice_client(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def project(alice) -> Project:
    return Project.objects.create(owner=alice, name="Alice's numbers")


@pytest.fixture
def bob_project(bob) -> Project:
    return Project.objects.create(owner=bob, name="Bob's numbers")


def make_task(project: Project, **fields) -> Task:
    values = {
        "task_type": "generation",
        "status": "in_progress",
        "progress": 40,
        "current_step": "Stored 8,000 of 20,000 numbers",
        "params": {"area_code": "917", "quantity": 20000, "line_type": "mobile"},
    }
    return Task.objects.create(user=project.owner, project=project, **(values | fields))

"""Shared fixtures: users in each group, logged-in clients."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import translation

from circuitcourt.home import groups

PASSWORD = "un-mot-de-passe-solide-2026"


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: the database rows a cache describes (the
    category tree, ...) are rolled back after each test, the cache is not."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in French: a request through the locale middleware leaves its language
    active in the thread, and under xdist any test may follow an English one."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def make_user(django_user_model):
    """Create a user, optionally in named groups."""

    def make(username, *group_names, **extra):
        user = django_user_model.objects.create_user(
            username=username, email=f"{username}@example.org", password=PASSWORD, **extra
        )
        for name in group_names:
            user.groups.add(Group.objects.get(name=name))
        return user

    return make


@pytest.fixture
def chamber_editor(make_user):
    return make_user("claire.chambre", groups.CHAMBER_EDITORS)


@pytest.fixture
def restaurant_buyer(make_user):
    return make_user("resto.montreuil", groups.RESTAURANT_BUYERS)

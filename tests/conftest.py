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


def pytest_terminal_summary(terminalreporter):
    """The page weights the browser measured (tests/browser/test_page_weight.py), at the end
    of the output of every run that measured them, so each CI log shows them (under xdist
    too: a report's user_properties travel from the worker)."""
    measured = [
        value
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "call"
        for name, value in getattr(report, "user_properties", ())
        if name == "page_weight"
    ]
    if not measured:
        return
    terminalreporter.write_sep("-", "page weight (Chromium, 375 px phone, empty cache)")
    for figures in measured:
        for page, m in figures.items():
            terminalreporter.write_line(
                f"{page:<22} LCP {m['largest_contentful_paint_ms']:>5} ms   "
                f"CLS {m['cumulative_layout_shift']:<6}  {m['total_bytes'] / 1000:>6.1f} kB in "
                f"{m['requests']:>2} requests   {m['url']}"
            )
    terminalreporter.write_line("(figures in .browser-artifacts/page-weight.json)")

"""Page queries shared by every public list."""

import functools

from django.db.models import CharField, Exists, ExpressionWrapper, F, OuterRef
from wagtail.models import PageViewRestriction


def public_q():
    """Pages outside every private section: what Wagtail's `public()` keeps.

    `public()` first reads the restrictions (one more query per search) to build its filter;
    this asks the same thing inside the search's own query: no restricted page is the page
    itself or one of its ancestors (its path starts with theirs). Never stale.
    """
    return ~Exists(_restrictions_over_page())


@functools.cache
def _restrictions_over_page():
    """The restrictions on a page or its ancestors, as a subquery (its OuterRef is the page).

    Built once: a queryset is never changed by using it, and building this one took a tenth
    of the time spent building a search.
    """
    return PageViewRestriction.objects.alias(
        candidate=ExpressionWrapper(OuterRef("path"), output_field=CharField())
    ).filter(candidate__startswith=F("page__path"))

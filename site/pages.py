"""Page queries shared by every public list."""

import functools

from django.db.models import CharField, Exists, ExpressionWrapper, F, OuterRef
from wagtail.models import PageViewRestriction

from .cache import remember


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


class SharedViewRestrictionsMixin:
    """Wagtail's view restrictions, with no query while the site has none.

    Before serving a page Wagtail reads the restrictions over it and its ancestors: two
    queries, for an answer that is "none" on a site without private sections. Whether any
    restriction exists is remembered until the next change of content (a restriction added
    in the admin is one); while there is one, Wagtail's own reading applies.
    """

    def get_view_restrictions(self):
        if not remember("any-view-restriction", PageViewRestriction.objects.exists):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

"""The first steps of every page's routing, read from the shared cache.

Wagtail routes a request with a query for the site, then two per level of the URL (the
child by its slug, then its specific row). The site, its home page and the sections under it
are the same for every page of the site: they are remembered until the next change of
content (site/cache.remember), so a page missed by the page cache pays only for its own
levels. Each request gets its own unpickled copies: nothing one request sets on a page
reaches another.
"""

import re

from django.http.request import split_domain_port
from wagtail.models import Site

from .cache import remember

SLUG = re.compile(r"[-\w]+")


def _site_for(request):
    site = Site._find_for_request(request)  # Wagtail's own matching of host and port
    if site is not None:
        # The home page as its own class: routing starts from it (`root_page.specific`).
        site.root_page = site.root_page.specific
    return site


class SiteMiddleware:
    """Give Wagtail's page serving the request's Site from the shared cache (Wagtail looks
    for it on the request first).

    For the page view only: other views (the portal, the API) ask for the site when they
    need it, and most do not. The host has passed ALLOWED_HOSTS by then (CommonMiddleware):
    the keys are only ever the site's own host names.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from wagtail.views import serve  # not at import: this module is loaded with the models

        if view_func is not serve:
            return None
        hostname = split_domain_port(request._get_raw_host())[0]
        port = request.get_port()
        site = remember(f"site:{hostname}:{port}", lambda: _site_for(request))
        if site is not None:
            request._wagtail_site = site
        return None


def section(parent, slug):
    """`parent`'s child page with this slug, as its own class, or None.

    For the home page's few sections; a slug that is not one (any word typed in a URL) is
    looked up in the database each time, never stored.
    """
    if not SLUG.fullmatch(slug):
        return None

    def find():
        child = parent.get_children().filter(slug=slug).first()
        return child.specific if child is not None else None

    child = remember(f"section:{parent.pk}:{slug}", find)
    if child is not None:
        child._cached_parent_obj = parent  # as Wagtail's route does: get_parent() is free
    return child

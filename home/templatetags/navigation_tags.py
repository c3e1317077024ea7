"""The main menu: the home page, then its live children marked "show in menus"."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from wagtail.models import Page, Site

from circuitcourt.site.cache import remember
from circuitcourt.site.i18n import version_urls

register = template.Library()


def _current(item, current, exact=False):
    """aria-current: "page" on the page itself, "true" on the section it is in."""
    if current is None or not getattr(current, "path", None):
        return ""
    if current.pk == item["pk"]:
        return "page"
    if not exact and current.path.startswith(item["path"]):
        return "true"
    return ""


def menu_entries(site, request):
    """The menu's pages as plain data: every page shows the menu, a page cache miss reads
    it from the database once per change of content (two queries saved)."""

    def read():
        root = site.root_page.localized
        pages = [root, *root.get_children().live().in_menu().specific(defer=True)]
        return [
            {"pk": page.pk, "path": page.path, "title": page.title, "url": page.get_url(request)}
            for page in pages
        ]

    return remember(f"main-menu:{site.pk}:{translation.get_language()}", read)


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    current = context.get("page")
    items = []
    if site:
        entries = menu_entries(site, request)
        items = [
            {**entry, "current": _current(entry, current, exact=index == 0)}
            for index, entry in enumerate(entries)
        ]
    return {"items": items, "request": request}


@register.simple_tag(takes_context=True)
def language_links(context):
    """The current page in each language: plain links rather than a form to /i18n/setlang/.

    On a Wagtail page, the link goes to the page's version in that language (its translated
    slug, if any), keeping a sub-route and the query (/producteurs/categorie/...?place=...);
    without one, to that language's home page. Elsewhere (the portal), the same path in
    the other language. A link needs no CSRF token, so the page sets no cookie and one copy
    of it can be cached and shared by every visitor (site/cache.py).
    """
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = translation.get_language()
    page = context.get("page")
    page_url = page.get_url(request) if isinstance(page, Page) and page.pk else None
    versions = {}
    if page_url and path.startswith(page_url):
        site = Site.find_for_request(request)
        versions = remember(
            f"versions:{site.pk if site else ''}:{page.pk}", lambda: version_urls(page, request)
        )
    links = []
    for code, _name in settings.LANGUAGES:
        url = path
        if code != current:
            url, own = versions.get(code, (None, False))
            if own:
                url += path[len(page_url) :]  # the sub-route and the query
            url = url or translate_url(path, code)
        links.append(
            {
                "code": code,
                "name": translation.get_language_info(code)["name_local"],
                "url": url,
                "current": code == current,
            }
        )
    return links

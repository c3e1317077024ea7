"""The main menu: the home page, then its live children marked "show in menus"."""

from django import template
from wagtail.models import Site

register = template.Library()


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    current = context.get("page")
    items = []
    if site:
        root = site.root_page.localized
        items = [
            {"page": page, "active": current is not None and current.path.startswith(page.path)}
            for page in root.get_children().live().in_menu().specific(defer=True)
        ]
        home = {"page": root, "active": current is not None and current.pk == root.pk}
        items.insert(0, home)
    return {"items": items, "request": request}

"""`{% in_season_now %}`: a few products in season this month, for the home page."""

from django import template
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from circuitcourt.site.i18n import in_active_locale

from ..models import SeasonalCalendarPage
from ..page import in_season, load_groups, producers_url_maker

register = template.Library()

HOME_PRODUCTS = 8


@register.inclusion_tag("seasonal_calendar/includes/in_season_now.html", takes_context=True)
def in_season_now(context, limit=HOME_PRODUCTS):
    """Products at their peak first, then the seasonal ones; all-year products are left out."""
    request = context.get("request")
    month = timezone.localdate().month
    now = in_season(load_groups(producers_url_maker(request)), month)
    calendar_page = in_active_locale(SeasonalCalendarPage.objects.live()).first()
    return {
        "heading": _("In season in %(month)s") % {"month": MONTHS[month]},
        "items": (
            [{"product": product, "peak": True} for product in now["peak"]]
            + [{"product": product, "peak": False} for product in now["available"]]
        )[:limit],
        "calendar_url": calendar_page.get_url(request) if calendar_page else "",
        "request": request,
    }

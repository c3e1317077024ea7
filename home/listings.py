"""What the lists of news and events show: the home page's, the sections', /actualites/ and
/agenda/. Each query brings what a card shows (partner, image and its renditions), so a list
runs the same number of queries for 3 items or 300."""

from django.core.paginator import InvalidPage, Paginator
from django.utils import timezone

from circuitcourt.site.i18n import in_active_locale
from circuitcourt.site.pages import public_q

from .filters import EventFilterSet, NewsFilterSet
from .models import EventIndexPage, EventPage, NewsIndexPage, NewsPage

PAGE_SIZE = 12
HOME_COUNT = 3
SECTION_COUNT = 6


def published_news():
    """Live, public news items, newest first, with what a card shows."""
    return (
        in_active_locale(NewsPage.objects.live())
        .filter(public_q())
        .select_related("partner", "image")
        .prefetch_related("image__renditions")
        .order_by("-date", "-first_published_at", "-pk")
    )


def published_events():
    """Live, public events with what a card shows (ordering is the caller's)."""
    return (
        in_active_locale(EventPage.objects.live())
        .filter(public_q())
        .select_related("partner", "image", "commune")
        .prefetch_related("image__renditions")
    )


def upcoming_events(now=None):
    """Events not over yet (so those going on now too), soonest first."""
    return published_events().filter(end__gte=now or timezone.now()).order_by("start", "pk")


def home_page_context():
    return {
        "latest_news": list(published_news()[:HOME_COUNT]),
        "next_events": list(upcoming_events()[:HOME_COUNT]),
        "news_index": in_active_locale(NewsIndexPage.objects.live()).first(),
        "event_index": in_active_locale(EventIndexPage.objects.live()).first(),
    }


def section_context(section):
    return {
        "section_news": list(published_news().descendant_of(section)[:SECTION_COUNT]),
        "section_events": list(upcoming_events().descendant_of(section)[:SECTION_COUNT]),
    }


def _listing_context(request, filterset, item_name):
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": filterset, "form": filterset.form, "query_string": query.urlencode()}
    if not filterset.is_valid():
        return context
    paginator = Paginator(filterset.qs, PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage:  # not a number, or out of range
        context["page_error"] = True
        return context
    context.update(page_obj=page, **{item_name: list(page.object_list)})
    return context


def news_listing_context(request):
    filterset = NewsFilterSet(request.GET, queryset=published_news(), request=request)
    return _listing_context(request, filterset, "news_items")


def event_listing_context(request):
    filterset = EventFilterSet(request.GET, queryset=published_events(), request=request)
    return _listing_context(request, filterset, "events")

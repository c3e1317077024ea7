"""What the public search pages show: the form, a page of results, the map's points.

Shared by the /producteurs/ routes (search, category, commune); the API builds its JSON
from the same FilterSet and the same `results_page`.
"""

import functools

from django.core.paginator import InvalidPage as PaginatorInvalidPage
from django.core.paginator import Paginator
from django.db.models import Prefetch

from circuitcourt.site.i18n import in_default_locale, localized

from .filters import ProducerFilterSet
from .models import ProducerPage, ProducerProduct, QualitySign
from .search import RankedProducers, matching_points_for

PAGE_SIZE = 20


# What a result card (HTML, API item, map feature) reads of a producer: its URL needs the
# url_path, `localized` the translation key and language. Loading these columns only (not
# the ~50 of a page) makes loading a page of results a third cheaper; a card reading another
# field would cost a query for each producer (the tests count the queries).
CARD_FIELDS = (
    "title",
    "url_path",
    "translation_key",
    "locale__language_code",
    "summary",
    "click_and_collect",
    "commune__name",
)


def producer_cards():
    """Producers (of any language) with what a result card shows, prefetched."""
    # Built once, not twice a search (the search, then `localized`: 0.4 ms). Chaining never
    # changes a queryset; `.all()` gives each caller its own copy to evaluate.
    return _producer_cards().all()


@functools.cache
def _producer_cards():
    products = (
        ProducerProduct.objects.select_related("category")
        .only("producer", "category__slug", "category__name", "category__name_en")
        .order_by("sort_order")
    )
    return (
        ProducerPage.objects.live()
        .select_related("commune", "locale")
        .only(*CARD_FIELDS)
        .prefetch_related(
            Prefetch("products", queryset=products),
            Prefetch(
                "quality_signs", queryset=QualitySign.objects.only("slug", "short_name", "name")
            ),
        )
    )


def producer_queryset():
    """The producers searched: the French tree's (the English pages are their versions,
    shown in their place by `results_page`), with what a card shows (constant query count)."""
    return in_default_locale(producer_cards())


class InvalidPage(Exception):
    """The page number is out of range or not a number."""


def results_page(filterset, page_number, page_size=PAGE_SIZE):
    """(page, points_by_producer) for a valid filterset; raises InvalidPage."""
    results = filterset.qs
    paginator = Paginator(results, page_size)
    number = str(page_number or 1)
    if isinstance(results, RankedProducers) and number.isdigit() and int(number) >= 1:
        start = (int(number) - 1) * page_size
        results.fetch_window(start, start + page_size)  # the count comes with the rows
    try:
        page = paginator.page(page_number or 1)
    except PaginatorInvalidPage as exc:  # not a number, or out of range
        raise InvalidPage(str(exc)) from exc
    producers = list(page.object_list)
    points = matching_points_for(producers, filterset.criteria())
    for producer in producers:
        producer.matching_points = points.get(producer.pk, [])
    page.object_list = localized(producers, producer_cards())
    return page


def point_features(points, **properties):
    """A GeoJSON FeatureCollection of the located points of sale, with shared properties."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [point.longitude, point.latitude]},
                "properties": {
                    **properties,
                    "point_of_sale": point.name,
                    "kind": point.get_kind_display(),
                    "distance_km": None
                    if getattr(point, "distance_km", None) is None
                    else round(point.distance_km, 1),
                },
            }
            for point in points
            if point.has_location
        ],
    }


def map_features(producers, url=lambda page: page.url):
    """GeoJSON features, one per matching point of sale of the producers shown; `url` gives
    each producer's link (the API's are absolute)."""
    features = []
    for producer in producers:
        collection = point_features(
            producer.matching_points, producer=producer.title, url=url(producer)
        )
        features += collection["features"]
    return {"type": "FeatureCollection", "features": features}


def search_context(request, pinned=None, defaults=None):
    """Context for a search page.

    `pinned` criteria (the category of a category page, the commune of a commune page) win
    over the query string; `defaults` only fill what the visitor left out.
    """
    data = request.GET.copy()
    for key, value in (defaults or {}).items():
        data.setdefault(key, value)
    for key, value in (pinned or {}).items():
        data[key] = value
    query = request.GET.copy()
    query.pop("page", None)
    filterset = ProducerFilterSet(data, queryset=producer_queryset(), request=request)
    context = {
        "filter": filterset,
        "form": filterset.form,
        "page_obj": None,
        "map_data": None,
        "query_string": query.urlencode(),
    }
    if not filterset.is_valid():
        return context
    try:
        page = results_page(filterset, request.GET.get("page"))
    except InvalidPage:
        context["page_error"] = True
        return context
    context.update(
        page_obj=page,
        producers=page.object_list,
        criteria=filterset.criteria(),
        # URLs through the request, as the cards' {% pageurl %}: Wagtail caches the sites'
        # root paths on it rather than reading them from the cache for each producer.
        map_data=map_features(page.object_list, url=lambda producer: producer.get_url(request)),
    )
    return context

"""The producers search: text, category, sign, Click & Collect, kind, opening, distance.

One function builds the query whatever the criteria. Around a place, the database ranks
producers by the distance to their nearest matching point of sale (haversine) after a
bounding-box prefilter on the links' indexed coordinates, and only the producers of the page
asked for are loaded. Used by the /producteurs/ page and the API through ProducerFilterSet.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, FloatField, Min, OuterRef, Q, Value, Window
from django.utils import timezone

from circuitcourt.site.pages import public_q

from . import geo, opening_hours
from .models import (
    Commune,
    PointOfSale,
    ProducerPage,
    ProducerPointOfSale,
    ProducerProduct,
    ProductCategory,
    QualitySign,
)
from .text import query_terms

DEFAULT_RADIUS_KM = 20
MAX_RADIUS_KM = 300


@dataclass
class SearchCriteria:
    text: str = ""
    category: ProductCategory | None = None
    sign: QualitySign | None = None
    click_collect: bool = False
    kind: str = ""
    commune: Commune | None = None
    point: tuple[float, float] | None = None  # (latitude, longitude)
    radius_km: float | None = None
    open_now: bool = False
    open_on: date | None = None
    now: object = field(default=None, repr=False)  # the "now" of open_now, for tests

    @property
    def centre(self):
        """The point distances are measured from: an explicit point wins over a commune."""
        if self.point:
            return self.point
        if self.commune:
            return (self.commune.latitude, self.commune.longitude)
        return None

    @property
    def radius(self):
        # float: the form gives a Decimal, the distance maths is in floats
        return float(self.radius_km if self.radius_km is not None else DEFAULT_RADIUS_KM)


# The rules "a category includes its sub-categories" and "a sign of the farm or of one of its
# products", shared by the public search and the admin's producer filters. They name
# producers by `id__in`, the form Wagtail's admin search accepts.


def category_sellers(category):
    """The ids of the producers selling this category or one of its sub-categories (a subquery)."""
    ids = ProductCategory.descendant_ids([category.pk])
    return ProducerProduct.objects.filter(category_id__in=ids).values("producer_id")


def in_category_q(category):
    """Producers selling this category or one of its sub-categories."""
    return Q(id__in=category_sellers(category))


def with_sign_q(sign):
    """Producers whose farm, or one of whose products, carries this quality sign."""
    farm = ProducerPage.quality_signs.through.objects.filter(qualitysign=sign)
    product = ProducerProduct.quality_signs.through.objects.filter(qualitysign=sign)
    return Q(id__in=farm.values("producerpage_id")) | Q(
        id__in=product.values("producerproduct__producer_id")
    )


def area_q(criteria, prefix=""):
    """Q for the coordinates inside the bounding box of the search circle.

    The exact distance is checked by the caller, on the distance it computes anyway.
    """
    if not criteria.centre:
        return Q()
    min_lat, max_lat, min_lng, max_lng = geo.bounding_box(*criteria.centre, criteria.radius)
    return Q(
        **{
            f"{prefix}latitude__range": (min_lat, max_lat),
            f"{prefix}longitude__range": (min_lng, max_lng),
        }
    )


def point_of_sale_q(criteria, prefix=""):
    """Q for the points of sale matching kind and opening.

    `prefix` reaches the point of sale from another model ("point_of_sale__").
    """
    q = Q()
    if criteria.kind:
        q &= Q(**{f"{prefix}kind": criteria.kind})
    if criteria.open_now or criteria.open_on:
        open_points = PointOfSale.objects.all()
        if criteria.open_now:
            open_points = open_points.filter(
                opening_hours.open_at_q(criteria.now or timezone.now())
            )
        if criteria.open_on:
            open_points = open_points.filter(opening_hours.open_on_q(criteria.open_on))
        q &= Q(**{f"{prefix}pk__in": open_points.values("pk")})
    return q


def uses_points_of_sale(criteria):
    return bool(criteria.kind or criteria.open_now or criteria.open_on or criteria.centre)


def _distance_to(criteria, prefix):
    return geo.distance_km_expression(
        *criteria.centre, lat_field=f"{prefix}latitude", lng_field=f"{prefix}longitude"
    )


def search_producers(queryset, criteria):
    """Filter and order `queryset` (ProducerPage) by the criteria.

    With a centre, each producer gets `distance_km` (to its nearest matching point of sale)
    and results come nearest first; otherwise alphabetically.
    """
    # A list of results never shows the story (a StreamField, parsed when loaded) nor the
    # search text: leave them out of the producers loaded.
    listed = queryset.live().select_related("commune").defer("story", "search_text")
    producers = listed.filter(public_q())
    for term in query_terms(criteria.text):
        # search_text starts with a space: " term" matches the start of a word only.
        producers = producers.filter(search_text__contains=f" {term}")
    if criteria.sign:
        producers = producers.filter(with_sign_q(criteria.sign))
    if criteria.click_collect:
        producers = producers.filter(click_and_collect=True)

    if not criteria.centre:
        if criteria.category:
            producers = producers.filter(in_category_q(criteria.category))
        if not uses_points_of_sale(criteria):
            return producers.order_by("title", "pk")
        links = ProducerPointOfSale.objects.filter(
            point_of_sale_q(criteria, "point_of_sale__"), producer=OuterRef("pk")
        )
        return producers.filter(Exists(links)).order_by("title", "pk")

    # Rank on the links alone (their own coordinates, one narrow index), grouped by producer
    # only; the producers' pages are loaded for the page of results asked for. The category
    # filters the links directly, so the database meets the area and the category first
    # (two index scans) and checks the other criteria on the few producers left.
    links = ProducerPointOfSale.objects.filter(
        point_of_sale_q(criteria, "point_of_sale__"),
        area_q(criteria),
        Exists(producers.filter(pk=OuterRef("producer_id"))),
    )
    if criteria.category:
        sellers = category_sellers(criteria.category)
        links = links.filter(Exists(sellers.filter(producer_id=OuterRef("producer_id"))))
    ranking = (
        links.values("producer_id")
        .annotate(distance_km=Min(_distance_to(criteria, "")))
        .filter(distance_km__lte=criteria.radius)
        .order_by("distance_km", "producer_id")
        .values_list("producer_id", "distance_km")
    )
    # The ranking has applied every criterion: a page of results is loaded by id, still
    # only if live (it may have been unpublished in between), without compiling them again.
    return RankedProducers(ranking, listed.order_by())


class RankedProducers:
    """Producers nearest first, as a Paginator takes them: `count()` and slices.

    A slice runs the ranking for those rows, then loads their pages (with whatever the
    `pages` queryset prefetches) and sets `distance_km` on each.
    """

    def __init__(self, ranking, pages):
        self.ranking = ranking
        self.pages = pages
        self._total = None
        self._window = None  # (start, rows) fetched ahead by `fetch_window`

    def count(self):
        if self._total is None:
            self._total = self.ranking.count()
        return self._total

    def fetch_window(self, start, stop):
        """Rank rows [start:stop] and count all of them in one query (a window count).

        A Paginator asks for the count, then for the rows: two runs of the ranking, the
        heavier half of a search. Called before it, this leaves it nothing to run but the
        pages' load. With no row there (no result, a page out of range), `count()` still
        asks the database.
        """
        rows = list(self.ranking.annotate(total=Window(Count("*")))[start:stop])
        if rows:
            self._total = rows[0][2]
        self._window = (start, [(pk, distance_km) for pk, distance_km, _total in rows])

    def __len__(self):
        return self.count()

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key : key + 1][0]
        if self._window and key.start == self._window[0] and key.step is None:
            start, rows = self._window
            return self.pages_for(rows if key.stop is None else rows[: key.stop - start])
        return self.pages_for(list(self.ranking[key]))

    def pages_for(self, ranked, pages=None):
        """The pages of these (producer id, distance) rows of the ranking, in their order,
        loaded by `pages` (by default the search's own queryset)."""
        pages = (self.pages if pages is None else pages).in_bulk([pk for pk, _ in ranked])
        result = []
        for pk, distance_km in ranked:
            page = pages.get(pk)  # None if unpublished between the two queries
            if page is not None:
                page.distance_km = distance_km
                result.append(page)
        return result


@dataclass(slots=True)
class MatchingPoint:
    """A point of sale as a card, a map feature and an API item show it.

    Read from one row of a query: a page of results has a hundred of them, and building each
    as a link, a PointOfSale and a Commune model instance was a fifth of a search's time. It
    answers what these read of a PointOfSale, with the model's own methods.
    """

    pk: int
    name: str
    kind: str
    address: str
    postcode: str
    latitude: float | None
    longitude: float | None
    commune: Commune
    distance_km: float | None = None

    Kind = PointOfSale.Kind
    get_kind_display = PointOfSale.get_kind_display
    has_location = PointOfSale.has_location


def matching_points_for(producers, criteria):
    """{producer_id: [MatchingPoint]} for a page of results, in one query; `distance_km`
    from the centre, if any."""
    links = (
        ProducerPointOfSale.objects.filter(producer__in=[p.pk for p in producers])
        .filter(point_of_sale_q(criteria, "point_of_sale__"), area_q(criteria))
        .order_by("sort_order", "pk")
    )
    if criteria.centre:
        links = (
            links.annotate(distance_km=_distance_to(criteria, ""))
            .filter(distance_km__lte=criteria.radius)
            .order_by("distance_km", "pk")
        )
    else:
        links = links.annotate(distance_km=Value(None, FloatField()))
    rows = links.values_list(
        "producer_id",
        "point_of_sale_id",
        "point_of_sale__name",
        "point_of_sale__kind",
        "point_of_sale__address",
        "point_of_sale__postcode",
        "point_of_sale__latitude",
        "point_of_sale__longitude",
        "point_of_sale__commune_id",
        "point_of_sale__commune__name",
        "distance_km",
    )
    result = {p.pk: [] for p in producers}
    communes = {}
    for producer_id, pk, name, kind, address, postcode, lat, lng, commune_id, commune, km in rows:
        if commune_id not in communes:
            communes[commune_id] = Commune(pk=commune_id, name=commune)
        result[producer_id].append(
            MatchingPoint(pk, name, kind, address, postcode, lat, lng, communes[commune_id], km)
        )
    return result

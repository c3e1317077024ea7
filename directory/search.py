"""The producers search: text, category, sign, Click & Collect, kind, opening, distance.

One function builds one SQL query whatever the criteria; the distance is computed by the
database (haversine) after a bounding-box prefilter on the indexed latitude/longitude.
Used by the /producteurs/ page and the API through ProducerFilterSet.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, Min, OuterRef, Q
from django.utils import timezone

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


def in_category_q(category):
    """Producers selling this category or one of its sub-categories."""
    ids = ProductCategory.descendant_ids([category.pk])
    sellers = ProducerProduct.objects.filter(category_id__in=ids)
    return Q(id__in=sellers.values("producer_id"))


def with_sign_q(sign):
    """Producers whose farm, or one of whose products, carries this quality sign."""
    farm = ProducerPage.quality_signs.through.objects.filter(qualitysign=sign)
    product = ProducerProduct.quality_signs.through.objects.filter(qualitysign=sign)
    return Q(id__in=farm.values("producerpage_id")) | Q(
        id__in=product.values("producerproduct__producer_id")
    )


def point_of_sale_q(criteria, prefix=""):
    """Q for the points of sale matching kind, opening and area (the bounding box).

    `prefix` reaches the point of sale from another model ("point_of_sale__"). The exact
    distance is checked by the caller, on the distance it computes anyway.
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
    if criteria.centre:
        min_lat, max_lat, min_lng, max_lng = geo.bounding_box(*criteria.centre, criteria.radius)
        q &= Q(**{f"{prefix}latitude__range": (min_lat, max_lat)})
        q &= Q(**{f"{prefix}longitude__range": (min_lng, max_lng)})
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
    producers = queryset.live().public().select_related("commune")
    for term in query_terms(criteria.text):
        # search_text starts with a space: " term" matches the start of a word only.
        producers = producers.filter(search_text__contains=f" {term}")
    if criteria.category:
        producers = producers.filter(in_category_q(criteria.category))
    if criteria.sign:
        producers = producers.filter(with_sign_q(criteria.sign))
    if criteria.click_collect:
        producers = producers.filter(click_and_collect=True)

    if not uses_points_of_sale(criteria):
        return producers.order_by("title", "pk")
    if not criteria.centre:
        links = ProducerPointOfSale.objects.filter(
            Q(producer=OuterRef("pk")) & point_of_sale_q(criteria, "point_of_sale__")
        )
        return producers.filter(Exists(links)).order_by("title", "pk")

    # Join the producer's points of sale in the area (one filter() call, so one join) and
    # keep the nearest: one query, no correlated subquery per producer.
    prefix = "points_of_sale__point_of_sale__"
    return (
        producers.filter(point_of_sale_q(criteria, prefix))
        .annotate(distance_km=Min(_distance_to(criteria, prefix)))
        .filter(distance_km__lte=criteria.radius)
        .order_by("distance_km", "pk")
    )


def matching_points_for(producers, criteria):
    """{producer_id: [PointOfSale with .distance_km]} for a page of results, in one query."""
    links = (
        ProducerPointOfSale.objects.filter(producer__in=[p.pk for p in producers])
        .filter(point_of_sale_q(criteria, "point_of_sale__"))
        .select_related("point_of_sale__commune")
        .order_by("sort_order", "pk")
    )
    if criteria.centre:
        links = (
            links.annotate(distance_km=_distance_to(criteria, "point_of_sale__"))
            .filter(distance_km__lte=criteria.radius)
            .order_by("distance_km", "pk")
        )
    result = {p.pk: [] for p in producers}
    for link in links:
        point = link.point_of_sale
        point.distance_km = getattr(link, "distance_km", None)
        result[link.producer_id].append(point)
    return result

"""The producers search: text, category, sign, Click & Collect, kind, opening, distance.

One function builds one SQL query whatever the criteria; the distance is computed by the
database (haversine) after a bounding-box prefilter on the indexed latitude/longitude.
Used by the /producteurs/ page and the API through ProducerFilterSet.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Subquery
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


def matching_points_of_sale(criteria):
    """Points of sale that satisfy the point-of-sale criteria (kind, opening, area)."""
    points = PointOfSale.objects.all()
    if criteria.kind:
        points = points.filter(kind=criteria.kind)
    if criteria.open_now:
        points = points.filter(opening_hours.open_at_q(criteria.now or timezone.now()))
    if criteria.open_on:
        points = points.filter(opening_hours.open_on_q(criteria.open_on))
    centre = criteria.centre
    if centre:
        min_lat, max_lat, min_lng, max_lng = geo.bounding_box(*centre, criteria.radius)
        points = points.filter(
            latitude__range=(min_lat, max_lat), longitude__range=(min_lng, max_lng)
        )
        points = points.annotate(distance_km=geo.distance_km_expression(*centre)).filter(
            distance_km__lte=criteria.radius
        )
    return points


def uses_points_of_sale(criteria):
    return bool(criteria.kind or criteria.open_now or criteria.open_on or criteria.centre)


def search_producers(queryset, criteria):
    """Filter and order `queryset` (ProducerPage) by the criteria.

    With a centre, each producer gets `distance_km` (to its nearest matching point of sale)
    and results come nearest first; otherwise alphabetically.
    """
    producers = queryset.live().select_related("commune")
    for term in query_terms(criteria.text):
        producers = producers.filter(search_text__contains=term)
    if criteria.category:
        ids = ProductCategory.descendant_ids([criteria.category.pk])
        producers = producers.filter(
            Exists(ProducerProduct.objects.filter(producer=OuterRef("pk"), category_id__in=ids))
        )
    if criteria.sign:
        farm_sign = ProducerPage.quality_signs.through.objects.filter(
            producerpage=OuterRef("pk"), qualitysign=criteria.sign
        )
        product_sign = ProducerProduct.quality_signs.through.objects.filter(
            producerproduct__producer=OuterRef("pk"), qualitysign=criteria.sign
        )
        producers = producers.filter(Exists(farm_sign) | Exists(product_sign))
    if criteria.click_collect:
        producers = producers.filter(click_and_collect=True)

    if not uses_points_of_sale(criteria):
        return producers.order_by("title", "pk")

    links = ProducerPointOfSale.objects.filter(
        producer=OuterRef("pk"),
        point_of_sale__in=matching_points_of_sale(criteria).values("pk"),
    )
    producers = producers.filter(Exists(links))
    if not criteria.centre:
        return producers.order_by("title", "pk")

    nearest = (
        ProducerPointOfSale.objects.filter(producer=OuterRef("pk"))
        .filter(point_of_sale__in=matching_points_of_sale(criteria).values("pk"))
        .annotate(
            distance_km=geo.distance_km_expression(
                *criteria.centre,
                lat_field="point_of_sale__latitude",
                lng_field="point_of_sale__longitude",
            )
        )
        .order_by("distance_km")
        .values("distance_km")[:1]
    )
    return producers.annotate(distance_km=Subquery(nearest)).order_by("distance_km", "pk")


def matching_points_for(producers, criteria):
    """{producer_id: [PointOfSale with .distance_km]} for a page of results, in one query."""
    points = (
        matching_points_of_sale(criteria)
        if uses_points_of_sale(criteria)
        else PointOfSale.objects.all()
    )
    links = (
        ProducerPointOfSale.objects.filter(
            producer__in=[p.pk for p in producers], point_of_sale__in=points.values("pk")
        )
        .select_related("point_of_sale__commune")
        .order_by("sort_order", "pk")
    )
    centre = criteria.centre
    if centre:
        links = links.annotate(
            distance_km=geo.distance_km_expression(
                *centre, lat_field="point_of_sale__latitude", lng_field="point_of_sale__longitude"
            )
        ).order_by("distance_km", "pk")
    result = {p.pk: [] for p in producers}
    for link in links:
        point = link.point_of_sale
        point.distance_km = getattr(link, "distance_km", None)
        result[link.producer_id].append(point)
    return result

"""The directory's JSON API: producer search (list and GeoJSON), categories, quality signs.

Mounted on Wagtail's v3 API (django-ninja) by circuitcourt.site.api, so everything is in one
OpenAPI document. The search parses its parameters with the same ProducerFilterSet as the
/producteurs/ page; bad values give HTTP 400 with a field and a reason.
"""

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import BaseModel

from circuitcourt.home.models import PartnerSectionPage
from circuitcourt.site.api_support import (
    MAX_PAGE_SIZE,
    ApiError,
    ErrorOut,
    ImageOut,
    PageParams,
    page_numbers,
    page_schema,
    paginate,
    rate_limited,
    rendition,
)
from circuitcourt.site.i18n import in_active_locale

from .filters import ProducerFilterSet
from .models import Partner, ProductCategory, QualitySign
from .search import DEFAULT_RADIUS_KM, MAX_RADIUS_KM
from .search_page import InvalidPage, map_features, producer_queryset, results_page

router = Router(tags=["directory"])

LOGO_RENDITION = "max-300x150|format-webp"


class SearchParams(Schema):
    """Query parameters of the producer search; all optional, all combinable."""

    q: str | None = Field(None, description="Words to find: product, producer, commune.")
    category: str | None = Field(
        None, description="Category slug; includes its sub-categories.", examples=["fromages"]
    )
    sign: str | None = Field(None, description="Quality sign slug.", examples=["aop"])
    click_collect: str | None = Field(
        None, description="true: only producers with Click & Collect.", examples=["true"]
    )
    kind: str | None = Field(None, description="Kind of point of sale.", examples=["market"])
    near: str | None = Field(
        None, description="Centre as latitude,longitude.", examples=["50.293,2.782"]
    )
    place: str | None = Field(
        None, description="Centre as a commune of Hauts-de-France.", examples=["Arras"]
    )
    radius_km: str | None = Field(
        None,
        description=f"Radius around the centre in km (default {DEFAULT_RADIUS_KM}, "
        f"max {MAX_RADIUS_KM}).",
        examples=["20"],
    )
    open_now: str | None = Field(
        None, description="true: only points of sale open now.", examples=["true"]
    )
    open_on: str | None = Field(
        None, description="Only points of sale open on this date (YYYY-MM-DD)."
    )
    # Strings, checked by page_numbers, so that a bad value is a 400 naming its field.
    page: str | None = Field(None, description="Page number, from 1.", examples=["1"])
    page_size: str | None = Field(
        None, description=f"Results per page, 1 to {MAX_PAGE_SIZE} (default 20).", examples=["20"]
    )


class Out(BaseModel):
    """An output built as plain dicts (the search's items).

    Plain pydantic validates dicts in its compiled core; ninja's Schema wraps every nested
    object in a getter for model instances first, which made validating a page of results
    five times as costly (2.5 ms of a search). The OpenAPI document is the same.
    """


class CategoryRef(Out):
    slug: str
    name: str


class SignRef(Out):
    slug: str
    short_name: str
    name: str


class PointOfSaleOut(Out):
    id: int
    name: str
    kind: str
    kind_label: str
    address: str
    postcode: str
    commune: str
    latitude: float | None
    longitude: float | None
    distance_km: float | None = Field(None, description="From the search centre, if any.")


class ProducerOut(Out):
    id: int
    title: str
    url: str
    summary: str
    commune: str | None
    click_and_collect: bool
    distance_km: float | None = Field(
        None, description="To the nearest matching point of sale, if a centre was given."
    )
    categories: list[CategoryRef]
    quality_signs: list[SignRef]
    points_of_sale: list[PointOfSaleOut] = Field(
        description="The producer's points of sale that match the search, nearest first."
    )


class ProducerSearchOut(Out):
    count: int
    page: int
    pages: int
    items: list[ProducerOut]


class GeoJSONOut(Schema):
    type: str = "FeatureCollection"
    count: int = Field(description="Producers matching the search (all pages).")
    features: list[dict]


class CategoryOut(Schema):
    slug: str
    name: str
    name_en: str
    parent: str | None
    icon: str
    is_food: bool


class QualitySignOut(Schema):
    slug: str
    name: str
    short_name: str
    kind: str
    explanation: str
    website: str


def _rounded(value):
    return None if value is None else round(value, 2)


def _producer_out(producer, request):
    return {
        "id": producer.pk,
        "title": producer.title,
        "url": producer.get_full_url(request) or "",
        "summary": producer.summary,
        "commune": producer.commune.name if producer.commune_id else None,
        "click_and_collect": producer.click_and_collect,
        "distance_km": _rounded(getattr(producer, "distance_km", None)),
        "categories": [
            {"slug": p.category.slug, "name": p.category.local_name}
            for p in producer.products.all()
        ],
        "quality_signs": [
            {"slug": s.slug, "short_name": s.short_name, "name": s.name}
            for s in producer.quality_signs.all()
        ],
        "points_of_sale": [
            {
                "id": point.pk,
                "name": point.name,
                "kind": point.kind,
                "kind_label": str(point.get_kind_display()),
                "address": point.address,
                "postcode": point.postcode,
                "commune": point.commune.name,
                "latitude": point.latitude,
                "longitude": point.longitude,
                "distance_km": _rounded(point.distance_km),
            }
            for point in producer.matching_points
        ],
    }


def _search(request):
    """The page of results the query string asks for, or ApiError (400) naming the field."""
    page_number, page_size = page_numbers(request.GET)
    data = request.GET.copy()
    for name in ("page", "page_size", "lang"):
        data.pop(name, None)
    filterset = ProducerFilterSet(data, queryset=producer_queryset(), request=request)
    if not filterset.is_valid():
        raise ApiError(400, "Invalid search parameters.", filterset.error_list())
    try:
        return results_page(filterset, page_number, page_size)
    except InvalidPage as exc:
        message = "This page of results does not exist."
        raise ApiError(400, "Invalid page.", [{"field": "page", "message": message}]) from exc


ERRORS = {400: ErrorOut, 429: ErrorOut}


@router.get(
    "/producers/",
    response={200: ProducerSearchOut, **ERRORS},
    summary="Search producers",
    operation_id="directory_producers_search",
)
@rate_limited("search")
def search_producers(request: HttpRequest, params: Query[SearchParams]):
    page = _search(request)
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "items": [_producer_out(producer, request) for producer in page.object_list],
    }


@router.get(
    "/producers/geojson/",
    response={200: GeoJSONOut, **ERRORS},
    summary="Search producers, as GeoJSON points of sale for a map",
    operation_id="directory_producers_geojson",
)
@rate_limited("search")
def search_producers_geojson(request: HttpRequest, params: Query[SearchParams]):
    page = _search(request)
    features = map_features(page.object_list, url=lambda page: page.get_full_url(request))
    return {"count": page.paginator.count, **features}


class PartnerOut(Schema):
    slug: str
    name: str
    kind: str
    kind_label: str
    description: str
    website: str
    logo: ImageOut | None = Field(description="The logo, fitted in 300×150.")
    section_url: str | None = Field(description="The partner's section of the site.")
    territory: list[CategoryRef] = Field(description="Communes the partner covers.")


CategoryPage = page_schema(CategoryOut, "CategoryPage")
QualitySignPage = page_schema(QualitySignOut, "QualitySignPage")
PartnerPage = page_schema(PartnerOut, "PartnerPage")
LIST_ERRORS = {400: ErrorOut}


@router.get(
    "/categories/",
    response={200: CategoryPage, **LIST_ERRORS},
    summary="Product categories (a tree through `parent`)",
    operation_id="directory_categories",
)
def categories(request: HttpRequest, params: Query[PageParams]):
    def out(c):
        return {
            "slug": c.slug,
            "name": c.local_name,
            "name_en": c.name_en,
            "parent": c.parent.slug if c.parent_id else None,
            "icon": c.icon,
            "is_food": c.is_food,
        }

    queryset = ProductCategory.objects.select_related("parent").order_by("sort_order", "pk")
    return paginate(queryset, request, out)


@router.get(
    "/quality-signs/",
    response={200: QualitySignPage, **LIST_ERRORS},
    summary="Quality signs",
    operation_id="directory_quality_signs",
)
def quality_signs(request: HttpRequest, params: Query[PageParams]):
    def out(sign):
        return {
            "slug": sign.slug,
            "name": sign.name,
            "short_name": sign.short_name,
            "kind": sign.kind,
            "explanation": sign.explanation,
            "website": sign.website,
        }

    return paginate(QualitySign.objects.order_by("name", "pk"), request, out)


@router.get(
    "/partners/",
    response={200: PartnerPage, **LIST_ERRORS},
    summary="Partners: territories, tourism agencies and producer networks",
    operation_id="directory_partners",
)
def partners(request: HttpRequest, params: Query[PageParams]):
    def out(partner):
        section = next(iter(partner.localized_sections), None)
        return {
            "slug": partner.slug,
            "name": partner.name,
            "kind": partner.kind,
            "kind_label": str(partner.get_kind_display()),
            "description": partner.description,
            "website": partner.website,
            "logo": rendition(partner.logo, LOGO_RENDITION),
            "section_url": section.get_full_url(request) if section and section.live else None,
            "territory": [{"slug": c.slug, "name": c.name} for c in partner.territory.all()],
        }

    queryset = (
        Partner.objects.select_related("logo")
        .prefetch_related(
            "territory",
            "logo__renditions",
            # The partner's section in the request's language.
            Prefetch(
                "sections",
                queryset=in_active_locale(PartnerSectionPage.objects.all()),
                to_attr="localized_sections",
            ),
        )
        .order_by("name", "pk")
    )
    return paginate(queryset, request, out)

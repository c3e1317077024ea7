"""News and events of the partners and the chamber, as JSON lists.

Mounted on Wagtail's v3 API by circuitcourt.site.api (one OpenAPI document). The lists read
the same querysets and FilterSets as /actualites/ and /agenda/, so a filter means the same
on the site and in the API; each page of results runs a fixed number of queries. A page's
full content (body blocks, related producers) is at its `detail_url` (Wagtail's API).
"""

import datetime

import django_filters
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from circuitcourt.site.api_support import (
    CURRENCY,
    ApiError,
    ErrorOut,
    ImageOut,
    PageParams,
    form_errors,
    money,
    page_schema,
    paginate,
    rendition,
)

from .filters import EventFilterSet, NewsFilterSet
from .listings import published_events, published_news

router = Router()
CARD_RENDITION = "fill-600x400|format-webp"


class PublisherRef(Schema):
    slug: str
    name: str


class NewsOut(Schema):
    id: int
    title: str
    url: str
    detail_url: str = Field(description="The page in Wagtail's API: body, related producers.")
    date: datetime.date
    lead: str
    partner: PublisherRef | None = Field(description="None for the chamber's own news.")
    tags: list[str]
    image: ImageOut | None = Field(description="600×400 card image.")


class EventOut(Schema):
    id: int
    title: str
    url: str
    detail_url: str = Field(description="The page in Wagtail's API: body, related producers.")
    kind: str
    kind_label: str
    start: datetime.datetime = Field(description="ISO 8601, UTC.")
    end: datetime.datetime = Field(description="ISO 8601, UTC.")
    lead: str
    place_name: str
    address: str
    commune: str | None
    latitude: float | None
    longitude: float | None
    is_free: bool
    price: str | None = Field(description='Decimal string, e.g. "12.50".', examples=["12.50"])
    currency: str = CURRENCY
    partner: PublisherRef | None
    image: ImageOut | None = Field(description="600×400 card image.")


class NewsParams(PageParams):
    partner: str | None = Field(None, description="Partner slug.")
    tag: str | None = Field(None, description="Topic (tag slug).")
    territory: str | None = Field(None, description="Commune slug of a partner's territory.")


class EventParams(PageParams):
    when: str | None = Field(
        None, description='"upcoming" (default: not over yet, soonest first) or "past".'
    )
    date_from: str | None = Field(
        None, description="Events still on at or after this date (YYYY-MM-DD, Paris)."
    )
    date_to: str | None = Field(
        None, description="Events starting on or before this date (YYYY-MM-DD, Paris)."
    )
    kind: str | None = Field(None, description="market, open_farm, tasting or fair.")
    partner: str | None = Field(None, description="Partner slug.")
    territory: str | None = Field(None, description="Commune slug.")


class EventApiFilterSet(EventFilterSet):
    """The /agenda/ filters plus a date range, which calendars and apps need.

    With a range and no `when`, the range alone decides (past dates included).
    """

    date_from = django_filters.DateFilter(
        label=_("From"), field_name="end", method="filter_date_from"
    )
    date_to = django_filters.DateFilter(label=_("To"), field_name="start", method="filter_date_to")

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(end__date__gte=value)

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(start__date__lte=value)

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        has_range = data.get("date_from") or data.get("date_to")
        if has_range and not self.data.get("when"):
            return django_filters.FilterSet.filter_queryset(self, queryset).order_by("start", "pk")
        return super().filter_queryset(queryset)


def _partner(partner):
    return {"slug": partner.slug, "name": partner.name} if partner else None


def _detail_url(request, page):
    path = reverse("wagtailapi_v3:detail_page", kwargs={"page_id": page.pk})
    return request.build_absolute_uri(path)


def _filtered(filterset):
    if not filterset.is_valid():
        raise ApiError(400, "Invalid filters.", form_errors(filterset.form))
    return filterset.qs


def _query(request):
    data = request.GET.copy()
    for name in ("page", "page_size", "lang"):
        data.pop(name, None)
    return data


@router.get(
    "/news/",
    response={200: page_schema(NewsOut, "NewsPage"), 400: ErrorOut},
    summary="News of the partners and the chamber, newest first",
    operation_id="news_list",
    tags=["news"],
)
def news(request: HttpRequest, params: Query[NewsParams]):
    queryset = published_news().prefetch_related("tags")
    filterset = NewsFilterSet(_query(request), queryset=queryset, request=request)

    def out(item):
        return {
            "id": item.pk,
            "title": item.title,
            "url": item.get_full_url(request),
            "detail_url": _detail_url(request, item),
            "date": item.date,
            "lead": item.lead,
            "partner": _partner(item.partner),
            "tags": [tag.name for tag in item.tags.all()],
            "image": rendition(item.image, CARD_RENDITION),
        }

    return paginate(_filtered(filterset), request, out)


@router.get(
    "/events/",
    response={200: page_schema(EventOut, "EventPage"), 400: ErrorOut},
    summary="Events: upcoming (default) or past, or within dates",
    operation_id="events_list",
    tags=["events"],
)
def events(request: HttpRequest, params: Query[EventParams]):
    filterset = EventApiFilterSet(_query(request), queryset=published_events(), request=request)

    def out(event):
        return {
            "id": event.pk,
            "title": event.title,
            "url": event.get_full_url(request),
            "detail_url": _detail_url(request, event),
            "kind": event.kind,
            "kind_label": str(event.get_kind_display()),
            "start": event.start.astimezone(datetime.UTC),
            "end": event.end.astimezone(datetime.UTC),
            "lead": event.lead,
            "place_name": event.place_name,
            "address": event.address,
            "commune": event.commune.name if event.commune_id else None,
            "latitude": event.latitude,
            "longitude": event.longitude,
            "is_free": event.is_free,
            "price": money(event.price),
            "partner": _partner(event.partner),
            "image": rendition(event.image, CARD_RENDITION),
        }

    return paginate(_filtered(filterset), request, out)

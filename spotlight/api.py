"""Producers in the spotlight as a JSON list, newest first (the archive's order and query).

Mounted on Wagtail's v3 API by circuitcourt.site.api. An article's full content (body,
gallery, quote, video) is at its `detail_url` (Wagtail's API).
"""

import datetime

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from circuitcourt.site.api_support import (
    ErrorOut,
    ImageOut,
    PageParams,
    page_schema,
    paginate,
    rendition,
)

from . import services

router = Router(tags=["spotlight"])


class ArticleProducer(Schema):
    id: int
    title: str
    url: str | None
    commune: str | None


class ArticleOut(Schema):
    id: int
    title: str
    url: str
    detail_url: str
    published_at: datetime.datetime | None = Field(description="ISO 8601, UTC.")
    lead: str
    portrait: ImageOut | None = Field(description="480×320 card image.")
    producers: list[ArticleProducer]


@router.get(
    "/",
    response={200: page_schema(ArticleOut, "SpotlightPage"), 400: ErrorOut},
    summary="Spotlight articles about producers, newest first",
    operation_id="spotlight_list",
)
def articles(request: HttpRequest, params: Query[PageParams]):
    queryset = services.with_cards(services.live_articles()).order_by("-first_published_at", "-pk")

    def out(article):
        return {
            "id": article.pk,
            "title": article.title,
            "url": article.get_full_url(request),
            "detail_url": request.build_absolute_uri(
                reverse("wagtailapi_v3:detail_page", kwargs={"page_id": article.pk})
            ),
            "published_at": article.first_published_at,
            "lead": article.lead,
            "portrait": rendition(article.portrait, services.CARD_RENDITION),
            "producers": [
                {
                    "id": link.producer.pk,
                    "title": link.producer.title,
                    "url": link.producer.get_full_url(request) if link.producer.live else None,
                    "commune": link.producer.commune.name if link.producer.commune_id else None,
                }
                for link in article.producer_links.all()
            ],
        }

    return paginate(queryset, request, out, prepare=services.in_language)

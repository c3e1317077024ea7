"""The seasonal calendar's JSON API: what is in season in a month, and each product's year.

Mounted on Wagtail's v3 API by circuitcourt.site.api (one OpenAPI document). It reads the
same services as the public page: inherited seasons included, months wrapping the year.
"""

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from circuitcourt.site.api_support import ApiError, ErrorOut

from . import grid
from .page import load_groups

router = Router(tags=["calendar"])


class CalendarParams(Schema):
    month: str | None = Field(
        None, description="Month from 1 (January) to 12; this month by default.", examples=["11"]
    )


class ProductSeasonOut(Schema):
    slug: str
    name: str
    group: str = Field(description="Slug of the top-level category.")
    level: str | None = Field(description='"peak", "available" or null in the chosen month.')
    months: list[str | None] = Field(
        description='The 12 months from January: "peak", "available" or null.'
    )
    season: str = Field(description="The months in season, in words.")
    all_year: bool


class CalendarOut(Schema):
    month: int
    in_season: list[ProductSeasonOut] = Field(
        description="Products in season in the month: at their peak first."
    )
    products: list[ProductSeasonOut] = Field(description="Every product with a season.")


def _product_out(group, product, month):
    return {
        "slug": product.category.slug,
        "name": product.category.local_name,
        "group": group.category.slug,
        "level": product.level(month),
        "months": product.cells,
        "season": product.season_text,
        "all_year": product.all_year,
    }


@router.get(
    "/",
    response={200: CalendarOut, 400: ErrorOut},
    summary="Products in season in a month, and the seasons of every product",
    operation_id="calendar_seasons",
)
def seasons(request: HttpRequest, params: Query[CalendarParams]):
    raw = (params.month or "").strip()
    try:
        month = int(raw) if raw else timezone.localdate().month
    except ValueError:
        month = 0
    if not 1 <= month <= 12:
        raise ApiError(
            400,
            "Invalid month.",
            [{"field": "month", "message": "Give a month number from 1 to 12."}],
        )
    products = [
        _product_out(group, product, month)
        for group in load_groups(lambda slug: "")
        for product in group.products
    ]
    ranked = {grid.PEAK: 0, grid.AVAILABLE: 1}
    in_season = sorted(
        (item for item in products if item["level"]), key=lambda item: ranked[item["level"]]
    )
    return {"month": month, "in_season": in_season, "products": products}

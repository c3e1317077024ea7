"""Is this product in season? The seasonal calendar's contract with the rest of the project.

The public calendar, the home page and the supply catalogue (which flags in-season offers)
all ask these functions; none reads the masks of `Seasonality` directly.

Inheritance: a category without its own Seasonality takes the season of its nearest ancestor
that has one (Maroilles, without a row, is in season when Fromages is). A row with no month
at all says "not in season locally" and stops the inheritance. Every helper resolves this the
same way, in SQL, through `season_masks()`: up to INHERITED_LEVELS ancestors are looked at,
more than the taxonomy's depth (categories and sub-categories).

Months are 1 (January) to 12 (December); seasons wrap across the new year, so a product in
season from November to February is in season in January. Any other month is a ValueError.
"""

from django.db.models import F, PositiveSmallIntegerField, Q
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan

from circuitcourt.directory.models import ProductCategory

from . import grid

INHERITED_LEVELS = 3  # parent, grandparent, great-grandparent

SEASON = "season_months_effective"
PEAK = "peak_months_effective"


def _effective(prefix, field):
    """The category's own mask, else its nearest ancestor's; NULL when none has a row."""
    paths = [f"{prefix}{'parent__' * up}seasonality__{field}" for up in range(INHERITED_LEVELS + 1)]
    return Coalesce(*(F(path) for path in paths), output_field=PositiveSmallIntegerField())


def season_masks(prefix=""):
    """Annotations giving each category's effective (season, peak) masks.

    `ProductCategory.objects.annotate(**season_masks())`, or with `prefix="category__"` on a
    model that points at a category. Both masks come from the same row: a row always has both.
    """
    return {SEASON: _effective(prefix, "season_months"), PEAK: _effective(prefix, "peak_months")}


def in_season_q(month, prefix=""):
    """A filter keeping the categories in season (available or peak) in `month`.

    `ProductCategory.objects.filter(in_season_q(11))`, or for related rows
    `Offer.objects.filter(in_season_q(11, prefix="category__"))`. One bitwise test in SQL.
    """
    bit = grid.month_bit(month)
    return Q(GreaterThan(_effective(prefix, "season_months").bitand(bit), 0))


def peak_q(month, prefix=""):
    """Like in_season_q, for the months of full season only."""
    bit = grid.month_bit(month)
    return Q(GreaterThan(_effective(prefix, "peak_months").bitand(bit), 0))


def in_season_category_ids(month):
    """The ids of every category in season in `month`, inherited seasons included (1 query)."""
    return set(ProductCategory.objects.filter(in_season_q(month)).values_list("pk", flat=True))


def season_levels(month, category_ids=None):
    """{category id: "peak" | "available" | None} for all (or the given) categories (1 query).

    For callers that flag many rows at once (a catalogue page) without a query per row.
    """
    grid.month_bit(month)
    categories = ProductCategory.objects.annotate(**season_masks())
    if category_ids is not None:
        categories = categories.filter(pk__in=category_ids)
    return {
        pk: grid.level(season or 0, peak or 0, month)
        for pk, season, peak in categories.values_list("pk", SEASON, PEAK)
    }


def season_level(category, month):
    """How much `category` (a ProductCategory or its id) is in season in `month`: "peak",
    "available" or None (1 query)."""
    pk = getattr(category, "pk", category)
    return season_levels(month, [pk]).get(pk)


def is_in_season(category, month):
    """True if `category` (a ProductCategory or its id) is available or at its peak in `month`."""
    return season_level(category, month) is not None

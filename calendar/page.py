"""What the public calendar and the home page show, built from one query of the taxonomy."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import F
from django.utils import timezone
from django.utils.dates import MONTHS, MONTHS_AP
from django.utils.translation import gettext as _

from circuitcourt.directory.models import DirectoryIndexPage, ProductCategory
from circuitcourt.site.i18n import in_active_locale

from . import grid
from .forms import CalendarForm
from .services import PEAK, SEASON, season_masks


@dataclass
class Product:
    """A product (a category without sub-categories) with its effective season."""

    category: ProductCategory
    season: int
    peak: int
    url: str = ""

    @property
    def all_year(self):
        return self.season == grid.ALL_YEAR

    @property
    def season_text(self):
        return grid.describe(self.season)

    @property
    def peak_text(self):
        return grid.describe(self.peak)

    def level(self, month):
        return grid.level(self.season, self.peak, month)

    @property
    def cells(self):
        return grid.levels(self.season, self.peak)


@dataclass
class Group:
    """A top-level category and its products in season at least one month of the year."""

    category: ProductCategory
    products: list = field(default_factory=list)


def next_month(month):
    return month % 12 + 1


def producers_url_maker(request, place=""):
    """A function giving the directory's page of a category (nearest first if a place is
    known), or "" when there is no live producers guide."""
    index = in_active_locale(DirectoryIndexPage.objects.live()).first()
    base = index.get_url(request) if index else None
    if not base:
        return lambda slug: ""
    query = f"?{urlencode({'place': place})}" if place else ""
    return lambda slug: f"{base}{index.reverse_subpage('category', kwargs={'slug': slug})}{query}"


def load_groups(producers_url):
    """Every product with a season, grouped under its top-level category, in the taxonomy's
    order. One query: the categories with their effective masks (inheritance included)."""
    categories = list(
        ProductCategory.objects.annotate(**season_masks(), season_notes=F("seasonality__notes"))
    )
    children = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)

    def products_under(category):
        below = children.get(category.pk)
        if not below:
            season = getattr(category, SEASON)
            if season:
                peak = getattr(category, PEAK) or 0
                yield Product(category, season, peak, producers_url(category.slug))
            return
        for child in below:
            yield from products_under(child)

    groups = [Group(top, list(products_under(top))) for top in children.get(None, [])]
    return [group for group in groups if group.products]


def in_season(groups, month):
    """The products in season in `month`: at their peak, available (seasonal), all year."""
    peak, available, all_year = [], [], []
    for group in groups:
        for product in group.products:
            level = product.level(month)
            if level == grid.PEAK:
                peak.append(product)
            elif level == grid.AVAILABLE:
                (all_year if product.all_year else available).append(product)
    return {"peak": peak, "available": available, "all_year": all_year}


def arriving(groups, month):
    """The products coming into season the month after `month`."""
    following = next_month(month)
    return [
        product
        for group in groups
        for product in group.products
        if product.level(following) and not product.level(month)
    ]


def month_names():
    return [{"name": MONTHS[m], "short_name": MONTHS_AP[m]} for m in grid.MONTH_NUMBERS]


def calendar_context(request):
    """The calendar page: the chosen month (?mois=, this month by default) and the next one,
    the year's grid per category, producer links carrying the visitor's place (?place=)."""
    current = timezone.localdate().month
    form = CalendarForm(request.GET or None)
    month, place, notices = current, "", []
    if form.is_bound:
        form.is_valid()
        if "mois" in form.errors:
            notices.append(
                _("“%(value)s” is not a month; here is the calendar of %(month)s.")
                % {"value": request.GET.get("mois", ""), "month": MONTHS[current]}
            )
        else:
            month = form.cleaned_data.get("mois") or current
        if "place" in form.errors:
            notices.append(
                _("%(error)s The producers will not be sorted by distance.")
                % {"error": form.errors["place"][0]}
            )
        else:
            place = form.cleaned_data.get("place", "")
    groups = load_groups(producers_url_maker(request, place))
    following = next_month(month)
    return {
        "form": form,
        "notices": notices,
        "month": month,
        "is_current_month": month == current,
        "month_name": MONTHS[month],
        "season_heading": _("In season in %(month)s") % {"month": MONTHS[month]},
        "now": in_season(groups, month),
        "next_month": following,
        "next_heading": _("And in %(month)s") % {"month": MONTHS[following]},
        "next": in_season(groups, following),
        "arriving": arriving(groups, month),
        "groups": groups,
        "months": month_names(),
        "place": place,
    }

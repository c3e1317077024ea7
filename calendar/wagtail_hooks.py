"""The seasonal calendar in the Wagtail admin: a "Seasonal calendar" menu with the grid of
every product category, a compact 12-month strip per row in the listing."""

import django_filters
from django.templatetags.static import static
from django.utils import timezone
from django.utils.dates import MONTHS, MONTHS_AP
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from circuitcourt.directory.models import ProductCategory

from . import grid
from .models import Seasonality
from .services import in_season_q


class MonthStripColumn(Column):
    """Twelve small boxes, one per month, marked peak / available / not in season."""

    cell_template_name = "seasonal_calendar/admin/month_strip_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        level_names = {grid.PEAK: _("peak season"), grid.AVAILABLE: _("available")}
        context["months"] = [
            {
                "initial": str(MONTHS_AP[month])[:1].upper(),
                "level": level or "none",
                "title": f"{MONTHS[month]} : {level_names.get(level, _('not in season'))}",
            }
            for month, level in zip(grid.MONTH_NUMBERS, instance.levels, strict=True)
        ]
        return context


class SeasonalityFilterSet(WagtailFilterSet):
    parent = django_filters.ModelChoiceFilter(
        label=capfirst(_("parent category")),
        field_name="category__parent",
        # Categories that have sub-categories; the name of each shows its own parent's.
        queryset=lambda request: (
            ProductCategory.objects.filter(children__isnull=False)
            .distinct()
            .select_related("parent")
        ),
        null_label=_("None (top-level categories)"),
    )
    in_season_now = django_filters.BooleanFilter(
        label=_("In season this month"), method="filter_in_season_now", widget=BooleanRadioSelect
    )
    month = django_filters.TypedChoiceFilter(
        label=_("In season in"),
        choices=[(month, capfirst(MONTHS[month])) for month in grid.MONTH_NUMBERS],
        coerce=int,
        method="filter_month",
    )

    class Meta:
        model = Seasonality
        fields = []

    def filter_in_season_now(self, queryset, name, value):
        if value is None:
            return queryset
        condition = in_season_q(timezone.localdate().month, prefix="category__")
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_month(self, queryset, name, month):
        if not month:
            return queryset
        return queryset.filter(in_season_q(month, prefix="category__"))


class SeasonalityViewSet(SnippetViewSet):
    model = Seasonality
    icon = "date"
    menu_label = _("Seasons of products")
    list_display = [
        "category",
        MonthStripColumn("levels", label=_("January to December")),
        "notes",
    ]
    filterset_class = SeasonalityFilterSet
    # Search with the ORM: the category's names are on another table.
    search_backend_name = None
    search_fields = ["category__name", "category__name_en"]
    list_export = ["category", "season_text", "peak_text", "notes"]
    export_headings = {
        "category": _("Product"),
        "season_text": _("In season"),
        "peak_text": _("Peak season"),
        "notes": _("Notes"),
    }
    ordering = ["category__parent__sort_order", "category__sort_order", "category__name"]

    def get_queryset(self, request):
        # A category's name shows its parent's.
        return Seasonality.objects.select_related("category__parent")


class SeasonalCalendarViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Seasonal calendar")
    menu_icon = "date"
    menu_order = 210
    items = (SeasonalityViewSet,)


register_snippet(SeasonalCalendarViewSetGroup)


@hooks.register("insert_global_admin_css")
def month_strip_css():
    return format_html('<link rel="stylesheet" href="{}">', static("seasonal_calendar/admin.css"))

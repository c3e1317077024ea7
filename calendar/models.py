"""The seasonal calendar: when each product of the taxonomy is in season in Hauts-de-France.

One `Seasonality` per product category holds its months as two 12-bit masks (see grid.py),
so the database answers "what is in season in month M" with one bitwise test. A category
without its own row takes the season of its nearest ancestor that has one (services.py).
The public `SeasonalCalendarPage` shows the month's products and the year's grid.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.models import Page
from wagtail.search import index

from circuitcourt.directory.models import ProductCategory

from . import grid
from .forms import SeasonalityForm


class Seasonality(models.Model):
    """The months a product category is in season locally: available months and peak months.

    Editors fill a 12-month grid in the admin; other apps ask services.py, not this model.
    """

    category = models.OneToOneField(
        ProductCategory,
        verbose_name=_("product"),
        on_delete=models.CASCADE,
        related_name="seasonality",
    )
    # Bit (month - 1) set when in season that month; see grid.py. Peak months are included.
    season_months = models.PositiveSmallIntegerField(_("months in season"), default=0)
    peak_months = models.PositiveSmallIntegerField(_("peak months"), default=0)
    notes = models.CharField(
        _("notes"),
        max_length=200,
        blank=True,
        help_text=_("Shown on the calendar, e.g. “stored apples until March”."),
    )

    base_form_class = SeasonalityForm
    panels = [
        FieldPanel("category"),
        FieldPanel("months"),
        FieldPanel("notes"),
    ]

    class Meta:
        ordering = ["category__sort_order", "category__name"]
        verbose_name = _("seasonality")
        verbose_name_plural = _("seasonalities")
        constraints = [
            models.CheckConstraint(
                condition=Q(season_months__lte=grid.ALL_YEAR, peak_months__lte=grid.ALL_YEAR),
                name="seasonality_twelve_months",
            ),
            models.CheckConstraint(
                condition=Q(peak_months=F("peak_months").bitand(F("season_months"))),
                name="seasonality_peak_in_season",
            ),
        ]

    def __str__(self):
        return str(self.category) if self.category_id else ""

    def save(self, *args, **kwargs):
        # A peak month is an available month, whoever wrote the masks.
        self.season_months |= self.peak_months
        super().save(*args, **kwargs)

    @property
    def levels(self):
        """The level, "peak", "available" or None, for each month, January first."""
        return grid.levels(self.season_months, self.peak_months)

    def season_text(self):
        return grid.describe(self.season_months)

    season_text.short_description = _("in season")

    def peak_text(self):
        return grid.describe(self.peak_months)

    peak_text.short_description = _("peak season")


class SeasonalCalendarPage(Page):
    """The public calendar (/de-saison/): what is in season this month and next, the year's
    grid per category, each product linking to the producers who sell it."""

    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    search_fields = Page.search_fields + [index.SearchField("introduction")]
    api_fields = [APIField("introduction")]

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("seasonal calendar")
        verbose_name_plural = _("seasonal calendars")

    def get_context(self, request, *args, **kwargs):
        from .page import calendar_context

        context = super().get_context(request, *args, **kwargs)
        context.update(calendar_context(request))
        return context

"""Factories for the seasonal calendar: seasons written as month periods, the calendar page."""

import factory

from circuitcourt.calendar import grid
from circuitcourt.calendar.models import SeasonalCalendarPage, Seasonality
from circuitcourt.home.models import HomePage

from .factories import ProductCategoryFactory


def months(*periods):
    """A mask from (first, last) periods, wrapping across the new year: months((11, 2))."""
    mask = 0
    for first, last in periods:
        mask |= grid.span(first, last)
    return mask


class SeasonalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seasonality

    category = factory.SubFactory(ProductCategoryFactory)
    season_months = 0
    peak_months = 0


def season(category, available=(), peak=(), notes=""):
    """The season of a category: `available` and `peak` are (first, last) month periods."""
    return SeasonalityFactory(
        category=category,
        season_months=months(*available) | months(*peak),
        peak_months=months(*peak),
        notes=notes,
    )


def calendar_page(title="Calendrier des produits de saison", slug="de-saison", **fields):
    """The published calendar page under the home page."""
    page = SeasonalCalendarPage(title=title, slug=slug, **fields)
    HomePage.objects.get(locale__language_code="fr").add_child(instance=page)
    page.save_revision().publish()
    return page

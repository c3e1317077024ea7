"""A small but complete site, for the tests that walk through it as a visitor or a buyer would:
producers near Arras, the seasonal calendar, news, a spotlight article, a supply portal."""

import datetime
from decimal import Decimal

from django.utils import timezone

from .factories import ProductCategoryFactory, make_producer
from .factories_calendar import calendar_page, season
from .factories_editorial import make_news
from .factories_spotlight import make_article, make_image
from .factories_supply import OfferFactory, make_buyer, make_slot, make_supplier


def make_site_content():
    fromages = ProductCategoryFactory(name="Fromages", name_en="Cheeses", slug="fromages")
    arras = make_producer(
        "Fromagerie d'Arras",
        "Arras",
        categories=[fromages],
        hours=[(weekday, "08:00", "19:00") for weekday in range(6)],
        summary="Maroilles affiné à la ferme.",
        click_and_collect=True,
    )
    make_producer("Fromages de Lens", "Lens", categories=[fromages])
    month = timezone.localdate().month
    season(fromages, peak=[(month, month)])
    calendar_page()
    news = make_news("Les fromagers ouvrent leurs portes", lead="Visites et dégustations samedi.")
    make_article("Portrait d'une fromagère", producers=[arras], portrait=make_image("Portrait"))
    slot = make_slot(timezone.localdate() + datetime.timedelta(days=5))
    farm = make_supplier("Ferme des Sept Vallées", username="ferme7v")
    leeks = OfferFactory(supplier=farm, name="Poireaux", price=Decimal("2.10"))
    butter = OfferFactory(
        supplier=make_supplier("Laiterie de la Canche"), name="Beurre", price=Decimal("12")
    )
    buyer = make_buyer("Le Bistrot du Marché", username="bistrot")
    return {
        "arras": arras,
        "news": news,
        "slot": slot,
        "offers": [leeks, butter],
        "buyer": buyer,
    }

"""Visitors find producers on a phone: a search near a town, the seasonal calendar."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import ProductCategoryFactory, make_producer
from tests.factories_calendar import calendar_page, season

from .conftest import measure, record

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ALL_DAY = [(weekday, "00:00", "23:59") for weekday in range(7)]


@pytest.fixture
def cheese_makers():
    """Three cheese makers at growing distances from Arras, and an orchard."""
    fromages = ProductCategoryFactory(name="Fromages", name_en="Cheeses", slug="fromages")
    maroilles = ProductCategoryFactory(
        name="Maroilles", name_en="Maroilles", slug="maroilles", parent=fromages
    )
    pommes = ProductCategoryFactory(name="Pommes", name_en="Apples", slug="pommes")
    makers = [
        make_producer(
            "Chèvrerie de Lille",
            "Lille",
            categories=[fromages],
            summary="Fromages de chèvre fermiers.",
        ),
        make_producer(
            "Fromagerie d'Arras",
            "Arras",
            categories=[maroilles],
            hours=ALL_DAY,
            summary="Maroilles affiné à la ferme.",
        ),
        make_producer("Fromages de Lens", "Lens", categories=[fromages]),
    ]
    make_producer("Vergers de Douai", "Douai", categories=[pommes])
    return {"fromages": fromages, "pommes": pommes, "makers": makers}


def test_a_visitor_on_a_phone_finds_cheese_near_arras_and_todays_hours(phone, cheese_makers):
    page = phone
    page.goto("/producteurs/")
    page.get_by_label("Produit, producteur ou lieu").fill("fromage")
    page.get_by_label("Près d'une commune").fill("Arras")
    page.get_by_label("Rayon (km)").fill("50")
    page.get_by_role("button", name="Rechercher", exact=True).click()

    expect(page).to_have_url(re.compile(r"/producteurs/\?q=fromage&place=Arras&.*radius_km=50"))
    expect(page.locator("#results-heading")).to_contain_text("3 producteurs")
    names = page.locator(".producer-card__title").all_inner_texts()
    assert names == ["Fromagerie d'Arras", "Fromages de Lens", "Chèvrerie de Lille"]
    distances = [
        float(re.search(r"([\d,]+) km", text)[1].replace(",", "."))
        for text in page.locator(".producer-card .distance").all_inner_texts()
    ]
    assert distances == sorted(distances) and distances[0] == 0

    measure_the_results_page(page)

    # The map draws a marker (or a cluster of markers) for the results, on top of the list.
    expect(page.locator("#results-map .leaflet-marker-icon").first).to_be_visible()
    assert page.locator("#results-map .leaflet-marker-icon").count() >= 1

    page.get_by_role("link", name="Fromagerie d'Arras").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fromagerie d'Arras")
    expect(page.locator(".opening-status")).to_contain_text("Ouvert aujourd'hui jusqu'à")
    page.get_by_text("Horaires de la semaine").click()
    weekdays = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
    today = weekdays[timezone.localdate().weekday()]
    today_row = page.locator(".schedule tr", has=page.locator("th", has_text=today))
    expect(today_row).to_contain_text("00:00–23:59")


def measure_the_results_page(page):
    """LCP, bytes and layout shift of the results page as Chromium measured it, recorded."""
    metrics = measure(page)
    record("search-page-metrics", metrics)
    assert metrics["largest_contentful_paint_ms"] is not None
    assert metrics["largest_contentful_paint_ms"] < 2500  # "good" LCP, on a local server
    assert metrics["cumulative_layout_shift"] < 0.1
    assert metrics["images_without_size"] == []
    assert 0 < metrics["total_bytes"] < 500_000


def test_a_visitor_browses_what_is_in_season_and_reaches_a_producer(phone, cheese_makers):
    this_month = timezone.localdate().month
    season(cheese_makers["fromages"], peak=[(this_month, this_month)])
    season(cheese_makers["pommes"], available=[(this_month % 12 + 1, this_month % 12 + 1)])
    calendar_page()

    page = phone
    page.goto("/de-saison/")
    now = page.locator(".season-now")
    # Maroilles takes the season of its parent, Fromages.
    expect(now).to_contain_text("Maroilles")
    expect(now).not_to_contain_text("Pommes")  # next month, not this one
    expect(page.locator(".season-next")).to_contain_text("Pommes")

    now.get_by_role("link", name="Maroilles").click()
    expect(page).to_have_url(re.compile(r"/producteurs/categorie/maroilles/"))
    expect(page.locator(".producer-card__title")).to_have_text(["Fromagerie d'Arras"])
    page.get_by_role("link", name="Fromagerie d'Arras").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fromagerie d'Arras")


def test_the_language_switch_keeps_the_search(phone, cheese_makers):
    page = phone
    page.goto("/producteurs/?q=fromage&place=Arras&radius_km=50")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("link", name="English").click()

    expect(page).to_have_url(re.compile(r"/en/producteurs/\?q=fromage&place=Arras&radius_km=50$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#results-heading")).to_contain_text("3 producers within 50 km of Arras")
    expect(page.get_by_label("Product, producer or place")).to_have_value("fromage")
    page.get_by_role("link", name="Fromagerie d'Arras").click()
    expect(page).to_have_url(re.compile(r"/en/producteurs/fromagerie-darras/$"))
    expect(page.locator(".opening-status")).to_contain_text("Open today until")

    page.get_by_role("link", name="Français").click()
    expect(page).to_have_url(re.compile(r"^http://[^/]+/producteurs/fromagerie-darras/$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator(".opening-status")).to_contain_text("Ouvert aujourd'hui")


MAP_WORDS = {
    "fr": {
        "zoom in": "Zoom avant",
        "zoom out": "Zoom arrière",
        "credit": "Une bibliothèque JavaScript de cartes interactives",
        "close popup": "Fermer la bulle",
    },
    "en": {
        "zoom in": "Zoom in",
        "zoom out": "Zoom out",
        "credit": "A JavaScript library for interactive maps",
        "close popup": "Close popup",
    },
}


def map_words(page, map_id):
    """What the map's controls say, to the eye (title) and to a screen reader (aria-label)."""
    zoom_in = page.locator(f"#{map_id} .leaflet-control-zoom-in")
    zoom_out = page.locator(f"#{map_id} .leaflet-control-zoom-out")
    expect(zoom_in).to_be_visible()
    assert zoom_in.get_attribute("aria-label") == zoom_in.get_attribute("title")
    assert zoom_out.get_attribute("aria-label") == zoom_out.get_attribute("title")
    return {
        "zoom in": zoom_in.get_attribute("title"),
        "zoom out": zoom_out.get_attribute("title"),
        "credit": page.locator(
            f'#{map_id} .leaflet-control-attribution a[href*="leafletjs"]'
        ).get_attribute("title"),
    }


def test_the_map_speaks_the_language_of_the_page(phone, cheese_makers):
    page = phone
    for language, prefix in [("fr", ""), ("en", "/en")]:
        page.goto(f"{prefix}/producteurs/?q=fromage&place=Arras&radius_km=50")
        words = map_words(page, "results-map")

        # Each marker is named after its producer and point of sale, never "Marker".
        markers = page.locator("#results-map img.leaflet-marker-icon")
        expect(markers.first).to_be_visible()
        alts = [marker.get_attribute("alt") for marker in markers.all()]
        assert "Fromagerie d'Arras – Ferme Fromagerie d'Arras" in alts, alts
        assert "Marker" not in alts
        page.locator('#results-map img[alt^="Fromagerie d\'Arras"]').click()
        close = page.locator("#results-map .leaflet-popup-close-button")
        expect(close).to_be_visible()
        words["close popup"] = close.get_attribute("aria-label")
        assert words == MAP_WORDS[language], language

    # The producer's own map too.
    page.goto("/producteurs/fromagerie-darras/")
    assert map_words(page, "producer-map") == {
        name: MAP_WORDS["fr"][name] for name in ("zoom in", "zoom out", "credit")
    }

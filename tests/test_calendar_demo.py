"""The demo data carries a correct seasonal calendar of Hauts-de-France produce."""

import io

import pytest
from wagtail.models import Revision

from circuitcourt.calendar import demo, grid
from circuitcourt.calendar.models import SeasonalCalendarPage, Seasonality
from circuitcourt.calendar.services import in_season_category_ids, is_in_season, season_level
from circuitcourt.directory.demo import load_reference_data
from circuitcourt.directory.models import ProductCategory

pytestmark = pytest.mark.django_db

ALL = set(grid.MONTH_NUMBERS)


@pytest.fixture
def demo_calendar():
    load_reference_data()
    demo.load_calendar_demo()
    return ProductCategory.objects.in_bulk(field_name="slug")


def months_in_season(category):
    return {month for month in grid.MONTH_NUMBERS if is_in_season(category, month)}


def peak_months(category):
    return {month for month in grid.MONTH_NUMBERS if season_level(category, month) == "peak"}


@pytest.mark.parametrize(
    "slug, in_season, peak",
    [
        ("endives", {10, 11, 12, 1, 2, 3, 4}, {11, 12, 1, 2, 3}),
        ("fraises", {5, 6, 7}, {6}),
        ("poireaux", {9, 10, 11, 12, 1, 2, 3, 4}, None),
        ("pommes", {8, 9, 10, 11, 12, 1, 2, 3}, {9, 10, 11}),
        ("poires", {8, 9, 10, 11, 12}, None),
        ("rhubarbe", {4, 5, 6}, None),
        ("asperges", {4, 5, 6}, {5}),
        ("jets-de-houblon", {3, 4}, None),
        ("pommes-de-terre", ALL, None),
        ("gibier", {9, 10, 11, 12, 1, 2}, None),
        ("moules", {7, 8, 9, 10, 11, 12}, None),
        ("maroilles", ALL, set()),  # from Fromages
        ("fromages-de-chevre", set(range(3, 12)), None),
        ("sapins-de-noel", {11, 12}, {12}),
        ("laine", set(), set()),
    ],
)
def test_the_demo_seasons_match_the_regions_produce(demo_calendar, slug, in_season, peak):
    category = demo_calendar[slug]
    assert months_in_season(category) == in_season
    if peak is not None:
        assert peak_months(category) == peak


def test_regional_products_are_added_under_their_parent_in_french_and_english(demo_calendar):
    hops = demo_calendar["jets-de-houblon"]
    assert hops.parent.slug == "legumes"
    assert (hops.name, hops.name_en) == ("Jets de houblon", "Hop shoots")
    scallops = demo_calendar["coquilles-saint-jacques"]
    assert scallops.parent.slug == "poissons-et-fruits-de-mer" and scallops.name_en == "Scallops"


def test_every_food_product_has_a_season_and_winter_has_chicons_not_strawberries(demo_calendar):
    # Products, not the headings above them (Fruits, Légumes mix seasons and have none).
    food = ProductCategory.objects.filter(is_food=True, children__isnull=True)
    assert [c.slug for c in food if not months_in_season(c)] == []
    january = in_season_category_ids(1)
    assert demo_calendar["endives"].pk in january
    assert demo_calendar["fraises"].pk not in january


def test_loading_the_calendar_twice_changes_nothing(demo_calendar, client):
    rows, revisions = Seasonality.objects.count(), Revision.objects.count()
    out = io.StringIO()
    assert demo.load_calendar_demo(out) == {"categories": 0, "created": 0, "updated": 0}
    assert "published" not in out.getvalue()
    assert Seasonality.objects.count() == rows
    assert Revision.objects.count() == revisions
    page = SeasonalCalendarPage.objects.get(locale__language_code="fr")
    assert page.live and page.url == "/de-saison/"
    assert client.get("/de-saison/").status_code == 200


def test_an_edited_season_is_put_back_by_the_demo_loader(demo_calendar):
    row = Seasonality.objects.get(category=demo_calendar["fraises"])
    row.season_months = row.peak_months = 0
    row.save()
    assert demo.load_calendar_demo()["updated"] == 1
    assert is_in_season(demo_calendar["fraises"], 6)

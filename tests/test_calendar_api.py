"""A front end (or the supply portal) asks the API what is in season."""

import datetime

import pytest

from .factories import ProductCategoryFactory
from .factories_calendar import season

pytestmark = pytest.mark.django_db

API = "/api/v3/calendar/"


@pytest.fixture
def produce():
    legumes = ProductCategoryFactory(name="Légumes", name_en="Vegetables", slug="legumes")
    fromages = ProductCategoryFactory(name="Fromages", name_en="Cheeses", slug="fromages")
    endives = ProductCategoryFactory(
        name="Endives", name_en="Chicory", slug="endives", parent=legumes
    )
    poireaux = ProductCategoryFactory(
        name="Poireaux", name_en="Leeks", slug="poireaux", parent=legumes
    )
    ProductCategoryFactory(name="Maroilles", slug="maroilles", parent=fromages)
    season(endives, available=[(10, 4)], peak=[(11, 3)])
    season(poireaux, available=[(9, 4)])
    season(fromages, available=[(1, 12)])


def test_january_lists_chicory_at_its_peak_first(client, produce):
    response = client.get(API, {"month": "1"})
    assert response.status_code == 200
    data = response.json()
    assert data["month"] == 1
    assert [(p["slug"], p["level"]) for p in data["in_season"]] == [
        ("endives", "peak"),
        ("maroilles", "available"),  # inherits the season of Fromages (first in the taxonomy)
        ("poireaux", "available"),
    ]
    endives = data["in_season"][0]
    assert endives["months"][:4] == ["peak", "peak", "peak", "available"]
    assert endives["season"] == "octobre – avril"
    assert endives["group"] == "legumes"
    assert not endives["all_year"]
    assert len(data["products"]) == 3


def test_in_june_only_the_cheese_is_in_season_and_names_follow_the_language(client, produce):
    data = client.get(API, {"month": "6"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert [p["slug"] for p in data["in_season"]] == ["maroilles"]
    assert {p["name"] for p in data["products"]} >= {"Chicory", "Leeks"}


def test_without_a_month_the_api_answers_for_this_month(client, produce, monkeypatch):
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2026, 11, 23)
    )
    assert client.get(API).json()["month"] == 11


@pytest.mark.parametrize("value", ["13", "0", "novembre", "1.5", "²"])
def test_a_bad_month_is_a_400_naming_the_field(client, produce, value):
    response = client.get(API, {"month": value})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {"field": "month", "message": "Give a month number from 1 to 12."}
    ]


def test_the_api_runs_the_same_queries_for_few_or_many_products(
    client, produce, django_assert_max_num_queries
):
    client.get(API, {"month": "1"})
    with django_assert_max_num_queries(10) as few:
        client.get(API, {"month": "1"})
    for n in range(30):
        season(ProductCategoryFactory(name=f"Produit {n}"), available=[(12, 2)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(API, {"month": "1"}).json()["in_season"]) == 33


def test_the_openapi_document_describes_the_calendar(client):
    document = client.get("/api/v3/openapi.json").json()
    operation = document["paths"]["/api/v3/calendar/"]["get"]
    assert operation["operationId"] == "calendar_seasons"
    assert [p["name"] for p in operation["parameters"]] == ["month"]

"""Chamber editors keep the seasonal calendar up to date in the Wagtail admin, month by month."""

import csv
import io

import pytest
from django.contrib.auth.models import Group, Permission

from circuitcourt.calendar import services
from circuitcourt.calendar.models import Seasonality
from circuitcourt.home import groups

from .conftest import PASSWORD
from .factories import ProductCategoryFactory
from .factories_calendar import months, season

pytestmark = pytest.mark.django_db

SNIPPETS = "/admin/snippets/seasonal_calendar/seasonality/"


@pytest.fixture
def editor(client, chamber_editor):
    assert client.login(username=chamber_editor.username, password=PASSWORD)
    return client


@pytest.fixture
def produce():
    fruits = ProductCategoryFactory(name="Fruits", slug="fruits")
    legumes = ProductCategoryFactory(name="Légumes", slug="legumes")
    return {
        "fruits": fruits,
        "legumes": legumes,
        "fraises": ProductCategoryFactory(name="Fraises", slug="fraises", parent=fruits),
        "endives": ProductCategoryFactory(name="Endives", slug="endives", parent=legumes),
        "poireaux": ProductCategoryFactory(name="Poireaux", slug="poireaux", parent=legumes),
    }


def grid_post(category, levels, notes=""):
    """The edit form as a browser posts it: one radio value per month."""
    data = {"category": category.pk, "notes": notes}
    for month in range(1, 13):
        data[f"months_{month}"] = levels.get(month, "")
    return data


def test_chamber_editors_get_the_rights_on_seasons_after_migrate():
    chamber = Group.objects.get(name=groups.CHAMBER_EDITORS)
    codenames = set(
        chamber.permissions.filter(content_type__app_label="seasonal_calendar").values_list(
            "codename", flat=True
        )
    )
    assert {"add_seasonality", "change_seasonality", "view_seasonality"} <= codenames
    partner = Group.objects.get(name=groups.PARTNER_EDITORS)
    assert not partner.permissions.filter(content_type__app_label="seasonal_calendar").exists()


def test_the_form_shows_a_twelve_month_grid_not_free_text(editor, produce):
    html = editor.get(f"{SNIPPETS}add/").content.decode()
    for month in range(1, 13):
        for value in ("", "available", "peak"):
            assert f'name="months_{month}"' in html
            assert f'value="{value}"' in html
    assert html.count('type="radio"') == 36
    assert "janvier : pleine saison" in html  # each radio has a spoken label
    assert '<abbr title="novembre">nov.</abbr>' in html
    assert "Pleine saison" in html and "Disponible" in html and "Hors saison" in html


def test_an_editor_fills_the_grid_of_endives_across_the_new_year(editor, produce):
    peak = dict.fromkeys((11, 12, 1, 2, 3), "peak")
    levels = {10: "available", 4: "available", **peak}
    response = editor.post(
        f"{SNIPPETS}add/", grid_post(produce["endives"], levels, notes="Le chicon")
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    row = Seasonality.objects.get(category=produce["endives"])
    assert row.season_months == months((10, 4))
    assert row.peak_months == months((11, 3))
    assert services.season_level(produce["endives"], 1) == "peak"
    assert services.season_level(produce["endives"], 4) == "available"
    assert not services.is_in_season(produce["endives"], 7)

    # The edit form shows the grid as saved.
    html = editor.get(f"{SNIPPETS}edit/{row.pk}/").content.decode()
    assert 'id="id_months_1_peak" value="peak" checked' in html
    assert 'id="id_months_10_available" value="available" checked' in html
    assert 'id="id_months_7_none" value="" checked' in html


def test_an_editor_changes_a_season_and_clears_months(editor, produce):
    row = season(produce["fraises"], available=[(5, 9)], peak=[(6, 6)])
    response = editor.post(
        f"{SNIPPETS}edit/{row.pk}/",
        grid_post(produce["fraises"], {5: "available", 6: "peak", 7: "available"}),
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.season_months == months((5, 7))
    assert row.peak_months == months((6, 6))


def test_a_tampered_grid_is_a_form_error_and_nothing_is_saved(editor, produce):
    response = editor.post(f"{SNIPPETS}add/", grid_post(produce["endives"], {1: "toujours"}))
    assert response.status_code == 200
    assert "Choisissez un niveau pour chaque mois" in response.content.decode()
    assert not Seasonality.objects.exists()


def test_a_category_has_one_season_only(editor, produce):
    season(produce["endives"], available=[(10, 4)])
    html = editor.get(f"{SNIPPETS}add/").content.decode()
    assert f'<option value="{produce["endives"].pk}"' not in html  # not offered again
    response = editor.post(f"{SNIPPETS}add/", grid_post(produce["endives"], {1: "peak"}))
    assert response.status_code == 200
    assert Seasonality.objects.count() == 1


def test_the_listing_shows_a_month_strip_and_filters_by_month_and_parent(editor, produce):
    season(produce["endives"], available=[(10, 4)], peak=[(11, 3)])
    season(produce["fraises"], available=[(5, 7)], peak=[(6, 6)])
    season(produce["poireaux"], available=[(9, 4)])

    html = editor.get(SNIPPETS).content.decode()
    assert "Légumes › Endives" in html and "Fruits › Fraises" in html
    assert html.count('class="cc-month-strip"') == 3
    assert "juin : pleine saison" in html
    assert "juillet : disponible" in html

    june = editor.get(SNIPPETS, {"month": 6}).content.decode()
    assert "Fraises" in june and "Endives" not in june and "Poireaux" not in june
    vegetables = editor.get(SNIPPETS, {"parent": produce["legumes"].pk}).content.decode()
    assert "Endives" in vegetables and "Poireaux" in vegetables and "Fraises" not in vegetables
    found = editor.get(SNIPPETS, {"q": "fraise"}).content.decode()
    assert "Fraises" in found and "Endives" not in found


def test_in_season_this_month_follows_todays_date(editor, produce, monkeypatch):
    import datetime

    season(produce["endives"], available=[(10, 4)])
    season(produce["fraises"], available=[(5, 7)])
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2026, 6, 10)
    )
    html = editor.get(SNIPPETS, {"in_season_now": "true"}).content.decode()
    assert "Fraises" in html and "Endives" not in html
    html = editor.get(SNIPPETS, {"in_season_now": "false"}).content.decode()
    assert "Endives" in html and "Fraises" not in html


def test_the_listing_exports_the_seasons_in_words(editor, produce):
    season(produce["endives"], available=[(10, 4)], peak=[(11, 3)], notes="Le chicon")
    response = editor.get(SNIPPETS, {"export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[0] == ["Produit", "De saison", "Pleine saison", "Remarques"]
    assert rows[1] == ["Légumes › Endives", "octobre – avril", "novembre – mars", "Le chicon"]


def test_the_listing_runs_a_bounded_number_of_queries(
    editor, produce, django_assert_max_num_queries
):
    season(produce["endives"], available=[(10, 4)])
    editor.get(SNIPPETS)  # warm the caches (site, permissions)
    with django_assert_max_num_queries(40) as few:
        editor.get(SNIPPETS)
    for n in range(18):  # one page of the listing
        season(ProductCategoryFactory(name=f"Variété {n}", parent=produce["fruits"]), [(6, 8)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = editor.get(SNIPPETS).content.decode()
    assert html.count('class="cc-month-strip"') == 19


def test_people_without_rights_cannot_edit_seasons(client, make_user, produce):
    partner = make_user("office.tourisme", groups.PARTNER_EDITORS)
    assert client.login(username=partner.username, password=PASSWORD)
    assert client.get(SNIPPETS).status_code in (302, 403)
    response = client.post(f"{SNIPPETS}add/", grid_post(produce["endives"], {1: "peak"}))
    assert response.status_code in (302, 403)
    assert not Seasonality.objects.exists()
    assert not Permission.objects.filter(
        group__name=groups.PARTNER_EDITORS, codename="change_seasonality"
    ).exists()

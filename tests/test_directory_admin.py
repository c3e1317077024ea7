"""Chamber editors keep the producers guide up to date in the Wagtail admin."""

import csv
import html
import io
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from circuitcourt.directory.models import Partner, PointOfSale, ProductCategory, QualitySign
from circuitcourt.home import groups

from .conftest import PASSWORD
from .factories import (
    PointOfSaleFactory,
    ProductCategoryFactory,
    QualitySignFactory,
    commune,
    make_producer,
)

pytestmark = pytest.mark.django_db

PRODUCERS = "/admin/producers/"
SNIPPETS = "/admin/snippets/directory/"
SNIPPET_LISTINGS = {
    "productcategory": "Fromages",
    "qualitysign": "Label Rouge",
    "partner": "Office de tourisme du Montreuillois",
    "pointofsale": "Marché de Wazemmes",
    "commune": "Arras",
}


def logged_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def editor(client, chamber_editor):
    return logged_in(client, chamber_editor)


@pytest.fixture
def reference_data():
    fromages = ProductCategoryFactory(name="Fromages", name_en="Cheeses", slug="fromages")
    ProductCategoryFactory(name="Maroilles", name_en="Maroilles", slug="maroilles", parent=fromages)
    QualitySignFactory(name="Label Rouge", short_name="LR", slug="label-rouge", kind="national")
    Partner.objects.create(
        name="Office de tourisme du Montreuillois", slug="ot-montreuillois", kind="tourism"
    )
    PointOfSaleFactory(
        name="Marché de Wazemmes", kind=PointOfSale.Kind.MARKET, commune=commune("Lille")
    )


@pytest.fixture
def guide():
    """Producers around Arras, Lens, Douai and Lille, one with nothing to locate, one draft."""
    fromages = ProductCategoryFactory(name="Fromages", name_en="Cheeses", slug="fromages")
    maroilles = ProductCategoryFactory(
        name="Maroilles", name_en="Maroilles", slug="maroilles", parent=fromages
    )
    pommes = ProductCategoryFactory(name="Pommes", name_en="Apples", slug="pommes")
    bio = QualitySignFactory(name="Agriculture Biologique", short_name="AB", slug="ab")
    aop = QualitySignFactory(name="Maroilles AOP", short_name="AOP", slug="maroilles-aop")

    arras = make_producer("Fromagerie d'Arras", "Arras", categories=[maroilles])
    product = arras.products.first()
    product.quality_signs.add(aop)  # a product-level sign
    product.save()
    make_producer("Vergers de Lens", "Lens", categories=[pommes], click_and_collect=True)
    make_producer("Brasserie de Douai", "Douai", signs=[bio])  # a farm-level sign
    unplaced = PointOfSaleFactory(name="Marché sans adresse", latitude=None, longitude=None)
    make_producer("Ferme sans adresse", "Arras", points_of_sale=[unplaced])
    make_producer("Ferme sans point de vente", "Lille", points_of_sale=[])
    make_producer("Ferme en préparation", "Arras", categories=[fromages], live=False)
    return {"fromages": fromages, "maroilles": maroilles, "bio": bio, "aop": aop}


def listed_producers(response):
    """The producer titles shown in the admin listing, in order."""
    assert response.status_code == 200
    found = re.findall(r'id="page_\d+_title">\s*(.*?)\s*</span>', response.content.decode(), re.S)
    return [html.unescape(title) for title in found]


def listed_snippets(response):
    assert response.status_code == 200
    found = re.findall(
        r'id="snippet_\d+_title"[^>]*>\s*(.*?)\s*</', response.content.decode(), re.S
    )
    return [html.unescape(title) for title in found]


# Reference data (snippets)


def test_chamber_editor_finds_the_directory_menu_and_every_listing(editor, reference_data):
    dashboard = editor.get("/admin/").content.decode()
    assert "Annuaire" in dashboard
    assert "Producteurs" in dashboard
    for model, name in SNIPPET_LISTINGS.items():
        assert editor.get(f"{SNIPPETS}{model}/").status_code == 200, model
        # searched, as the gazetteer's communes run over many pages
        assert name in listed_snippets(editor.get(f"{SNIPPETS}{model}/", {"q": name})), model


def test_chamber_editor_creates_a_quality_sign_through_the_admin_form(editor):
    response = editor.post(
        f"{SNIPPETS}qualitysign/add/",
        {
            "name": "Indication Géographique Protégée",
            "short_name": "IGP",
            "slug": "igp",
            "kind": QualitySign.Kind.EU,
            "explanation": "Un lien fort avec le territoire.",
            "website": "",
        },
    )
    assert response.status_code == 302, response.content.decode()

    listing = editor.get(f"{SNIPPETS}qualitysign/")
    assert listed_snippets(listing) == ["Indication Géographique Protégée"]
    assert "IGP" in listing.content.decode()


def test_quality_signs_are_filtered_by_kind_and_searched(editor):
    QualitySignFactory(name="Label Rouge", slug="label-rouge", kind="national")
    QualitySignFactory(name="Maroilles AOP", slug="maroilles-aop", kind="eu")
    by_kind = editor.get(f"{SNIPPETS}qualitysign/", {"kind": "national"})
    assert listed_snippets(by_kind) == ["Label Rouge"]
    by_name = editor.get(f"{SNIPPETS}qualitysign/", {"q": "maroil"})
    assert listed_snippets(by_name) == ["Maroilles AOP"]


def test_categories_are_filtered_by_parent_and_food(editor):
    fromages = ProductCategoryFactory(name="Fromages", slug="fromages")
    ProductCategoryFactory(name="Maroilles", slug="maroilles", parent=fromages)
    ProductCategoryFactory(name="Laine", slug="laine", is_food=False)
    url = f"{SNIPPETS}productcategory/"
    children = editor.get(url, {"parent": fromages.pk})
    assert listed_snippets(children) == ["Maroilles"]
    assert "Fromages" in children.content.decode()  # the parent column
    assert set(listed_snippets(editor.get(url, {"parent": "null"}))) == {"Fromages", "Laine"}
    assert listed_snippets(editor.get(url, {"is_food": "false"})) == ["Laine"]
    assert listed_snippets(editor.get(url, {"q": "maroil"})) == ["Maroilles"]


def test_editor_reorders_categories_by_drag_and_drop(editor):
    # Made in code, these categories have no position yet.
    for name in ("Fruits", "Légumes", "Fromages"):
        ProductCategoryFactory(name=name)
    legumes = ProductCategory.objects.get(name="Légumes")

    listing = editor.get(f"{SNIPPETS}productcategory/").content.decode()
    assert "?ordering=sort_order" in listing  # the "Sort item order" button
    assert editor.get(f"{SNIPPETS}productcategory/", {"ordering": "sort_order"}).status_code == 200
    response = editor.post(f"{SNIPPETS}productcategory/reorder/{legumes.pk}/?position=0")
    assert response.status_code == 200, response.content.decode()

    ordered = list(ProductCategory.objects.values_list("name", flat=True))
    assert ordered == ["Légumes", "Fromages", "Fruits"]


def test_points_of_sale_without_location_are_found_and_exported_with_coordinates(editor):
    PointOfSaleFactory(name="Ferme du Bois", commune=commune("Arras"))
    PointOfSaleFactory(
        name="Marché sans adresse", kind=PointOfSale.Kind.MARKET, latitude=None, longitude=None
    )
    url = f"{SNIPPETS}pointofsale/"

    assert listed_snippets(editor.get(url, {"kind": "market"})) == ["Marché sans adresse"]

    assert listed_snippets(editor.get(url, {"missing_location": "true"})) == ["Marché sans adresse"]
    assert listed_snippets(editor.get(url, {"q": "bois"})) == ["Ferme du Bois"]
    searched_and_filtered = {
        "q": "march",
        "commune": commune("Arras").pk,
        "missing_location": "true",
    }
    assert listed_snippets(editor.get(url, searched_and_filtered)) == ["Marché sans adresse"]

    export = editor.get(url, {"export": "csv"})
    assert export.status_code == 200
    rows = list(csv.DictReader(io.StringIO(export.getvalue().decode("utf-8-sig"))))
    ferme = next(row for row in rows if row["Nom"] == "Ferme du Bois")
    arras = commune("Arras")
    assert float(ferme["Latitude"]) == pytest.approx(arras.latitude)
    assert float(ferme["Longitude"]) == pytest.approx(arras.longitude)


def test_point_of_sale_form_has_the_map_and_saves_the_marker_as_coordinates(editor):
    point = PointOfSaleFactory(name="Ferme du Bois", latitude=None, longitude=None)
    url = f"{SNIPPETS}pointofsale/edit/{point.pk}/"

    form = editor.get(url)
    assert form.status_code == 200
    assert 'data-controller="leaflet-field"' in form.content.decode()

    response = editor.post(
        url,
        {
            "kind": point.kind,
            "name": point.name,
            "address": "1 rue de la Paix, Arras",
            "postcode": "62000",
            "commune": point.commune.pk,
            "location": "SRID=4326;POINT(2.78186 50.29301)",
            "notes": "",
            "opening_hours-TOTAL_FORMS": "0",
            "opening_hours-INITIAL_FORMS": "0",
            "opening_hours-MIN_NUM_FORMS": "0",
            "opening_hours-MAX_NUM_FORMS": "1000",
            "closures-TOTAL_FORMS": "0",
            "closures-INITIAL_FORMS": "0",
            "closures-MIN_NUM_FORMS": "0",
            "closures-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()
    point.refresh_from_db()
    assert (point.latitude, point.longitude) == (50.29301, 2.78186)


def test_only_superusers_add_or_delete_communes(client, chamber_editor, django_user_model):
    arras = commune("Arras")
    editor = logged_in(client, chamber_editor)
    assert editor.get(f"{SNIPPETS}commune/edit/{arras.pk}/").status_code == 200
    for url in (f"{SNIPPETS}commune/add/", f"{SNIPPETS}commune/delete/{arras.pk}/"):
        response = editor.get(url)
        assert response.status_code == 302 and response["Location"] == "/admin/", url

    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", PASSWORD)
    superuser = logged_in(client, admin)
    assert superuser.get(f"{SNIPPETS}commune/add/").status_code == 200


# Permissions


def directory_codenames(group_name):
    return set(
        Group.objects.get(name=group_name)
        .permissions.filter(content_type__app_label="directory")
        .values_list("codename", flat=True)
    )


def test_only_chamber_editors_get_rights_on_the_directory_and_keep_them_after_migrate():
    chamber = Group.objects.get(name=groups.CHAMBER_EDITORS)
    assert {"add_qualitysign", "change_pointofsale", "delete_partner"} <= directory_codenames(
        groups.CHAMBER_EDITORS
    )
    assert {"add_commune", "delete_commune"}.isdisjoint(directory_codenames(groups.CHAMBER_EDITORS))
    for name in (groups.PARTNER_EDITORS, groups.RESTAURANT_BUYERS, groups.PRODUCERS):
        assert directory_codenames(name) == set(), name

    chamber.permissions.remove(*Permission.objects.filter(content_type__app_label="directory"))
    call_command("migrate", verbosity=0)
    assert "add_qualitysign" in directory_codenames(groups.CHAMBER_EDITORS)


DIRECTORY_LISTINGS = [PRODUCERS] + [f"{SNIPPETS}{model}/" for model in SNIPPET_LISTINGS]


def test_partner_editor_is_sent_back_to_the_dashboard(client, make_user):
    logged_in(client, make_user("office.tourisme", groups.PARTNER_EDITORS))
    assert "Annuaire" not in client.get("/admin/").content.decode()  # no menu entry either
    for url in DIRECTORY_LISTINGS:
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/admin/"), url


def test_restaurant_buyer_is_sent_to_the_login_page(client, restaurant_buyer):
    logged_in(client, restaurant_buyer)
    for url in DIRECTORY_LISTINGS:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url


# Producers listing


def test_producers_listing_shows_every_producer_with_its_details(editor, guide):
    response = editor.get(PRODUCERS)
    assert sorted(listed_producers(response)) == [
        "Brasserie de Douai",
        "Ferme en préparation",
        "Ferme sans adresse",
        "Ferme sans point de vente",
        "Fromagerie d'Arras",
        "Vergers de Lens",
    ]
    page = response.content.decode()
    for heading in ("Commune", "Click &amp; Collect", "Points de vente", "Statut", "Mis à jour"):
        assert heading in page
    assert "brouillon" in page.lower()  # the draft says so


def test_producers_are_filtered_by_commune(editor, guide):
    response = editor.get(PRODUCERS, {"commune": commune("Arras").pk})
    assert sorted(listed_producers(response)) == [
        "Ferme en préparation",
        "Ferme sans adresse",
        "Fromagerie d'Arras",
    ]


def test_a_category_includes_its_sub_categories(editor, guide):
    by_parent = editor.get(PRODUCERS, {"category": guide["fromages"].pk})
    assert sorted(listed_producers(by_parent)) == ["Ferme en préparation", "Fromagerie d'Arras"]
    by_child = editor.get(PRODUCERS, {"category": guide["maroilles"].pk})
    assert listed_producers(by_child) == ["Fromagerie d'Arras"]


def test_quality_sign_of_the_farm_or_of_a_product(editor, guide):
    assert listed_producers(editor.get(PRODUCERS, {"quality_sign": guide["bio"].pk})) == [
        "Brasserie de Douai"
    ]
    assert listed_producers(editor.get(PRODUCERS, {"quality_sign": guide["aop"].pk})) == [
        "Fromagerie d'Arras"
    ]


def test_click_and_collect_yes_or_no(editor, guide):
    assert listed_producers(editor.get(PRODUCERS, {"click_and_collect": "true"})) == [
        "Vergers de Lens"
    ]
    others = listed_producers(editor.get(PRODUCERS, {"click_and_collect": "false"}))
    assert len(others) == 5 and "Vergers de Lens" not in others


def test_missing_location_and_no_point_of_sale_are_separate(editor, guide):
    assert listed_producers(editor.get(PRODUCERS, {"missing_location": "true"})) == [
        "Ferme sans adresse"
    ]
    assert listed_producers(editor.get(PRODUCERS, {"no_point_of_sale": "true"})) == [
        "Ferme sans point de vente"
    ]
    located = listed_producers(editor.get(PRODUCERS, {"missing_location": "false"}))
    assert "Ferme sans adresse" not in located and "Vergers de Lens" in located


def test_producers_are_searched_by_name(editor, guide):
    assert listed_producers(editor.get(PRODUCERS, {"q": "vergers"})) == ["Vergers de Lens"]
    searched_and_filtered = editor.get(PRODUCERS, {"q": "ferme", "no_point_of_sale": "true"})
    assert listed_producers(searched_and_filtered) == ["Ferme sans point de vente"]
    # sorting by a column that is not in the search index falls back instead of failing
    sorted_search = editor.get(PRODUCERS, {"q": "ferme", "ordering": "commune__name"})
    assert sorted(listed_producers(sorted_search)) == [
        "Ferme en préparation",
        "Ferme sans adresse",
        "Ferme sans point de vente",
    ]


@pytest.mark.parametrize(
    "filters, words, expected",
    [
        ({"commune": "Arras"}, "fromagerie", ["Fromagerie d'Arras"]),
        ({"category": "fromages"}, "ferme", ["Ferme en préparation"]),
        ({"quality_sign": "bio"}, "brasserie", ["Brasserie de Douai"]),
        ({"quality_sign": "aop"}, "fromagerie", ["Fromagerie d'Arras"]),
        ({"click_and_collect": "true"}, "vergers", ["Vergers de Lens"]),
        ({"missing_location": "true"}, "ferme", ["Ferme sans adresse"]),
        ({"no_point_of_sale": "false"}, "ferme", ["Ferme en préparation", "Ferme sans adresse"]),
    ],
)
def test_search_and_filters_combine(editor, guide, filters, words, expected):
    objects = {"Arras": commune("Arras"), **guide}
    params = {name: objects.get(value, value) for name, value in filters.items()}
    params = {name: getattr(value, "pk", value) for name, value in params.items()}
    response = editor.get(PRODUCERS, {"q": words, **params})
    assert sorted(listed_producers(response)) == expected


def test_producers_are_sorted_by_their_number_of_points_of_sale(editor, guide):
    lens = PointOfSaleFactory(name="Marché de Lens", commune=commune("Lens"))
    make_producer("Ferme à deux marchés", "Lens", points_of_sale=[lens, PointOfSaleFactory()])
    response = editor.get(PRODUCERS, {"ordering": "-point_of_sale_count"})
    assert listed_producers(response)[0] == "Ferme à deux marchés"
    assert listed_producers(editor.get(PRODUCERS, {"ordering": "point_of_sale_count"}))[0] == (
        "Ferme sans point de vente"
    )


LISTING_QUERY_BOUND = 30  # measured: 26 plain, 28 with the category filter


@pytest.mark.parametrize("count", [5, 30])
def test_producers_listing_runs_a_bounded_number_of_queries(
    editor, django_assert_max_num_queries, count
):
    fromages = ProductCategoryFactory(name="Fromages", slug="fromages")
    bio = QualitySignFactory(name="Agriculture Biologique", slug="ab")
    for n in range(count):
        make_producer(f"Ferme {n}", "Arras", categories=[fromages], signs=[bio])
    editor.get(PRODUCERS)  # warm the per-process caches (content types, site root paths)

    with django_assert_max_num_queries(LISTING_QUERY_BOUND):
        response = editor.get(PRODUCERS)
    assert len(listed_producers(response)) == count
    with django_assert_max_num_queries(LISTING_QUERY_BOUND):
        response = editor.get(PRODUCERS, {"category": fromages.pk, "click_and_collect": "false"})
    assert len(listed_producers(response)) == count

"""A visitor looks for local producers by words, product, sign, kind and distance."""

import json
import re

import pytest
from wagtail.models import Locale, PageViewRestriction

from circuitcourt.directory.geo import haversine_km
from circuitcourt.directory.models import PointOfSale, ProducerPage, ProductCategory

from .factories import (
    PointOfSaleFactory,
    ProductCategoryFactory,
    QualitySignFactory,
    commune,
    make_producer,
)

pytestmark = pytest.mark.django_db

API = "/api/v3/directory/producers/"


@pytest.fixture
def guide():
    """Six producers around Arras, Lille and Montreuil-sur-Mer (one of them a draft)."""
    fromages = ProductCategoryFactory(name="Fromages", name_en="Cheeses", slug="fromages")
    maroilles = ProductCategoryFactory(
        name="Maroilles", name_en="Maroilles", slug="maroilles", parent=fromages
    )
    fruits = ProductCategoryFactory(name="Fruits", name_en="Fruit", slug="fruits")
    pommes = ProductCategoryFactory(name="Pommes", name_en="Apples", slug="pommes", parent=fruits)
    boissons = ProductCategoryFactory(name="Boissons", name_en="Drinks", slug="boissons")
    bieres = ProductCategoryFactory(name="Bières", name_en="Beers", slug="bieres", parent=boissons)
    bio = QualitySignFactory(name="Agriculture Biologique", short_name="AB", slug="ab")
    aop = QualitySignFactory(name="Maroilles AOP", short_name="AOP", slug="maroilles-aop")

    arras = make_producer("Fromagerie d'Arras", "Arras", categories=[maroilles])
    product = arras.products.first()
    product.quality_signs.add(aop)  # a parental many-to-many: saved with its owner
    product.save()
    arras = ProducerPage.objects.get(
        locale__language_code="fr", pk=arras.pk
    )  # as an editor saving the page again
    arras.save_revision().publish()
    lens = make_producer("Vergers de Lens", "Lens", categories=[pommes], click_and_collect=True)
    douai = make_producer("Brasserie de Douai", "Douai", categories=[bieres], signs=[bio])
    lille_market = PointOfSaleFactory(
        name="Marché de Wazemmes", kind=PointOfSale.Kind.MARKET, commune=commune("Lille")
    )
    lille = make_producer(
        "Chèvrerie de Lille", "Lille", categories=[fromages], points_of_sale=[lille_market]
    )
    montreuil_market = PointOfSaleFactory(
        name="Marché de Montreuil", kind=PointOfSale.Kind.MARKET, commune=commune("Montreuil")
    )
    montreuil = make_producer(
        "Ferme de la Canche", "Montreuil", categories=[pommes], points_of_sale=[montreuil_market]
    )
    draft = make_producer("Ferme en préparation", "Arras", categories=[maroilles], live=False)
    return {
        "arras": arras,
        "lens": lens,
        "douai": douai,
        "lille": lille,
        "montreuil": montreuil,
        "draft": draft,
    }


def titles(response):
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


def test_words_find_products_whatever_the_accents_and_plurals(client, guide):
    assert set(titles(client.get(API, {"q": "pommes"}))) == {
        "Vergers de Lens",
        "Ferme de la Canche",
    }
    assert set(titles(client.get(API, {"q": "pomme"}))) == {"Vergers de Lens", "Ferme de la Canche"}
    assert titles(client.get(API, {"q": "biere"})) == ["Brasserie de Douai"]
    assert titles(client.get(API, {"q": "BIÈRES"})) == ["Brasserie de Douai"]
    assert titles(client.get(API, {"q": "apples lens"})) == ["Vergers de Lens"]


def test_drafts_are_never_found(client, guide):
    found = titles(client.get(API, {"q": "ferme"}))
    assert "Ferme en préparation" not in found
    assert "Ferme de la Canche" in found


def test_a_category_includes_its_sub_categories(client, guide):
    found = titles(client.get(API, {"category": "fromages"}))
    assert found == ["Chèvrerie de Lille", "Fromagerie d'Arras"]  # alphabetical without centre
    assert titles(client.get(API, {"category": "maroilles"})) == ["Fromagerie d'Arras"]


def test_a_category_added_or_moved_by_an_editor_is_searched_at_once(client, guide):
    # The taxonomy is cached between searches; changing it must show in the next search.
    assert titles(client.get(API, {"category": "fromages"})) == [
        "Chèvrerie de Lille",
        "Fromagerie d'Arras",
    ]
    fromages = ProductCategory.objects.get(slug="fromages")
    tomme = ProductCategoryFactory(name="Tomme", name_en="Tomme", slug="tomme", parent=fromages)
    make_producer("Fromagerie de Bapaume", "Bapaume", categories=[tomme])
    assert "Fromagerie de Bapaume" in titles(client.get(API, {"category": "fromages"}))

    bieres = ProductCategory.objects.get(slug="bieres")
    bieres.parent = fromages  # an editor's mistake, saved in the admin
    bieres.save()
    assert "Brasserie de Douai" in titles(client.get(API, {"category": "fromages"}))
    bieres.parent = ProductCategory.objects.get(slug="boissons")
    bieres.save()
    assert "Brasserie de Douai" not in titles(client.get(API, {"category": "fromages"}))


def test_producers_in_a_private_section_are_never_found(client, guide):
    arras = guide["arras"]
    restriction = PageViewRestriction.objects.create(
        page=arras, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    assert "Fromagerie d'Arras" not in titles(client.get(API, {"category": "fromages"}))
    near = {"place": "Arras", "radius_km": "60"}
    assert "Fromagerie d'Arras" not in titles(client.get(API, near))
    assert "Vergers de Lens" in titles(client.get(API, near))

    restriction.delete()
    assert titles(client.get(API, near))[0] == "Fromagerie d'Arras"


def test_quality_sign_of_the_farm_or_of_a_product(client, guide):
    assert titles(client.get(API, {"sign": "ab"})) == ["Brasserie de Douai"]
    assert titles(client.get(API, {"sign": "maroilles-aop"})) == ["Fromagerie d'Arras"]


def test_click_and_collect_and_kind_of_point_of_sale(client, guide):
    assert titles(client.get(API, {"click_collect": "true"})) == ["Vergers de Lens"]
    assert titles(client.get(API, {"kind": "market"})) == [
        "Chèvrerie de Lille",
        "Ferme de la Canche",
    ]


def test_near_a_commune_sorted_by_distance_with_the_distance(client, guide):
    response = client.get(API, {"place": "Arras", "radius_km": "20"})
    items = response.json()["items"]
    assert [i["title"] for i in items] == ["Fromagerie d'Arras", "Vergers de Lens"]
    assert items[0]["distance_km"] == 0
    arras, lens = commune("Arras"), commune("Lens")
    expected = haversine_km(arras.latitude, arras.longitude, lens.latitude, lens.longitude)
    assert items[1]["distance_km"] == pytest.approx(expected, abs=0.01)
    assert 15 < items[1]["distance_km"] < 18
    # The matching point of sale comes with its own distance.
    assert items[1]["points_of_sale"][0]["distance_km"] == pytest.approx(expected, abs=0.01)


def test_distance_between_real_communes_arras_lille_is_about_42_km(client, guide):
    lille = commune("Lille")
    response = client.get(
        API, {"near": f"{lille.latitude},{lille.longitude}", "radius_km": "50", "q": "fromage"}
    )
    items = response.json()["items"]
    assert [i["title"] for i in items] == ["Chèvrerie de Lille", "Fromagerie d'Arras"]
    assert items[0]["distance_km"] == 0
    assert items[1]["distance_km"] == pytest.approx(42.5, abs=1.0)


def test_place_typed_in_words_is_resolved_offline(client, guide):
    assert titles(client.get(API, {"place": "montreuil sur mer", "radius_km": "5"})) == [
        "Ferme de la Canche"
    ]
    assert titles(client.get(API, {"place": "Montreuil-sur-Mer", "radius_km": "5"})) == [
        "Ferme de la Canche"
    ]


def test_filters_combine(client, guide):
    found = titles(client.get(API, {"category": "fromages", "place": "Arras", "radius_km": "50"}))
    assert found == ["Fromagerie d'Arras", "Chèvrerie de Lille"]
    found = titles(
        client.get(
            API, {"category": "fromages", "place": "Arras", "kind": "market", "radius_km": "50"}
        )
    )
    assert found == ["Chèvrerie de Lille"]
    assert titles(client.get(API, {"q": "pommes", "place": "Arras", "radius_km": "20"})) == [
        "Vergers de Lens"
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"near": "200,3"}, "near"),
        ({"near": "50.2"}, "near"),
        ({"near": "abc,def"}, "near"),
        ({"place": "Arras", "radius_km": "-3"}, "radius_km"),
        ({"place": "Arras", "radius_km": "dix"}, "radius_km"),
        ({"radius_km": "10"}, "radius_km"),
        ({"category": "pas-une-categorie"}, "category"),
        ({"sign": "inconnu"}, "sign"),
        ({"kind": "castle"}, "kind"),
        ({"open_on": "2026-13-45"}, "open_on"),
        ({"place": "Nulle-Part-sur-Rien"}, "place"),
        ({"page": "0"}, "page"),
        ({"page": "deux"}, "page"),
        ({"page": "99"}, "page"),
        ({"page_size": "1000"}, "page_size"),
    ],
)
def test_bad_values_give_400_with_the_field_and_a_reason(client, guide, params, field):
    response = client.get(API, params)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert [error["field"] for error in body["errors"]] == [field]
    assert body["errors"][0]["message"]


def test_geojson_variant_for_maps(client, guide):
    response = client.get(API + "geojson/", {"place": "Arras", "radius_km": "20"})
    assert response.status_code == 200
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert data["count"] == 2
    first = data["features"][0]
    assert first["geometry"]["type"] == "Point"
    arras = commune("Arras")
    assert first["geometry"]["coordinates"] == [arras.longitude, arras.latitude]
    assert first["properties"]["producer"] == "Fromagerie d'Arras"


def test_pagination(client, guide):
    response = client.get(API, {"page_size": "2", "page": "2"})
    body = response.json()
    assert body["count"] == 5
    assert body["page"] == 2
    assert body["pages"] == 3
    assert len(body["items"]) == 2


def test_pages_of_results_near_a_place_follow_one_another_by_distance(client, guide):
    near = {"place": "Arras", "radius_km": "300"}
    everything = client.get(API, {**near, "page_size": "10"}).json()
    assert everything["count"] == 5 and everything["pages"] == 1
    pages = [client.get(API, {**near, "page_size": "2", "page": n}).json() for n in (1, 2, 3)]
    assert [page["count"] for page in pages] == [5, 5, 5]  # the count comes with each page
    assert [page["pages"] for page in pages] == [3, 3, 3]
    assert [item["id"] for page in pages for item in page["items"]] == [
        item["id"] for item in everything["items"]
    ]
    distances = [item["distance_km"] for item in everything["items"]]
    assert distances == sorted(distances)
    for page in ("4", "0"):  # past the end, before the start
        response = client.get(API, {**near, "page_size": "2", "page": page})
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "page"
        # The search page says so too (its page number reaches the ranking unchecked).
        html = client.get("/producteurs/", {**near, "page": page}).content.decode()
        assert "Cette page de résultats n'existe pas" in html


def test_search_page_lists_results_and_keeps_the_search_in_the_url(client, guide):
    response = client.get("/producteurs/", {"q": "fromage", "place": "Arras", "radius_km": "50"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 producteurs" in html
    assert html.index("Fromagerie d&#x27;Arras") < html.index("Chèvrerie de Lille")
    assert "42,6 km" in html or "42,5 km" in html  # French decimal comma
    assert 'value="Arras"' in html  # the form shows the search it ran
    assert 'id="results-map-data"' in html  # the map gets its points, the list works without


def test_search_page_explains_bad_input_without_failing(client, guide):
    response = client.get("/producteurs/", {"place": "Nulle-Part-sur-Rien"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Aucune commune des Hauts-de-France ne correspond" in html
    assert 'aria-invalid="true"' in html


def test_empty_search_result_says_so(client, guide):
    html = client.get("/producteurs/", {"q": "caviar"}).content.decode()
    assert "0 producteur" in html
    assert "Aucun producteur ne correspond" in html


def test_category_and_commune_pages_have_titles_for_search_engines(client, guide):
    response = client.get("/producteurs/categorie/fromages/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Producteurs de fromages</h1>" in html
    assert "Fromagerie d&#x27;Arras" in html and "Chèvrerie de Lille" in html
    assert '<meta name="description" content="Producteurs locaux' in html

    response = client.get("/producteurs/commune/arras/")
    html = response.content.decode()
    assert "Producteurs à Arras et alentours" in html
    assert "Fromagerie d&#x27;Arras" in html
    assert "Chèvrerie de Lille" not in html
    assert client.get("/producteurs/categorie/inconnue/").status_code == 404


def test_sitemap_lists_producers_categories_and_communes(client, guide):
    xml = client.get("/sitemap.xml").content.decode()
    assert "/producteurs/fromagerie-darras/" in xml
    assert "/producteurs/categorie/maroilles/" in xml
    assert "/producteurs/commune/arras/" in xml
    assert "ferme-en-preparation" not in xml


def test_producer_page_shows_products_signs_points_of_sale_and_json_ld(client, guide):
    response = client.get(guide["arras"].url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Maroilles" in html
    assert "Maroilles AOP" in html  # the sign, explained
    assert "Ferme Fromagerie d&#x27;Arras" in html  # its point of sale
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1]
    )
    assert data["@type"] == "LocalBusiness"
    assert data["name"] == "Fromagerie d'Arras"
    assert data["address"]["addressLocality"] == "Arras"
    assert "Vergers de Lens" in html  # other producers nearby


def test_english_producer_page_links_the_nearby_producers_english_pages(client, guide):
    english = Locale.objects.get(language_code="en")
    response = client.get(guide["arras"].get_translation(english).url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    lens = guide["lens"].get_translation(english)
    assert re.search(rf'<a href="{lens.url}">Vergers de Lens</a> \(\d+\.\d km\)', html)


def _more_producers(count, category):
    for n in range(count):
        make_producer(f"Ferme numéro {n}", "Arras", categories=[category])


def test_search_api_runs_a_constant_number_of_queries(client, guide, django_assert_max_num_queries):
    params = {"category": "fromages", "place": "Arras", "radius_km": "60"}
    with django_assert_max_num_queries(11) as few:
        assert client.get(API, params).status_code == 200
    _more_producers(15, guide["arras"].products.first().category)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(API, params)
    assert response.json()["count"] == 17


def test_search_page_runs_a_constant_number_of_queries(
    client, guide, django_assert_max_num_queries
):
    params = {"place": "Arras", "radius_km": "60"}
    client.get("/producteurs/", params)  # warm Wagtail's site cache
    with django_assert_max_num_queries(25) as few:
        assert client.get("/producteurs/", params).status_code == 200
    _more_producers(15, guide["arras"].products.first().category)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/producteurs/", params).status_code == 200


def test_producer_page_runs_a_bounded_number_of_queries(
    client, guide, django_assert_max_num_queries
):
    url = guide["arras"].url
    client.get(url)
    # Where producers are sparse (this guide), "nearby" widens its circle up to 4 times (3
    # more queries); the language switch finds the page's English version (one more).
    with django_assert_max_num_queries(24) as few:
        client.get(url)
    _more_producers(15, guide["arras"].products.first().category)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_openapi_document_describes_the_directory_endpoints(client):
    response = client.get("/api/v3/openapi.json")
    assert response.status_code == 200
    document = response.json()
    search = document["paths"]["/api/v3/directory/producers/"]["get"]
    names = {parameter["name"] for parameter in search["parameters"]}
    assert {"q", "category", "sign", "near", "place", "radius_km", "open_now", "page"} <= names
    assert {"200", "400"} <= set(search["responses"])
    assert "/api/v3/directory/producers/geojson/" in document["paths"]
    assert "/api/v3/pages/" in document["paths"]  # Wagtail's own API, same document
    assert client.get("/api/v3/docs/").status_code == 200


def test_search_page_in_english(client, guide):
    response = client.get("/en/producteurs/", {"q": "apples"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "2 producers" in html
    assert "Product, producer or place" in html
    api = client.get(API, {"category": "pommes"}, HTTP_ACCEPT_LANGUAGE="en")
    assert api.json()["items"][0]["categories"] == [{"slug": "pommes", "name": "Apples"}]
    assert api["Content-Language"] == "en"
    french = client.get(API, {"category": "pommes", "lang": "fr"}, HTTP_ACCEPT_LANGUAGE="en")
    assert french.json()["items"][0]["categories"][0]["name"] == "Pommes"
    error = client.get(API, {"near": "200,3"}, HTTP_ACCEPT_LANGUAGE="en")
    assert error.json()["errors"][0]["message"] == "Latitude must be between -90 and 90."


def test_json_ld_cannot_close_its_script_element(client, guide):
    producer = guide["lens"]
    producer.title = "Vergers</script><script>alert(1)</script>"
    producer.save_revision().publish()
    html = client.get(producer.url).content.decode()
    assert "<script>alert(1)</script>" not in html
    json_ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1]
    assert json.loads(json_ld)["name"] == "Vergers</script><script>alert(1)</script>"


def test_a_page_number_that_is_not_a_number_is_explained(client, guide):
    response = client.get("/producteurs/", {"page": "abc", "q": "ferme"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cette page de résultats n'existe pas." in html
    assert 'href="?q=ferme"' in html  # back to the first page, keeping the search


def test_a_category_page_keeps_its_category(client, guide):
    html = client.get("/producteurs/categorie/fromages/", {"category": "pommes"}).content.decode()
    assert "<h1>Producteurs de fromages</h1>" in html
    assert "Vergers de Lens" not in html
    assert "Fromagerie d&#x27;Arras" in html


def test_yes_no_parameters_read_the_same_in_the_api_and_the_form(client, guide):
    for no in ("false", "0"):
        assert len(titles(client.get(API, {"click_collect": no}))) == 5
    for yes in ("true", "1"):
        assert titles(client.get(API, {"click_collect": yes})) == ["Vergers de Lens"]
    html = client.get("/producteurs/", {"click_collect": "true"}).content.decode()
    assert "1 producteur" in html


def test_words_match_from_their_start_and_product_signs_are_searchable(client, guide):
    assert titles(client.get(API, {"q": "lens"})) == ["Vergers de Lens"]
    assert titles(client.get(API, {"q": "ens"})) == []  # not inside "Lens"
    assert titles(client.get(API, {"q": "maroilles aop"})) == ["Fromagerie d'Arras"]


def test_english_pages_link_to_english_pages(client, guide):
    html = client.get("/en/producteurs/", {"q": "apples"}).content.decode()
    assert 'action="/en/producteurs/"' in html
    assert 'href="/en/producteurs/vergers-de-lens/"' in html


def test_editors_preview_a_new_producer_with_what_they_typed(guide):
    from circuitcourt.directory.models import ProducerPage, ProducerProduct, ProductCategory

    index = guide["arras"].get_parent()
    page = ProducerPage(title="Nouvelle ferme", slug="nouvelle-ferme", commune=commune("Arras"))
    page.products.add(ProducerProduct(category=ProductCategory.objects.get(slug="bieres")))
    page.set_url_path(index)
    page.path = index.path + "9999"  # the editor's preview renders a page not yet saved
    page.depth = index.depth + 1
    response = page.make_preview_request()
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nouvelle ferme" in html and "/categorie/bieres/" in html


def test_a_point_of_sale_moved_on_the_map_moves_its_producer_in_the_results(client, guide):
    # The distance search reads the links' copy of the coordinates: it must follow the point.
    lille = guide["lille"]
    market = lille.points_of_sale.get().point_of_sale
    near_arras = {"place": "Arras", "radius_km": "10"}
    assert "Chèvrerie de Lille" not in titles(client.get(API, near_arras))

    arras = commune("Arras")
    market.location = f"SRID=4326;POINT({arras.longitude} {arras.latitude + 0.01})"
    market.save()  # as the map widget does in the admin

    results = client.get(API, near_arras).json()["items"]
    moved = next(item for item in results if item["title"] == "Chèvrerie de Lille")
    assert moved["distance_km"] == pytest.approx(1.1, abs=0.1)


def test_publishing_an_older_revision_keeps_the_current_coordinates(client, guide):
    # A revision stores the links as they were; the point of sale stays the truth.
    lille = ProducerPage.objects.get(locale__language_code="fr", pk=guide["lille"].pk)
    revision = lille.save_revision()
    market = lille.points_of_sale.get().point_of_sale
    arras = commune("Arras")
    market.latitude, market.longitude, market.location = arras.latitude, arras.longitude, ""
    market.save()

    revision.publish()

    link = ProducerPage.objects.get(locale__language_code="fr", pk=lille.pk).points_of_sale.get()
    assert (link.latitude, link.longitude) == (arras.latitude, arras.longitude)
    results = titles(client.get(API, {"place": "Arras", "radius_km": "2"}))
    assert "Chèvrerie de Lille" in results


@pytest.mark.parametrize(
    ("kilometres", "expected"),
    [
        # Sparse: the circle widens to 20 km, never further.
        ((1.5, 4, 8, 15, 30), [1.5, 4, 8, 15]),
        # Dense: the four nearest within the first circle, the fifth left out.
        ((0.5, 0.8, 1.1, 1.4, 2.0, 6), [0.5, 0.8, 1.1, 1.4]),
        # Fewer than four within 20 km: all of them.
        ((3, 12, 40), [3, 12]),
    ],
)
def test_nearby_producers_are_the_nearest_within_20_km(db, kilometres, expected):
    from circuitcourt.directory.producer_page import nearby_producers

    arras = commune("Arras")
    here = PointOfSaleFactory(commune=arras)
    producer = make_producer("Ferme du centre", points_of_sale=[here])
    distance_of = {}
    for number, km in enumerate(reversed(kilometres)):  # farthest first: order from distance
        # Due north: a degree of latitude is 111.195 km.
        point = PointOfSaleFactory(commune=arras, latitude=arras.latitude + km / 111.195)
        distance_of[make_producer(f"Ferme {number}", points_of_sale=[point]).pk] = km
    nearby = nearby_producers(producer, [here])
    assert [distance_of[page.pk] for page in nearby] == expected
    assert [round(page.distance_km, 1) for page in nearby] == expected


def test_the_api_names_each_point_of_sale_kind_in_the_asked_language(client):
    make_producer("Ferme du Mont", commune_name="Arras")
    french = client.get("/api/v3/directory/producers/", {"q": "mont", "lang": "fr"}).json()
    english = client.get("/api/v3/directory/producers/", {"q": "mont", "lang": "en"}).json()
    french_point = french["items"][0]["points_of_sale"][0]
    english_point = english["items"][0]["points_of_sale"][0]
    assert french_point["kind"] == english_point["kind"] == PointOfSale.Kind.FARM_SHOP
    assert (french_point["kind_label"], english_point["kind_label"]) == (
        "Vente à la ferme",
        "Farm shop",
    )

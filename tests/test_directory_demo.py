"""The directory's demo data (what `make run` shows) and the benchmark data generator."""

import io
import re
from html import unescape

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from wagtail.models import Locale, Page, Revision

from circuitcourt.directory import demo
from circuitcourt.directory.geo import haversine_km
from circuitcourt.directory.models import (
    DirectoryIndexPage,
    OpeningHours,
    Partner,
    PointOfSale,
    ProducerPage,
    ProducerProduct,
    ProductCategory,
    QualitySign,
)

from .factories import make_producer

pytestmark = pytest.mark.django_db

LATITUDES, LONGITUDES = (49.0, 51.2), (1.3, 4.4)  # Hauts-de-France, roughly
REGIONAL_SIGNS = {
    "maroilles-aop": ("Maroilles AOP", "AOP"),
    "ail-fume-d-arleux-igp": ("Ail fumé d'Arleux IGP", "IGP"),
    "volailles-de-licques-label-rouge": ("Volailles de Licques Label Rouge", "Label Rouge"),
    "lingot-du-nord-igp": ("Lingot du Nord IGP", "IGP"),
    "genievre-flandre-artois-ig": ("Genièvre Flandre Artois IG", "IG"),
}


def in_region(point):
    return (
        LATITUDES[0] <= point.latitude <= LATITUDES[1]
        and LONGITUDES[0] <= point.longitude <= LONGITUDES[1]
    )


def generate(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_producers", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


# Reference data -----------------------------------------------------------------------------


def test_reference_data_describes_the_regions_products_and_signs():
    assert demo.load_reference_data()["created"] > 50

    maroilles = ProductCategory.objects.get(slug="maroilles")
    assert maroilles.parent.slug == "fromages" and maroilles.name_en == "Maroilles"
    assert ProductCategory.objects.get(slug="bieres").parent.name == "Boissons"
    assert ProductCategory.objects.get(slug="endives").name == "Endives / chicons"
    assert not ProductCategory.objects.get(slug="sapins-de-noel").is_food
    assert all(category.icon for category in ProductCategory.objects.all())

    for slug, (name, short_name) in REGIONAL_SIGNS.items():
        sign = QualitySign.objects.get(slug=slug)
        assert (sign.name, sign.short_name) == (name, short_name)
        assert len(sign.explanation) > 150 and sign.website.startswith("https://")
    assert QualitySign.objects.get(slug="hve").kind == QualitySign.Kind.NATIONAL
    assert QualitySign.objects.get(slug="bienvenue-a-la-ferme").kind == QualitySign.Kind.NETWORK

    kinds = set(Partner.objects.values_list("kind", flat=True))
    assert kinds == {Partner.Kind.TOURISM, Partner.Kind.TERRITORY, Partner.Kind.NETWORK}
    assert not Partner.objects.filter(name__icontains="démo").exists()


def test_reference_data_reload_restores_what_it_owns_and_creates_nothing():
    demo.load_reference_data()
    QualitySign.objects.filter(slug="maroilles-aop").update(explanation="")
    counts = (ProductCategory.objects.count(), QualitySign.objects.count())

    assert demo.load_reference_data() == {"created": 0, "updated": 1}
    assert QualitySign.objects.get(slug="maroilles-aop").explanation.startswith("Fromage")
    assert (ProductCategory.objects.count(), QualitySign.objects.count()) == counts


def test_the_demo_plan_is_the_same_on_every_run():
    first_producers, first_points = demo.plan_demo_producers()
    second_producers, second_points = demo.plan_demo_producers()

    def producers(plans):
        return [(p.ref, p.title, p.slug, p.place.id, p.products, p.signs) for p in plans]

    def points(plans):
        return [(p.ref, p.name, p.latitude, p.longitude, p.hours) for p in plans]

    assert producers(first_producers) == producers(second_producers)
    assert points(first_points) == points(second_points)
    assert len(first_producers) >= 300 and len(first_points) >= 500


# The benchmark generator ----------------------------------------------------------------------


def test_generated_producers_are_live_pages_in_a_sound_tree(client):
    out, err = generate(50, points_per_producer=3, seed=7)

    producers = ProducerPage.objects.filter(import_ref__startswith="gen-").order_by("import_ref")
    assert producers.count() == 50 and "Created 50 producers" in out
    assert "100 %" in err  # progress, on stderr
    assert [p.import_ref for p in producers[:2]] == ["gen-000001", "gen-000002"]
    assert all(p.live and p.is_fictional and p.commune_id for p in producers)
    assert Page.find_problems() == ([], [], [], [], [])
    fixtree = io.StringIO()
    call_command("fixtree", interactive=False, stdout=fixtree)
    assert "Incorrect" not in fixtree.getvalue() and "No problems found" in fixtree.getvalue()

    for producer in (producers.first(), producers.last()):
        assert client.get(producer.url).status_code == 200
    # bulk_create skips save(): the search text must be what save() would have written.
    producers = producers.prefetch_related("products__category__parent", "quality_signs")
    assert all(p.search_text == p.build_search_text() for p in producers.select_related("commune"))

    points = PointOfSale.objects.filter(import_ref__startswith="gen-pos-")
    assert points.count() == 150
    assert all(in_region(point) and point.location for point in points)
    assert ProducerProduct.objects.filter(producer__in=producers).count() >= 50


def test_generating_again_adds_producers_and_clear_removes_only_generated_ones(client):
    real = make_producer("La Ferme du Vrai Maroilles", commune_name="Maroilles")
    generate(20, points_per_producer=2)
    generate(10, points_per_producer=2)
    generated = ProducerPage.objects.filter(import_ref__startswith="gen-")
    assert generated.count() == 30
    assert generated.filter(import_ref="gen-000030").exists()

    out, _ = generate(5, points_per_producer=2, clear=True)
    assert "Deleted 30 generated producers and 60 points of sale" in out
    assert sorted(generated.values_list("import_ref", flat=True)) == [
        f"gen-00000{n}" for n in range(1, 6)
    ]
    assert Page.find_problems() == ([], [], [], [], [])

    generate(0, clear=True)
    assert not generated.exists()
    assert not PointOfSale.objects.filter(import_ref__startswith="gen-").exists()
    assert Page.find_problems() == ([], [], [], [], [])
    assert DirectoryIndexPage.objects.get(locale__language_code="fr").get_children().count() == 1
    assert client.get(real.url).status_code == 200
    assert real.points_of_sale.count() == 1


def test_generate_producers_refuses_nonsense():
    with pytest.raises(CommandError, match="points-per-producer"):
        generate(10, points_per_producer=0)
    with pytest.raises(CommandError, match="negative"):
        generate(-1)


# The full demo (about 20 s to load: once for the tests below, rolled back after them) ---------


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        output = io.StringIO()
        call_command("load_demo_data", stdout=output)
        yield output.getvalue()
        transaction.set_rollback(True)


def demo_producers():
    return ProducerPage.objects.filter(import_ref__startswith="demo-")


@pytest.mark.slow
def test_loading_the_demo_twice_creates_nothing_twice(demo_output):
    index = DirectoryIndexPage.objects.get(locale__language_code="fr")
    assert index.slug == "producteurs" and index.live and "circuit court" in index.introduction

    def counts():
        return [
            Page.objects.count(),
            Revision.objects.count(),
            PointOfSale.objects.count(),
            OpeningHours.objects.count(),
            ProducerProduct.objects.count(),
        ]

    before = counts()
    second = io.StringIO()
    call_command("load_demo_data", stdout=second)

    assert "published" in demo_output
    assert "published" not in second.getvalue()  # nothing changed, nothing republished
    assert counts() == before
    assert demo_producers().count() >= 300
    assert PointOfSale.objects.filter(import_ref__startswith="demo-pos-").count() >= 500
    assert demo_producers().filter(live=True, has_unpublished_changes=False).count() == (
        demo_producers().count()
    )
    # Real Wagtail pages, each published through one revision; their English versions are
    # aliases (no revision of their own) until an editor translates them.
    french = demo_producers().filter(locale__language_code="fr")
    english = demo_producers().filter(locale__language_code="en")
    page_ids = [str(pk) for pk in french.values_list("pk", flat=True)]
    assert Revision.objects.filter(object_id__in=page_ids).count() == len(page_ids)
    assert english.count() == french.count()
    assert english.filter(alias_of__isnull=True).count() == 1  # the one the demo translates


@pytest.mark.slow
def test_every_demo_producer_is_fictional_placed_and_sells_somewhere(demo_output):
    producers = (
        demo_producers()
        .select_related("commune")
        .prefetch_related("products", "points_of_sale__point_of_sale__commune")
    )
    for producer in producers:
        assert producer.is_fictional and producer.commune and producer.summary
        assert producer.products.all(), producer.title
        points = [link.point_of_sale for link in producer.points_of_sale.all()]
        assert points, producer.title
        for point in points:
            assert in_region(point), point
            commune = point.commune
            km = haversine_km(commune.latitude, commune.longitude, point.latitude, point.longitude)
            assert km < 2, point  # placed at the commune, with a small jitter

    share = producers.filter(click_and_collect=True).count() / producers.count()
    assert 0.15 < share < 0.35  # about a quarter offer Click & Collect
    demo_points = PointOfSale.objects.filter(import_ref__startswith="demo-pos-")
    assert set(demo_points.values_list("kind", flat=True)) == set(PointOfSale.Kind.values)
    shared_markets = demo_points.filter(kind=PointOfSale.Kind.MARKET).annotate(
        sellers=Count("producer_links")
    )
    assert shared_markets.filter(sellers__gte=2).exists()
    assert not demo_points.filter(opening_hours__isnull=True).exists()
    # The region is covered: producers in many communes, north to south.
    latitudes = list(producers.values_list("commune__latitude", flat=True))
    assert producers.values("commune").distinct().count() > 200
    assert min(latitudes) < 49.3 and max(latitudes) > 50.8


@pytest.mark.slow
def test_demo_producers_sell_what_their_terroir_makes(demo_output):
    places = {place.id: place for place in demo.load_places()}

    maroilles = ProducerProduct.objects.filter(
        category__slug="maroilles", producer__import_ref__startswith="demo-"
    ).select_related("producer")
    assert maroilles.count() >= 5
    for product in maroilles:
        assert demo.in_zone(places[product.producer.commune_id], "thierache")
        assert {"maroilles-aop", "aop"} <= {s.slug for s in product.quality_signs.all()}

    for slug in REGIONAL_SIGNS:
        assert ProducerProduct.objects.filter(quality_signs__slug=slug).exists(), slug

    breweries = demo_producers().filter(title__startswith="Brasserie")
    assert breweries.exists()
    assert all(b.products.filter(category__slug="bieres").exists() for b in breweries)

    strawberries = OpeningHours.objects.filter(
        point_of_sale__producer_links__producer__products__category__slug="fraises",
        point_of_sale__kind=PointOfSale.Kind.FARM_SHOP,
    )
    assert strawberries.filter(season_start=5, season_end=7).exists()


@pytest.mark.slow
def test_a_demo_producer_opens_for_visitors_and_in_the_admin(demo_output, client, admin_client):
    producer = demo_producers().order_by("import_ref").first()

    page = client.get(producer.url)
    assert page.status_code == 200
    assert producer.title in page.content.decode()

    edit = admin_client.get(reverse("wagtailadmin_pages:edit", args=[producer.pk]))
    assert edit.status_code == 200
    assert client.get("/producteurs/?q=maroilles").status_code == 200


@pytest.mark.slow
def test_the_demo_home_and_about_pages_are_live(demo_output, client):
    home = client.get("/").content.decode()
    assert "Manger local, c&#x27;est simple" in home or "Manger local, c'est simple" in home
    assert client.get("/a-propos/").status_code == 200


def menu(client, url):
    """The main menu's entries as a visitor reads them."""
    html = client.get(url).content.decode()
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S)[0]
    return [unescape(name) for name in re.findall(r"<a [^>]*>([^<]+)</a>", nav)]


def heading_and_text(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    html = unescape(response.content.decode())
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)[1].strip(), html


FRENCH_MENU = [
    "Accueil",
    "Partenaires",
    "Actualités",
    "Agenda",
    "À propos",
    "Producteurs",
    "Calendrier des produits de saison",
    "Producteurs à l'honneur",
    "Guides des producteurs",
]
ENGLISH_MENU = [
    "Home",
    "Partners",
    "News",
    "Events",
    "About",
    "Producers",
    "Calendar of seasonal products",
    "Producers in the spotlight",
    "Producer guides",
]


@pytest.mark.slow
def test_an_english_visitor_reads_the_demo_menu_and_sections_in_english(demo_output, client):
    assert menu(client, "/en/") == ENGLISH_MENU
    home_title, home = heading_and_text(client, "/en/")
    assert "Eating local made simple" in home and "Manger local" not in home

    # Every section of the menu is a translated page: English title and introduction, not the
    # French page's content under English chrome (an alias).
    english = Page.objects.filter(depth=3, locale__language_code="en", show_in_menus=True)
    assert english.count() == len(ENGLISH_MENU) - 1
    assert not english.filter(alias_of__isnull=False).exists()
    for version in english.specific():
        french = version.get_translation(Locale.objects.get(language_code="fr")).specific
        heading, html = heading_and_text(client, version.url)
        assert heading == version.title and version.title != french.title, version.url
        assert version.title in ENGLISH_MENU
        assert menu(client, version.url) == ENGLISH_MENU
        intro = getattr(french, "introduction", "")
        if intro:
            assert intro not in html, version.url
            assert version.introduction and version.introduction in html, version.url
    _, about = heading_and_text(client, "/en/a-propos/")
    assert "A programme of the Chamber of Agriculture" in about


@pytest.mark.slow
def test_the_french_site_of_the_demo_stays_french(demo_output, client):
    assert menu(client, "/") == FRENCH_MENU
    _, home = heading_and_text(client, "/")
    assert "Manger local, c'est simple" in home and "Eating local" not in home
    for page in Page.objects.filter(depth=3, locale__language_code="fr", show_in_menus=True):
        heading, html = heading_and_text(client, page.url)
        assert heading == page.title and heading in FRENCH_MENU, page.url
        assert menu(client, page.url) == FRENCH_MENU
        assert "Producers in the spotlight" not in html and "Calendar of seasonal" not in html
    _, producers = heading_and_text(client, "/producteurs/")
    assert "Trouvez les producteurs des Hauts-de-France" in producers

"""A visitor opens the seasonal calendar: what is in season this month and next, the year's
grid, and links to the producers who sell each product, nearest first."""

import datetime
import re

import pytest
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from circuitcourt.calendar.models import SeasonalCalendarPage
from circuitcourt.directory.models import DirectoryIndexPage
from circuitcourt.home.models import HomePage, StandardPage

from .factories import ProductCategoryFactory, make_producer
from .factories_calendar import calendar_page, season

pytestmark = pytest.mark.django_db

URL = "/de-saison/"


def today_is(monkeypatch, year, month, day):
    """Freeze the site's local date (the page reads timezone.localdate())."""
    monkeypatch.setattr(
        "django.utils.timezone.localdate",
        lambda *args, **kwargs: datetime.date(year, month, day),
    )


def section(html, heading_id):
    """The HTML of the <section> labelled by `heading_id`."""
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start : html.index("</section>", start)]


def names(html_part):
    """Product names in the order the lists show them (the links' text)."""
    return re.findall(r"</span> ([^<]+)</a>", html_part)


@pytest.fixture
def produce():
    """A small taxonomy of Hauts-de-France produce with their seasons."""
    fruits = ProductCategoryFactory(name="Fruits", slug="fruits", icon="🍎", sort_order=0)
    legumes = ProductCategoryFactory(name="Légumes", slug="legumes", icon="🥕", sort_order=1)
    fromages = ProductCategoryFactory(name="Fromages", slug="fromages", icon="🧀", sort_order=2)
    laine = ProductCategoryFactory(name="Laine", slug="laine", icon="🧶", sort_order=3)
    cat = {}
    for parent, slug, name, icon in [
        (fruits, "pommes", "Pommes", "🍎"),
        (fruits, "poires", "Poires", "🍐"),
        (fruits, "fraises", "Fraises", "🍓"),
        (legumes, "endives", "Endives / chicons", "🥬"),
        (legumes, "poireaux", "Poireaux", "🌱"),
        (fromages, "maroilles", "Maroilles", "🧀"),
    ]:
        cat[slug] = ProductCategoryFactory(name=name, slug=slug, icon=icon, parent=parent)
    season(cat["pommes"], available=[(8, 3)], peak=[(9, 11)], notes="Pommes de garde.")
    season(cat["poires"], available=[(8, 12)], peak=[(9, 10)])
    season(cat["fraises"], available=[(5, 7)], peak=[(6, 6)])
    season(cat["endives"], available=[(10, 4)], peak=[(11, 3)])
    season(cat["poireaux"], available=[(9, 4)])
    season(fromages, available=[(1, 12)])  # Maroilles inherits it
    cat.update(fruits=fruits, legumes=legumes, fromages=fromages, laine=laine)
    DirectoryIndexPage.get_or_create()
    calendar_page(introduction="Ce qui pousse en ce moment dans les Hauts-de-France.")
    return cat


def test_the_calendar_shows_what_is_in_season_in_november_peak_first(client, produce):
    response = client.get(URL, {"mois": "11"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    now = section(html, "season-now-heading")
    assert '<h2 id="season-now-heading">De saison en novembre</h2>' in now
    assert "En pleine saison" in now and "Disponibles aussi" in now
    assert names(now) == ["Pommes", "Endives / chicons", "Poires", "Poireaux", "Maroilles"]
    assert now.index("En pleine saison") < now.index("Pommes") < now.index("Disponibles aussi")
    assert "(août – mars)" in now and "Pommes de garde." in now
    assert "Et toute l'année" in now  # Maroilles, made all year, comes last
    assert "Fraises" not in now and "Laine" not in now

    following = section(html, "season-next-heading")
    assert "Et en décembre" in following
    # Nothing new comes in December; apples are past their peak but still available.
    assert "Nouveaux de saison" not in following
    assert names(following) == ["Endives / chicons", "Poires", "Pommes", "Poireaux"]


def test_a_season_across_the_new_year_shows_in_january(client, produce):
    html = client.get(URL, {"mois": "1"}).content.decode()
    now = section(html, "season-now-heading")
    assert "De saison en janvier" in now
    assert names(now)[:1] == ["Endives / chicons"]  # November to March peak
    assert "Pommes" in names(now) and "Poireaux" in names(now)
    assert "Poires" not in names(now)


def test_next_month_announces_what_comes_into_season(client, produce):
    html = client.get(URL, {"mois": "4"}).content.decode()
    following = section(html, "season-next-heading")
    assert "Et en mai" in following
    arriving = following[following.index("Nouveaux de saison") :].split("</ul>")[0]
    assert names(arriving) == ["Fraises"]
    assert "(mai – juillet)" in arriving


def test_without_a_month_the_page_shows_the_current_one(client, produce, monkeypatch):
    today_is(monkeypatch, 2027, 6, 12)
    html = client.get(URL).content.decode()
    assert "De saison en juin" in html
    assert names(section(html, "season-now-heading")) == ["Fraises", "Maroilles"]
    assert "Et en juillet" in html
    assert '<option value="">Ce mois-ci</option>' in html  # nothing else selected
    assert "selected" not in html.split('id="id_mois"')[1].split("</select>")[0]


@pytest.mark.parametrize("value", ["13", "0", "novembre", "-1", "1.5", "11<script>"])
def test_a_bad_month_falls_back_to_this_month_with_a_message(client, produce, monkeypatch, value):
    today_is(monkeypatch, 2026, 11, 23)
    response = client.get(URL, {"mois": value})
    assert response.status_code == 200
    html = response.content.decode()
    assert "n&#x27;est pas un mois : voici le calendrier de novembre." in html
    assert "De saison en novembre" in html
    assert "<script>" not in html.split("<main")[1]


def test_each_product_links_to_its_producers_nearest_to_the_place_given(client, produce):
    lens = make_producer("Chicons de Lens", "Lens", categories=[produce["endives"]])
    arras = make_producer("Chicons d'Arras", "Arras", categories=[produce["endives"]])
    html = client.get(URL, {"mois": "11", "place": "Arras"}).content.decode()
    assert 'href="/producteurs/categorie/endives/?place=Arras"' in html
    assert 'href="/producteurs/categorie/maroilles/?place=Arras"' in html  # inherited season
    assert 'value="Arras"' in html  # the form keeps the place

    producers = client.get("/producteurs/categorie/endives/", {"place": "Arras"})
    assert producers.status_code == 200
    listing = producers.content.decode()
    listing = listing[listing.index('<ol class="results">') :]
    assert listing.index(arras.title.replace("'", "&#x27;")) < listing.index(lens.title)


def test_without_a_place_links_go_to_the_category_pages(client, produce):
    html = client.get(URL, {"mois": "11"}).content.decode()
    assert 'href="/producteurs/categorie/endives/"' in html
    assert "?place=" not in html


def test_an_unknown_place_is_explained_and_not_passed_on(client, produce):
    response = client.get(URL, {"mois": "11", "place": "Atlantis"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Aucune commune des Hauts-de-France ne correspond à « Atlantis »." in html
    assert "Les producteurs ne seront pas triés par distance." in html
    assert 'href="/producteurs/categorie/endives/"' in html
    assert "categorie/endives/?place" not in html


def test_the_year_grid_is_an_accessible_table_per_category(client, produce):
    html = client.get(URL, {"mois": "11"}).content.decode()
    year = section(html, "season-year-heading")
    captions = re.findall(r"<caption[^>]*>(.*?)</caption>", year)
    assert [re.sub(r"<[^>]+>", "", c).strip() for c in captions] == [
        "🍎 Fruits",
        "🥕 Légumes",
        "🧀 Fromages",
    ]  # no table for wool: it has no season
    assert year.count('<th scope="col"><abbr title="janvier">jan.</abbr></th>') == 3
    assert '<th scope="col" class="is-selected"><abbr title="novembre">nov.</abbr></th>' in year
    fraises = year[year.index("Fraises</a></th>") :].split("</tr>")[0]
    cells = re.findall(r'<span class="visually-hidden">([^<]+)</span>', fraises)
    out = "hors saison"
    assert cells == [out] * 4 + ["disponible", "pleine saison", "disponible"] + [out] * 5
    assert "Légende" in year


def test_the_page_runs_the_same_queries_for_few_or_many_products(
    client, produce, django_assert_max_num_queries
):
    params = {"mois": "11", "place": "Arras"}
    client.get(URL, params)  # warm the caches (site root, translations)
    with django_assert_max_num_queries(30) as few:
        client.get(URL, params)
    for n in range(40):
        parent = ProductCategoryFactory(name=f"Rayon {n}", slug=f"rayon-{n}", sort_order=10 + n)
        season(ProductCategoryFactory(name=f"Variété {n}", parent=parent), available=[(10, 12)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(URL, params).content.decode()
    assert "Variété 39" in html


def test_the_home_page_shows_what_is_in_season_now(client, produce, monkeypatch):
    today_is(monkeypatch, 2026, 11, 23)
    html = client.get("/").content.decode()
    block = section(html, "in-season-now-heading")
    assert '<h2 id="in-season-now-heading">De saison en novembre</h2>' in block
    assert names(block) == ["Pommes", "Endives / chicons", "Poires", "Poireaux"]
    assert block.count("pleine saison") == 2
    assert "Maroilles" not in block  # all year: not news
    assert '<a href="/de-saison/">Tout le calendrier des produits de saison</a>' in block
    assert 'href="/producteurs/categorie/pommes/"' in block


def test_the_home_page_has_no_season_block_when_nothing_is_in_season(client, monkeypatch):
    today_is(monkeypatch, 2026, 11, 23)
    html = client.get("/").content.decode()
    assert "in-season-now" not in html


def test_the_calendar_speaks_english_under_en(client, produce):
    html = client.get(f"/en{URL}", {"mois": "11"}).content.decode()
    assert "In season in November" in html
    assert "In full season" in html


class TestCalendarPageTree(WagtailPageTestCase):
    def test_one_calendar_page_under_the_home_page(self):
        home = HomePage.objects.get(locale__language_code="fr")
        self.assertCanCreateAt(HomePage, SeasonalCalendarPage)
        self.assertCanNotCreateAt(StandardPage, SeasonalCalendarPage)
        self.assertCanNotCreateAt(Page, SeasonalCalendarPage)
        self.assertAllowedSubpageTypes(SeasonalCalendarPage, {})
        page = home.add_child(instance=SeasonalCalendarPage(title="De saison", slug="de-saison"))
        self.assertPageIsRenderable(page)
        self.assertPageIsRenderable(page, query_data={"mois": "2", "place": "Lille"})
        assert not SeasonalCalendarPage.can_create_at(home)  # max one

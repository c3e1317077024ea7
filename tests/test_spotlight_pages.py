"""Producers in the spotlight: the archive, the articles, the producer pages' links to them,
and a chamber editor writing one in the admin."""

import re

import pytest
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from circuitcourt.home.models import HomePage, StandardPage
from circuitcourt.spotlight import services
from circuitcourt.spotlight.models import SpotlightIndexPage, SpotlightPage

from .conftest import PASSWORD
from .factories import ProductCategoryFactory, make_producer
from .factories_spotlight import (
    VIDEO_HTML,
    cache_video_embed,
    make_article,
    make_image,
    spotlight_index,
)

pytestmark = pytest.mark.django_db

VIDEO = "https://www.youtube.com/watch?v=ferme-demo"


class TestPageTree(WagtailPageTestCase):
    def test_the_archive_lives_once_under_the_home_page_and_holds_only_articles(self):
        self.assertCanCreateAt(HomePage, SpotlightIndexPage)
        self.assertCanNotCreateAt(StandardPage, SpotlightIndexPage)
        self.assertAllowedSubpageTypes(SpotlightIndexPage, {SpotlightPage})
        self.assertAllowedParentPageTypes(SpotlightPage, {SpotlightIndexPage})
        self.assertAllowedSubpageTypes(SpotlightPage, set())
        self.assertCanNotCreateAt(HomePage, SpotlightPage)
        spotlight_index()
        assert not SpotlightIndexPage.can_create_at(
            HomePage.objects.get(locale__language_code="fr")
        )  # max one

    def test_archive_and_article_render(self):
        producer = make_producer("Ferme du Bocage", "Maroilles")
        article = make_article("Le maroilles du bocage", [producer])
        self.assertPageIsRenderable(spotlight_index())
        self.assertPageIsRenderable(article)


def test_the_preview_shows_the_producers_the_editor_just_added(client, chamber_editor):
    """Producers are an inline of the page (ParentalKey), so unsaved changes preview."""
    bocage = make_producer("Ferme du Bocage", "Maroilles")
    voisin = make_producer("Laiterie du Voisin", "Avesnes-sur-Helpe")
    article = make_article("Le maroilles du bocage", [bocage])
    assert client.login(username=chamber_editor.username, password=PASSWORD)
    preview = f"/admin/pages/{article.pk}/edit/preview/"
    link = article.producer_links.get()
    # The editor adds the neighbour and moves it above the farm already there.
    producers = [{"id": link.pk, "producer": bocage.pk, "ORDER": "2"}, {"producer": voisin.pk}]
    data = article_form(article.title, article.slug, producers, initial=1)
    response = client.post(preview, data)
    assert response.json() == {"is_valid": True, "is_available": True}
    html = client.get(preview).content.decode()
    assert html.index("Laiterie du Voisin") < html.index("Ferme du Bocage")
    assert html.count("Ferme du Bocage</a>") == 1
    # nothing saved: the public page still shows the published producer only
    assert "Laiterie du Voisin" not in client.get(article.url).content.decode()


def test_an_article_shows_its_producers_portrait_quote_video_gallery_and_products(client):
    maroilles = ProductCategoryFactory(name="Maroilles", slug="maroilles", icon="🧀")
    bocage = make_producer("Ferme du Bocage", "Maroilles", summary="Maroilles fermier AOP.")
    voisin = make_producer("Laiterie du Voisin", "Avesnes-sur-Helpe", is_fictional=True)
    draft = make_producer("Ferme en préparation", "Arras", live=False)
    cache_video_embed(VIDEO)
    article = make_article(
        "Le maroilles du bocage",
        [bocage, voisin, draft],
        lead="Cinq semaines de cave et beaucoup de patience.",
        portrait=make_image("Anne devant sa cave d'affinage"),
        quote_text="Un bon maroilles se mérite.",
        quote_author="Anne, fromagère",
        video_url=VIDEO,
        body=[{"type": "paragraph", "value": "<p>Le lait est emprésuré encore chaud.</p>"}],
    )
    article.gallery.create(image=make_image("La cave"), caption="La cave d'affinage")
    article.featured_products.set([maroilles])
    article.save_revision().publish()

    response = client.get(article.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Cinq semaines de cave et beaucoup de patience." in html
    assert 'alt="Anne devant sa cave d&#x27;affinage"' in html
    assert "<blockquote><p>Un bon maroilles se mérite.</p></blockquote>" in html
    assert "<figcaption>Anne, fromagère</figcaption>" in html
    assert VIDEO_HTML in html
    assert "Le lait est emprésuré encore chaud." in html
    assert 'alt="La cave d&#x27;affinage"' in html and "/images/" in html
    assert "🧀</span> Maroilles" in html
    # the producers in the editor's order, linked; a draft producer is not linked
    assert re.search(r"Ferme du Bocage</a>, Maroilles — Maroilles fermier AOP\.", html)
    assert html.index(bocage.url) < html.index(voisin.url)
    assert "Ferme en préparation" not in html
    assert "producteur fictif" in html  # the demo producer is marked as such
    assert '<h2 id="producers-heading">Les producteurs</h2>' in html


def test_a_video_address_that_cannot_be_embedded_is_refused_with_a_message():
    article = SpotlightPage(title="Visite", slug="visite", lead="Une visite.")
    article.video_url = "https://example.org/pas-une-video"
    with pytest.raises(Exception) as error:
        article.full_clean()
    assert "video_url" in error.value.message_dict


def test_the_archive_lists_live_articles_newest_first_and_paginates(client):
    producer = make_producer("Ferme du Bocage", "Maroilles")
    for age in range(services.ARCHIVE_PAGE_SIZE + 2):  # 14 articles, "Article 00" the newest
        make_article(f"Article {age:02d}", [producer], days_ago=age)
    make_article("Brouillon secret", [producer], live=False)
    private = make_article("Article privé", [producer])
    PageViewRestriction.objects.create(page=private, restriction_type="login")

    html = client.get("/a-la-une/").content.decode()
    titles = re.findall(r">(Article \d\d)</a>", html)
    assert titles == [f"Article {n:02d}" for n in range(services.ARCHIVE_PAGE_SIZE)]
    assert "Page 1 sur 2" in html
    assert "Brouillon secret" not in html and "Article privé" not in html

    second = client.get("/a-la-une/?page=2").content.decode()
    assert re.findall(r">(Article \d\d)</a>", second) == ["Article 12", "Article 13"]
    assert client.get("/a-la-une/?page=9").status_code == 404
    assert client.get("/a-la-une/?page=abc").status_code == 404


def test_the_archive_runs_the_same_queries_for_few_and_many_articles(
    client, django_assert_max_num_queries
):
    producers = [make_producer(f"Ferme {n}", "Arras") for n in range(3)]
    make_article("Premier", producers[:1], portrait=make_image("Un"))
    client.get("/a-la-une/")  # renditions generated once, outside the count
    with django_assert_max_num_queries(30) as few:
        client.get("/a-la-une/")
    few_count = len(few)  # now: Django keeps only the last 9000 queries
    for n in range(11):
        make_article(f"Suite {n}", producers, portrait=make_image(f"Image {n}"))
    client.get("/a-la-une/")
    with django_assert_max_num_queries(few_count):
        html = client.get("/a-la-une/").content.decode()
    assert html.count('class="spotlight-card"') == 12


def test_a_producer_page_links_to_the_live_articles_about_it(client):
    bocage = make_producer("Ferme du Bocage", "Maroilles")
    other = make_producer("Vergers de Lens", "Lens")
    make_article("Le maroilles du bocage", [bocage], days_ago=10)
    make_article("Deux fermes, un marché", [other, bocage], days_ago=1)
    make_article("Les vergers de Lens", [other])
    make_article("Pas encore publié", [bocage], live=False)

    html = client.get(bocage.url).content.decode()
    assert "Articles sur ce producteur" in html
    titles = re.findall(r'<a href="/a-la-une/[^"]+">([^<]+)</a>', html)
    assert titles == ["Deux fermes, un marché", "Le maroilles du bocage"]

    lonely = make_producer("Ferme sans article", "Arras")
    assert "Articles sur ce producteur" not in client.get(lonely.url).content.decode()


def test_the_producer_page_backlinks_cost_the_same_whatever_the_number_of_articles(
    client, django_assert_max_num_queries
):
    bocage = make_producer("Ferme du Bocage", "Maroilles")
    make_article("Un", [bocage])
    with django_assert_max_num_queries(60) as few:
        client.get(bocage.url)
    few_count = len(few)
    for n in range(8):
        make_article(f"Article {n}", [bocage])
    with django_assert_max_num_queries(few_count):
        html = client.get(bocage.url).content.decode()
    assert html.count('href="/a-la-une/') == 9


def article_form(title, slug, producers, initial=0, **fields):
    """The admin form of an article, as the browser posts it; `producers` are inline forms."""
    products = fields.pop("featured_products", [])
    form = {
        "title": title,
        "slug": slug,
        "lead": "Portrait d'une fromagère de Thiérache.",
        "portrait": "",
        "quote_text": "",
        "quote_author": "",
        "video_url": "",
        "body": streamfield([]),
        "gallery": inline_formset([]),
        "producer_links": inline_formset(producers, initial=initial),
        **fields,
    }
    # nested_form_data would number a list's items; a multiple choice posts the key repeated.
    return {**nested_form_data(form), "featured_products": products}


def test_a_chamber_editor_writes_and_publishes_an_article_in_the_admin(client, chamber_editor):
    index = spotlight_index()
    producer = make_producer("Ferme du Bocage", "Maroilles")
    maroilles = ProductCategoryFactory(name="Maroilles", slug="maroilles")
    portrait = make_image("Portrait d'Anne")
    assert client.login(username=chamber_editor.username, password=PASSWORD)
    add_url = f"/admin/pages/add/spotlight/spotlightpage/{index.pk}/"
    assert client.get(add_url).status_code == 200

    fields = {
        "portrait": portrait.pk,
        "quote_text": "Le temps fait le fromage.",
        "quote_author": "Anne",
        "featured_products": [maroilles.pk],
        "body": streamfield([("paragraph", rich_text("<p>Au cœur du bocage.</p>"))]),
        "action-publish": "publish",
    }
    # An article about nobody is refused with a message, and nothing is saved.
    nobody = article_form("Anne et ses maroilles", "anne-et-ses-maroilles", [], **fields)
    response = client.post(add_url, nobody)
    assert response.status_code == 200
    assert "La page ne peut être créée du fait d&#x27;erreurs de validation." in (
        response.content.decode()
    )
    assert not SpotlightPage.objects.exists()

    data = article_form(
        "Anne et ses maroilles", "anne-et-ses-maroilles", [{"producer": producer.pk}], **fields
    )
    response = client.post(add_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article = SpotlightPage.objects.get(locale__language_code="fr", slug="anne-et-ses-maroilles")
    assert article.live and article.owner == chamber_editor
    assert [link.producer_id for link in article.producer_links.all()] == [producer.pk]
    assert list(article.featured_products.all()) == [maroilles]

    html = client.get("/a-la-une/anne-et-ses-maroilles/").content.decode()
    assert "Au cœur du bocage." in html and "Le temps fait le fromage." in html
    assert "Anne et ses maroilles" in client.get(producer.url).content.decode()


def test_the_api_describes_an_article(client):
    producer = make_producer("Ferme du Bocage", "Maroilles")
    article = make_article(
        "Le maroilles du bocage",
        [producer],
        portrait=make_image("Portrait", size=(1200, 900)),
        quote_text="Oui.",
    )
    response = client.get(
        f"/api/v3/pages/{article.pk}/", {"fields": "lead,portrait_image,quote_text,producer_links"}
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["lead"] == "À propos de Le maroilles du bocage."
    assert data["quote_text"] == "Oui."
    assert data["portrait_image"]["width"] == 800 and data["portrait_image"]["height"] == 600
    assert data["producer_links"][0]["producer"]["id"] == producer.pk


def test_producer_pages_still_render_without_any_spotlight_index(client):
    producer = make_producer("Ferme du Bocage", "Maroilles")
    assert not Page.objects.type(SpotlightIndexPage).exists()
    assert client.get(producer.url).status_code == 200
    assert services.feature_of_the_day(timezone.localdate()) is None
    assert "Producteur à l'honneur" not in client.get("/").content.decode()

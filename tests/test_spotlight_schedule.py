"""Articles go live and expire on their dates, and the home page features one article a day."""

import io
from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from circuitcourt.directory.models import ProductCategory
from circuitcourt.spotlight import services
from circuitcourt.spotlight.demo import load_spotlight_demo
from circuitcourt.spotlight.models import SpotlightIndexPage, SpotlightPage

from .factories import ProductCategoryFactory, make_producer
from .factories_spotlight import make_article

pytestmark = pytest.mark.django_db


def run_publish_scheduled(at):
    """Wagtail's scheduler (cron runs it every few minutes), as if it were `at`."""
    with mock.patch("django.utils.timezone.now", return_value=at):
        call_command("publish_scheduled", stdout=io.StringIO())


def visible(client, article):
    in_archive = article.title in client.get("/a-la-une/").content.decode()
    status = client.get(f"/a-la-une/{article.slug}/").status_code
    assert in_archive == (status == 200)
    return status == 200


@pytest.fixture
def producer():
    return make_producer("Ferme du Bocage", "Maroilles")


def test_an_article_scheduled_for_tomorrow_is_public_only_once_its_day_comes(client, producer):
    now = timezone.now()
    article = make_article("Les chicons de demain", [producer], live=False)
    article.go_live_at = now + timedelta(days=1)
    article.save_revision().publish()  # the editor's "Publish" with a go-live date

    article.refresh_from_db()
    assert not article.live
    assert not visible(client, article)
    run_publish_scheduled(now)  # today: too early
    assert not visible(client, article)

    run_publish_scheduled(now + timedelta(days=1, minutes=5))
    article.refresh_from_db()
    assert article.live
    assert visible(client, article)
    assert "Les chicons de demain" in client.get(producer.url).content.decode()


def test_an_expired_article_disappears_from_the_site(client, producer):
    now = timezone.now()
    article = make_article("Fraises de mai", [producer], expire_at=now + timedelta(days=30))
    assert visible(client, article)

    run_publish_scheduled(now + timedelta(days=29))
    assert visible(client, article)

    run_publish_scheduled(now + timedelta(days=31))
    article.refresh_from_db()
    assert not article.live and article.expired
    assert not visible(client, article)
    assert "Fraises de mai" not in client.get(producer.url).content.decode()
    assert "Fraises de mai" not in client.get("/").content.decode()


def test_the_home_page_features_one_live_article_a_day_in_turn(client, producer):
    titles = ["Le maroilles", "Les chicons", "Les pommes"]
    for age, title in enumerate(titles):  # published in this order, oldest first
        make_article(title, [producer], days_ago=10 - age)
    make_article("Un brouillon", [producer], live=False)

    day = date(2026, 11, 23)
    shown = []
    for offset in range(4):
        with mock.patch("django.utils.timezone.localdate", return_value=day + timedelta(offset)):
            html = client.get("/").content.decode()
        featured = [title for title in titles if title in html]
        assert len(featured) == 1, featured  # one article at a time
        shown.append(featured[0])
    # Day n shows article n modulo 3 (2026-11-23 is day 739,943 since year 1: 739943 % 3 == 2)
    assert shown == ["Les pommes", "Le maroilles", "Les chicons", "Les pommes"]
    assert "Producteur à l'honneur</h2>" in html
    assert 'href="/a-la-une/"' in html


def test_the_feature_of_the_day_costs_a_fixed_number_of_queries(
    django_assert_num_queries, producer
):
    for n in range(5):
        make_article(f"Article {n}", [producer])
    # count, the article (private sections filtered in the same query), its producers
    # (no portrait to fetch here)
    with django_assert_num_queries(3):
        article = services.feature_of_the_day(date(2026, 11, 23))
        list(article.producer_links.all())
    assert article.live


def test_the_demo_publishes_fictional_articles_once(client):
    # Fictional producers of the kinds the demo portrays (the whole directory demo is slow;
    # test_demo_commands loads it with the spotlight demo).
    kinds = ("maroilles", "endives", "pommes", "bieres", "miel", "miel", "moules")
    for n, slug in enumerate(kinds):
        category = ProductCategoryFactory(name=slug.capitalize(), slug=slug)
        make_producer(f"Ferme {n} {slug}", "Arras", [category], is_fictional=True)
    make_producer("Vraie ferme", "Arras", [ProductCategory.objects.get(slug="miel")])
    out = io.StringIO()
    assert load_spotlight_demo(out) == 6
    assert load_spotlight_demo(io.StringIO()) == 0  # idempotent
    index = SpotlightIndexPage.objects.get(locale__language_code="fr")
    articles = SpotlightPage.objects.child_of(index)
    assert articles.count() == 6
    assert articles.filter(live=True).count() == 5  # one is scheduled for next week
    scheduled = articles.get(live=False)
    assert scheduled.go_live_at > timezone.now()
    for article in articles.filter(live=True):
        assert article.portrait is not None
        producers = [link.producer for link in article.producer_links.all()]
        assert producers and all(p.is_fictional for p in producers)
        assert "Vraie ferme" not in [p.title for p in producers]
        html = client.get(article.url).content.decode()
        assert "Article de démonstration" in html
        assert producers[0].title in html
    archive = client.get("/a-la-une/").content.decode()
    assert archive.count('class="spotlight-card"') == 5

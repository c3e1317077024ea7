"""Visitors browse the news (/actualites/), the events (/agenda/), the partners' sections and
the home page: filters, pagination, and a bounded number of queries whatever the rows."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from circuitcourt.directory.models import Partner
from circuitcourt.home.models import (
    EventIndexPage,
    EventPage,
    EventPageProducer,
    HomePage,
    NewsIndexPage,
    NewsPage,
    PartnerIndexPage,
    PartnerSectionPage,
)

from .conftest import PASSWORD
from .factories import make_producer
from .factories_editorial import make_event, make_news, make_partner

pytestmark = pytest.mark.django_db


def days(n, hour=10):
    """An aware datetime n days from today at `hour` (Paris)."""
    moment = timezone.localtime() + datetime.timedelta(days=n)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def montreuillois():
    return make_partner(
        "Agence d'attractivité du Montreuillois",
        kind=Partner.Kind.TOURISM,
        territory=["Montreuil", "Berck"],
    )


@pytest.fixture
def avesnois():
    return make_partner("Parc naturel régional de l'Avesnois", territory=["Maroilles"])


def titles(html, names):
    return [name for name in names if name in html]


# --- news ------------------------------------------------------------------------------------


def test_news_list_shows_every_section_newest_first(client, montreuillois, avesnois):
    make_news("Fête de la fraise", partner=montreuillois, date=datetime.date(2026, 6, 1))
    make_news("Fête du Maroilles", partner=avesnois, date=datetime.date(2026, 8, 2))
    make_news("Mot de la Chambre", date=datetime.date(2026, 9, 1))
    make_news("Brouillon", partner=avesnois, live=False)

    html = client.get("/actualites/").content.decode()
    assert "3 actualités" in html
    found = titles(html, ["Mot de la Chambre", "Fête du Maroilles", "Fête de la fraise"])
    assert found == ["Mot de la Chambre", "Fête du Maroilles", "Fête de la fraise"]
    assert html.index("Mot de la Chambre") < html.index("Fête du Maroilles")
    assert html.index("Fête du Maroilles") < html.index("Fête de la fraise")
    assert "Brouillon" not in html
    assert "2 août 2026" in html  # French dates


def test_news_filters_by_partner_tag_and_territory(client, montreuillois, avesnois):
    make_news("Fête de la fraise", partner=montreuillois, tags=["fruits"])
    make_news("Fête du Maroilles", partner=avesnois, tags=["fromage"])
    make_news("Les pommes du Boulonnais", partner=montreuillois, tags=["fruits"])

    by_partner = client.get("/actualites/", {"partner": avesnois.slug}).content.decode()
    assert "Fête du Maroilles" in by_partner and "Fête de la fraise" not in by_partner

    by_tag = client.get("/actualites/", {"tag": "fruits"}).content.decode()
    assert "Fête de la fraise" in by_tag and "Les pommes du Boulonnais" in by_tag
    assert "Fête du Maroilles" not in by_tag

    berck = client.get("/actualites/", {"territory": "berck"}).content.decode()
    assert "2 actualités" in berck and "Fête du Maroilles" not in berck


def test_bad_filter_values_get_a_message_not_an_error(client):
    response = client.get("/actualites/", {"partner": "inconnu", "tag": "rien"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Merci de vérifier les filtres" in html
    assert 'role="alert"' in html
    response = client.get("/agenda/", {"when": "demain"})
    assert response.status_code == 200
    assert "Merci de vérifier les filtres" in response.content.decode()


def test_news_are_paginated(client):
    for number in range(14):
        make_news(f"Nouvelle numéro {number:02d}", date=datetime.date(2026, 1, 1 + number))
    first = client.get("/actualites/").content.decode()
    assert "14 actualités" in first
    assert "Page 1 sur 2" in first
    assert "Nouvelle numéro 13" in first and "Nouvelle numéro 01" not in first
    second = client.get("/actualites/", {"page": 2}).content.decode()
    assert "Nouvelle numéro 01" in second and "Nouvelle numéro 00" in second
    assert "Nouvelle numéro 13" not in second
    missing = client.get("/actualites/", {"page": 9})
    assert missing.status_code == 200
    assert "Cette page de résultats n" in missing.content.decode()


def test_news_list_runs_as_many_queries_for_many_rows_as_for_few(
    client, montreuillois, django_assert_max_num_queries
):
    make_news("Première", partner=montreuillois, tags=["fruits"])
    with CaptureQueriesContext(connection) as few:
        client.get("/actualites/")
        client.get("/actualites/rss/")
    for number in range(12):
        make_news(f"Nouvelle {number}", partner=montreuillois, tags=["fruits", f"t{number}"])
    with django_assert_max_num_queries(len(few)):
        client.get("/actualites/")
        client.get("/actualites/rss/")


# --- events ----------------------------------------------------------------------------------


def test_agenda_shows_upcoming_events_soonest_first_and_past_ones_on_request(client, montreuillois):
    make_event("Marché de Noël", start=days(20), partner=montreuillois)
    make_event("Ferme ouverte à Wailly", start=days(3), kind=EventPage.Kind.OPEN_FARM)
    make_event("Dégustation en cours", start=days(0, hour=0), end=days(1, hour=23))
    make_event("Marché de l'été dernier", start=days(-120), partner=montreuillois)

    upcoming = client.get("/agenda/").content.decode()
    assert "3 évènements à venir" in upcoming
    order = ["Dégustation en cours", "Ferme ouverte à Wailly", "Marché de Noël"]
    assert titles(upcoming, order) == order
    assert [upcoming.index(name) for name in order] == sorted(
        upcoming.index(name) for name in order
    )
    assert "Marché de l&#x27;été dernier" not in upcoming

    past = client.get("/agenda/", {"when": "past"}).content.decode()
    assert "1 évènement passé" in past
    assert "Marché de l&#x27;été dernier" in past and "Marché de Noël" not in past


def test_agenda_filters_by_partner_kind_and_territory(client, montreuillois, avesnois):
    make_event("Marché de Montreuil", start=days(5), partner=montreuillois)
    make_event(
        "Fête du Maroilles",
        start=days(6),
        partner=avesnois,
        kind=EventPage.Kind.FAIR,
        commune_name="Maroilles",
    )
    # The chamber's own event, held in a commune of the Montreuillois.
    make_event("Salon de la Chambre à Berck", start=days(7), commune_name="Berck")

    by_partner = client.get("/agenda/", {"partner": avesnois.slug}).content.decode()
    assert "Fête du Maroilles" in by_partner and "Marché de Montreuil" not in by_partner

    fairs = client.get("/agenda/", {"kind": "fair"}).content.decode()
    assert "1 évènement à venir" in fairs and "Fête du Maroilles" in fairs

    berck = client.get("/agenda/", {"territory": "berck"}).content.decode()
    assert "Marché de Montreuil" in berck  # the partner covers Berck
    assert "Salon de la Chambre à Berck" in berck  # held in Berck
    assert "Fête du Maroilles" not in berck
    assert "2 évènements à venir" in berck  # each once


def test_agenda_runs_as_many_queries_for_many_rows_as_for_few(
    client, montreuillois, django_assert_max_num_queries
):
    make_event("Premier marché", start=days(2), partner=montreuillois, commune_name="Berck")
    with CaptureQueriesContext(connection) as few:
        client.get("/agenda/")
        client.get("/agenda/ical/")
    for number in range(12):
        make_event(f"Marché {number}", start=days(3 + number), commune_name="Berck")
    with django_assert_max_num_queries(len(few)):
        client.get("/agenda/")
        client.get("/agenda/ical/")


def test_event_page_shows_when_where_price_and_producers(client, montreuillois):
    producer = make_producer("Ferme du Moulin", commune_name="Montreuil")
    event = make_event(
        "Dégustation de cidre",
        start=datetime.datetime(2026, 7, 14, 16, 0, tzinfo=datetime.UTC),
        end=datetime.datetime(2026, 7, 14, 19, 0, tzinfo=datetime.UTC),
        partner=montreuillois,
        kind=EventPage.Kind.TASTING,
        price="5.00",
        price_notes="gratuit pour les enfants",
        registration_url="https://example.org/inscription",
        latitude=50.4647,
        longitude=1.7633,
        live=False,
    )
    event.related_producers.add(EventPageProducer(producer=producer))
    event.save_revision().publish()

    html = client.get(event.url).content.decode()
    assert "<h1>Dégustation de cidre</h1>" in html
    assert "mardi 14 juillet 2026, 18:00" in html  # shown in Paris time
    assert "21:00" in html
    assert "5,00 €" in html and "gratuit pour les enfants" in html
    assert "Dégustation" in html
    assert 'href="/producteurs/ferme-du-moulin/"' in html
    assert "Agence d&#x27;attractivité du Montreuillois" in html


# --- sections and home page ------------------------------------------------------------------


def test_partner_section_lists_its_own_news_and_events(client, montreuillois, avesnois):
    make_news("Fête de la fraise", partner=montreuillois)
    make_event("Marché de Montreuil", start=days(5), partner=montreuillois)
    make_news("Fête du Maroilles", partner=avesnois)

    html = client.get(montreuillois.section.url).content.decode()
    assert "Fête de la fraise" in html and "Marché de Montreuil" in html
    assert "Fête du Maroilles" not in html
    index = client.get("/partenaires/").content.decode()
    assert "Agence d&#x27;attractivité du Montreuillois" in index
    assert "Parc naturel régional de l&#x27;Avesnois" in index


def test_home_page_shows_the_three_latest_news_and_the_next_three_events(client, avesnois):
    for number, day in enumerate([1, 5, 9, 3]):
        make_news(f"Actualité {number}", partner=avesnois, date=datetime.date(2026, 10, day))
    for number, offset in enumerate([8, 2, 30, 4]):
        make_event(f"Évènement {number}", start=days(offset), partner=avesnois)
    make_event("Évènement passé", start=days(-3), partner=avesnois)

    html = client.get("/").content.decode()
    news = html[html.index('id="home-news-heading"') : html.index('id="home-events-heading"')]
    events = html[html.index('id="home-events-heading"') :]
    assert "Dernières actualités" in html and "Prochains évènements" in html
    assert titles(news, [f"Actualité {n}" for n in range(4)]) == [
        "Actualité 1",
        "Actualité 2",
        "Actualité 3",
    ]
    assert news.index("Actualité 2") < news.index("Actualité 1") < news.index("Actualité 3")
    assert titles(events, [f"Évènement {n}" for n in range(4)]) == [
        "Évènement 0",
        "Évènement 1",
        "Évènement 3",
    ]
    assert events.index("Évènement 1") < events.index("Évènement 3") < events.index("Évènement 0")
    assert "Évènement passé" not in html
    assert 'href="/actualites/"' in news and 'href="/agenda/"' in events


def test_home_page_runs_as_many_queries_for_many_rows_as_for_few(
    client, avesnois, django_assert_max_num_queries
):
    make_news("Une actualité", partner=avesnois)
    make_event("Un évènement", start=days(2), partner=avesnois)
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for number in range(8):
        make_news(f"Actualité {number}", partner=avesnois)
        make_event(f"Évènement {number}", start=days(3 + number), partner=avesnois)
    with django_assert_max_num_queries(len(few)):
        client.get("/")


def test_bad_event_dates_are_refused_with_a_message_in_the_admin(
    client, chamber_editor, montreuillois
):
    from wagtail.test.utils.form_data import querydict_from_html

    assert client.login(username=chamber_editor.username, password=PASSWORD)
    url = f"/admin/pages/add/home/eventpage/{montreuillois.section.pk}/"
    data = querydict_from_html(client.get(url).content.decode(), form_id="page-edit-form")
    data.update(
        {
            "title": "Marché à l'envers",
            "slug": "marche-a-l-envers",
            "kind": "market",
            "start": "2026-12-12 18:00",
            "end": "2026-12-12 09:00",
            "lead": "Il finit avant de commencer.",
            "place_name": "Place Darnétal",
            "body-count": "0",
            "action-publish": "1",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "L’évènement ne peut pas finir avant de commencer." in response.content.decode()
    assert not EventPage.objects.filter(slug="marche-a-l-envers").exists()


class TestEditorialPageTree(WagtailPageTestCase):
    def test_where_pages_may_be_created(self):
        self.assertCanCreateAt(HomePage, PartnerIndexPage)
        self.assertCanCreateAt(HomePage, NewsIndexPage)
        self.assertCanCreateAt(HomePage, EventIndexPage)
        # Sections come with their partner, never by hand.
        assert PartnerSectionPage not in PartnerIndexPage.creatable_subpage_models()
        self.assertAllowedParentPageTypes(PartnerSectionPage, {PartnerIndexPage})
        self.assertCanCreateAt(PartnerSectionPage, NewsPage)
        self.assertCanCreateAt(PartnerSectionPage, EventPage)
        self.assertCanCreateAt(NewsIndexPage, NewsPage)
        self.assertCanNotCreateAt(HomePage, NewsPage)
        self.assertCanNotCreateAt(NewsIndexPage, EventPage)

    def test_the_index_pages_exist_after_migrate(self):
        home = Page.objects.get(depth=2, locale__language_code="fr")
        assert [page.slug for page in home.get_children()] == [
            "partenaires",
            "actualites",
            "agenda",
        ]


def test_chamber_editor_lists_news_and_events_in_the_admin(
    client, chamber_editor, montreuillois, django_assert_max_num_queries
):
    make_news("Fête de la fraise", partner=montreuillois)
    make_event("Marché de Montreuil", start=days(5), partner=montreuillois)
    make_event("Marché passé", start=days(-5), partner=montreuillois, kind=EventPage.Kind.FAIR)
    assert client.login(username=chamber_editor.username, password=PASSWORD)

    news = client.get("/admin/news/")
    assert news.status_code == 200
    assert "Fête de la fraise" in news.content.decode()
    assert "Agence d&#x27;attractivité du Montreuillois" in news.content.decode()
    events = client.get("/admin/events/", {"when": "upcoming"}).content.decode()
    assert "Marché de Montreuil" in events and "Marché passé" not in events
    fairs = client.get("/admin/events/", {"kind": "fair"}).content.decode()
    assert "Marché passé" in fairs and "Marché de Montreuil" not in fairs
    partners = client.get("/admin/snippets/directory/partner/").content.decode()
    assert "Agence d&#x27;attractivité du Montreuillois" in partners

    with CaptureQueriesContext(connection) as few:
        client.get("/admin/events/")
    for number in range(10):
        make_event(f"Marché {number}", start=days(6 + number), partner=montreuillois)
    with django_assert_max_num_queries(len(few)):
        client.get("/admin/events/")


def test_partner_editor_lists_only_its_own_news_in_the_admin(
    client, make_user, montreuillois, avesnois
):
    from circuitcourt.home import groups

    make_news("Fête de la fraise", partner=montreuillois)
    make_news("Fête du Maroilles", partner=avesnois)
    editor = make_user("office.montreuil", groups.PARTNER_EDITORS, montreuillois.editors_group.name)
    assert client.login(username=editor.username, password=PASSWORD)
    html = client.get("/admin/news/").content.decode()
    assert "Fête de la fraise" in html and "Fête du Maroilles" not in html


def test_the_api_gives_events_in_utc_with_their_partner(client, montreuillois):
    event = make_event(
        "Marché nocturne",
        start=datetime.datetime(2026, 7, 14, 16, 0, tzinfo=datetime.UTC),
        partner=montreuillois,
    )
    data = client.get(f"/api/v3/pages/{event.pk}/").json()
    assert data["start"] == "2026-07-14T16:00:00Z"
    assert data["kind"] == "market"
    assert data["partner"]["id"] == montreuillois.pk


def test_cards_with_images_keep_the_query_count_bounded(
    client, avesnois, django_assert_max_num_queries
):
    def image(number):
        return Image.objects.create(
            title=f"Photo {number}",
            file=SimpleUploadedFile(f"photo{number}.png", get_test_image_file().file.getvalue()),
        )

    make_news("Une actualité", partner=avesnois, image=image(0))
    client.get("/actualites/")  # makes the renditions once
    with CaptureQueriesContext(connection) as few:
        client.get("/actualites/")
        client.get("/")
    few_count = len(few)  # before the next request resets the query log
    for number in range(1, 9):
        make_news(f"Actualité {number}", partner=avesnois, image=image(number))
    client.get("/actualites/")
    with django_assert_max_num_queries(few_count):
        html = client.get("/actualites/").content.decode()
        client.get("/")
    assert html.count('class="editorial-card__image"') == 9

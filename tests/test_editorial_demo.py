"""The demo shows partners with their territory, contact and section, their news and events
(mostly upcoming), and reloading it changes nothing."""

import pytest
from django.utils import timezone
from wagtail.models import Page, Revision, Workflow

from circuitcourt.directory import demo as directory_demo
from circuitcourt.directory.models import Partner
from circuitcourt.home import demo
from circuitcourt.home.models import EventPage, NewsPage, PartnerSectionPage
from circuitcourt.home.services import WORKFLOW_NAME

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    directory_demo.load_reference_data()
    return demo.load_editorial_demo()


def test_demo_partners_have_a_territory_a_contact_and_a_section(loaded):
    for partner in Partner.objects.all():
        assert partner.email.endswith("@example.org")
        assert partner.contact_name and partner.description
        assert PartnerSectionPage.objects.get(locale__language_code="fr", partner=partner).live
        assert partner.editors_group is not None
    montreuillois = Partner.objects.get(slug="agence-attractivite-montreuillois")
    assert {"Montreuil", "Berck", "Étaples"} <= set(
        montreuillois.territory.values_list("name", flat=True)
    )
    assert Workflow.objects.filter(name=WORKFLOW_NAME, active=True).exists()


def test_demo_news_and_events_are_live_and_mostly_upcoming(loaded, client):
    assert NewsPage.objects.live().count() >= 8
    assert NewsPage.objects.filter(partner__isnull=True).exists()  # the chamber's own
    now = timezone.now()
    upcoming = EventPage.objects.live().filter(end__gte=now).count()
    past = EventPage.objects.live().filter(end__lt=now).count()
    assert upcoming + past >= 10 and past >= 1 and upcoming > past
    assert set(EventPage.objects.values_list("kind", flat=True)) == set(EventPage.Kind.values)

    home = client.get("/").content.decode()
    assert "Fête du Maroilles" in home or "Marché de producteurs de Montreuil" in home
    assert "Fête du Maroilles" in client.get("/agenda/").content.decode()
    assert "Le chicon de pleine terre est de retour" in client.get("/actualites/").content.decode()


def test_reloading_the_demo_changes_nothing(loaded):
    pages, revisions = Page.objects.count(), Revision.objects.count()
    assert demo.load_editorial_demo() == {"created": 0, "updated": 0, "": 18}
    assert (Page.objects.count(), Revision.objects.count()) == (pages, revisions)

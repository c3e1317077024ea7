"""Feed readers and phone calendars follow the news and the events: the feeds are read back
with real parsers (feedparser, icalendar) and their times checked."""

import datetime

import feedparser
import icalendar
import pytest
from django.utils import timezone

from .factories_editorial import make_event, make_news, make_partner, paris

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.now().year + 1


@pytest.fixture
def avesnois():
    return make_partner("Parc naturel régional de l'Avesnois", territory=["Maroilles"])


def test_news_feed_is_valid_rss_with_the_latest_news(client, avesnois):
    make_news(
        "La fête du Maroilles revient",
        partner=avesnois,
        date=datetime.date(2026, 8, 2),
        tags=["fromage"],
    )
    make_news("Les chicons sont là", date=datetime.date(2026, 11, 12))
    make_news("Brouillon en cours", partner=avesnois, live=False)

    response = client.get("/actualites/rss/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "rss20"
    assert feed.feed.title == "Actualités · Circuit Court"
    titles = [entry.title for entry in feed.entries]
    assert titles == ["Les chicons sont là", "La fête du Maroilles revient"]  # newest first
    maroilles = feed.entries[1]
    assert (
        maroilles.link
        == "http://testserver/partenaires/parc-naturel-regional-de-lavesnois/la-fete-du-maroilles-revient/"
    )
    assert maroilles.author == "Parc naturel régional de l'Avesnois"
    assert [tag.term for tag in maroilles.tags] == ["fromage"]
    assert maroilles.summary == "La fête du Maroilles revient : l'essentiel."
    # The news' own date (published on another day: 9:00 Paris time, 7:00 UTC in summer).
    assert maroilles.published_parsed[:5] == (2026, 8, 2, 7, 0)


def test_news_page_announces_its_feed(client):
    html = client.get("/actualites/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in html
    assert 'href="/actualites/rss/"' in html


def test_ical_feed_has_upcoming_events_in_the_right_time_zone(client, avesnois):
    summer = make_event(
        "Marché nocturne de Maroilles",
        start=paris(NEXT_YEAR, 7, 14, 18, 0),
        end=paris(NEXT_YEAR, 7, 14, 22, 30),
        partner=avesnois,
        commune_name="Maroilles",
        address="Place Verte",
        latitude=50.1364,
        longitude=3.7597,
    )
    make_event("Marché de Noël", start=paris(NEXT_YEAR, 12, 12, 10, 0))  # winter: UTC+1
    make_event("Marché de l'an dernier", start=paris(NEXT_YEAR - 2, 6, 1, 9, 0))

    response = client.get("/agenda/ical/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {event["summary"]: event for event in calendar.walk("VEVENT")}
    assert set(events) == {"Marché nocturne de Maroilles", "Marché de Noël"}  # no past event

    night_market = events["Marché nocturne de Maroilles"]
    start, end = night_market.decoded("dtstart"), night_market.decoded("dtend")
    utc = datetime.UTC
    assert start == datetime.datetime(NEXT_YEAR, 7, 14, 16, 0, tzinfo=utc)  # 18:00 in Paris
    assert end == datetime.datetime(NEXT_YEAR, 7, 14, 20, 30, tzinfo=utc)
    assert start == summer.start
    assert str(night_market["location"]) == "Place de la Mairie, Place Verte, Maroilles"
    assert str(night_market["url"]).endswith(summer.url)
    assert night_market["uid"].startswith(f"event-{summer.pk}@")
    assert night_market.decoded("geo") is not None

    christmas = events["Marché de Noël"]
    assert christmas.decoded("dtstart") == datetime.datetime(NEXT_YEAR, 12, 12, 9, 0, tzinfo=utc)


def test_agenda_links_to_its_calendar_feed(client):
    html = client.get("/agenda/").content.decode()
    assert 'href="/agenda/ical/"' in html

"""The news as RSS (Django's syndication framework) and the upcoming events as iCalendar.

Feed readers and phone calendars follow /actualites/rss/ and /agenda/ical/.
"""

import datetime
import zoneinfo

import icalendar
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext as _

from .listings import published_news, upcoming_events

FEED_SIZE = 30
PARIS = zoneinfo.ZoneInfo(settings.TIME_ZONE)


class NewsFeed(Feed):
    """The latest news of the partners and the chamber."""

    feed_type = Rss201rev2Feed

    def __init__(self, index_page):
        super().__init__()
        self.index_page = index_page

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return self.index_page

    def title(self, index_page):
        return f"{index_page.title} · Circuit Court"

    def link(self, index_page):
        return index_page.get_url(self.request)

    def description(self, index_page):
        return index_page.introduction or _(
            "News of the local food of Hauts-de-France from the chamber and its partners."
        )

    def items(self, index_page):
        return published_news().prefetch_related("tags")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lead

    def item_link(self, item):
        return item.get_url(self.request)

    def item_guid(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        # The news' own date, at the time it was first published when that was the same day.
        published = item.first_published_at
        if published and timezone.localdate(published) == item.date:
            return published
        return datetime.datetime.combine(item.date, datetime.time(9), tzinfo=PARIS)

    def item_updateddate(self, item):
        return item.last_published_at

    def item_author_name(self, item):
        return item.partner.name if item.partner_id else "Circuit Court"

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


def events_calendar(events, request, name):
    """An iCalendar of the events, times in UTC (every calendar app reads them right)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Circuit Court//Agenda//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    host = request.get_host().split(":")[0]
    for event in events:
        entry = icalendar.Event()
        entry.add("uid", f"event-{event.pk}@{host}")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", event.start.astimezone(datetime.UTC))
        entry.add("dtend", event.end.astimezone(datetime.UTC))
        entry.add("summary", event.title)
        entry.add("description", event.lead)
        entry.add("location", event_location(event))
        entry.add("url", event.get_full_url(request))
        if event.has_location:
            entry.add("geo", (event.latitude, event.longitude))
        if event.last_published_at:
            entry.add("last-modified", event.last_published_at)
        calendar.add_component(entry)
    return calendar


def event_location(event):
    parts = [event.place_name, event.address]
    if event.commune_id and event.commune.name not in event.address:
        parts.append(event.commune.name)
    return ", ".join(part for part in parts if part)


def ical_response(index_page, request):
    events = upcoming_events()[:500]
    calendar = events_calendar(events, request, f"{index_page.title} · Circuit Court")
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="agenda-circuit-court.ics"'
    return response

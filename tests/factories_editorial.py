"""Factories for the partners' news and events: real sections made by the partner service."""

import datetime
import zoneinfo

from django.utils.text import slugify

from circuitcourt.directory.models import Partner
from circuitcourt.home.models import (
    EventIndexPage,
    EventPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    StandardPage,
)

from .factories import commune

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def make_partner(name, kind=Partner.Kind.TERRITORY, territory=(), **fields):
    """A partner; saving it gives it its section and editors group (the real service)."""
    partner = Partner.objects.create(name=name, slug=slugify(name), kind=kind, **fields)
    if territory:
        communes = [commune(name) for name in territory]
        assert None not in communes, f"unknown commune in {territory}"
        partner.territory.set(communes)
    partner.refresh_from_db()
    return partner


def paris(year, month, day, hour=0, minute=0):
    """An aware datetime in Paris time."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=PARIS)


def _add(parent, page, live):
    page.live = False  # until published
    parent.add_child(instance=page)
    if live:
        page.save_revision().publish()
    else:
        page.save_revision()
    return page


def make_news(title, partner=None, date=None, tags=(), live=True, **fields):
    """A news item in the partner's section (or under /actualites/ without a partner)."""
    parent = partner.section if partner else NewsIndexPage.get_or_create()
    page = NewsPage(
        title=title,
        slug=slugify(title),
        date=date or datetime.date.today(),
        lead=fields.pop("lead", f"{title} : l'essentiel."),
        **fields,
    )
    page.tags.add(*tags)
    return _add(parent, page, live)


def make_event(title, start, end=None, partner=None, live=True, commune_name=None, **fields):
    """An event in the partner's section (or under /agenda/), two hours long by default."""
    parent = partner.section if partner else EventIndexPage.get_or_create()
    page = EventPage(
        title=title,
        slug=slugify(title),
        kind=fields.pop("kind", EventPage.Kind.MARKET),
        start=start,
        end=end or start + datetime.timedelta(hours=2),
        lead=fields.pop("lead", f"{title} : venez nombreux."),
        place_name=fields.pop("place_name", "Place de la Mairie"),
        commune=commune(commune_name) if commune_name else None,
        **fields,
    )
    return _add(parent, page, live)


def draft_page(title="Brouillon secret", live=False):
    """A standard page with a saved draft; published first if `live`."""
    home = HomePage.objects.first()
    page = StandardPage(title=title, slug=slugify(title), live=False)
    home.add_child(instance=page)
    page.save_revision()
    if live:
        page.save_revision().publish()
    return page

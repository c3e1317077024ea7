"""English translations of the demo: the home page and every page of the main menu (the
sections), plus a news item and a producer, so that /en/ reads in English from its menu down.

Every other page stays an alias of its French page (French content, English chrome) until an
editor translates it, as on a real site. Slugs are kept: a section's English address is its
French one under /en/ (/en/producteurs/), so the addresses people share stay the same.
"""

from wagtail.models import Site

from circuitcourt.calendar.models import SeasonalCalendarPage
from circuitcourt.directory.guides import GuideIndexPage
from circuitcourt.directory.models import DirectoryIndexPage, ProducerPage
from circuitcourt.site.i18n import in_default_locale, translate
from circuitcourt.spotlight.models import SpotlightIndexPage

from .models import EventIndexPage, NewsIndexPage, NewsPage, PartnerIndexPage, StandardPage

HOME = {
    "introduction": (
        "Find the producers who sell through short circuits near your home, your work or your "
        "holiday rental: their products, their points of sale, their quality labels."
    ),
    "body": [
        {"type": "heading", "value": {"text": "Eating local made simple", "level": "h2"}},
        {
            "type": "paragraph",
            "value": (
                "<p>Circuit Court brings together the producers of Hauts-de-France who sell "
                "at the farm, at markets, through farm drive-throughs or in producers' shops. "
                "The demo data is invented.</p>"
            ),
        },
    ],
}
# The sections of the main menu, by page model (each exists once under the home page).
SECTIONS = {
    PartnerIndexPage: {"title": "Partners"},
    NewsIndexPage: {"title": "News"},
    EventIndexPage: {"title": "Events"},
    DirectoryIndexPage: {
        "title": "Producers",
        "introduction": (
            "Find the producers of Hauts-de-France who sell through short circuits: at the "
            "farm, at markets, through community-supported agriculture (AMAP), farm "
            "drive-throughs, vending machines or producers' shops. Search by product, by "
            "label or around a commune."
        ),
    },
    SeasonalCalendarPage: {
        "title": "Calendar of seasonal products",
        "introduction": "What is in season in Hauts-de-France, month by month.",
    },
    SpotlightIndexPage: {
        "title": "Producers in the spotlight",
        "introduction": (
            "Each month the Chamber of Agriculture portrays producers who sell through short "
            "circuits: their trade, their products, their points of sale."
        ),
    },
    GuideIndexPage: {
        "title": "Producer guides",
        "introduction": (
            "The producer guides published by the partner territories and networks, to read "
            "online, download or print."
        ),
    },
}
ABOUT_SLUG = "a-propos"
ABOUT = {
    "title": "About",
    "body": [
        {
            "type": "paragraph",
            "value": (
                "<p>A programme of the Chamber of Agriculture and the Chamber of Commerce and "
                "Industry of Hauts-de-France, with the partner territories.</p>"
            ),
        },
    ],
}
NEWS_SLUG = "la-fete-du-maroilles-prepare-sa-prochaine-edition"
NEWS = {
    "title": "The Maroilles festival gets ready for its next edition",
    "slug": "maroilles-festival-next-edition",
    "lead": (
        "Farm producers, cheese ripeners and brotherhoods will meet on the square of "
        "Maroilles: exhibitors may now apply."
    ),
}
PRODUCER_REF = "demo-0001"
PRODUCER = {
    "summary": "A family farm: seasonal produce sold at the farm and at the market.",
}


def load_translations_demo(stdout=None):
    """Translate the home page, the menu's sections, a news item and a producer into English.

    A page already translated (by an earlier run, or by an editor) is left as it is.
    """
    site = Site.objects.get(is_default_site=True)
    home = site.root_page
    pages = [(home, HOME)]
    pages += [
        (in_default_locale(model.objects).first(), fields) for model, fields in SECTIONS.items()
    ]
    pages += [
        (StandardPage.objects.child_of(home).filter(slug=ABOUT_SLUG).first(), ABOUT),
        (in_default_locale(NewsPage.objects).filter(slug=NEWS_SLUG).first(), NEWS),
        (in_default_locale(ProducerPage.objects).filter(import_ref=PRODUCER_REF).first(), PRODUCER),
    ]
    done = [
        version
        for page, fields in pages
        if page is not None and (version := translate(page, "en", **fields)) is not None
    ]
    if stdout is not None and done:
        stdout.write(f"  English translations: {len(done)} pages translated")
    return done

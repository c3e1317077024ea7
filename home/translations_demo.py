"""English translations of a few demo pages, so that /en/ shows translated content next to
the aliases (French content) of every other page."""

from wagtail.models import Site

from circuitcourt.calendar.models import SeasonalCalendarPage
from circuitcourt.directory.models import ProducerPage
from circuitcourt.site.i18n import in_default_locale, translate

from .models import NewsPage

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
CALENDAR = {
    "title": "Calendar of seasonal products",
    "introduction": "What is in season in Hauts-de-France, month by month.",
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
    """Translate the home page, the calendar, a news item and a producer into English."""
    site = Site.objects.get(is_default_site=True)
    pages = [
        (site.root_page, HOME),
        (in_default_locale(SeasonalCalendarPage.objects).first(), CALENDAR),
        (in_default_locale(NewsPage.objects).filter(slug=NEWS_SLUG).first(), NEWS),
        (in_default_locale(ProducerPage.objects).filter(import_ref=PRODUCER_REF).first(), PRODUCER),
    ]
    done = [
        version
        for page, fields in pages
        if page is not None and (version := translate(page, "en", **fields)) is not None
    ]
    if stdout is not None:
        stdout.write(f"  English translations: {len(done)} pages translated")
    return done

"""What the spotlight shows, shared by the archive, the home page feature, the producer pages
and the demo: plain functions with a fixed number of queries."""

from django.db.models import Exists, OuterRef, Prefetch
from wagtail.images import get_image_model

from circuitcourt.directory.models import ProducerPage
from circuitcourt.site.cache import remember
from circuitcourt.site.i18n import in_active_locale, localized
from circuitcourt.site.pages import public_q

from .models import SpotlightPage, SpotlightProducer

ARCHIVE_PAGE_SIZE = 12
# The renditions of a card's srcset (spotlight_card.html), fetched with the images: no
# query per card. The first is the one the API gives.
CARD_RENDITIONS = ("fill-480x320|format-webp", "fill-960x640|format-webp")
CARD_RENDITION = CARD_RENDITIONS[0]


def live_articles():
    """Published articles outside any private section."""
    return in_active_locale(SpotlightPage.objects.live()).filter(public_q())


def with_cards(queryset):
    """Articles with what a card shows (portrait rendition, producers) prefetched."""
    return queryset.prefetch_related(
        Prefetch(
            "portrait", queryset=get_image_model().objects.prefetch_renditions(*CARD_RENDITIONS)
        ),
        Prefetch(
            "producer_links",
            # The locale: `in_language` maps them at no cost when already in the language.
            queryset=SpotlightProducer.objects.select_related(
                "producer__commune", "producer__locale"
            ),
        ),
    )


def in_language(articles):
    """The articles, their producer links pointing at the producers' versions in the active
    language, in one query for them all.

    An English article is an alias of the French one (until translated): its links point
    at the French producers.
    """
    articles = list(articles)
    links = [link for article in articles for link in article.producer_links.all()]
    producers = localized(
        [link.producer for link in links], ProducerPage.objects.select_related("commune")
    )
    for link, producer in zip(links, producers, strict=True):
        link.producer = producer
    return articles


def archive(index):
    """The index page's live articles, newest first."""
    return with_cards(live_articles().child_of(index)).order_by("-first_published_at", "-pk")


def feature_of_the_day(day):
    """The article the home page features on `day`, or None.

    The live articles take turns, one a day, in publication order: the same all day long (so
    the home page can be cached), a different one the next day. A fixed number of queries
    (view restrictions, count, the article, its portrait and producers).
    """
    articles = live_articles().order_by("first_published_at", "pk")
    count = articles.count()
    if not count:
        return None
    return with_cards(articles)[day.toordinal() % count]


def articles_about(producer):
    """The live articles about a producer, newest first (empty for an unsaved preview)."""
    if producer.pk is None:
        return []
    # Few producers have an article: the others cost no query (see _spotlighted).
    if str(producer.translation_key) not in remember("spotlighted-producers", _spotlighted):
        return []
    # The articles link the French producer; this page may be its English version.
    # EXISTS rather than a join: no DISTINCT over every column of the articles.
    about = SpotlightProducer.objects.filter(
        page=OuterRef("pk"), producer__translation_key=producer.translation_key
    )
    return list(
        live_articles()
        .filter(Exists(about))
        .defer("body")  # a link and a date are shown, never the article itself
        .order_by("-first_published_at", "-pk")
    )


def _spotlighted():
    """The producers (translation keys) any live article is about, in any language.

    Shared by every producer page, remembered until the next change of content (publishing
    an article is one): what `articles_about` then checks is the few in it.
    """
    links = SpotlightProducer.objects.filter(page__live=True)
    return {str(key) for key in links.values_list("producer__translation_key", flat=True)}


def article_context(article):
    """The producers, gallery and products of an article, read through the page.

    Read through the page's relations (not by id) so that the admin preview of unsaved
    changes shows what the editor typed.
    """
    links = list(article.producer_links.all())
    found = (
        ProducerPage.objects.live()
        .select_related("commune")
        .in_bulk([link.producer_id for link in links])
    )
    return {
        # Only published producers are linked; in the order the editor chose; in the
        # article's language.
        "producers": localized(
            [found[link.producer_id] for link in links if link.producer_id in found],
            ProducerPage.objects.select_related("commune"),
        ),
        "photos": list(article.gallery.all().select_related("image")),
        "products": list(article.featured_products.all()),
    }

"""`{% related_producers page as producers %}`: a news item's or event's producers."""

from django import template

from circuitcourt.directory.models import ProducerPage
from circuitcourt.site.i18n import localized

register = template.Library()


@register.simple_tag
def related_producers(page):
    """The page's live related producers, in the editor's order and the visitor's language:
    two queries at most, whatever their number. Read through the page's relations, so the
    admin preview shows what the editor chose."""
    ids = [link.producer_id for link in page.related_producers.all()]
    found = ProducerPage.objects.live().select_related("commune", "locale").in_bulk(ids)
    return localized(
        [found[pk] for pk in ids if pk in found], ProducerPage.objects.select_related("commune")
    )

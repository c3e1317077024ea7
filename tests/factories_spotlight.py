"""Factories for the spotlight (the archive page, articles, images drawn with Pillow, video
embeds cached in the database so no test reaches YouTube) and for the partner guides."""

import io
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as PILImage
from pypdf import PdfWriter
from wagtail.documents import get_document_model
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.images import get_image_model
from wagtail.models import Site

from circuitcourt.directory.guides import GuidePage, GuideProducer
from circuitcourt.directory.models import Partner
from circuitcourt.home.models import PartnerSectionPage
from circuitcourt.spotlight.models import SpotlightIndexPage, SpotlightPage, SpotlightProducer

from .factories import commune


def spotlight_index():
    """The published /a-la-une/ page, created under the home page if missing."""
    index = SpotlightIndexPage.objects.first()
    if index is None:
        home = Site.objects.get(is_default_site=True).root_page
        index = home.add_child(
            instance=SpotlightIndexPage(title="Producteurs à l'honneur", slug="a-la-une")
        )
        index.save_revision().publish()
    return index


def make_image(title="Photo", colour=(200, 120, 40), size=(120, 80)):
    data = io.BytesIO()
    PILImage.new("RGB", size, colour).save(data, "JPEG")
    return get_image_model().objects.create(
        title=title, file=ImageFile(data, name=f"{slugify(title)}.jpg")
    )


def make_article(title, producers=(), live=True, days_ago=None, **fields):
    """Publish an article about the given producers under /a-la-une/.

    `days_ago` backdates its first publication (the archive and the rotation order by it).
    """
    article = SpotlightPage(
        title=title,
        slug=slugify(title),
        lead=fields.pop("lead", f"À propos de {title}."),
        live=live,
        **fields,
    )
    article.producer_links = [
        SpotlightProducer(producer=producer, sort_order=order)
        for order, producer in enumerate(producers)
    ]
    spotlight_index().add_child(instance=article)
    if live:
        article.save_revision().publish()
        if days_ago is not None:
            article.first_published_at = timezone.now() - timedelta(days=days_ago)
            SpotlightPage.objects.filter(pk=article.pk).update(
                first_published_at=article.first_published_at
            )
    return article


VIDEO_HTML = '<iframe title="Vidéo de la ferme" src="https://www.youtube.com/embed/x"></iframe>'


def cache_video_embed(url, html=VIDEO_HTML):
    """Store the embed Wagtail would fetch for `url`, for the sizes the site asks for."""
    for max_width in (None, 800):
        Embed.objects.update_or_create(
            hash=get_embed_hash(url, max_width),
            defaults={
                "url": url,
                "max_width": max_width,
                "type": "video",
                "html": html,
                "title": "Vidéo",
                "thumbnail_url": "",
            },
        )


# Partner guides ---------------------------------------------------------------------------


def make_pdf(title="guide.pdf", pages=3):
    """A real PDF of `pages` blank A4 pages, written by pypdf, as a Wagtail document."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    data = io.BytesIO()
    writer.write(data)
    return get_document_model().objects.create(
        title=title, file=ContentFile(data.getvalue(), name=title)
    )


def make_partner(name, communes=(), **fields):
    """A partner (its section is made with it) covering the given communes."""
    partner = Partner.objects.create(name=name, slug=slugify(name), kind="territory", **fields)
    partner.territory.set([commune(place) for place in communes])
    return partner


def make_guide(partner, title, document=None, producers=(), live=True, **fields):
    """Publish a guide in the partner's section."""
    section = PartnerSectionPage.objects.get(locale__language_code="fr", partner=partner)
    guide = GuidePage(title=title, slug=slugify(title), document=document, live=live, **fields)
    guide.producer_links = [
        GuideProducer(producer=producer, sort_order=order)
        for order, producer in enumerate(producers)
    ]
    section.add_child(instance=guide)
    if live:
        guide.save_revision().publish()
    return guide

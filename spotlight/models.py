"""Producers in the spotlight: editorial portraits of the directory's producers.

An article is a page so that editors get drafts, previews, revisions, moderation and Wagtail's
own scheduled publication (go-live and expiry dates, run by `publish_scheduled`).
"""

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.embeds import embeds
from wagtail.embeds.exceptions import EmbedException
from wagtail.fields import StreamField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Orderable, Page
from wagtail.search import index

from circuitcourt.directory.models import ProducerPage, ProductCategory
from circuitcourt.home.blocks import BaseStreamBlock
from circuitcourt.site import api_fields as api


class SpotlightIndexPage(Page):
    """The archive of spotlight articles ("Producteurs à l'honneur"), newest first."""

    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    search_fields = Page.search_fields + [index.SearchField("introduction")]
    api_fields = [APIField("introduction")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["spotlight.SpotlightPage"]
    max_count = 1

    class Meta:
        verbose_name = _("spotlight archive")
        verbose_name_plural = _("spotlight archives")

    def get_context(self, request, *args, **kwargs):
        from . import services

        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(services.archive(self), services.ARCHIVE_PAGE_SIZE)
        try:
            page_obj = paginator.page(request.GET.get("page") or 1)
        except (EmptyPage, PageNotAnInteger) as exc:
            raise Http404(_("This page of the archive does not exist.")) from exc
        context["page_obj"] = page_obj
        context["articles"] = page_obj.object_list
        return context


class SpotlightPage(Page):
    """A portrait of one or more producers of the directory: photos, a video, their words."""

    lead = models.TextField(
        _("lead"), max_length=400, help_text=_("Two or three sentences shown in lists.")
    )
    portrait = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("portrait"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    quote_text = models.TextField(_("quote"), blank=True)
    quote_author = models.CharField(_("who said it"), max_length=150, blank=True)
    video_url = models.URLField(
        _("video"),
        blank=True,
        help_text=_("A YouTube, Vimeo or Dailymotion address, shown as an embedded player."),
    )
    featured_products = ParentalManyToManyField(
        ProductCategory,
        verbose_name=_("products featured"),
        blank=True,
        related_name="spotlights",
    )
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [
        FieldPanel("lead"),
        InlinePanel(
            "producer_links",
            heading=_("Producers"),
            label=_("Producer"),
            min_num=1,
            help_text=_("The producers of the directory this article is about."),
        ),
        FieldPanel("portrait"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("quote_text"), FieldPanel("quote_author")], heading=_("Quote")),
        FieldPanel("video_url"),
        InlinePanel("gallery", heading=_("Photo gallery"), label=_("Photo")),
        FieldPanel("featured_products"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("lead"),
        index.SearchField("body"),
        index.SearchField("quote_text"),
        index.SearchField("quote_author"),
        index.RelatedFields(
            "producer_links",
            [
                index.RelatedFields(
                    "producer",
                    [
                        index.SearchField("title"),
                    ],
                )
            ],
        ),
    ]
    api_fields = [
        APIField("lead"),
        APIField(
            "portrait_image", serializer=ImageRenditionField("fill-800x600", source="portrait")
        ),
        APIField("quote_text"),
        APIField("quote_author"),
        APIField("video_url"),
        APIField("body"),
        APIField("producer_links"),
        APIField("gallery"),
        APIField("featured_products", serializer=api.CategoriesField()),
    ]

    parent_page_types = ["spotlight.SpotlightIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("spotlight article")
        verbose_name_plural = _("spotlight articles")

    def clean(self):
        super().clean()
        if self.video_url:
            try:
                embeds.get_embed(self.video_url)
            except EmbedException as exc:
                raise ValidationError(
                    {"video_url": _("This address cannot be shown as a video player.")}
                ) from exc

    def get_context(self, request, *args, **kwargs):
        from . import services

        context = super().get_context(request, *args, **kwargs)
        context.update(services.article_context(self))
        return context


class SpotlightProducer(Orderable):
    """A producer an article is about; orderable, and part of the page's revisions."""

    page = ParentalKey(SpotlightPage, on_delete=models.CASCADE, related_name="producer_links")
    producer = models.ForeignKey(
        ProducerPage,
        verbose_name=_("producer"),
        on_delete=models.CASCADE,
        related_name="spotlight_links",
    )

    panels = [FieldPanel("producer")]
    api_fields = [APIField("producer", serializer=api.ProducerRefField())]

    class Meta(Orderable.Meta):
        verbose_name = _("producer")
        verbose_name_plural = _("producers")


class SpotlightPhoto(Orderable):
    """A photo of the article's gallery."""

    page = ParentalKey(SpotlightPage, on_delete=models.CASCADE, related_name="gallery")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), on_delete=models.CASCADE, related_name="+"
    )
    caption = models.CharField(_("caption"), max_length=250, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]
    api_fields = [
        APIField("image", serializer=ImageRenditionField("fill-800x600")),
        APIField("caption"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

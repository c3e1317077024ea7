"""Partner guides: the producers guide of a partner territory or network, in virtual form.

A guide is the partner's PDF (a Wagtail document, with its size and page count) and/or an
online version listing producers chosen from the directory, with a map and a print
stylesheet. Guides live in their partner's section (so the partner's editors write them and
the chamber approves them); /guides/ lists them all, by partner and territory.
"""

import logging

from django.core.paginator import InvalidPage, Paginator
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from pypdf import PdfReader
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.api import APIField
from wagtail.models import Orderable, Page
from wagtail.search import index

from circuitcourt.site import api_fields as api

from .models import Partner, ProducerPage, ProducerPointOfSale

logger = logging.getLogger(__name__)

GUIDES_PAGE_SIZE = 20


def pdf_page_count(document):
    """The number of pages of a PDF document, or None if it is not a PDF one can read.

    Never raises: a damaged or encrypted file must not stop an editor saving the page.
    """
    if document is None or document.file_extension.lower() != "pdf":
        return None
    try:
        with document.open_file() as handle:
            return len(PdfReader(handle).pages)
    except Exception:  # pypdf raises many kinds of errors on malformed files
        logger.warning("Cannot count the pages of document %s", document.pk, exc_info=True)
        return None


class GuidePageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned_data = super().clean()
        links = self.formsets.get("producer_links")
        has_producers = (
            links is not None
            and links.is_valid()
            and any(form.cleaned_data and not form.cleaned_data.get("DELETE") for form in links)
        )
        if not cleaned_data.get("document") and not has_producers:
            self.add_error(
                "document",
                _("Upload the guide as a PDF, or choose its producers below (or both)."),
            )
        return cleaned_data


class GuidePage(Page):
    """A partner's producers guide: its PDF and/or its producers online, with a map."""

    introduction = models.TextField(_("introduction"), blank=True)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("PDF of the guide"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Counted when the page is saved (reading the PDF on every visit would be slow).
    pdf_page_count = models.PositiveIntegerField(
        _("pages of the PDF"), null=True, blank=True, editable=False
    )
    # The partner of the section the guide lives in, kept by save() for the listing's filters.
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="guides",
    )

    base_form_class = GuidePageForm
    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("document"),
        InlinePanel(
            "producer_links",
            heading=_("Producers of the online guide"),
            label=_("Producer"),
            help_text=_("Producers chosen from the directory, in the guide's order."),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("introduction"),
        index.FilterField("partner"),
    ]
    api_fields = [
        APIField("introduction"),
        APIField("partner", serializer=api.PartnerField()),
        APIField("document"),
        APIField("pdf_page_count"),
        APIField("producer_links"),
    ]

    parent_page_types = ["home.PartnerSectionPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("partner guide")
        verbose_name_plural = _("partner guides")

    def save(self, *args, **kwargs):
        self.pdf_page_count = pdf_page_count(self.document)
        self.partner_id = self.section_partner_id()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "pdf_page_count", "partner"}
        super().save(*args, **kwargs)

    def section_partner_id(self):
        from circuitcourt.home.models import PartnerSectionPage

        if not self.path:  # not in the tree yet: add_child saves again
            return self.partner_id
        return (
            PartnerSectionPage.objects.ancestor_of(self)
            .values_list("partner_id", flat=True)
            .first()
        )

    def get_context(self, request, *args, **kwargs):
        from circuitcourt.site.i18n import localized

        from .search_page import point_features, producer_cards, producer_queryset

        context = super().get_context(request, *args, **kwargs)
        # Read through the page's relations so that the admin preview shows unsaved changes.
        ids = [link.producer_id for link in self.producer_links.all()]
        found = producer_queryset().select_related("commune").in_bulk(ids)
        producers = [found[pk] for pk in ids if pk in found]
        points = {}
        for link in ProducerPointOfSale.objects.filter(producer__in=ids).select_related(
            "point_of_sale__commune"
        ):
            points.setdefault(link.producer_id, []).append(link.point_of_sale)
        for producer in producers:
            producer.distance_km = None
            producer.matching_points = points.get(producer.pk, [])
            for point in producer.matching_points:
                point.distance_km = None
        producers = localized(producers, producer_cards())  # in the guide's language
        features = []
        for producer in producers:
            features += point_features(
                producer.matching_points, producer=producer.title, url=producer.url
            )["features"]
        context.update(
            producers=producers,
            map_data={"type": "FeatureCollection", "features": features},
            document_size=self.document.get_file_size() if self.document else None,
        )
        return context


class GuideProducer(Orderable):
    """A producer listed in the online version of a guide."""

    guide = ParentalKey(GuidePage, on_delete=models.CASCADE, related_name="producer_links")
    producer = models.ForeignKey(
        ProducerPage,
        verbose_name=_("producer"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("producer")]
    api_fields = [APIField("producer", serializer=api.ProducerRefField())]

    class Meta(Orderable.Meta):
        verbose_name = _("producer of the guide")
        verbose_name_plural = _("producers of the guide")


class GuideIndexPage(Page):
    """/guides/: every partner's guide, filtered by partner and territory."""

    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    api_fields = [APIField("introduction")]

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("partner guides index")
        verbose_name_plural = _("partner guides indexes")

    def get_context(self, request, *args, **kwargs):
        from .guide_listing import GuideFilterSet, guide_queryset

        context = super().get_context(request, *args, **kwargs)
        filterset = GuideFilterSet(request.GET or None, queryset=guide_queryset())
        query = request.GET.copy()
        query.pop("page", None)
        context.update(filter=filterset, form=filterset.form, query_string=query.urlencode())
        if filterset.is_bound and not filterset.is_valid():
            context["guides"] = []
            return context
        paginator = Paginator(filterset.qs, GUIDES_PAGE_SIZE)
        try:
            page_obj = paginator.page(request.GET.get("page") or 1)
        except InvalidPage as exc:
            raise Http404(_("This page of the list does not exist.")) from exc
        guides = list(page_obj.object_list)
        page_obj.object_list = guides
        context.update(page_obj=page_obj, guides=guides)
        return context

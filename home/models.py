"""The home page, the standard pages, and what the chamber and its partners publish.

Every partner of the programme has its own section under /partenaires/ where its editors
write news and events; the chamber moderates them before they go live. The news and events of
every section meet in /actualites/ and /agenda/ and on the home page.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    MultipleChooserPanel,
)
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Orderable, Page, Site
from wagtail.search import index
from wagtailgeowidget.panels import GeoAddressPanel, LeafletPanel

from circuitcourt.directory.models import MapPoint
from circuitcourt.site import api_fields as api
from circuitcourt.site.i18n import in_active_locale, in_default_locale
from circuitcourt.site.routing import section

from .blocks import BaseStreamBlock


class HomePage(Page):
    """The site's front door: a short introduction, then editor-composed content."""

    introduction = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("One or two sentences under the title."),
    )
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("introduction"),
        index.SearchField("body"),
    ]
    api_fields = [APIField("introduction"), APIField("body")]

    parent_page_types = ["wagtailcore.Page"]
    # Each app adds its index pages here.
    subpage_types = [
        "home.StandardPage",
        "directory.DirectoryIndexPage",
        "home.PartnerIndexPage",
        "home.NewsIndexPage",
        "home.EventIndexPage",
        "seasonal_calendar.SeasonalCalendarPage",
        "spotlight.SpotlightIndexPage",
        "directory.GuideIndexPage",
    ]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def route(self, request, path_components):
        # Every URL goes through one of the sections below: remembered, not queried.
        child = section(self, path_components[0]) if path_components else None
        if child is not None:
            return child.route(request, path_components[1:])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from .listings import home_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(home_page_context())
        return context


class StandardPage(Page):
    """A plain content page: about, legal notice, how the programme works."""

    introduction = models.TextField(_("introduction"), blank=True)
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("introduction"),
        index.SearchField("body"),
    ]

    api_fields = [APIField("introduction"), APIField("body")]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")


class SingletonIndexMixin:
    """An index page that exists once, under the home page, at a fixed slug.

    Demo data, partners and the feeds need it to exist; `get_or_create` makes it if missing.
    """

    default_title = ""
    default_slug = ""

    @classmethod
    def get_or_create(cls):
        index_page = in_default_locale(cls.objects).first()
        if index_page is None:
            site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
            home = (
                site.root_page if site else in_default_locale(Page.objects.filter(depth=2)).first()
            )
            index_page = cls(
                title=str(cls.default_title), slug=cls.default_slug, show_in_menus=True
            )
            home.add_child(instance=index_page)
            index_page.save_revision().publish()
        return index_page


class PartnerIndexPage(SingletonIndexMixin, Page):
    """/partenaires/: the parent of the partners' sections, and where moderation applies.

    The chamber's moderation workflow is assigned here, so every page a partner writes in its
    section goes through it.
    """

    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    api_fields = [APIField("introduction")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.PartnerSectionPage"]
    max_count = 1
    default_title = "Partenaires"
    default_slug = "partenaires"

    class Meta:
        verbose_name = _("partners index")
        verbose_name_plural = _("partners indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = (
            PartnerSectionPage.objects.child_of(self)
            .live()
            .public()
            .select_related("partner", "partner__logo")
            .order_by("title")
        )
        return context


class PartnerSectionPage(Page):
    """One partner's own part of the site, made with the partner.

    The partner's editors group may add and change pages here (news, events, guides) but not
    publish them: the chamber approves them first.
    """

    # One section per partner and language (the English one is its translation or alias):
    # `partner.section` is the French one.
    partner = models.ForeignKey(
        "directory.Partner",
        verbose_name=_("partner"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="sections",
        related_query_name="section",
    )
    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("partner", read_only=True),
        FieldPanel("introduction"),
    ]
    search_fields = Page.search_fields + [index.SearchField("introduction")]
    api_fields = [APIField("partner", serializer=api.PartnerField()), APIField("introduction")]

    parent_page_types = ["home.PartnerIndexPage"]
    # Sections are made with their partner (services.ensure_partner_section), not by hand.
    is_creatable = False
    # The partner guides (directory) add their page type here.
    subpage_types = ["home.NewsPage", "home.EventPage", "directory.GuidePage"]

    class Meta:
        verbose_name = _("partner section")
        verbose_name_plural = _("partner sections")

    def get_context(self, request, *args, **kwargs):
        from .listings import section_context

        context = super().get_context(request, *args, **kwargs)
        context.update(section_context(self))
        return context


class PartnerPublication(Page):
    """What is published in a partner section (or by the chamber): a news item or an event.

    `partner` is the partner of the section the page lives in, kept by save() so that lists
    filter by partner and territory without walking the page tree.
    """

    lead = models.TextField(
        _("lead"), max_length=400, help_text=_("One or two sentences shown in lists and feeds.")
    )
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    partner = models.ForeignKey(
        "directory.Partner",
        verbose_name=_("partner"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    search_fields = Page.search_fields + [
        index.SearchField("lead"),
        index.SearchField("body"),
        index.FilterField("partner"),
    ]

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.partner_id = self.section_partner_id()
        super().save(*args, **kwargs)

    def section_partner_id(self):
        """The partner of the section above this page (None for the chamber's own pages)."""
        if not self.path:
            return None
        return (
            PartnerSectionPage.objects.ancestor_of(self)
            .values_list("partner_id", flat=True)
            .first()
        )


class RelatedProducer(Orderable):
    """A producer of the directory that a news item or an event is about."""

    producer = models.ForeignKey(
        "directory.ProducerPage",
        verbose_name=_("producer"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("producer")]
    api_fields = [APIField("producer", serializer=api.ProducerRefField())]

    class Meta(Orderable.Meta):
        abstract = True


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "home.NewsPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class NewsPage(PartnerPublication):
    """A news item of a partner or of the chamber."""

    date = models.DateField(_("date"), default=timezone.localdate)
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True, verbose_name=_("tags"))

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("lead"),
        FieldPanel("image"),
        FieldPanel("body"),
        FieldPanel("tags"),
        MultipleChooserPanel(
            "related_producers", chooser_field_name="producer", label=_("Related producers")
        ),
    ]
    api_fields = [
        APIField("date"),
        APIField("partner", serializer=api.PartnerField()),
        APIField("lead"),
        APIField("body"),
        APIField("image"),
        APIField("image_thumbnail", serializer=ImageRenditionField("fill-600x400", source="image")),
        APIField("tags"),
        APIField("related_producers"),
    ]

    parent_page_types = ["home.PartnerSectionPage", "home.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")
        indexes = [models.Index(fields=["date"], name="news_date")]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # For the tag links.
        context["news_index"] = in_active_locale(NewsIndexPage.objects.live()).first()
        return context


class NewsPageProducer(RelatedProducer):
    page = ParentalKey(NewsPage, on_delete=models.CASCADE, related_name="related_producers")


class EventPage(MapPoint, PartnerPublication):
    """A dated event: a local market, a farm open day, a tasting, a fair."""

    class Kind(models.TextChoices):
        MARKET = "market", _("Local market")
        OPEN_FARM = "open_farm", _("Farm open day")
        TASTING = "tasting", _("Tasting")
        FAIR = "fair", _("Fair or festival")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Aware datetimes, entered and shown in Europe/Paris (TIME_ZONE), stored in UTC.
    start = models.DateTimeField(_("starts at"))
    end = models.DateTimeField(_("ends at"))
    place_name = models.CharField(
        _("place"), max_length=200, help_text=_("e.g. Place du Général de Gaulle")
    )
    address = models.CharField(_("address"), max_length=250, blank=True)
    commune = models.ForeignKey(
        "directory.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_free = models.BooleanField(_("free"), default=False)
    price = models.DecimalField(
        _("price (€)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    price_notes = models.CharField(
        _("price details"),
        max_length=200,
        blank=True,
        help_text=_("e.g. free for children under 12"),
    )
    registration_url = models.URLField(_("registration link"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        FieldPanel("lead"),
        FieldPanel("image"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("place_name"),
                GeoAddressPanel("address"),
                FieldPanel("commune"),
                LeafletPanel("location", address_field="address"),
            ],
            heading=_("Place"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("is_free"), FieldPanel("price")]),
                FieldPanel("price_notes"),
                FieldPanel("registration_url"),
            ],
            heading=_("Price and registration"),
        ),
        MultipleChooserPanel(
            "related_producers", chooser_field_name="producer", label=_("Related producers")
        ),
    ]
    search_fields = PartnerPublication.search_fields + [
        index.SearchField("place_name"),
        index.FilterField("kind"),
        index.FilterField("start"),
    ]
    api_fields = [
        APIField("kind"),
        APIField("start"),
        APIField("end"),
        APIField("partner", serializer=api.PartnerField()),
        APIField("lead"),
        APIField("body"),
        APIField("image"),
        APIField("image_thumbnail", serializer=ImageRenditionField("fill-600x400", source="image")),
        APIField("place_name"),
        APIField("address"),
        APIField("commune", serializer=api.CommuneField()),
        APIField("latitude"),
        APIField("longitude"),
        APIField("is_free"),
        APIField("price"),
        APIField("price_notes"),
        APIField("registration_url"),
        APIField("related_producers"),
    ]

    parent_page_types = ["home.PartnerSectionPage", "home.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["start"], name="event_start"),
            models.Index(fields=["end"], name="event_end"),
        ]

    def clean(self):
        super().clean()
        errors = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = _("The event cannot end before it starts.")
        if self.is_free and self.price:
            errors["price"] = _("A free event has no price; untick “free” or clear the price.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_past(self):
        return self.end < timezone.now()


class EventPageProducer(RelatedProducer):
    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="related_producers")


class NewsIndexPage(SingletonIndexMixin, RoutablePageMixin, Page):
    """/actualites/: the news of every partner and of the chamber, with filters and a feed.

    The chamber's own news items live under it; the partners' stay in their sections.
    """

    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    api_fields = [APIField("introduction")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.NewsPage"]
    max_count = 1
    default_title = "Actualités"
    default_slug = "actualites"

    class Meta:
        verbose_name = _("news index")
        verbose_name_plural = _("news indexes")

    @path("")
    def listing(self, request):
        from .listings import news_listing_context

        return self.render(request, context_overrides=news_listing_context(request))

    @path("rss/", name="feed")
    def feed(self, request):
        from .feeds import NewsFeed

        return NewsFeed(self)(request)


class EventIndexPage(SingletonIndexMixin, RoutablePageMixin, Page):
    """/agenda/: the events of every partner and of the chamber, upcoming first, with an
    iCalendar feed that phone calendars subscribe to."""

    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    api_fields = [APIField("introduction")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.EventPage"]
    max_count = 1
    default_title = "Agenda"
    default_slug = "agenda"

    class Meta:
        verbose_name = _("events index")
        verbose_name_plural = _("events indexes")

    @path("")
    def listing(self, request):
        from .listings import event_listing_context

        return self.render(request, context_overrides=event_listing_context(request))

    @path("ical/", name="ical")
    def ical(self, request):
        from .feeds import ical_response

        return ical_response(self, request)

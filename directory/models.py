"""The local producers guide: who sells what, where, when.

Reference data (communes, product categories, quality signs, partners, points of sale) are
plain models edited as snippets; producer profiles are pages published by editors.
"""

import re

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Orderable, Page, Site
from wagtail.search import index
from wagtailgeowidget.panels import GeoAddressPanel, LeafletPanel

from circuitcourt.home.blocks import BaseStreamBlock
from circuitcourt.site import api_fields as api
from circuitcourt.site.i18n import in_default_locale
from circuitcourt.site.pages import SharedViewRestrictionsMixin

from .text import producer_search_text

INTRODUCTION = (
    "Trouvez les producteurs des Hauts-de-France qui vendent en circuit court : à la ferme, "
    "sur les marchés, en AMAP, en drive fermier, en distributeur ou en magasin de "
    "producteurs. Cherchez par produit, par label ou autour d'une commune."
)
COMMUNE_RADIUS_KM = 10  # a commune page lists producers selling within this distance

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
MONTHS = [
    (1, _("January")),
    (2, _("February")),
    (3, _("March")),
    (4, _("April")),
    (5, _("May")),
    (6, _("June")),
    (7, _("July")),
    (8, _("August")),
    (9, _("September")),
    (10, _("October")),
    (11, _("November")),
    (12, _("December")),
]


class Commune(models.Model):
    """A commune of Hauts-de-France from the GeoNames gazetteer.

    It places producers and points of sale, resolves a place typed in words ("Arras") to
    coordinates offline, and gives each commune its page ("Producteurs à Arras").
    """

    geonames_id = models.PositiveIntegerField(_("GeoNames id"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    # Accent- and case-free name and alternate names, separated by "|", for place lookup.
    search_names = models.TextField(_("names for lookup"), blank=True, editable=False)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    population = models.PositiveIntegerField(_("population"), default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self):
        return self.name


class ProductCategory(models.Model):
    """A node of the product taxonomy (Fruits > Pommes, Fromages > Maroilles, Laine, ...).

    A category includes its sub-categories when the public searches by category.
    """

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("French name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    icon = models.CharField(
        _("icon"), max_length=8, blank=True, help_text=_("An emoji shown beside the name.")
    )
    is_food = models.BooleanField(_("food product"), default=True)
    sort_order = models.IntegerField(null=True, blank=True, editable=False)

    panels = [
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("slug"),
        FieldPanel("parent"),
        FieldRowPanel([FieldPanel("icon"), FieldPanel("is_food")]),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    @property
    def local_name(self):
        """The name in the active language."""
        return self.name_en if get_language() == "en" and self.name_en else self.name

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": _("A category cannot be inside itself.")})
            ancestor = ancestor.parent

    @classmethod
    def in_tree_order(cls):
        """Every category, each followed by its sub-categories (depth-first), with `.depth`."""
        children = {}
        for category in cls.objects.all():  # Meta.ordering: sort_order, then name
            children.setdefault(category.parent_id, []).append(category)
        ordered = []

        def visit(parent_id, depth):
            for category in children.get(parent_id, []):
                category.depth = depth
                ordered.append(category)
                visit(category.pk, depth + 1)

        visit(None, 0)
        return ordered

    # The taxonomy's shape, read by every search by category. Cleared whenever a category is
    # saved or deleted (signals in apps.py); the timeout only bounds how stale a cache that is
    # not shared between processes (locmem without REDIS_URL) can get.
    TREE_CACHE_KEY = "directory:category-children"
    TREE_CACHE_SECONDS = 600

    @classmethod
    def children_ids(cls):
        """{parent id (None for the roots): [ids of its sub-categories]}, cached."""
        children = cache.get(cls.TREE_CACHE_KEY)
        if children is None:
            children = {}
            for pk, parent_id in cls.objects.values_list("pk", "parent_id"):
                children.setdefault(parent_id, []).append(pk)
            cache.set(cls.TREE_CACHE_KEY, children, cls.TREE_CACHE_SECONDS)
        return children

    @classmethod
    def forget_tree(cls, **kwargs):
        """Drop the cached taxonomy now, and again at commit (a reader in between may have
        cached uncommitted rows)."""
        cache.delete(cls.TREE_CACHE_KEY)
        transaction.on_commit(lambda: cache.delete(cls.TREE_CACHE_KEY))

    @classmethod
    def descendant_ids(cls, category_ids):
        """The ids of the given categories and all their sub-categories (no query when cached)."""
        children = cls.children_ids()
        found, todo = set(), list(category_ids)
        while todo:
            pk = todo.pop()
            if pk not in found:
                found.add(pk)
                todo.extend(children.get(pk, []))
        return found


class QualitySign(models.Model):
    """An official quality sign (AOP, IGP, Label Rouge, AB, ...) or a network label."""

    class Kind(models.TextChoices):
        EU = "eu", _("European sign (AOP, IGP, STG, AB)")
        NATIONAL = "national", _("National sign (Label Rouge, HVE)")
        NETWORK = "network", _("Network label")

    name = models.CharField(_("name"), max_length=150)
    short_name = models.CharField(_("short name"), max_length=40, help_text=_("e.g. AOP, IGP"))
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.EU)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    explanation = models.TextField(
        _("explanation"), blank=True, help_text=_("What the sign guarantees, in plain words.")
    )
    website = models.URLField(_("website"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("short_name"), FieldPanel("kind")]),
        FieldPanel("slug"),
        FieldPanel("logo"),
        FieldPanel("explanation"),
        FieldPanel("website"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("quality sign")
        verbose_name_plural = _("quality signs")

    def __str__(self):
        return self.name


class Partner(models.Model):
    """A territory or producer network that signed the agreement with the chamber."""

    class Kind(models.TextChoices):
        TERRITORY = "territory", _("Territory (intercommunality)")
        TOURISM = "tourism", _("Tourism or attractiveness agency")
        NETWORK = "network", _("Producer network")

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(
        _("description"),
        max_length=600,
        blank=True,
        help_text=_("Two or three sentences shown on the partner's section."),
    )
    territory = models.ManyToManyField(
        Commune,
        verbose_name=_("territory"),
        blank=True,
        related_name="partners",
        help_text=_("The communes the partner covers; visitors filter news and events by them."),
    )
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # Made with the partner (see circuitcourt.home.partners): the group whose members edit the
    # partner's section, and the collection of the partner's images and documents.
    editors_group = models.OneToOneField(
        "auth.Group",
        verbose_name=_("editors group"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="partner",
    )
    collection = models.ForeignKey(
        "wagtailcore.Collection",
        verbose_name=_("media collection"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("slug"), FieldPanel("kind")]),
        FieldPanel("logo"),
        FieldPanel("website"),
        FieldPanel("description"),
        FieldPanel("territory"),
        MultiFieldPanel(
            [
                FieldPanel("contact_name"),
                FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
            ],
            heading=_("Contact"),
        ),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self):
        return self.name

    @property
    def section(self):
        """The partner's section in the French tree (None before it is made)."""
        from django.conf import settings

        return self.sections.filter(locale__language_code=settings.LANGUAGE_CODE).first()


POINT_RE = re.compile(r"^(?:SRID=\d+;)?POINT\s?\((-?[\d.]+)\s+(-?[\d.]+)\)$")


class MapPoint(models.Model):
    """A place on the map: the map widget's point and the numeric columns it keeps in sync.

    The latitude and longitude columns are the truth that searches and maps read; the map
    widget (wagtail-geo-widget) edits them through `location`. Points of sale and events use it.
    """

    location = models.CharField(
        _("location on the map"),
        max_length=250,
        blank=True,
        help_text=_("Search the address or drag the marker; the coordinates below follow."),
    )
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.sync_location()
        super().save(*args, **kwargs)

    @property
    def has_location(self):
        return self.latitude is not None and self.longitude is not None

    def sync_location(self):
        """Keep the map widget's point and the numeric columns in agreement.

        The widget writes `location`; imports write latitude/longitude. Whichever changed
        last wins: a location string that parses updates the columns, and columns without a
        location get one.
        """
        match = POINT_RE.match(self.location.strip()) if self.location else None
        if match:
            self.longitude = round(float(match.group(1)), 6)
            self.latitude = round(float(match.group(2)), 6)
        elif self.has_location:
            self.location = f"SRID=4326;POINT({self.longitude} {self.latitude})"


class PointOfSale(index.Indexed, MapPoint, ClusterableModel):
    """Where the public buys: a farm shop, a market, an AMAP, a drive, a vending machine, ...

    Shared between producers when several sell at the same market or shop. The latitude and
    longitude columns are the truth used by the distance search; the map widget edits them
    through `location`.
    """

    class Kind(models.TextChoices):
        FARM_SHOP = "farm_shop", _("Farm shop")
        MARKET = "market", _("Market")
        AMAP = "amap", _("AMAP / basket")
        SHOP = "shop", _("Producers' shop or cooperative")
        DRIVE = "drive", _("Drive / Click & Collect pick-up")
        VENDING = "vending", _("Vending machine")
        DELIVERY = "delivery", _("Delivery")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=250, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="points_of_sale",
    )
    notes = models.TextField(_("practical information"), blank=True)
    import_ref = models.CharField(
        _("import reference"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Identifier in the chamber's spreadsheet; re-imports update this record."),
    )

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("name")]),
        GeoAddressPanel("address"),
        FieldRowPanel([FieldPanel("postcode"), FieldPanel("commune")]),
        LeafletPanel("location", address_field="address"),
        FieldPanel("notes"),
        FieldPanel("import_ref", read_only=True),
        InlinePanel("opening_hours", heading=_("Opening hours"), label=_("Opening slot")),
        InlinePanel("closures", heading=_("Closures"), label=_("Closure")),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("kind"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("point of sale")
        verbose_name_plural = _("points of sale")
        indexes = [models.Index(fields=["latitude", "longitude"], name="pos_lat_lng")]

    def __str__(self):
        return f"{self.name} ({self.commune})" if self.commune_id else self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The links carry a copy of the coordinates for the distance search.
        self.producer_links.update(latitude=self.latitude, longitude=self.longitude)

    def get_kind_display(self):
        # Django's own builds a dict of the (lazy, translated) choices at every call: a
        # list of results calls it for each point of sale.
        try:
            return self.Kind(self.kind).label
        except ValueError:
            return self.kind


class OpeningHours(Orderable):
    """A weekly opening slot, optionally only during a season (months, wrapping the year)."""

    point_of_sale = ParentalKey(PointOfSale, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=WEEKDAYS)
    opens = models.TimeField(_("opens at"))
    closes = models.TimeField(_("closes at"))
    season_start = models.PositiveSmallIntegerField(
        _("from (month)"),
        choices=MONTHS,
        null=True,
        blank=True,
        help_text=_("Leave both months empty for all year."),
    )
    season_end = models.PositiveSmallIntegerField(
        _("to (month)"), choices=MONTHS, null=True, blank=True
    )

    panels = [
        FieldRowPanel([FieldPanel("weekday"), FieldPanel("opens"), FieldPanel("closes")]),
        FieldRowPanel([FieldPanel("season_start"), FieldPanel("season_end")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("opening slot")
        verbose_name_plural = _("opening hours")

    def clean(self):
        if self.opens and self.closes and self.closes <= self.opens:
            raise ValidationError({"closes": _("Closing time must be after opening time.")})
        if (self.season_start is None) != (self.season_end is None):
            raise ValidationError(_("Give both months of the season, or neither."))


class Closure(Orderable):
    """A dated closure (holidays, works): the point of sale is closed on these days."""

    point_of_sale = ParentalKey(PointOfSale, on_delete=models.CASCADE, related_name="closures")
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to (included)"))
    reason = models.CharField(_("reason"), max_length=150, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date"), FieldPanel("reason")])
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("closure")
        verbose_name_plural = _("closures")

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The closure cannot end before it starts.")})


class DirectoryIndexPage(RoutablePageMixin, Page):
    """The producers guide at /producteurs/: the search page and the parent of profiles.

    It also answers /producteurs/categorie/<slug>/ and /producteurs/commune/<slug>/, the
    category and commune pages that search engines index.
    """

    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    api_fields = [APIField("introduction")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["directory.ProducerPage"]
    max_count = 1

    class Meta:
        verbose_name = _("producers guide")
        verbose_name_plural = _("producers guides")

    @classmethod
    def get_or_create(cls):
        """The single /producteurs/ page, created and published under the home page if missing.

        Imports, demo data and generators all put producers under it.
        """
        index = in_default_locale(cls.objects).first()
        if index is None:
            site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
            home = (
                site.root_page if site else in_default_locale(Page.objects.filter(depth=2)).first()
            )
            index = cls(
                title="Producteurs",
                slug="producteurs",
                introduction=INTRODUCTION,
                show_in_menus=True,
            )
            home.add_child(instance=index)
            index.save_revision().publish()
        return index

    def route(self, request, path_components):
        # /producteurs/<slug>/ is a profile (this page's own routes have no single-word
        # path): one query loads it with its commune, where Wagtail would load the page,
        # then its specific row, then the commune the page shows.
        if len(path_components) == 1:
            producer = (
                ProducerPage.objects.child_of(self)
                .select_related("commune")
                .filter(slug=path_components[0])
                .first()
            )
            if producer is not None:
                producer._cached_parent_obj = self  # as Wagtail's own route does
                return producer.route(request, [])
        return super().route(request, path_components)

    @path("")
    def search(self, request):
        from .search_page import search_context

        return self.render(request, context_overrides=search_context(request))

    @path("categorie/<slug:slug>/", name="category")
    def category(self, request, slug):
        from .search_page import search_context

        category = get_object_or_404(ProductCategory, slug=slug)
        context = search_context(request, pinned={"category": slug})
        context.update(
            heading=_("Producers of %(category)s") % {"category": category.local_name.lower()},
            meta_description=_(
                "Local producers selling %(category)s in short circuits in Hauts-de-France: "
                "farms, markets and shops near you."
            )
            % {"category": category.local_name.lower()},
            pinned_category=category,
        )
        return self.render(request, context_overrides=context)

    @path("commune/<slug:slug>/", name="commune")
    def commune(self, request, slug):
        from .search_page import search_context

        commune = get_object_or_404(Commune, slug=slug)
        # The slug names homonyms (two communes called Athies) unambiguously.
        context = search_context(
            request,
            pinned={"place": commune.slug, "near": ""},
            defaults={"radius_km": str(COMMUNE_RADIUS_KM)},
        )
        context.update(
            heading=_("Producers in and around %(commune)s") % {"commune": commune.name},
            meta_description=_(
                "Farms, markets and producers' shops within %(radius)s km of %(commune)s: "
                "local food in short circuits."
            )
            % {"radius": COMMUNE_RADIUS_KM, "commune": commune.name},
            pinned_commune=commune,
        )
        return self.render(request, context_overrides=context)

    def get_sitemap_urls(self, request=None):
        """The search page, then every category and every commune that has producers."""
        urls = super().get_sitemap_urls(request)
        base = self.get_full_url(request)
        for slug in ProductCategory.objects.values_list("slug", flat=True):
            urls.append({"location": f"{base}categorie/{slug}/"})
        communes = Commune.objects.filter(producers__live=True).distinct()
        for slug in communes.values_list("slug", flat=True):
            urls.append({"location": f"{base}commune/{slug}/"})
        return urls


class ProducerPage(SharedViewRestrictionsMixin, Page):
    """A producer's public profile: who they are, what they sell, where and when.

    The pages read most, and least often from the page cache (20,000 of them, crawled):
    their view restrictions cost no query while the site has none.
    """

    producer_names = models.CharField(
        _("producers' names"), max_length=250, blank=True, help_text=_("e.g. Anne et Paul Dupont")
    )
    summary = models.CharField(
        _("summary"), max_length=300, blank=True, help_text=_("One sentence shown in lists.")
    )
    story = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("story"))
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="producers",
        null=True,
        blank=True,
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    facebook = models.URLField(_("Facebook"), blank=True)
    instagram = models.URLField(_("Instagram"), blank=True)
    click_and_collect = models.BooleanField(_("offers Click & Collect"), default=False)
    click_and_collect_url = models.URLField(_("Click & Collect link"), blank=True)
    click_and_collect_info = models.CharField(
        _("how to order"),
        max_length=300,
        blank=True,
        help_text=_("e.g. order by phone before Thursday noon"),
    )
    quality_signs = ParentalManyToManyField(
        QualitySign,
        verbose_name=_("quality signs of the farm"),
        blank=True,
        related_name="producers",
        help_text=_("Signs that cover the whole farm (e.g. Agriculture Biologique)."),
    )
    partners = ParentalManyToManyField(
        Partner, verbose_name=_("partner networks"), blank=True, related_name="producers"
    )
    is_fictional = models.BooleanField(
        _("fictional (demo data)"),
        default=False,
        help_text=_("Demo producers are invented; they must never be mistaken for real ones."),
    )
    # Unique in the French tree (the importer looks it up there); a page's English version
    # (alias or translation) carries the same reference, so the column cannot be unique.
    import_ref = models.CharField(
        _("import reference"),
        max_length=64,
        db_index=True,
        null=True,
        blank=True,
        help_text=_("Identifier in the chamber's spreadsheet; re-imports update this page."),
    )
    # Accent-free text of everything a visitor may type, kept by save(); see text.normalize.
    search_text = models.TextField(editable=False, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("producer_names"),
        FieldPanel("summary"),
        FieldPanel("commune"),
        FieldPanel("story"),
        InlinePanel("photos", heading=_("Photos"), label=_("Photo")),
    ]
    products_panels = [
        InlinePanel("products", heading=_("Products sold"), label=_("Product")),
        FieldPanel("quality_signs", widget=forms.CheckboxSelectMultiple),
    ]
    sales_panels = [
        InlinePanel("points_of_sale", heading=_("Points of sale"), label=_("Point of sale")),
        MultiFieldPanel(
            [
                FieldPanel("click_and_collect"),
                FieldPanel("click_and_collect_url"),
                FieldPanel("click_and_collect_info"),
            ],
            heading=_("Click & Collect"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
                FieldPanel("website"),
                FieldRowPanel([FieldPanel("facebook"), FieldPanel("instagram")]),
            ],
            heading=_("Contact"),
        ),
        FieldPanel("partners", widget=forms.CheckboxSelectMultiple),
        FieldPanel("is_fictional"),
        FieldPanel("import_ref", read_only=True),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Profile")),
            ObjectList(products_panels, heading=_("Products")),
            ObjectList(sales_panels, heading=_("Sales and contact")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )

    search_fields = Page.search_fields + [
        index.SearchField("search_text"),
        index.SearchField("producer_names"),
        index.FilterField("click_and_collect"),
        index.FilterField("commune"),
    ]
    # What a front end shows on a producer page; related objects expanded (names, links).
    api_fields = [
        APIField("producer_names"),
        APIField("summary"),
        APIField("story"),
        APIField("commune", serializer=api.CommuneField()),
        APIField("photos"),
        APIField("products"),
        APIField("quality_signs", serializer=api.QualitySignsField()),
        APIField("points_of_sale"),
        APIField("click_and_collect"),
        APIField("click_and_collect_url"),
        APIField("click_and_collect_info"),
        APIField("phone"),
        APIField("email"),
        APIField("website"),
        APIField("facebook"),
        APIField("instagram"),
        APIField("partners", serializer=api.PartnersField()),
        APIField("is_fictional"),
    ]

    parent_page_types = ["directory.DirectoryIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("producer")
        verbose_name_plural = _("producers")
        indexes = [models.Index(fields=["click_and_collect"], name="producer_cc")]

    def get_context(self, request, *args, **kwargs):
        from .producer_page import producer_context

        context = super().get_context(request, *args, **kwargs)
        context.update(producer_context(self, request))
        return context

    def full_clean(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        super().full_clean(*args, **kwargs)

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        super().save(*args, **kwargs)

    def build_search_text(self):
        products = list(self.products.all())
        categories = ProductCategory.objects.select_related("parent").in_bulk(
            [product.category_id for product in products]
        )
        return producer_search_text(
            self.title,
            self.producer_names,
            self.summary,
            self.commune.name if self.commune_id else "",
            [(categories[product.category_id], product.notes) for product in products],
            {
                sign.pk: sign
                for sign in [
                    *self.quality_signs.all(),
                    *(sign for product in products for sign in product.quality_signs.all()),
                ]
            }.values(),
        )


class ProducerProduct(Orderable, ClusterableModel):
    """A product a producer sells, with free notes (varieties) and its own quality signs."""

    producer = ParentalKey(ProducerPage, on_delete=models.CASCADE, related_name="products")
    category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the (category, producer) index below serves look-ups by category
    )
    notes = models.CharField(
        _("notes"), max_length=250, blank=True, help_text=_("Varieties, season, ...")
    )
    quality_signs = ParentalManyToManyField(
        QualitySign,
        verbose_name=_("quality signs of this product"),
        blank=True,
        related_name="+",
    )

    panels = [
        FieldPanel("category"),
        FieldPanel("notes"),
        FieldPanel("quality_signs", widget=forms.CheckboxSelectMultiple),
    ]
    api_fields = [
        APIField("category", serializer=api.CategoryField()),
        APIField("notes"),
        APIField("quality_signs", serializer=api.QualitySignsField()),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("product sold")
        verbose_name_plural = _("products sold")
        constraints = [
            models.UniqueConstraint(fields=["producer", "category"], name="unique_producer_product")
        ]
        # "Who sells this category" answered from the index alone (the search's category).
        indexes = [models.Index(fields=["category", "producer"], name="product_category_producer")]


class ProducerPhoto(Orderable):
    """A photo of the producer's gallery."""

    producer = ParentalKey(ProducerPage, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), on_delete=models.CASCADE, related_name="+"
    )
    caption = models.CharField(_("caption"), max_length=250, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]
    api_fields = [
        APIField("image", serializer=ImageRenditionField("max-1200x900|format-webp")),
        APIField(
            "thumbnail", serializer=ImageRenditionField("fill-400x300|format-webp", source="image")
        ),
        APIField("caption"),
    ]


class ProducerPointOfSale(Orderable):
    """Links a producer to a (possibly shared) point of sale.

    It keeps a copy of the point's coordinates: the distance search then reads one narrow
    index (coordinates and producer) instead of looking each point of sale up, which is what
    makes "nearest 20 within 20 km" fast with 100,000 points. The point of sale is the truth:
    saving the link copies its coordinates, saving the point updates its links.
    """

    producer = ParentalKey(ProducerPage, on_delete=models.CASCADE, related_name="points_of_sale")
    point_of_sale = models.ForeignKey(
        PointOfSale,
        verbose_name=_("point of sale"),
        on_delete=models.CASCADE,
        related_name="producer_links",
    )
    latitude = models.FloatField(null=True, editable=False)
    longitude = models.FloatField(null=True, editable=False)

    panels = [FieldPanel("point_of_sale")]
    api_fields = [APIField("point_of_sale", serializer=api.PointOfSaleField())]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["producer", "point_of_sale"], name="unique_producer_point_of_sale"
            )
        ]
        # Every column the distance ranking reads, so it never visits the table itself.
        indexes = [
            models.Index(fields=["latitude", "longitude", "producer"], name="producer_pos_lat_lng")
        ]

    def save(self, *args, **kwargs):
        # Also when a revision is published: a revision's copy may be older than the point.
        point = PointOfSale.objects.filter(pk=self.point_of_sale_id).values_list(
            "latitude", "longitude"
        )
        self.latitude, self.longitude = point.first() or (None, None)
        super().save(*args, **kwargs)


# The partner guides are directory models too; their module imports the classes above.
from .guides import GuideIndexPage, GuidePage, GuideProducer  # noqa: E402, F401

"""The buyers' catalogue filter: one FilterSet for the portal page (and a future API); the
admin listings' filters."""

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from circuitcourt.directory.models import ProductCategory, QualitySign

from .models import DeliverySlot, Offer, Supplier, SupplierOrder
from .services import in_season_offers


def _attrs(attrs):
    """Attributes as Django's widgets/attrs.html writes them (in order; True bare)."""
    return SafeString(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )


class MenuSelect(forms.Select):
    """A <select> written out in Python, the same markup as Django's select.html.

    The catalogue's menus list every product, supplier and sign, and Django's template
    renders each option through two template includes, most of the menus' time.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group_name for group_name, _options, _index in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)  # optgroups: Django's own
        options = format_html_join(
            "",
            '\n  <option value="{}"{}>{}</option>\n',
            (
                (option["value"], _attrs(option["attrs"]), option["label"])
                for _group_name, group, _index in widget["optgroups"]
                for option in group
            ),
        )
        return format_html(
            '<select name="{}"{}>{}\n</select>', widget["name"], _attrs(widget["attrs"]), options
        )


class MenuChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices as (pk, label) rows of one query, without a model instance a choice."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, *columns in self.queryset.values_list("pk", *self.field.label_columns):
            yield (pk, self.field.row_label(*columns))


class MenuChoiceField(django_filters.fields.ModelChoiceField):
    """A model choice whose menu is read as rows: `label_columns` of the queryset, turned
    into the label by `row_label` (default: the first column). Checking the submitted choice
    is ModelChoiceField's, against the queryset. (No null choice.)"""

    iterator = MenuChoiceIterator
    widget = MenuSelect

    def __init__(self, *args, label_columns, row_label=None, **kwargs):
        self.label_columns = label_columns
        self.row_label = row_label or (lambda first, *rest: first)
        super().__init__(*args, **kwargs)


class MenuChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = MenuChoiceField


def category_label(name, parent_name):
    """As `str(category)`: "Parent › Name"."""
    return f"{parent_name} › {name}" if parent_name else name


class CatalogueFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=100)
    # The menus list every product, supplier and sign: read as (pk, label) rows (a supplier
    # is named after its producer page: no page instance each) and written out in Python.
    category = MenuChoiceFilter(
        label=_("Product"),
        queryset=ProductCategory.objects.all(),
        label_columns=("name", "parent__name"),
        row_label=category_label,
        method="filter_category",
        empty_label=_("All products"),
    )
    supplier = MenuChoiceFilter(
        label=_("Supplier"),
        # By name, as a buyer looks for one.
        queryset=Supplier.objects.filter(is_active=True).order_by("producer__title", "pk"),
        label_columns=("producer__title",),  # str(supplier)
        empty_label=_("All suppliers"),
    )
    sign = MenuChoiceFilter(
        label=_("Quality sign"),
        queryset=QualitySign.objects.all(),
        label_columns=("name",),
        field_name="quality_signs",
        empty_label=_("All"),
    )
    in_season = django_filters.BooleanFilter(
        label=_("In season only"),
        method="filter_in_season",
        widget=django_filters.widgets.BooleanWidget(),
    )

    class Meta:
        model = Offer
        fields = ["q", "category", "supplier", "sign", "in_season"]

    def filter_q(self, queryset, name, value):
        query = Q()
        for word in value.split():
            query &= (
                Q(name__icontains=word)
                | Q(variety__icontains=word)
                | Q(supplier__producer__title__icontains=word)
                | Q(category__name__icontains=word)
            )
        return queryset.filter(query)

    def filter_category(self, queryset, name, value):
        return queryset.filter(category_id__in=ProductCategory.descendant_ids([value.pk]))

    def filter_in_season(self, queryset, name, value):
        if not value:
            return queryset
        return in_season_offers(queryset, timezone.localdate().month)


def catalogue_offers():
    """Offers on sale from active suppliers, with what the catalogue shows."""
    return (
        Offer.objects.filter(is_active=True, supplier__is_active=True)
        .select_related("supplier__producer", "category", "photo")
        .prefetch_related("quality_signs")
        # pk last: offers of the same product from two suppliers keep one order, so a page
        # never repeats or skips one.
        .order_by("category__name", "name", "variety", "pk")
    )


def catalogue_listing(offers):
    """The catalogue page's offers with the columns its cards show and nothing more.

    The supplier's name comes as `supplier_name` (its producer page's title, what
    `str(supplier)` says) rather than a whole producer page per row; the supplier itself
    only brings what the price incl. VAT needs. The quality signs come with
    `add_sign_names()` once the page is cut.
    """
    return (
        offers.select_related(None)
        .select_related("supplier", "category")
        .only(
            "supplier__vat_exempt",
            "category__name",
            "category__name_en",
            "name",
            "variety",
            "unit",
            "pack_size",
            "price",
            "vat_rate",
            "min_quantity",
            "quantity_step",
            "months_available",
            "variable_weight",
            "estimated_weight_kg",
        )
        .annotate(supplier_name=F("supplier__producer__title"))
        .prefetch_related(None)
    )


def add_sign_names(offers):
    """Set `offer.sign_names`, the short names of its quality signs (by name), on each offer,
    in one query: prefetch_related would build a manager and a queryset an offer."""
    names = {offer.pk: [] for offer in offers}
    rows = (
        Offer.quality_signs.through.objects.filter(offer_id__in=names)
        .order_by("qualitysign__name")
        .values_list("offer_id", "qualitysign__short_name")
    )
    for offer_id, short_name in rows:
        names[offer_id].append(short_name)
    for offer in offers:
        offer.sign_names = names[offer.pk]


# The admin listings' filters whose choices are named after a related row (a supplier after its
# producer page, a round after its zone): the choices load it with them, not one query each.


def related_choice_filter(model, name, *related):
    field = model._meta.get_field(name)
    return django_filters.ModelChoiceFilter(
        label=capfirst(field.verbose_name),
        queryset=field.related_model._default_manager.select_related(*related),
    )


class OfferAdminFilterSet(WagtailFilterSet):
    supplier = related_choice_filter(Offer, "supplier", "producer")

    class Meta:
        model = Offer
        fields = ["supplier", "category", "unit", "variable_weight", "is_active"]


class SlotAdminFilterSet(WagtailFilterSet):
    round = related_choice_filter(DeliverySlot, "round", "zone")

    class Meta:
        model = DeliverySlot
        fields = {"status": ["exact"], "round": ["exact"], "date": ["gte", "lte"]}


class SupplierOrderAdminFilterSet(WagtailFilterSet):
    supplier = related_choice_filter(SupplierOrder, "supplier", "producer")

    class Meta:
        model = SupplierOrder
        fields = {"status": ["exact"], "supplier": ["exact"], "order__slot__date": ["exact"]}

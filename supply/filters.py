"""The buyers' catalogue filter: one FilterSet for the portal page (and a future API); the
admin listings' filters."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from circuitcourt.directory.models import ProductCategory, QualitySign

from .models import DeliverySlot, Offer, Supplier, SupplierOrder
from .services import in_season_offers


class CatalogueFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=100)
    category = django_filters.ModelChoiceFilter(
        label=_("Product"),
        # Each choice is labelled "Parent › Name": the parents come in the same query.
        queryset=ProductCategory.objects.select_related("parent"),
        method="filter_category",
        empty_label=_("All products"),
    )
    supplier = django_filters.ModelChoiceFilter(
        label=_("Supplier"),
        queryset=Supplier.objects.filter(is_active=True).select_related("producer"),
        empty_label=_("All suppliers"),
    )
    sign = django_filters.ModelChoiceFilter(
        label=_("Quality sign"),
        queryset=QualitySign.objects.all(),
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

"""Filters of the directory's admin listings (the filter drawer of the Wagtail admin)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.widgets import BooleanRadioSelect

from circuitcourt.site.admin_filters import FrenchFirstPageFilterSet as PageFilterSet

from .models import (
    Commune,
    PointOfSale,
    ProducerPage,
    ProducerPointOfSale,
    ProductCategory,
    QualitySign,
)
from .search import in_category_q, with_sign_q

# A point of sale without both coordinates cannot be found by distance nor shown on the map.
UNLOCATED = Q(latitude__isnull=True) | Q(longitude__isnull=True)


def keep_or_exclude(queryset, condition, value):
    """Yes keeps the rows matching `condition`, No keeps the others, All (None) keeps all."""
    if value is None:
        return queryset
    return queryset.filter(condition) if value else queryset.exclude(condition)


class ProductCategoryFilterSet(WagtailFilterSet):
    parent = django_filters.ModelChoiceFilter(
        label=capfirst(_("parent category")),
        # Only categories that have sub-categories; str() needs each one's own parent.
        queryset=lambda request: (
            ProductCategory.objects.filter(children__isnull=False)
            .distinct()
            .select_related("parent")
        ),
        null_label=_("None (top-level categories)"),
    )
    is_food = django_filters.BooleanFilter(
        label=capfirst(_("food product")), widget=BooleanRadioSelect
    )

    class Meta:
        model = ProductCategory
        fields = []


class PointOfSaleFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(
        label=capfirst(_("kind")),
        choices=PointOfSale.Kind.choices,
        empty_label=_("All"),
        widget=forms.RadioSelect,
    )
    commune = django_filters.ModelChoiceFilter(
        label=capfirst(_("commune")),
        # The gazetteer has thousands of communes: offer those that have points of sale.
        queryset=lambda request: Commune.objects.filter(points_of_sale__isnull=False).distinct(),
    )
    missing_location = django_filters.BooleanFilter(
        label=_("Missing location"), method="filter_missing_location", widget=BooleanRadioSelect
    )

    class Meta:
        model = PointOfSale
        fields = []

    def filter_missing_location(self, queryset, name, value):
        return keep_or_exclude(queryset, UNLOCATED, value)


class ProducerFilterSet(PageFilterSet):
    """Filters for the chamber's producers listing (not the public search: drafts included)."""

    commune = django_filters.ModelChoiceFilter(
        label=capfirst(_("commune")),
        queryset=lambda request: Commune.objects.filter(producers__isnull=False).distinct(),
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Product category"),
        queryset=lambda request: ProductCategory.objects.select_related("parent"),
        method="filter_category",
        help_text=_("Includes its sub-categories."),
    )
    quality_sign = django_filters.ModelChoiceFilter(
        label=_("Quality sign"),
        queryset=lambda request: QualitySign.objects.all(),
        method="filter_quality_sign",
        help_text=_("On the farm or on one of its products."),
    )
    click_and_collect = django_filters.BooleanFilter(
        label=_("Click & Collect"), widget=BooleanRadioSelect
    )
    missing_location = django_filters.BooleanFilter(
        label=_("Point of sale without location"),
        method="filter_missing_location",
        widget=BooleanRadioSelect,
    )
    no_point_of_sale = django_filters.BooleanFilter(
        label=_("No point of sale"), method="filter_no_point_of_sale", widget=BooleanRadioSelect
    )

    # Producers all live under the one guide page and have no sub-pages.
    site = None
    has_child_pages = None

    class Meta:
        model = ProducerPage
        fields = []

    # Filters name producers by `id__in`: the admin search only accepts filters on the
    # index's filter fields (here Page.id), and Exists() is not one.

    def filter_category(self, queryset, name, category):
        if category is None:
            return queryset
        return queryset.filter(in_category_q(category))

    def filter_quality_sign(self, queryset, name, sign):
        if sign is None:
            return queryset
        return queryset.filter(with_sign_q(sign))

    def filter_missing_location(self, queryset, name, value):
        unlocated = ProducerPointOfSale.objects.filter(
            Q(point_of_sale__latitude__isnull=True) | Q(point_of_sale__longitude__isnull=True)
        )
        return keep_or_exclude(queryset, Q(id__in=unlocated.values("producer_id")), value)

    def filter_no_point_of_sale(self, queryset, name, value):
        linked = ProducerPointOfSale.objects.values("producer_id")
        return keep_or_exclude(queryset, ~Q(id__in=linked), value)

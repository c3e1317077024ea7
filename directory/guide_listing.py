"""/guides/: the FilterSet and the queryset of the partner guides' listing."""

import django_filters
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from circuitcourt.site.i18n import in_active_locale
from circuitcourt.site.pages import public_q

from .guides import GuidePage
from .models import Commune, Partner


class GuideFilterSet(django_filters.FilterSet):
    """Guides by partner and by territory (a commune of the partner's territory)."""

    partner = django_filters.ModelChoiceFilter(
        label=_("Partner"),
        queryset=Partner.objects.filter(guides__live=True).distinct().order_by("name"),
        to_field_name="slug",
        empty_label=_("All partners"),
    )
    territory = django_filters.ModelChoiceFilter(
        label=_("Territory"),
        queryset=Commune.objects.filter(partners__guides__live=True).distinct().order_by("name"),
        to_field_name="slug",
        method="filter_territory",
        empty_label=_("Everywhere"),
    )

    class Meta:
        model = GuidePage
        fields = []

    def filter_territory(self, queryset, name, commune):
        # A partner's territory holds a commune once: no duplicate rows.
        return queryset.filter(partner__territory=commune)


def guide_queryset():
    """Live public guides with what a listing shows, in a fixed number of queries."""
    return (
        in_active_locale(GuidePage.objects.live())
        .filter(public_q())
        .select_related("partner", "document")
        .annotate(producer_count=Count("producer_links"))
        .order_by("partner__name", "title")
    )

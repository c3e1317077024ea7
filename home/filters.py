"""One FilterSet per list (news, events), used by the public pages and, later, by the API.

Each parses and validates the query string; a bad value becomes a form error naming its
field, never a 500.
"""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from circuitcourt.directory.models import Commune, Partner

from .models import EventPage, NewsPage


def partners_with_section():
    return Partner.objects.filter(section__isnull=False).distinct().order_by("name")


def territory_communes():
    """Communes in at least one partner's territory: what "territory" may be."""
    return Commune.objects.filter(partners__isnull=False).distinct().order_by("name")


class NewsFilterSet(django_filters.FilterSet):
    partner = django_filters.ModelChoiceFilter(
        label=_("Partner"),
        queryset=partners_with_section(),
        to_field_name="slug",
        empty_label=_("All partners"),
    )
    tag = django_filters.ModelChoiceFilter(
        label=_("Topic"),
        field_name="tags",
        queryset=Tag.objects.filter(home_newspagetag_items__isnull=False)
        .distinct()
        .order_by("name"),
        to_field_name="slug",
        empty_label=_("All topics"),
    )
    territory = django_filters.ModelChoiceFilter(
        label=_("Territory"),
        queryset=territory_communes(),
        to_field_name="slug",
        method="filter_territory",
        empty_label=_("Everywhere"),
    )

    class Meta:
        model = NewsPage
        fields = []

    def filter_territory(self, queryset, name, commune):
        # A partner's territory holds a commune once: no duplicate rows.
        return queryset.filter(partner__territory=commune)


class EventFilterSet(django_filters.FilterSet):
    UPCOMING, PAST = "upcoming", "past"

    when = django_filters.ChoiceFilter(
        label=_("When"),
        choices=[(UPCOMING, _("Upcoming")), (PAST, _("Past"))],
        method="filter_when",
        empty_label=None,
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=EventPage.Kind.choices, empty_label=_("All kinds")
    )
    partner = django_filters.ModelChoiceFilter(
        label=_("Partner"),
        queryset=partners_with_section(),
        to_field_name="slug",
        empty_label=_("All partners"),
    )
    territory = django_filters.ModelChoiceFilter(
        label=_("Territory"),
        queryset=territory_communes(),
        to_field_name="slug",
        method="filter_territory",
        empty_label=_("Everywhere"),
    )

    class Meta:
        model = EventPage
        fields = []

    def filter_when(self, queryset, name, value):
        return queryset  # applied in filter_queryset, which also handles the default

    def filter_territory(self, queryset, name, commune):
        # Held in the commune, or organised by a partner whose territory includes it. A
        # subquery rather than a join, so that an event appears once.
        return queryset.filter(
            Q(commune=commune) | Q(partner__in=Partner.objects.filter(territory=commune))
        )

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # Upcoming (the default) includes events still going on, soonest first.
        now = timezone.now()
        if self.form.cleaned_data.get("when") == self.PAST:
            return queryset.filter(end__lt=now).order_by("-start", "pk")
        return queryset.filter(end__gte=now).order_by("start", "pk")

    @property
    def is_past(self):
        return self.is_bound and self.form.is_valid() and self.form.cleaned_data["when"] == "past"

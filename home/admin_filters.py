"""Filters of the news and events listings in the Wagtail admin (drafts included)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from circuitcourt.directory.models import Partner
from circuitcourt.site.admin_filters import FrenchFirstPageFilterSet as PageFilterSet

from .models import EventPage, NewsPage


def partner_filter():
    return django_filters.ModelChoiceFilter(
        label=capfirst(_("partner")),
        queryset=lambda request: Partner.objects.filter(section__isnull=False).distinct(),
        null_label=_("The chamber"),
    )


class NewsAdminFilterSet(PageFilterSet):
    partner = partner_filter()
    date = django_filters.DateFromToRangeFilter(
        label=capfirst(_("date")),
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )

    # News items have no sub-pages and live on the one site.
    site = None
    has_child_pages = None

    class Meta:
        model = NewsPage
        fields = []


class EventAdminFilterSet(PageFilterSet):
    partner = partner_filter()
    kind = django_filters.ChoiceFilter(
        label=capfirst(_("kind")),
        choices=EventPage.Kind.choices,
        empty_label=_("All kinds"),
        widget=forms.RadioSelect,
    )
    when = django_filters.ChoiceFilter(
        label=_("When"),
        choices=[("upcoming", _("Upcoming")), ("past", _("Past"))],
        method="filter_when",
        widget=forms.RadioSelect,
    )

    site = None
    has_child_pages = None

    class Meta:
        model = EventPage
        fields = []

    def filter_when(self, queryset, name, value):
        # By id: the admin search only accepts filters on the index's filter fields.
        past = EventPage.objects.filter(end__lt=timezone.now()).values("pk")
        if value == "past":
            return queryset.filter(Q(id__in=past))
        if value == "upcoming":
            return queryset.exclude(Q(id__in=past))
        return queryset

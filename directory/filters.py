"""The one FilterSet behind the producers search: the HTML page and the API both use it.

It parses and validates the query string (every bad value becomes a form error with its
field), then hands the cleaned values to `search.search_producers`, which builds the query.
"""

import copy
import functools

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .gazetteer import resolve_place
from .models import PointOfSale, ProducerPage, ProductCategory, QualitySign
from .search import DEFAULT_RADIUS_KM, MAX_RADIUS_KM, SearchCriteria, search_producers


class PointField(forms.CharField):
    """ "lat,lng" in decimal degrees, e.g. "50.2930,2.7819"."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            lat_text, lng_text = value.split(",")
            latitude, longitude = float(lat_text), float(lng_text)
        except ValueError as exc:
            raise ValidationError(
                _("Give a point as latitude,longitude, e.g. 50.293,2.782."), code="invalid"
            ) from exc
        if not -90 <= latitude <= 90:
            raise ValidationError(_("Latitude must be between -90 and 90."), code="invalid")
        if not -180 <= longitude <= 180:
            raise ValidationError(_("Longitude must be between -180 and 180."), code="invalid")
        return latitude, longitude


class PointFilter(django_filters.Filter):
    field_class = PointField


class ProducerSearchForm(forms.Form):
    """Checks that need several fields: the place must exist, a radius needs a centre."""

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("place")
        cleaned["commune"] = None
        if text:
            cleaned["commune"] = resolve_place(text)
            if cleaned["commune"] is None:
                message = _("No commune of Hauts-de-France matches “%(place)s”.")
                self.add_error("place", message % {"place": text})
        if cleaned.get("radius_km") is not None and not (cleaned.get("near") or text):
            self.add_error("radius_km", _("A radius needs a place or a point to measure from."))
        return cleaned


class ProducerFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Product, producer or place"), max_length=100)
    category = django_filters.ModelChoiceFilter(
        label=_("Product category"),
        # Each choice is labelled "Parent › Name": the parents come in the same query.
        queryset=ProductCategory.objects.select_related("parent"),
        to_field_name="slug",
        null_label=None,
    )
    sign = django_filters.ModelChoiceFilter(
        label=_("Quality sign"), queryset=QualitySign.objects.all(), to_field_name="slug"
    )
    # BooleanWidget reads true/false/1/0 the same way for the form's checkbox and the API.
    click_collect = django_filters.BooleanFilter(
        label=_("Click & Collect only"), widget=django_filters.widgets.BooleanWidget
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of point of sale"), choices=PointOfSale.Kind, empty_label=_("All kinds")
    )
    place = django_filters.CharFilter(label=_("Near a commune"), max_length=100)
    near = PointFilter(label=_("Near a point (latitude,longitude)"))
    radius_km = django_filters.NumberFilter(
        label=_("Within (km)"),
        min_value=0.1,
        max_value=MAX_RADIUS_KM,
        widget=forms.NumberInput(attrs={"step": "any", "placeholder": DEFAULT_RADIUS_KM}),
    )
    open_now = django_filters.BooleanFilter(
        label=_("Open now"), widget=django_filters.widgets.BooleanWidget
    )
    open_on = django_filters.DateFilter(
        label=_("Open on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = ProducerPage
        fields = []
        form = ProducerSearchForm

    def get_form_class(self):
        return self._form_class()

    @classmethod
    @functools.cache
    def _form_class(cls):
        """The form's class, built once like any declared form's (django-filters builds one,
        fields and all, for each search); each form copies the fields it validates with."""
        # On copies: a filter keeps the field it made, which each FilterSet would then copy.
        filters = copy.deepcopy(cls.base_filters)
        fields = {name: filter_.field for name, filter_ in filters.items()}
        return type(f"{cls.__name__}Form", (cls._meta.form,), fields)

    def category_options(self):
        """The categories for the form's list, as a tree (parents before their children)."""
        return ProductCategory.in_tree_order()

    def criteria(self):
        """The validated search as a SearchCriteria (call after is_valid())."""
        data = self.form.cleaned_data
        return SearchCriteria(
            text=data.get("q") or "",
            category=data.get("category"),
            sign=data.get("sign"),
            click_collect=bool(data.get("click_collect")),
            kind=data.get("kind") or "",
            commune=data.get("commune"),
            point=data.get("near"),
            radius_km=data.get("radius_km"),
            open_now=bool(data.get("open_now")),
            open_on=data.get("open_on"),
        )

    def filter_queryset(self, queryset):
        return search_producers(queryset, self.criteria())

    def error_list(self):
        """Errors as [{"field": ..., "message": ...}], the API's error shape."""
        return [
            {"field": field, "message": str(message)}
            for field, messages in self.form.errors.items()
            for message in messages
        ]

"""Forms of the seasonal calendar: the admin's 12-month grid and the public page's choices."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dates import MONTHS, MONTHS_AP
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from circuitcourt.directory.models import ProductCategory

from . import grid

LEVEL_CHOICES = [
    ("", _("not in season")),
    (grid.AVAILABLE, _("available")),
    (grid.PEAK, _("peak season")),
]


class MonthGridWidget(forms.Widget):
    """A table of 12 months (columns) by 3 levels (rows) of radio buttons.

    Each month posts `<name>_<month>` = "" | "available" | "peak"; the value is the list of
    the 12 levels, January first.
    """

    template_name = "seasonal_calendar/widgets/month_grid.html"

    class Media:
        css = {"all": ["seasonal_calendar/admin.css"]}

    def value_from_datadict(self, data, files, name):
        return [data.get(f"{name}_{month}", "") for month in grid.MONTH_NUMBERS]

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}_{month}" in data for month in grid.MONTH_NUMBERS)

    def format_value(self, value):
        return [level or "" for level in value] if value else [""] * 12

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        values = context["widget"]["value"]
        base_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["widget"]["months"] = [
            {"name": MONTHS[month], "short_name": MONTHS_AP[month]} for month in grid.MONTH_NUMBERS
        ]
        context["widget"]["rows"] = [
            {
                "level": level or "none",
                "label": label,
                "cells": [
                    {
                        "name": f"{name}_{month}",
                        "value": level,
                        "id": f"{base_id}_{month}_{level or 'none'}",
                        "checked": values[month - 1] == level,
                        "label": f"{MONTHS[month]} : {label}",
                    }
                    for month in grid.MONTH_NUMBERS
                ],
            }
            for level, label in LEVEL_CHOICES
        ]
        return context


class MonthGridField(forms.Field):
    """12 levels ("" / "available" / "peak"), January first; no month checked is no season."""

    widget = MonthGridWidget
    default_error_messages = {"invalid": _("Choose a level for each month from the grid.")}

    def to_python(self, value):
        if not value:
            return [None] * 12
        if not isinstance(value, list | tuple) or len(value) != 12:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if any(level not in ("", None, *grid.LEVELS) for level in value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return [level or None for level in value]


class SeasonalityForm(WagtailAdminModelForm):
    """Edits the two month masks of a Seasonality through one 12-month grid."""

    months = MonthGridField(
        label=_("Months"),
        required=False,
        help_text=_(
            "For each month: not in season, available, or in full season. Seasons may run "
            "across the new year (e.g. November to February)."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        self.initial.setdefault("months", grid.levels(instance.season_months, instance.peak_months))
        if "category" in self.fields:
            # One row per category: offer those without one (and the current one). The
            # parent is fetched with each category because its name is shown.
            taken = type(instance).objects.exclude(pk=instance.pk).values("category_id")
            self.fields["category"].queryset = ProductCategory.objects.exclude(
                pk__in=taken
            ).select_related("parent")

    def clean(self):
        cleaned = super().clean()
        if "months" in cleaned:
            self.instance.season_months, self.instance.peak_months = grid.masks_from_levels(
                cleaned["months"]
            )
        return cleaned


class CalendarForm(forms.Form):
    """The public page's choices: a month (?mois=1..12) and a place for the producer links."""

    mois = forms.TypedChoiceField(
        label=_("Month"),
        choices=[("", _("This month"))] + [(month, MONTHS[month]) for month in grid.MONTH_NUMBERS],
        coerce=int,
        required=False,
        empty_value=None,
    )
    place = forms.CharField(
        label=_("Your commune (to find the nearest producers)"),
        max_length=100,
        required=False,
    )

    def clean_place(self):
        from circuitcourt.directory.gazetteer import resolve_place

        text = self.cleaned_data["place"].strip()
        if text and resolve_place(text) is None:
            raise ValidationError(
                _("No commune of Hauts-de-France matches “%(place)s”."), params={"place": text}
            )
        return text

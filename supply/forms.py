"""Forms of the supply portal. They help the user; the services check everything again."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from circuitcourt.directory.models import WEEKDAYS

from . import lots
from .models import Buyer, BuyerClosure, DeliverySlot, Lot, Offer, ProducerShowcase, StandingOrder
from .services import number, parse_quantity, slot_label

LOGIN_ATTEMPTS = 5
LOGIN_WINDOW_SECONDS = 15 * 60


class QuantityField(forms.CharField):
    """A quantity typed with a comma or a dot ("2,5")."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in ("", None):
            return None
        quantity = parse_quantity(value)
        if quantity is None or quantity < 0:
            raise forms.ValidationError(_("Give a number, e.g. 2,5."))
        return quantity


class ThrottledAuthenticationForm(AuthenticationForm):
    """Five failed attempts per user name and address within 15 minutes lock that pair out
    for the rest of the window (a cache counter: shared by every worker with Redis)."""

    def _key(self):
        username = (self.data.get("username") or "").strip().lower()
        address = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        return f"supply-login:{username}:{address}"

    def clean(self):
        key = self._key()
        if cache.get(key, 0) >= LOGIN_ATTEMPTS:
            raise forms.ValidationError(
                _("Too many failed attempts. Please wait 15 minutes and try again."),
                code="throttled",
            )
        try:
            return super().clean()
        except forms.ValidationError:
            if not cache.add(key, 1, LOGIN_WINDOW_SECONDS):
                cache.incr(key)
            raise


class SlotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, slot):
        return slot_label(slot)


class SubmitBasketForm(forms.Form):
    slot = SlotChoiceField(
        label=_("Delivery"), queryset=DeliverySlot.objects.none(), empty_label=None
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots


ACTIONS = [
    ("confirm", _("Confirm")),
    ("reduce", _("Reduce the quantity")),
    ("substitute", _("Substitute another product")),
    ("refuse", _("Refuse")),
]


class AdjustLineForm(forms.Form):
    action = forms.ChoiceField(label=_("Change"), choices=ACTIONS[1:])
    quantity = QuantityField(label=_("New quantity"), required=False)
    substitute = forms.ModelChoiceField(
        label=_("Substitute"), queryset=Offer.objects.none(), required=False
    )
    reason = forms.CharField(label=_("Reason told to the buyer"), max_length=250)

    def __init__(self, *args, supplier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["substitute"].queryset = supplier.offers.filter(is_active=True)


class FinalWeightForm(forms.Form):
    weight = QuantityField(label=_("Final weight (kg)"))


class SupplierOfferForm(forms.ModelForm):
    """What a supplier edits of its own offer from the portal."""

    class Meta:
        model = Offer
        fields = [
            "name",
            "variety",
            "description",
            "price",
            "vat_rate",
            "min_quantity",
            "quantity_step",
            "pack_size",
            "months_available",
            "estimated_weight_kg",
            "is_active",
        ]


class AvailabilityForm(forms.Form):
    slot = SlotChoiceField(label=_("Delivery"), queryset=DeliverySlot.objects.none())
    quantity = QuantityField(label=_("Quantity available"), required=False)

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots


class DeliveryForm(forms.Form):
    """What arrived: per line, the quantity received and a complaint (and, for staff, the
    final weight of variable-weight lines). The service checks it all again."""

    def __init__(self, *args, lines, with_weights=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = [line for line in lines if line.is_active]
        for line in self.lines:
            self.fields[f"received-{line.pk}"] = QuantityField(
                label=_("Quantity received"),
                required=False,
                initial=number(line.delivered_quantity),  # "10", "2,5": as people type it
            )
            self.fields[f"complaint-{line.pk}"] = forms.CharField(
                label=_("Complaint"), max_length=250, required=False
            )
            if with_weights and line.variable_weight:
                self.fields[f"weight-{line.pk}"] = QuantityField(
                    label=_("Final weight (kg)"),
                    required=False,
                    initial=number(line.final_weight_kg) if line.final_weight_kg else None,
                )

    def rows(self):
        """[(line, received field, complaint field, weight field or None)] for the template."""
        return [
            (
                line,
                self[f"received-{line.pk}"],
                self[f"complaint-{line.pk}"],
                self[f"weight-{line.pk}"] if f"weight-{line.pk}" in self.fields else None,
            )
            for line in self.lines
        ]

    def received(self):
        data = self.cleaned_data
        return {
            line.pk: (data[f"received-{line.pk}"], data[f"complaint-{line.pk}"])
            for line in self.lines
        }

    def weights(self):
        data = self.cleaned_data
        return {
            line.pk: data[f"weight-{line.pk}"]
            for line in self.lines
            if data.get(f"weight-{line.pk}") is not None
        }


class StandingOrderForm(forms.ModelForm):
    class Meta:
        model = StandingOrder
        fields = ["submission", "auto_submit_hours"]
        widgets = {"submission": forms.RadioSelect}


class StandingLineForm(forms.Form):
    """A product to add to the standing order (all empty: nothing added)."""

    weekday = forms.TypedChoiceField(label=_("Day"), choices=WEEKDAYS, coerce=int)
    offer = forms.ModelChoiceField(
        label=_("Product"), queryset=Offer.objects.none(), required=False
    )
    quantity = QuantityField(label=_("Quantity"), required=False)

    def __init__(self, *args, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = offers

    def clean(self):
        data = super().clean()
        if data.get("offer") and not data.get("quantity"):
            self.add_error("quantity", _("Give a quantity above zero."))
        return data


class ClosureForm(forms.ModelForm):
    class Meta:
        model = BuyerClosure
        fields = ["starts_on", "ends_on", "reason"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }


# Lots and traceability


class CommuneField(forms.CharField):
    """A commune typed in words ("Montreuil-sur-Mer"), resolved offline by the gazetteer."""

    def to_python(self, value):
        from circuitcourt.directory.gazetteer import resolve_place

        value = super().to_python(value)
        if not value:
            return None
        commune = resolve_place(value)
        if commune is None:
            raise forms.ValidationError(_("Unknown commune: type its name, e.g. Montreuil."))
        return commune


class LotForm(forms.Form):
    """A supplier declares a lot (the rules are in `lots.declare_lot`)."""

    offer = forms.ModelChoiceField(label=_("Product"), queryset=Offer.objects.none())
    code = forms.CharField(label=_("Lot code"), max_length=60)
    produced_on = forms.DateField(
        label=_("Production or harvest date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    keeps_until = forms.DateField(
        label=_("Date mark"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_kind = forms.ChoiceField(label=_("Kind of date"), choices=Lot.DateKind.choices)
    origin_commune = CommuneField(
        label=_("Origin commune"), widget=forms.TextInput(attrs={"maxlength": 120})
    )
    quantity = QuantityField(label=_("Quantity"))

    def __init__(self, *args, supplier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = supplier.offers.order_by("name", "variety")

    def clean_quantity(self):
        quantity = self.cleaned_data["quantity"]
        if quantity is None or quantity <= 0:
            raise forms.ValidationError(_("Give a quantity above zero."))
        return quantity


class LotAdminForm(WagtailAdminModelForm):
    """Staff declare a lot for a producer (one who phones) with the portal's rules: a new lot
    is saved by `lots.declare_lot`, so it is counted in the offer's order unit (never typed)
    and carries the offer's quality signs unless others are ticked; a lot changed later keeps
    the rules of `Lot.clean`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        is_new = self.instance.pk is None
        if "quantity" in self.fields:
            self.fields["quantity"].help_text = (
                _("In the offer's order unit (pieces for variable-weight products).")
                if is_new
                else _("In %(unit)s, the offer's order unit.")
                % {"unit": self.instance.get_unit_display()}
            )
        if is_new and "quality_signs" in self.fields:
            self.fields["quality_signs"].help_text = _("None ticked: the offer's quality signs.")

    def clean(self):
        data = super().clean()
        supplier, code = data.get("supplier"), (data.get("code") or "").strip()
        if supplier and code and lots.code_taken(supplier, code, exclude=self.instance.pk):
            self.add_error(
                "code",
                _("%(supplier)s already declared a lot %(code)s.")
                % {"supplier": supplier, "code": code},
            )
        return data

    def validate_unique(self):
        # The one unique rule a staff member can break (a lot code per supplier) is checked
        # in clean(), in words that name the supplier; the database constraint still holds.
        pass

    def save(self, commit=True):
        if self.instance.pk is not None:
            return super().save(commit=commit)
        data = self.cleaned_data
        # The form checked the same rules: declare_lot checks them again as it saves.
        self.instance = lots.declare_lot(
            data["supplier"],
            offer=data["offer"],
            code=data["code"],
            produced_on=data["produced_on"],
            keeps_until=data.get("keeps_until"),
            date_kind=data["date_kind"],
            origin_commune=data["origin_commune"],
            quantity=data["quantity"],
            quality_signs=list(data.get("quality_signs") or []) or None,
        )
        return self.instance


class AllocationForm(forms.Form):
    """Assign a lot to an order line; empty quantity: what the line still lacks."""

    line = forms.IntegerField(widget=forms.HiddenInput)
    lot = forms.ModelChoiceField(label=_("Lot"), queryset=Lot.objects.none())
    quantity = QuantityField(label=_("Quantity"), required=False)

    def __init__(self, *args, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = lots


class RecallForm(forms.Form):
    code = forms.CharField(label=_("Lot code"), max_length=60)


class ReceivedLotsForm(forms.Form):
    buyer = forms.ModelChoiceField(
        label=_("Buyer"), queryset=Buyer.objects.order_by("name"), empty_label=None
    )
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end date comes before the start date."))
        return data


class ShowcaseForm(forms.ModelForm):
    """A buyer publishes (or not) its page of local producers."""

    class Meta:
        model = ProducerShowcase
        fields = ["is_published", "months", "introduction"]

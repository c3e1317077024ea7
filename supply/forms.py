"""Forms of the supply portal. They help the user; the services check everything again."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from .models import DeliverySlot, Offer
from .services import parse_quantity, slot_label

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

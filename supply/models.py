"""The restaurant supply portal: who buys, who supplies, what is offered, when it is delivered.

Transactional data (orders, slots) are ordinary Django models edited through Wagtail
`ModelViewSet`s; the business rules that change them live in `services.py`.
"""

import datetime
import secrets
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from circuitcourt.directory.models import MONTHS, WEEKDAYS

PARIS = ZoneInfo("Europe/Paris")
CENT = Decimal("0.01")
# The rates of French VAT that apply to food and drink (5.5 % food, 10 % catering, 20 %).
VAT_RATES = [
    (Decimal("5.50"), _("5.5 %")),
    (Decimal("10.00"), _("10 %")),
    (Decimal("20.00"), _("20 %")),
]
POSITIVE = MinValueValidator(Decimal("0.001"))


def quantity_field(verbose_name, **options):
    """A quantity in an offer's unit, to the gram of a kilo: the one shape of every quantity
    column (ordered, confirmed, received, available, in a lot, on a statement)."""
    return models.DecimalField(verbose_name, max_digits=10, decimal_places=3, **options)


class IntegerSetField(models.CharField):
    """A small set of integers (weekdays, months) stored as "1,3,5", edited as checkboxes.

    Portable (no PostgreSQL array), readable in exports, and a list in Python.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def to_python(self, value):
        if value is None or value == "":
            return []
        if isinstance(value, str):
            return sorted({int(part) for part in value.split(",") if part.strip()})
        return sorted({int(part) for part in value})

    def get_prep_value(self, value):
        return ",".join(str(number) for number in self.to_python(value))

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))

    def validate(self, value, model_instance):
        allowed = {key for key, _label in self.choices or []}
        unknown = set(self.to_python(value)) - allowed
        if unknown:
            raise ValidationError(_("Unknown values: %(values)s"), params={"values": unknown})
        if not self.blank and not value:
            raise ValidationError(self.error_messages["blank"], code="blank")

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=self.choices,
            coerce=int,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )

    def check(self, **kwargs):
        # CharField's choices check expects single values; ours are sets of them.
        return [e for e in super().check(**kwargs) if e.id != "fields.E009"]


class Buyer(ClusterableModel):
    """A restaurant, hotel or bar that orders from the platform.

    An organisation, not a person: several member users order for it, and every order
    belongs to it. Its address decides which delivery zone (and so which slots) serve it.
    """

    class Kind(models.TextChoices):
        RESTAURANT = "restaurant", _("Restaurant")
        HOTEL = "hotel", _("Hotel")
        BAR = "bar", _("Bar")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.RESTAURANT)
    address = models.CharField(_("address"), max_length=250)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    commune = models.ForeignKey(
        "directory.Commune",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    latitude = models.FloatField(
        _("delivery latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("delivery longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    delivery_instructions = models.TextField(
        _("delivery instructions"), blank=True, help_text=_("Access, door code, where to leave it.")
    )
    delivery_opens = models.TimeField(_("open for deliveries from"), null=True, blank=True)
    delivery_closes = models.TimeField(_("open for deliveries until"), null=True, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    siret = models.CharField(
        _("SIRET"), max_length=14, blank=True, help_text=_("Printed on invoices (14 digits).")
    )
    email = models.EmailField(
        _("e-mail for orders"), blank=True, help_text=_("Members' e-mails are used when empty.")
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="BuyerMembership",
        verbose_name=_("members"),
        related_name="buyers",
        blank=True,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("buyer")
        verbose_name_plural = _("buyers")

    def __str__(self):
        return self.name

    @property
    def has_location(self):
        return self.latitude is not None and self.longitude is not None

    def clean(self):
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both the latitude and the longitude, or neither."))


class BuyerMembership(models.Model):
    """A user who orders for a buyer. A user belongs to one buyer at most, so the portal
    always knows for whom they order."""

    buyer = ParentalKey(Buyer, on_delete=models.CASCADE, related_name="memberships")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="buyer_membership",
    )

    class Meta:
        verbose_name = _("buyer member")
        verbose_name_plural = _("buyer members")

    def __str__(self):
        return f"{self.user} → {self.buyer}"


class Supplier(ClusterableModel):
    """A producer of the directory who sells to buyers through the platform.

    The same record as the public profile (a one-to-one link to the producer page), so the
    directory and the portal never disagree on who the producer is.
    """

    producer = models.OneToOneField(
        "directory.ProducerPage",
        verbose_name=_("producer"),
        on_delete=models.PROTECT,
        related_name="supplier",
    )
    pickup_address = models.CharField(_("pick-up address"), max_length=250, blank=True)
    pickup_commune = models.ForeignKey(
        "directory.Commune",
        verbose_name=_("pick-up commune"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    lead_time_hours = models.PositiveSmallIntegerField(
        _("lead time (hours)"),
        default=24,
        help_text=_("How long before the departure the goods must be ready for pick-up."),
    )
    minimum_order_amount = models.DecimalField(
        _("minimum order per slot (excl. VAT)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    email = models.EmailField(
        _("e-mail for orders"), blank=True, help_text=_("Members' e-mails are used when empty.")
    )
    # The supplier issues its own invoices to buyers: French law wants its legal identity.
    legal_name = models.CharField(
        _("legal name"), max_length=150, blank=True, help_text=_("The producer's name if empty.")
    )
    billing_address = models.CharField(
        _("billing address"),
        max_length=250,
        blank=True,
        help_text=_("The pick-up address if empty."),
    )
    billing_postcode = models.CharField(_("billing postcode"), max_length=5, blank=True)
    siret = models.CharField(
        _("SIRET"), max_length=14, blank=True, help_text=_("Printed on invoices (14 digits).")
    )
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    vat_exempt = models.BooleanField(
        _("VAT exemption (franchise en base)"),
        default=False,
        help_text=_(
            "A small business under the VAT threshold (art. 293 B of the French tax code): "
            "its invoices carry no VAT and need no VAT number."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="SupplierMembership",
        verbose_name=_("members"),
        related_name="suppliers",
        blank=True,
    )

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")

    def __str__(self):
        return self.producer.title if self.producer_id else "?"


class SupplierMembership(models.Model):
    """A user who answers orders and edits offers for a supplier (one supplier per user)."""

    supplier = ParentalKey(Supplier, on_delete=models.CASCADE, related_name="memberships")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="supplier_membership",
    )

    class Meta:
        verbose_name = _("supplier member")
        verbose_name_plural = _("supplier members")

    def __str__(self):
        return f"{self.user} → {self.supplier}"


class DeliveryZone(models.Model):
    """The area a round serves: a list of communes, and/or every point within a radius of a
    hub. A buyer is served by the zones that contain its address."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    communes = models.ManyToManyField(
        "directory.Commune", verbose_name=_("communes"), blank=True, related_name="+"
    )
    hub_latitude = models.FloatField(_("hub latitude"), null=True, blank=True)
    hub_longitude = models.FloatField(_("hub longitude"), null=True, blank=True)
    radius_km = models.DecimalField(
        _("radius (km)"), max_digits=6, decimal_places=1, null=True, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("delivery zone")
        verbose_name_plural = _("delivery zones")

    def __str__(self):
        return self.name

    @property
    def has_radius(self):
        return None not in (self.hub_latitude, self.hub_longitude, self.radius_km)

    def clean(self):
        radius_parts = [self.hub_latitude, self.hub_longitude, self.radius_km]
        if any(part is not None for part in radius_parts) and not self.has_radius:
            raise ValidationError(
                _("A radius needs the hub's latitude and longitude and a radius.")
            )


class DeliveryRound(models.Model):
    """A regular delivery: a zone served on given weekdays, with an order cut-off ("2 days
    before at 12:00"), a departure time and a capacity. Slots are its dated occurrences."""

    name = models.CharField(_("name"), max_length=100)
    zone = models.ForeignKey(
        DeliveryZone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="rounds"
    )
    weekdays = IntegerSetField(_("weekdays"), choices=WEEKDAYS, blank=False)
    cutoff_days_before = models.PositiveSmallIntegerField(_("cut-off: days before"), default=2)
    cutoff_time = models.TimeField(_("cut-off: at"), default=datetime.time(12, 0))
    departure_time = models.TimeField(_("departure time"), default=datetime.time(6, 0))
    capacity_drops = models.PositiveIntegerField(
        _("capacity (drops)"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    capacity_kg = models.DecimalField(
        _("capacity (kg)"),
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Empty: no limit."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["zone__name", "name"]
        verbose_name = _("delivery round")
        verbose_name_plural = _("delivery rounds")

    def __str__(self):
        return f"{self.name} ({self.zone})" if self.zone_id else self.name

    def departure_at(self, date):
        return aware(date, self.departure_time)

    def cutoff_at(self, date):
        """The cut-off for a slot on `date`, in Paris wall time: "2 days before at 12:00" is
        noon on the calendar day, whether a daylight-saving change falls in between or not."""
        return aware(date - datetime.timedelta(days=self.cutoff_days_before), self.cutoff_time)


def aware(date, time):
    """A Paris wall-clock date and time as an aware datetime."""
    return datetime.datetime.combine(date, time, tzinfo=PARIS)


class DeliverySlot(models.Model):
    """One dated delivery of a round, which buyers order for.

    Its capacity is copied from the round when generated (staff may change it for one day)
    and its bookings are counters updated atomically at submission, so capacity is never
    exceeded. A cancelled slot (a holiday) takes no orders and its buyers are told.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_DELIVERY = "in_delivery", _("In delivery")
        DONE = "done", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    round = models.ForeignKey(
        DeliveryRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="slots"
    )
    date = models.DateField(_("date"))
    cutoff_at = models.DateTimeField(_("order cut-off"))
    departure_at = models.DateTimeField(_("departure"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    capacity_drops = models.PositiveIntegerField(_("capacity (drops)"), null=True, blank=True)
    capacity_kg = models.DecimalField(
        _("capacity (kg)"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    drops_booked = models.PositiveIntegerField(_("drops booked"), default=0, editable=False)
    kg_booked = models.DecimalField(
        _("kg booked"), max_digits=9, decimal_places=3, default=Decimal("0"), editable=False
    )
    cancellation_reason = models.CharField(_("cancellation reason"), max_length=250, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["date", "departure_at"]
        verbose_name = _("delivery slot")
        verbose_name_plural = _("delivery slots")
        constraints = [
            models.UniqueConstraint(fields=["round", "date"], name="unique_round_date"),
            models.CheckConstraint(
                condition=Q(capacity_drops__isnull=True)
                | Q(drops_booked__lte=models.F("capacity_drops")),
                name="slot_drops_within_capacity",
            ),
        ]

    def __str__(self):
        return f"{self.round.name} — {self.date:%d/%m/%Y}" if self.round_id else str(self.date)

    @property
    def drops_left(self):
        if self.capacity_drops is None:
            return None
        return max(self.capacity_drops - self.drops_booked, 0)

    def is_open_at(self, now):
        return self.status == self.Status.OPEN and now < self.cutoff_at


class Offer(models.Model):
    """Something a supplier sells on the platform: a product of the taxonomy, in a unit, at
    a price excl. VAT, with a minimum and a step, in given months.

    Variable-weight products (a whole fish, a cheese wheel) are ordered by the piece at an
    estimated weight and priced per kg: the buyer pays the final weight the supplier records.
    """

    class Unit(models.TextChoices):
        KG = "kg", _("kg")
        PIECE = "piece", _("piece")
        LITRE = "litre", _("litre")
        BUNCH = "bunch", _("bunch")
        CRATE = "crate", _("crate")

    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.CASCADE, related_name="offers"
    )
    category = models.ForeignKey(
        "directory.ProductCategory",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=150)
    variety = models.CharField(_("variety"), max_length=150, blank=True)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.KG)
    pack_size = models.CharField(
        _("pack size"), max_length=60, blank=True, help_text=_("e.g. crate of 6 kg, bunch of 10")
    )
    price = models.DecimalField(
        _("price per unit excl. VAT"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Per kg for variable-weight products."),
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"),
        max_digits=4,
        decimal_places=2,
        choices=VAT_RATES,
        default=Decimal("5.50"),
    )
    min_quantity = models.DecimalField(
        _("minimum quantity"),
        max_digits=8,
        decimal_places=3,
        default=Decimal("1"),
        validators=[POSITIVE],
    )
    quantity_step = models.DecimalField(
        _("quantity step"),
        max_digits=8,
        decimal_places=3,
        default=Decimal("1"),
        validators=[POSITIVE],
        help_text=_("Quantities go up by this step from the minimum, e.g. by 5 kg."),
    )
    months_available = IntegerSetField(
        _("months available"), choices=MONTHS, help_text=_("None ticked: all year.")
    )
    variable_weight = models.BooleanField(
        _("variable weight"),
        default=False,
        help_text=_("Ordered by the piece at an estimated weight, invoiced at the final weight."),
    )
    estimated_weight_kg = models.DecimalField(
        _("estimated weight per piece (kg)"),
        max_digits=8,
        decimal_places=3,
        null=True,
        blank=True,
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    quality_signs = models.ManyToManyField(
        "directory.QualitySign", verbose_name=_("quality signs"), blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("on sale"), default=True)

    class Meta:
        ordering = ["name", "variety"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def __str__(self):
        return f"{self.name} {self.variety}".strip()

    @property
    def order_unit(self):
        """The unit the buyer counts in: pieces for variable-weight products."""
        return self.Unit.PIECE if self.variable_weight else self.unit

    @property
    def effective_vat_rate(self):
        """The VAT the buyer pays on it: none from a supplier exempt of VAT (franchise en
        base), the offer's rate otherwise."""
        return Decimal("0.00") if self.supplier.vat_exempt else self.vat_rate

    @property
    def price_incl_vat(self):
        return (self.price * (1 + self.effective_vat_rate / 100)).quantize(CENT)

    def clean(self):
        if self.variable_weight and not self.estimated_weight_kg:
            raise ValidationError(
                {"estimated_weight_kg": _("A variable-weight product needs an estimated weight.")}
            )


class OfferAvailability(models.Model):
    """How much of an offer can be sold for one slot (a catch, a limited harvest).

    Without a row the offer is not limited. `quantity_sold` is changed only by atomic
    conditional updates, so it never exceeds `quantity_available`.
    """

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="availabilities")
    slot = models.ForeignKey(DeliverySlot, on_delete=models.CASCADE, related_name="+")
    quantity_available = quantity_field(
        _("quantity available"), validators=[MinValueValidator(Decimal("0"))]
    )
    quantity_sold = quantity_field(_("quantity sold"), default=Decimal("0"), editable=False)

    class Meta:
        verbose_name = _("availability")
        verbose_name_plural = _("availabilities")
        constraints = [
            models.UniqueConstraint(fields=["offer", "slot"], name="unique_offer_slot"),
            models.CheckConstraint(
                condition=Q(quantity_sold__lte=models.F("quantity_available")),
                name="availability_not_oversold",
            ),
        ]

    def __str__(self):
        return f"{self.offer_id} @ {self.slot_id}: {self.quantity_sold}/{self.quantity_available}"

    @property
    def quantity_left(self):
        return max(self.quantity_available - self.quantity_sold, Decimal("0"))


class Order(models.Model):
    """A buyer's order for one slot, with lines from many suppliers and one total.

    One live order per buyer and slot: adding products later amends it.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        CONFIRMED = "confirmed", _("Confirmed")
        IN_DELIVERY = "in_delivery", _("In delivery")
        DELIVERED = "delivered", _("Delivered")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    buyer = models.ForeignKey(
        Buyer, verbose_name=_("buyer"), on_delete=models.PROTECT, related_name="orders"
    )
    slot = models.ForeignKey(
        DeliverySlot, verbose_name=_("slot"), on_delete=models.PROTECT, related_name="orders"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    kg = models.DecimalField(
        _("estimated weight (kg)"), max_digits=9, decimal_places=3, default=Decimal("0")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    cancellation_reason = models.CharField(_("cancellation reason"), max_length=250, blank=True)

    class Meta:
        ordering = ["-slot__date", "-pk"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "slot"],
                condition=~Q(status="cancelled"),
                name="one_live_order_per_buyer_and_slot",
            )
        ]

    def __str__(self):
        return _("Order %(number)s") % {"number": self.pk}

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED


class OrderSubmission(models.Model):
    """Each accepted submission of an order, by the idempotency key of its request.

    A double click or a retried request carries the same key: it finds the order it already
    made instead of adding the lines twice. The key is unique in the database, so two
    simultaneous requests with one key cannot both pass.
    """

    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="submissions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("order submission")
        verbose_name_plural = _("order submissions")

    def __str__(self):
        return self.idempotency_key


class SupplierOrder(models.Model):
    """The part of an order one supplier delivers, which that supplier confirms or adjusts."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the supplier")
        CONFIRMED = "confirmed", _("Confirmed")
        ADJUSTED = "adjusted", _("Confirmed with changes")
        REFUSED = "refused", _("Refused")
        CANCELLED = "cancelled", _("Cancelled")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="supplier_orders")
    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="orders"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    note = models.CharField(_("supplier's note"), max_length=250, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["order", "supplier__producer__title"]
        verbose_name = _("supplier order")
        verbose_name_plural = _("supplier orders")
        constraints = [
            models.UniqueConstraint(fields=["order", "supplier"], name="one_supplier_order")
        ]

    def __str__(self):
        return f"{self.order} — {self.supplier}"

    @property
    def is_answered(self):
        return self.status not in (self.Status.PENDING,)


class OrderLine(models.Model):
    """A product in an order, with its price frozen at submission and the supplier's answer.

    A substitute is a new line pointing at the line it replaces, so the buyer sees both.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the supplier")
        CONFIRMED = "confirmed", _("Confirmed")
        ADJUSTED = "adjusted", _("Quantity reduced")
        SUBSTITUTED = "substituted", _("Replaced")
        REFUSED = "refused", _("Refused")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    supplier_order = models.ForeignKey(
        SupplierOrder, on_delete=models.CASCADE, related_name="lines"
    )
    offer = models.ForeignKey(
        Offer, verbose_name=_("offer"), on_delete=models.PROTECT, related_name="order_lines"
    )
    name = models.CharField(_("product"), max_length=300)
    unit = models.CharField(_("unit"), max_length=10, choices=Offer.Unit.choices)
    quantity = quantity_field(_("quantity ordered"))
    confirmed_quantity = quantity_field(_("quantity confirmed"), null=True, blank=True)
    unit_price = models.DecimalField(_("unit price excl. VAT"), max_digits=10, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=4, decimal_places=2)
    variable_weight = models.BooleanField(default=False)
    estimated_weight_kg = models.DecimalField(
        _("estimated weight per piece (kg)"),
        max_digits=8,
        decimal_places=3,
        null=True,
        blank=True,
    )
    final_weight_kg = models.DecimalField(
        _("final weight (kg)"), max_digits=9, decimal_places=3, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    reason = models.CharField(_("reason"), max_length=250, blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="substitute",
    )
    received_quantity = quantity_field(_("quantity received"), null=True, blank=True)
    complaint = models.CharField(_("complaint"), max_length=250, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def __str__(self):
        return f"{self.quantity} {self.get_unit_display()} {self.name}"

    @property
    def supplier(self):
        return self.supplier_order.supplier

    @property
    def is_active(self):
        """Still to be delivered (not refused, not replaced by a substitute)."""
        return self.status not in (self.Status.REFUSED, self.Status.SUBSTITUTED)

    @property
    def delivered_quantity(self):
        """What the supplier will deliver: nothing for a refused or replaced line."""
        if not self.is_active:
            return Decimal("0")
        if self.confirmed_quantity is not None:
            return self.confirmed_quantity
        return self.quantity

    @property
    def is_estimated(self):
        return self.variable_weight and self.final_weight_kg is None

    @property
    def billable_quantity(self):
        """What the buyer pays for: the quantity received once recorded, else delivered."""
        if self.received_quantity is not None:
            return self.received_quantity
        return self.delivered_quantity

    @property
    def billable_weight_kg(self):
        """The weight a variable-weight line is priced at (None for other lines): the final
        weight once known, in proportion to the pieces received if some were sent back;
        else the estimated weight of the pieces."""
        if not self.variable_weight:
            return None
        quantity, delivered = self.billable_quantity, self.delivered_quantity
        if self.final_weight_kg is not None and quantity:
            if quantity == delivered or not delivered:
                return self.final_weight_kg
            return (self.final_weight_kg * quantity / delivered).quantize(Decimal("0.001"))
        return quantity * (self.estimated_weight_kg or 0)

    @property
    def amount(self):
        """The line's amount excl. VAT, rounded to the cent half up (French invoicing): the
        billable quantity (received, else delivered) at the final weight once known."""
        base = self.billable_weight_kg if self.variable_weight else self.billable_quantity
        return (base * self.unit_price).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def kg(self):
        """The estimated weight the round carries for this line."""
        if self.variable_weight:
            return self.delivered_quantity * (self.estimated_weight_kg or 0)
        return self.delivered_quantity if self.unit == Offer.Unit.KG else Decimal("0")

    @property
    def estimated_amount(self):
        """The amount at the estimated weight, whatever the final weight: what was ordered."""
        quantity = self.delivered_quantity
        if self.variable_weight:
            return (quantity * (self.estimated_weight_kg or 0) * self.unit_price).quantize(CENT)
        return (quantity * self.unit_price).quantize(CENT)


# Standing orders ---------------------------------------------------------------------------


class BuyerClosure(models.Model):
    """Days a buyer is closed (holidays, works): no delivery, so no standing order drafted."""

    buyer = ParentalKey(Buyer, on_delete=models.CASCADE, related_name="closures")
    starts_on = models.DateField(_("closed from"))
    ends_on = models.DateField(_("closed until (included)"))
    reason = models.CharField(_("reason"), max_length=150, blank=True)

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")

    def __str__(self):
        return f"{self.starts_on:%d/%m/%Y} – {self.ends_on:%d/%m/%Y}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end comes before the start.")})


class StandingOrder(models.Model):
    """What a buyer orders every week, per weekday, and its rule for sending it.

    Before each of the buyer's deliveries a background job drafts a real order from it
    (adjusted to what is available); the buyer may change the draft, and it is sent either
    automatically some hours before the cut-off or only when the buyer confirms it.
    """

    class Submission(models.TextChoices):
        AUTO = "auto", _("Send it automatically before the cut-off")
        MANUAL = "manual", _("Wait for my confirmation")

    buyer = models.OneToOneField(
        Buyer, verbose_name=_("buyer"), on_delete=models.CASCADE, related_name="standing_order"
    )
    submission = models.CharField(
        _("sending"), max_length=10, choices=Submission.choices, default=Submission.MANUAL
    )
    auto_submit_hours = models.PositiveSmallIntegerField(
        _("send it this many hours before the cut-off"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(72)],
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("standing order")
        verbose_name_plural = _("standing orders")

    def __str__(self):
        return str(self.buyer) if self.buyer_id else "?"


class StandingOrderLine(models.Model):
    """A product the buyer wants on a weekday's delivery, and how much."""

    standing_order = models.ForeignKey(
        StandingOrder, on_delete=models.CASCADE, related_name="lines"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    offer = models.ForeignKey(
        Offer, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="+"
    )
    quantity = quantity_field(_("quantity"), validators=[POSITIVE])

    class Meta:
        ordering = ["weekday", "pk"]
        verbose_name = _("standing order line")
        verbose_name_plural = _("standing order lines")
        constraints = [
            models.UniqueConstraint(
                fields=["standing_order", "weekday", "offer"], name="one_standing_line_per_day"
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()}: {self.quantity} × {self.offer_id}"


class StandingOrderRun(models.Model):
    """One delivery a standing order was drafted for, and what became of it.

    Unique per standing order and slot: running the job again drafts nothing twice.
    """

    class Status(models.TextChoices):
        DRAFTED = "drafted", _("Drafted, waiting")
        SUBMITTED = "submitted", _("Sent")
        SKIPPED = "skipped", _("Not drafted")
        FAILED = "failed", _("Could not be sent")
        EXPIRED = "expired", _("Not confirmed before the cut-off")

    standing_order = models.ForeignKey(StandingOrder, on_delete=models.CASCADE, related_name="runs")
    slot = models.ForeignKey(DeliverySlot, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="standing_runs"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    notes = models.TextField(_("notes"), blank=True, help_text=_("What was adjusted, and why."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-slot__date"]
        verbose_name = _("standing order run")
        verbose_name_plural = _("standing order runs")
        constraints = [
            models.UniqueConstraint(fields=["standing_order", "slot"], name="one_run_per_slot")
        ]

    def __str__(self):
        return f"{self.standing_order} @ {self.slot_id}: {self.status}"

    @property
    def note_list(self):
        return [note for note in self.notes.splitlines() if note]


# Statements --------------------------------------------------------------------------------


class InvoiceCounter(models.Model):
    """The last invoice number of an issuer (a supplier). Locked (SELECT ... FOR UPDATE) while
    a number is taken, inside the transaction that saves the invoice: numbers follow each
    other without gap or duplicate, even when statements are issued at the same time."""

    supplier = models.OneToOneField(
        Supplier, on_delete=models.CASCADE, related_name="invoice_counter"
    )
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("invoice counter")
        verbose_name_plural = _("invoice counters")

    def __str__(self):
        return f"{self.supplier_id}: {self.last_number}"


class StatementFrozen(ValidationError):
    """An issued statement (or one of its lines) was about to be changed or deleted."""


def _frozen(reference=None, fields=None):
    if reference is None:
        message = _(
            "Issued statements can no longer be changed nor deleted; a correction goes on the "
            "next statement or on a credit note."
        )
    else:
        message = _(
            "Statement %(reference)s is issued: it can no longer be changed nor deleted; a "
            "correction goes on the next statement or on a credit note."
        ) % {"reference": reference}
    if fields:
        message = f"{message} ({', '.join(str(field) for field in fields)})"
    return StatementFrozen(message, code="frozen")


class FrozenQuerySet(models.QuerySet):
    """Rows written once, when a statement is issued (`statements.issue_for`): a queryset
    neither updates nor deletes them."""

    def update(self, **kwargs):
        raise _frozen()

    def delete(self):
        raise _frozen()

    def bulk_update(self, objs, fields, batch_size=None):
        raise _frozen()


class Statement(models.Model):
    """A supplier's invoice (or credit note) to a buyer for one month's deliveries.

    The supplier is the issuer (the platform only brings them together). Once issued it is
    frozen: identities, lines and amounts are stored as issued and never recomputed; later
    changes to an order go on the next month's invoice, or on a credit note (a statement
    with negative amounts) when they lower what was already invoiced. The model itself
    refuses to save a change to an issued statement or to delete it, whoever asks (a
    superuser in the admin, a script); its lines likewise.
    """

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="statements"
    )
    buyer = models.ForeignKey(
        Buyer, verbose_name=_("buyer"), on_delete=models.PROTECT, related_name="statements"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month invoiced."))
    number = models.PositiveIntegerField(_("number"))
    issued_at = models.DateTimeField(_("issued"))
    issue_date = models.DateField(_("invoice date"))
    due_date = models.DateField(_("due date"))
    first_delivery = models.DateField(_("first delivery"))
    last_delivery = models.DateField(_("last delivery"))
    issuer = models.JSONField(_("issuer"), default=dict)
    customer = models.JSONField(_("customer"), default=dict)
    vat_breakdown = models.JSONField(_("VAT by rate"), default=list)
    total_excl_vat = models.DecimalField(_("total excl. VAT"), max_digits=12, decimal_places=2)
    total_vat = models.DecimalField(_("VAT"), max_digits=12, decimal_places=2)
    total_incl_vat = models.DecimalField(_("total incl. VAT"), max_digits=12, decimal_places=2)

    objects = FrozenQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "supplier_id", "number"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "number"], name="one_number_per_issuer"),
            models.UniqueConstraint(
                fields=["supplier", "buyer", "month", "kind"], name="one_statement_per_month"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference}"

    def save(self, *args, **kwargs):
        changed = self.changed_fields()
        if changed:
            raise _frozen(self.reference, changed)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise _frozen(self.reference)

    @property
    def reference(self):
        """The number as printed: the issuer's code and its sequence, e.g. FC0007-000012."""
        return f"FC{self.supplier_id:04d}-{self.number:06d}"

    @property
    def vat_lines(self):
        return [
            (Decimal(rate), Decimal(base), Decimal(vat)) for rate, base, vat in self.vat_breakdown
        ]

    @property
    def is_vat_exempt(self):
        """Issued by a supplier exempt of VAT (franchise en base): no VAT, and the mention."""
        return bool(self.issuer.get("vat_exempt"))

    def changed_fields(self):
        """The fields of an issued statement that differ from what was issued (none for a
        statement not saved yet)."""
        if self._state.adding or self.pk is None:
            return []
        fields = [field for field in self._meta.concrete_fields if not field.primary_key]
        stored = Statement.objects.filter(pk=self.pk).values(*(f.attname for f in fields)).first()
        if stored is None:
            return []
        return [
            field.verbose_name
            for field in fields
            if field.to_python(getattr(self, field.attname)) != stored[field.attname]
        ]

    def clean(self):
        changed = self.changed_fields()
        if changed:
            raise _frozen(self.reference, changed)


class StatementLine(models.Model):
    """A line as invoiced: a delivered order line, or a correction of one already invoiced."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        OrderLine, null=True, blank=True, on_delete=models.SET_NULL, related_name="statement_lines"
    )
    order_number = models.PositiveIntegerField(_("order"))
    delivery_date = models.DateField(_("delivery date"))
    designation = models.CharField(_("designation"), max_length=300)
    unit = models.CharField(_("unit"), max_length=10, choices=Offer.Unit.choices)
    quantity = quantity_field(_("quantity"))
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    unit_price = models.DecimalField(_("unit price excl. VAT"), max_digits=10, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=4, decimal_places=2)
    amount = models.DecimalField(_("amount excl. VAT"), max_digits=12, decimal_places=2)
    is_correction = models.BooleanField(_("correction"), default=False)

    objects = FrozenQuerySet.as_manager()

    class Meta:
        ordering = ["delivery_date", "order_number", "pk"]
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")

    def __str__(self):
        return f"{self.designation}: {self.amount}"

    def save(self, *args, **kwargs):
        # Lines are written with their statement, in the transaction that issues it
        # (`statements.issue_for`, a bulk insert); after that, adding, changing or removing
        # one would change an issued statement.
        raise _frozen(self.statement.reference if self.statement_id else None)

    def delete(self, *args, **kwargs):
        raise _frozen(self.statement.reference)


# Lots and traceability


def new_public_token():
    """An unguessable token for a public URL (a lot's page): never the primary key, which
    would let anyone walk through every lot."""
    return secrets.token_urlsafe(16)


class Lot(models.Model):
    """What a supplier delivers, as it declares it: a lot code, the product, when it was
    produced or harvested, until when it keeps, where it comes from and its quality signs.

    Order lines take their quantity from lots (`LotAllocation`), so a recall answers "which
    buyers received lot X" and a buyer can show where a dish's produce came from. The public
    page of a lot is reached through `public_token`, printed as a QR code on delivery notes.
    """

    class DateKind(models.TextChoices):
        BEST_BEFORE = "best_before", _("Best before")
        USE_BY = "use_by", _("Use by")

    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="lots"
    )
    offer = models.ForeignKey(
        Offer, verbose_name=_("offer"), on_delete=models.PROTECT, related_name="lots"
    )
    code = models.CharField(_("lot code"), max_length=60, db_index=True)
    produced_on = models.DateField(_("production or harvest date"))
    keeps_until = models.DateField(_("date mark"), null=True, blank=True)
    date_kind = models.CharField(
        _("kind of date"),
        max_length=20,
        choices=DateKind.choices,
        default=DateKind.BEST_BEFORE,
        help_text=_("Use by for perishable products (meat, fish, dairy), best before otherwise."),
    )
    origin_commune = models.ForeignKey(
        "directory.Commune",
        verbose_name=_("origin commune"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    quality_signs = models.ManyToManyField(
        "directory.QualitySign", verbose_name=_("quality signs"), blank=True, related_name="+"
    )
    quantity = quantity_field(_("quantity"), validators=[POSITIVE])
    unit = models.CharField(_("unit"), max_length=10, choices=Offer.Unit.choices)
    public_token = models.CharField(
        max_length=32, unique=True, default=new_public_token, editable=False
    )
    created_at = models.DateTimeField(_("declared"), auto_now_add=True)

    class Meta:
        ordering = ["-produced_on", "code"]
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "code"], name="unique_lot_code_per_supplier"
            )
        ]

    def __str__(self):
        return f"{self.code} — {self.offer}" if self.offer_id else self.code

    def clean(self):
        """The rules of every lot, declared in the portal (`lots.declare_lot`) or by staff in
        the admin: counted in its offer's order unit, of one of the supplier's own offers,
        and, once order lines took from it, still of that offer and holding what they took."""
        errors = {}
        if self.offer_id:
            # Not typed: lots and order lines count alike (pieces for variable weights).
            self.unit = self.offer.order_unit
            if self.supplier_id and self.offer.supplier_id != self.supplier_id:
                errors["offer"] = _("Choose one of the supplier's own offers.")
        if self.keeps_until and self.produced_on and self.keeps_until < self.produced_on:
            errors["keeps_until"] = _("The date mark comes after production.")
        if self.pk:
            before = Lot.objects.filter(pk=self.pk).values("supplier_id", "offer_id").first()
            used = self.allocations.aggregate(total=models.Sum("quantity"))["total"]
            if (
                used
                and before
                and (before["supplier_id"], before["offer_id"])
                != (
                    self.supplier_id,
                    self.offer_id,
                )
            ):
                errors["offer"] = _(
                    "Order lines were delivered from this lot: it keeps its supplier and product."
                )
            if used and self.quantity is not None and self.quantity < used:
                errors["quantity"] = _(
                    "%(used)s were already delivered from this lot: it cannot hold less."
                ) % {"used": format(used.normalize(), "f").replace(".", ",")}
        if errors:
            raise ValidationError(errors)


class LotAllocation(models.Model):
    """How much of an order line comes from a lot. A line may take its quantity from several
    lots (the end of one crate, the start of the next), hence a table and not a foreign key
    on the line; a recall reads it from the lot's side (indexed)."""

    line = models.ForeignKey(
        OrderLine, verbose_name=_("order line"), on_delete=models.CASCADE, related_name="lots"
    )
    lot = models.ForeignKey(
        Lot, verbose_name=_("lot"), on_delete=models.PROTECT, related_name="allocations"
    )
    quantity = quantity_field(_("quantity"), validators=[POSITIVE])

    class Meta:
        verbose_name = _("lot allocation")
        verbose_name_plural = _("lot allocations")
        constraints = [models.UniqueConstraint(fields=["line", "lot"], name="one_allocation")]
        # A recall goes lot -> lines (the unique index above serves line -> lots).
        indexes = [models.Index(fields=["lot", "line"], name="allocation_by_lot")]

    def __str__(self):
        return f"{self.quantity} × {self.lot_id} → {self.line_id}"


class ProducerShowcase(models.Model):
    """A buyer's public "nos producteurs locaux" page, opt-in: the producers it bought from in
    the last months, linked to their directory profiles. Nothing else about the buyer's
    orders (no quantities, no prices) is shown."""

    buyer = ParentalKey(
        Buyer, verbose_name=_("buyer"), on_delete=models.CASCADE, related_name="showcases"
    )
    is_published = models.BooleanField(_("published"), default=False)
    slug = models.SlugField(
        _("web address"),
        max_length=80,
        unique=True,
        help_text=_("The page is at /nos-producteurs-locaux/<web address>/."),
    )
    months = models.PositiveSmallIntegerField(
        _("producers of the last … months"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
    )
    introduction = models.TextField(_("introduction"), blank=True)

    class Meta:
        verbose_name = _("local producers page")
        verbose_name_plural = _("local producers pages")
        constraints = [models.UniqueConstraint(fields=["buyer"], name="one_showcase_per_buyer")]

    def __str__(self):
        return str(self.buyer) if self.buyer_id else self.slug

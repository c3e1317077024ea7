"""The supply portal's business rules, shared by the Wagtail admin, the portal and the API.

Everything that changes an order goes through these functions: they check the rules again
inside a transaction (the forms only help the user), take what they sell with atomic
conditional UPDATEs (so an offer's availability and a slot's capacity are never exceeded,
whatever the number of simultaneous buyers) and queue the e-mails once the data is saved.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, DecimalField, F, Q, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from circuitcourt.calendar.services import in_season_q, is_in_season
from circuitcourt.directory.geo import haversine_km

from .models import (
    CENT,
    Buyer,
    BuyerClosure,
    DeliveryRound,
    DeliverySlot,
    DeliveryZone,
    Offer,
    OfferAvailability,
    Order,
    OrderLine,
    OrderSubmission,
    StandingOrder,
    StandingOrderLine,
    StandingOrderRun,
    SupplierOrder,
)

SLOT_WEEKS_AHEAD = 4
LIVE_ORDER_STATUSES = [
    Order.Status.SUBMITTED,
    Order.Status.CONFIRMED,
    Order.Status.IN_DELIVERY,
    Order.Status.DELIVERED,
    Order.Status.CLOSED,
]
CHANGEABLE_ORDER_STATUSES = [Order.Status.DRAFT, Order.Status.SUBMITTED, Order.Status.CONFIRMED]
QUANTITY = DecimalField(max_digits=10, decimal_places=3)


class OrderRefused(ValidationError):
    """A rule refused the order; `messages` say why, in words the buyer can act on."""


# --- Delivery zones and slots -------------------------------------------------------------


def within_radius(zone, buyer):
    if zone.has_radius and buyer.has_location:
        distance = haversine_km(
            zone.hub_latitude, zone.hub_longitude, buyer.latitude, buyer.longitude
        )
        return distance <= float(zone.radius_km)
    return False


def zones_for(buyer):
    """The delivery zones that serve the buyer's address (its commune, or a hub's radius)."""
    zone_ids = set(
        DeliveryZone.communes.through.objects.filter(commune_id=buyer.commune_id).values_list(
            "deliveryzone_id", flat=True
        )
    )
    return [
        zone
        for zone in DeliveryZone.objects.all()
        if zone.pk in zone_ids or within_radius(zone, buyer)
    ]


def buyers_in_zone(zone):
    """The active buyers a zone serves."""
    commune_ids = set(zone.communes.values_list("pk", flat=True))
    return [
        buyer
        for buyer in Buyer.objects.filter(is_active=True)
        if buyer.commune_id in commune_ids or within_radius(zone, buyer)
    ]


def generate_slots(weeks=SLOT_WEEKS_AHEAD, today=None):
    """Create the slots of every active round for the coming weeks; returns how many.

    Existing slots are kept as they are (a cancelled holiday stays cancelled).
    """
    today = today or timezone.localdate()
    end = today + datetime.timedelta(weeks=weeks)
    existing = set(
        DeliverySlot.objects.filter(date__gte=today, date__lte=end).values_list("round_id", "date")
    )
    new = []
    for delivery_round in DeliveryRound.objects.filter(is_active=True):
        day = today
        while day <= end:
            if (
                day.weekday() in delivery_round.weekdays
                and (delivery_round.pk, day) not in existing
            ):
                new.append(
                    DeliverySlot(
                        round=delivery_round,
                        date=day,
                        cutoff_at=delivery_round.cutoff_at(day),
                        departure_at=delivery_round.departure_at(day),
                        capacity_drops=delivery_round.capacity_drops,
                        capacity_kg=delivery_round.capacity_kg,
                    )
                )
            day += datetime.timedelta(days=1)
    DeliverySlot.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def open_slots_for(buyer, now=None):
    """The slots the buyer may order for: open, before cut-off, in its zones, with room left
    (or where the buyer already has an order, which it may amend)."""
    now = now or timezone.now()
    zones = zones_for(buyer)
    has_room = Q(capacity_drops__isnull=True) | Q(drops_booked__lt=F("capacity_drops"))
    own_order = Q(orders__buyer=buyer, orders__status__in=LIVE_ORDER_STATUSES)
    return (
        DeliverySlot.objects.filter(
            round__zone__in=zones, status=DeliverySlot.Status.OPEN, cutoff_at__gt=now
        )
        .filter(has_room | own_order)
        .select_related("round__zone")
        .distinct()
        .order_by("date", "departure_at")
    )


def cancel_slot(slot, reason=""):
    """Cancel a slot (a holiday): its orders are cancelled and their buyers told."""
    from . import tasks

    with transaction.atomic():
        slot = DeliverySlot.objects.select_for_update().get(pk=slot.pk)
        if slot.status == DeliverySlot.Status.CANCELLED:
            return slot
        slot.status = DeliverySlot.Status.CANCELLED
        slot.cancellation_reason = reason
        slot.save(update_fields=["status", "cancellation_reason"])
        orders = Order.objects.filter(slot=slot).exclude(status=Order.Status.CANCELLED)
        order_ids = list(orders.values_list("pk", flat=True))
        orders.update(
            status=Order.Status.CANCELLED,
            cancellation_reason=_("Delivery cancelled: %(reason)s") % {"reason": reason}
            if reason
            else _("Delivery cancelled"),
        )
        SupplierOrder.objects.filter(order_id__in=order_ids).update(
            status=SupplierOrder.Status.CANCELLED
        )
        transaction.on_commit(lambda: tasks.slot_cancelled.enqueue(slot.pk, order_ids))
    return slot


def set_availability(offer, slot, quantity):
    """Limit what an offer may sell for a slot, or (quantity None) stop limiting it.

    Never below what is already sold: the row is locked while it is checked and written, so
    a sale at the same moment waits instead of slipping under the new limit.
    """
    with transaction.atomic():
        row = OfferAvailability.objects.select_for_update().filter(offer=offer, slot=slot).first()
        sold = row.quantity_sold if row else Decimal("0")
        if sold and (quantity is None or quantity < sold):
            raise OrderRefused(
                [_("%(sold)s are already sold for this delivery.") % {"sold": number(sold)}]
            )
        if quantity is None:
            if row:
                row.delete()
        elif row:
            row.quantity_available = quantity
            row.save(update_fields=["quantity_available"])
        else:
            OfferAvailability.objects.create(offer=offer, slot=slot, quantity_available=quantity)


def start_delivery(slot):
    """The round leaves: its orders are in delivery; nothing can be changed any more."""
    with transaction.atomic():
        DeliverySlot.objects.filter(pk=slot.pk).update(status=DeliverySlot.Status.IN_DELIVERY)
        Order.objects.filter(
            slot=slot, status__in=[Order.Status.SUBMITTED, Order.Status.CONFIRMED]
        ).update(status=Order.Status.IN_DELIVERY)
    slot.refresh_from_db()
    return slot


# --- Offers and quantities ----------------------------------------------------------------


def offer_available_in(offer, month):
    """Does the supplier sell this offer in that month (its own 'months available')?"""
    return not offer.months_available or month in offer.months_available


def offer_in_season(offer, month, season_category_ids=None):
    """Is the offer in season that month: its product in season on the seasonal calendar and
    the supplier selling it that month? Pass `in_season_category_ids(month)` when flagging
    many offers, to ask the calendar once."""
    if season_category_ids is None:
        in_season = is_in_season(offer.category_id, month)
    else:
        in_season = offer.category_id in season_category_ids
    return in_season and offer_available_in(offer, month)


def in_season_offers(offers, month):
    """The offers of a queryset in season that month (the catalogue's filter)."""
    seasonal = offers.filter(in_season_q(month, prefix="category__"))
    return offers.filter(
        pk__in=[
            offer.pk
            for offer in seasonal.select_related(None)
            .prefetch_related(None)
            .only("pk", "months_available")
            if offer_available_in(offer, month)
        ]
    )


def parse_quantity(value):
    """A quantity typed by a user ("2,5" or "2.5") as a Decimal, or None if it is not one."""
    try:
        quantity = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return quantity if quantity.is_finite() else None


def quantity_error(offer, quantity):
    """Why this quantity of the offer cannot be ordered, or None."""
    unit = offer.get_unit_display() if not offer.variable_weight else _("piece")
    if quantity is None or quantity <= 0:
        return _("%(offer)s: give a quantity above zero.") % {"offer": offer}
    if quantity < offer.min_quantity:
        return _("%(offer)s: the minimum is %(min)s %(unit)s.") % {
            "offer": offer,
            "min": number(offer.min_quantity),
            "unit": unit,
        }
    if (quantity - offer.min_quantity) % offer.quantity_step:
        return _("%(offer)s: order %(min)s %(unit)s then by %(step)s %(unit)s.") % {
            "offer": offer,
            "min": number(offer.min_quantity),
            "step": number(offer.quantity_step),
            "unit": unit,
        }
    return None


def number(value):
    """A decimal without trailing zeros, French style ("2,5")."""
    text = format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
    return text.replace(".", ",")


# --- Basket and order maths ---------------------------------------------------------------


@dataclass
class BasketLine:
    """A line of the basket before submission; priced like an order line."""

    offer: Offer
    quantity: Decimal

    def as_order_line(self):
        offer = self.offer
        return OrderLine(
            offer=offer,
            name=str(offer),
            unit=offer.order_unit,
            quantity=self.quantity,
            unit_price=offer.price,
            vat_rate=offer.effective_vat_rate,
            variable_weight=offer.variable_weight,
            estimated_weight_kg=offer.estimated_weight_kg,
        )


def vat_of(base, rate):
    return (base * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Amounts:
    """Totals excl. VAT, VAT per rate and incl. VAT, final where weights are known."""

    by_rate: dict = field(default_factory=lambda: defaultdict(Decimal))
    estimated_excl_vat: Decimal = Decimal("0.00")
    is_estimated: bool = False

    def add(self, line):
        self.by_rate[line.vat_rate] += line.amount
        self.estimated_excl_vat += line.estimated_amount
        self.is_estimated = self.is_estimated or line.is_estimated

    @property
    def excl_vat(self):
        return sum(self.by_rate.values(), Decimal("0.00"))

    @property
    def vat(self):
        return sum((vat_of(base, rate) for rate, base in self.by_rate.items()), Decimal("0.00"))

    @property
    def incl_vat(self):
        return self.excl_vat + self.vat

    @property
    def vat_lines(self):
        """[(rate, base, vat)] sorted by rate, for the summary table."""
        return [(rate, base, vat_of(base, rate)) for rate, base in sorted(self.by_rate.items())]


@dataclass
class SupplierPart(Amounts):
    supplier: object = None
    lines: list = field(default_factory=list)

    @property
    def minimum(self):
        return self.supplier.minimum_order_amount

    @property
    def missing(self):
        """What is missing (excl. VAT, estimated) to reach the supplier's minimum."""
        return max(self.minimum - self.estimated_excl_vat, Decimal("0.00"))


@dataclass
class Totals(Amounts):
    suppliers: list = field(default_factory=list)


def totals(lines):
    """Totals per supplier and overall of order lines (or `BasketLine.as_order_line()`s).

    Lines need their offer's supplier loaded (`select_related("offer__supplier__producer")`).
    """
    overall = Totals()
    parts = {}
    for line in lines:
        supplier = line.offer.supplier
        part = parts.get(supplier.pk)
        if part is None:
            part = parts[supplier.pk] = SupplierPart(supplier=supplier)
        part.lines.append(line)
        if line.is_active:
            part.add(line)
            overall.add(line)
    overall.suppliers = sorted(parts.values(), key=lambda part: str(part.supplier))
    return overall


def basket_lines(items):
    """[(offer_id, quantity)] as BasketLines, offers in one query (unknown ids dropped)."""
    quantities = merge_quantities(items)
    offers = Offer.objects.select_related("supplier__producer", "category").in_bulk(quantities)
    return [BasketLine(offers[pk], quantities[pk]) for pk in quantities if pk in offers]


def merge_quantities(items):
    quantities = {}
    for offer_id, quantity in items:
        quantities[int(offer_id)] = quantities.get(int(offer_id), Decimal("0")) + Decimal(quantity)
    return quantities


# --- Submitting, changing, cancelling -----------------------------------------------------


def submit_order(buyer, slot, items, *, idempotency_key=None, user=None, now=None, notify=True):
    """Submit a basket: [(offer_id, quantity)] for the buyer's delivery in `slot`.

    The buyer's live order for that slot, if any, is amended (quantities added), never
    duplicated. The same idempotency key returns the order it made the first time.
    Raises OrderRefused with every reason when a rule refuses it; nothing is then written.
    """
    if idempotency_key:
        done = OrderSubmission.objects.filter(idempotency_key=idempotency_key).first()
        if done is not None:
            return _order_of_submission(done, buyer)
    try:
        return _save(buyer, slot, items, idempotency_key, user, now, add=True, notify=notify)
    except IntegrityError:
        # A simultaneous request with the same key (or for the same buyer and slot) won.
        if idempotency_key:
            done = OrderSubmission.objects.filter(idempotency_key=idempotency_key).first()
            if done is not None:
                return _order_of_submission(done, buyer)
        raise OrderRefused(
            [_("Another order for this delivery was just submitted; please check it.")]
        ) from None


def _order_of_submission(submission, buyer):
    if submission.order.buyer_id != buyer.pk:
        raise OrderRefused([_("This form was already used. Please reload the page.")])
    return submission.order


def change_order(order, items, *, user=None, now=None):
    """Set the quantities of an order's lines ([(offer_id, quantity)], 0 removes a line)."""
    return _save(order.buyer, order.slot, items, None, user, now, add=False, notify=True)


def _save(buyer, slot, items, idempotency_key, user, now, add, notify):
    now = now or timezone.now()
    wanted = merge_quantities(items)
    errors = []
    with transaction.atomic():
        order = (
            Order.objects.select_for_update()
            .filter(buyer=buyer, slot=slot)
            .exclude(status=Order.Status.CANCELLED)
            .first()
        )
        if order is not None and order.status not in CHANGEABLE_ORDER_STATUSES:
            raise OrderRefused([_("This order is locked: it can no longer be changed.")])
        if order is None and not add:
            raise OrderRefused([_("This order no longer exists.")])
        if order is None:
            order = Order(buyer=buyer, slot=slot)
        if idempotency_key:
            if order.pk is None:
                order.save()
            # First write of the transaction: a simultaneous twin waits here, then fails.
            OrderSubmission.objects.create(idempotency_key=idempotency_key, order=order)

        lines = (
            list(
                order.lines.select_related("offer__supplier__producer", "supplier_order").filter(
                    status__in=[
                        OrderLine.Status.PENDING,
                        OrderLine.Status.CONFIRMED,
                        OrderLine.Status.ADJUSTED,
                    ]
                )
            )
            if order.pk
            else []
        )
        current = {line.offer_id: line for line in lines}
        offers = Offer.objects.select_related("supplier__producer").in_bulk(
            set(wanted) | set(current)
        )
        errors += _slot_errors(buyer, slot, now)

        # The lines as they will be, in memory; `reserved` is what each holds of its offer.
        # A draft (new, or drafted from a standing order) holds nothing yet: submitting it
        # takes every line's quantity and books the drop and the weight.
        drafting = order.status == Order.Status.DRAFT
        reserved_before = (
            {} if drafting else {pk: line.delivered_quantity for pk, line in current.items()}
        )
        changed, removed, new = [], [], []
        for offer_id, quantity in wanted.items():
            offer = offers.get(offer_id)
            if offer is None:
                errors.append(_("A product of your basket is no longer offered."))
                continue
            line = current.get(offer_id)
            total = quantity + (line.quantity if line and add else 0)
            if line and total == 0 and not add:
                removed.append(line)
                continue
            if line and total == line.quantity and line.confirmed_quantity is None and not drafting:
                continue
            if not offer.is_active or not offer.supplier.is_active:
                errors.append(_("%(offer)s is no longer on sale.") % {"offer": offer})
                continue
            if not offer_available_in(offer, slot.date.month):
                errors.append(
                    _("%(offer)s is not available in %(month)s.")
                    % {"offer": offer, "month": date_format(slot.date, "F")}
                )
                continue
            error = quantity_error(offer, total)
            if error:
                errors.append(error)
                continue
            if line is None:
                line = BasketLine(offer, total).as_order_line()
                new.append(line)
            else:
                line.quantity = total
                line.confirmed_quantity = None
                line.status = OrderLine.Status.PENDING
                changed.append(line)
        final_lines = [line for line in lines if line not in removed] + new
        if not [line for line in final_lines if line.is_active]:
            errors.append(_("The order has no products."))
        summary = totals(final_lines)
        touched = {line.offer.supplier_id for line in changed + removed + new}
        for part in summary.suppliers:
            if part.supplier.pk in touched and part.missing and part.estimated_excl_vat:
                errors.append(
                    _(
                        "%(supplier)s delivers from %(minimum)s € excl. VAT per delivery: "
                        "add %(missing)s € more."
                    )
                    % {
                        "supplier": part.supplier,
                        "minimum": money(part.minimum),
                        "missing": money(part.missing),
                    }
                )
        if errors:
            raise OrderRefused(errors)

        deltas = {}
        for line in changed + new + removed:
            after = Decimal("0") if line in removed else line.delivered_quantity
            delta = after - reserved_before.get(line.offer_id, Decimal("0"))
            if delta:
                deltas[line.offer_id] = delta
        kg = sum((line.kg for line in final_lines), Decimal("0"))
        extra_kg = kg - (Decimal("0") if drafting else order.kg)

        # Write the order, its supplier orders and lines.
        first_submission = order.status == Order.Status.DRAFT
        if first_submission and order.pk:
            # A draft of the standing order is sent (by the buyer or the job).
            StandingOrderRun.objects.filter(
                order=order,
                status__in=[StandingOrderRun.Status.DRAFTED, StandingOrderRun.Status.FAILED],
            ).update(status=StandingOrderRun.Status.SUBMITTED)
        order.status = Order.Status.SUBMITTED
        order.kg = kg
        order.submitted_at = now
        order.submitted_by = user
        order.save()
        supplier_orders = {so.supplier_id: so for so in SupplierOrder.objects.filter(order=order)}
        missing = [
            SupplierOrder(order=order, supplier_id=supplier_id)
            for supplier_id in touched
            if supplier_id not in supplier_orders
        ]
        for so in SupplierOrder.objects.bulk_create(missing):
            supplier_orders[so.supplier_id] = so
        SupplierOrder.objects.filter(order=order, supplier_id__in=touched).update(
            status=SupplierOrder.Status.PENDING, answered_at=None
        )
        for line in new:
            line.order = order
            line.supplier_order = supplier_orders[line.offer.supplier_id]
        OrderLine.objects.bulk_create(new)
        OrderLine.objects.bulk_update(changed, ["quantity", "confirmed_quantity", "status"])
        OrderLine.objects.filter(pk__in=[line.pk for line in removed]).delete()
        SupplierOrder.objects.filter(order=order, lines__isnull=True).delete()

        # Last, take what is sold: offer availability, then the slot's drops and kg. These
        # rows are shared by every buyer of the slot and stay locked until the commit, so
        # taking them at the end keeps that wait short; a refusal rolls everything back.
        _reserve(slot, deltas, offers)
        _book_slot(slot, new_drop=first_submission, kg=extra_kg, now=now)

    from . import tasks

    if notify:
        transaction.on_commit(
            lambda: tasks.order_submitted.enqueue(order.pk, sorted(touched), first_submission)
        )
    return order


def _slot_errors(buyer, slot, now):
    if slot.status == DeliverySlot.Status.CANCELLED:
        return [_("This delivery is cancelled.")]
    if slot.status != DeliverySlot.Status.OPEN or now >= slot.cutoff_at:
        return [
            _("Orders for %(slot)s closed on %(cutoff)s.")
            % {"slot": slot_label(slot), "cutoff": datetime_label(slot.cutoff_at)}
        ]
    if slot.round.zone_id not in {zone.pk for zone in zones_for(buyer)}:
        return [_("This delivery does not serve your address.")]
    return []


def _reserve(slot, deltas, offers):
    """Take (or give back) offer quantities for the slot, in one conditional UPDATE.

    The row is updated only if what remains covers the quantity; PostgreSQL re-checks the
    condition on the latest row version after waiting for a concurrent buyer's lock, so two
    buyers cannot both take the last units.
    """
    if not deltas:
        return
    limited = list(
        OfferAvailability.objects.filter(slot=slot, offer_id__in=deltas).values_list(
            "offer_id", flat=True
        )
    )
    if not limited:
        return
    delta = Case(
        *[When(offer_id=pk, then=Value(deltas[pk])) for pk in limited], output_field=QUANTITY
    )
    updated = OfferAvailability.objects.filter(
        slot=slot, offer_id__in=limited, quantity_sold__lte=F("quantity_available") - delta
    ).update(quantity_sold=F("quantity_sold") + delta)
    if updated != len(limited):
        left = dict(
            OfferAvailability.objects.filter(slot=slot, offer_id__in=limited).values_list(
                "offer_id", "quantity_available"
            )
        )
        sold = dict(
            OfferAvailability.objects.filter(slot=slot, offer_id__in=limited).values_list(
                "offer_id", "quantity_sold"
            )
        )
        messages = []
        for pk in limited:
            remaining = max(left[pk] - sold[pk], Decimal("0"))
            if deltas[pk] > remaining:
                offer = offers[pk]
                messages.append(
                    _("%(offer)s: only %(left)s %(unit)s left for this delivery.")
                    % {
                        "offer": offer,
                        "left": number(remaining),
                        "unit": offer.get_unit_display()
                        if not offer.variable_weight
                        else _("piece"),
                    }
                )
        raise OrderRefused(messages or [_("A product just sold out; please check your basket.")])


def _book_slot(slot, *, new_drop, kg, now):
    """Book one more drop (a new order) and the extra kg on the slot, atomically."""
    condition = Q(pk=slot.pk, status=DeliverySlot.Status.OPEN, cutoff_at__gt=now)
    if new_drop:
        condition &= Q(capacity_drops__isnull=True) | Q(drops_booked__lt=F("capacity_drops"))
    if kg > 0:
        condition &= Q(capacity_kg__isnull=True) | Q(
            kg_booked__lte=F("capacity_kg") - Value(kg, output_field=QUANTITY)
        )
    updated = DeliverySlot.objects.filter(condition).update(
        drops_booked=F("drops_booked") + (1 if new_drop else 0),
        kg_booked=F("kg_booked") + Value(kg, output_field=QUANTITY),
    )
    if not updated:
        slot.refresh_from_db()
        if slot.status != DeliverySlot.Status.OPEN or now >= slot.cutoff_at:
            raise OrderRefused([_("Orders for this delivery are closed.")])
        if new_drop and slot.drops_left == 0:
            raise OrderRefused(
                [_("This delivery is full: no more drops available. Please choose another.")]
            )
        raise OrderRefused(
            [_("This delivery cannot carry that much weight. Please choose another.")]
        )


def cancel_order(order, *, user=None, now=None, reason="", notify=True):
    """The buyer cancels before the cut-off: what it held goes back on sale."""
    now = now or timezone.now()
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("slot").get(pk=order.pk)
        if order.status not in CHANGEABLE_ORDER_STATUSES or now >= order.slot.cutoff_at:
            raise OrderRefused([_("This order is locked: it can no longer be cancelled.")])
        if order.status == Order.Status.DRAFT:
            # A draft was never sent: it holds no stock, no drop, and no supplier knows it.
            order.status = Order.Status.CANCELLED
            order.cancellation_reason = reason or _("Draft discarded")
            order.save(update_fields=["status", "cancellation_reason", "updated_at"])
            SupplierOrder.objects.filter(order=order).update(status=SupplierOrder.Status.CANCELLED)
            StandingOrderRun.objects.filter(order=order).update(
                status=StandingOrderRun.Status.SKIPPED
            )
            return order
        lines = [line for line in order.lines.all() if line.is_active]
        deltas = defaultdict(Decimal)
        for line in lines:
            deltas[line.offer_id] -= line.delivered_quantity
        _reserve(order.slot, dict(deltas), {})
        DeliverySlot.objects.filter(pk=order.slot_id).update(
            drops_booked=F("drops_booked") - 1,
            kg_booked=F("kg_booked") - Value(order.kg, output_field=QUANTITY),
        )
        order.status = Order.Status.CANCELLED
        order.cancellation_reason = reason or _("Cancelled by the buyer")
        order.save(update_fields=["status", "cancellation_reason", "updated_at"])
        SupplierOrder.objects.filter(order=order).update(status=SupplierOrder.Status.CANCELLED)
    from . import tasks

    if notify:
        transaction.on_commit(lambda: tasks.order_cancelled.enqueue(order.pk))
    return order


def reorder_items(order):
    """The lines of a past order as basket items, for the offers still on sale."""
    return [
        (line.offer_id, line.quantity)
        for line in order.lines.filter(offer__is_active=True, replaces__isnull=True)
    ]


# --- Suppliers answer ---------------------------------------------------------------------


def _check_supplier_can_answer(supplier_order, now):
    order = supplier_order.order
    if order.status not in (Order.Status.SUBMITTED, Order.Status.CONFIRMED):
        raise OrderRefused([_("This order can no longer be changed.")])
    if now >= order.slot.departure_at:
        raise OrderRefused([_("The delivery has left: this order can no longer be changed.")])


def adjust_line(line, *, action, reason="", quantity=None, substitute=None, now=None):
    """The supplier changes one line before departure: "reduce" to a smaller quantity,
    "refuse" it, or "substitute" another of its offers. A reason is required; what is no
    longer sold goes back to availability."""
    now = now or timezone.now()
    with transaction.atomic():
        line = (
            OrderLine.objects.select_for_update()
            .select_related("order__slot", "supplier_order", "offer")
            .get(pk=line.pk)
        )
        _check_supplier_can_answer(line.supplier_order, now)
        if not line.is_active or line.replaces_id and action == "substitute":
            raise OrderRefused([_("This line was already replaced or refused.")])
        if not reason.strip():
            raise OrderRefused([_("Give the buyer a reason.")])
        slot = line.order.slot
        before = line.delivered_quantity
        if action == "reduce":
            if quantity is None or not (0 < quantity < line.quantity):
                raise OrderRefused(
                    [_("The new quantity must be above zero and below the quantity ordered.")]
                )
            line.confirmed_quantity = quantity
            line.status = OrderLine.Status.ADJUSTED
        elif action == "refuse":
            line.status = OrderLine.Status.REFUSED
        elif action == "substitute":
            if substitute is None or substitute.supplier_id != line.supplier_order.supplier_id:
                raise OrderRefused([_("Choose one of your own offers as the substitute.")])
            error = quantity_error(substitute, quantity)
            if error:
                raise OrderRefused([error])
            line.status = OrderLine.Status.SUBSTITUTED
        else:
            raise OrderRefused([_("Unknown change.")])
        line.reason = reason.strip()
        line.save(update_fields=["confirmed_quantity", "status", "reason"])
        _reserve(
            slot, {line.offer_id: line.delivered_quantity - before}, {line.offer_id: line.offer}
        )
        if action == "substitute":
            new = BasketLine(substitute, quantity).as_order_line()
            new.order_id = line.order_id
            new.supplier_order_id = line.supplier_order_id
            new.replaces = line
            new.status = OrderLine.Status.CONFIRMED
            new.reason = line.reason
            new.save()
            _reserve(slot, {substitute.pk: quantity}, {substitute.pk: substitute})
        SupplierOrder.objects.filter(pk=line.supplier_order_id).update(
            status=SupplierOrder.Status.PENDING
        )
    return line


def confirm_supplier_order(supplier_order, *, note="", now=None, notify=True):
    """The supplier has answered every line: pending lines are confirmed, the buyer told.
    The order is confirmed once every supplier has answered."""
    now = now or timezone.now()
    with transaction.atomic():
        supplier_order = (
            SupplierOrder.objects.select_for_update()
            .select_related("order__slot")
            .get(pk=supplier_order.pk)
        )
        _check_supplier_can_answer(supplier_order, now)
        supplier_order.lines.filter(status=OrderLine.Status.PENDING).update(
            status=OrderLine.Status.CONFIRMED
        )
        statuses = set(supplier_order.lines.values_list("status", flat=True))
        if statuses <= {OrderLine.Status.REFUSED}:
            supplier_order.status = SupplierOrder.Status.REFUSED
        elif statuses <= {OrderLine.Status.CONFIRMED} and not supplier_order.lines.filter(
            replaces__isnull=False
        ):
            supplier_order.status = SupplierOrder.Status.CONFIRMED
        else:
            supplier_order.status = SupplierOrder.Status.ADJUSTED
        supplier_order.note = note
        supplier_order.answered_at = now
        supplier_order.save(update_fields=["status", "note", "answered_at"])
        order = supplier_order.order
        waiting = order.supplier_orders.filter(status=SupplierOrder.Status.PENDING).exists()
        if not waiting and order.status == Order.Status.SUBMITTED:
            order.status = Order.Status.CONFIRMED
            order.save(update_fields=["status", "updated_at"])
    from . import tasks

    if notify:
        transaction.on_commit(lambda: tasks.supplier_answered.enqueue(supplier_order.pk))
    return supplier_order


def record_final_weight(line, weight_kg):
    """The supplier weighs a variable-weight piece: the buyer pays this weight."""
    if not line.variable_weight:
        raise OrderRefused([_("Only variable-weight products have a final weight.")])
    if weight_kg is None or weight_kg <= 0:
        raise OrderRefused([_("Give a weight above zero.")])
    if line.order.status in (Order.Status.CLOSED, Order.Status.CANCELLED):
        raise OrderRefused([_("This order can no longer be changed.")])
    line.final_weight_kg = weight_kg
    line.save(update_fields=["final_weight_kg"])
    return line


def mark_delivered(order, received=None, weights=None):
    """The buyer (or staff) records the delivery: quantities received and complaints per line.

    `received` maps a line id to (quantity received or None, complaint); None means all
    that was delivered. A quantity below zero or above what was delivered is refused with
    the line's name, and then nothing is saved. The order's amounts follow the quantities
    received (and the final weights of variable-weight lines, which staff may record here
    too: `weights` maps a line id to its final weight in kg).
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status not in (Order.Status.IN_DELIVERY, Order.Status.CONFIRMED):
            raise OrderRefused([_("Only an order on its way can be marked delivered.")])
        lines = list(order.lines.all())
        errors = []
        for line in lines:
            quantity, complaint = (received or {}).get(line.pk, (None, ""))
            delivered = line.delivered_quantity
            if quantity is not None and not (0 <= quantity <= delivered):
                errors.append(
                    _("%(product)s: the quantity received must be between 0 and %(delivered)s.")
                    % {"product": line.name, "delivered": number(delivered)}
                )
                continue
            weight = (weights or {}).get(line.pk)
            if weight is not None:
                if not line.variable_weight or weight <= 0:
                    errors.append(
                        _("%(product)s: give a final weight above zero.") % {"product": line.name}
                    )
                    continue
                line.final_weight_kg = weight
            line.received_quantity = delivered if quantity is None else quantity
            line.complaint = (complaint or "").strip()[:250]
            if line.received_quantity < delivered and not line.complaint:
                errors.append(
                    _("%(product)s: say what was missing or wrong in the complaint.")
                    % {"product": line.name}
                )
        if errors:
            raise OrderRefused(errors)
        OrderLine.objects.bulk_update(lines, ["received_quantity", "complaint", "final_weight_kg"])
        order.status = Order.Status.DELIVERED
        order.save(update_fields=["status", "updated_at"])
    return order


def close_order(order):
    """Staff close a delivered order once complaints are settled and it is invoiced."""
    if order.status != Order.Status.DELIVERED:
        raise OrderRefused([_("Only a delivered order can be closed.")])
    order.status = Order.Status.CLOSED
    order.save(update_fields=["status", "updated_at"])
    return order


def unconfirmed_supplier_orders(within_hours=12, now=None):
    """Supplier orders still unanswered close to departure: staff call the producer."""
    now = now or timezone.now()
    return SupplierOrder.objects.filter(
        status=SupplierOrder.Status.PENDING,
        order__status=Order.Status.SUBMITTED,
        order__slot__departure_at__lte=now + datetime.timedelta(hours=within_hours),
        order__slot__departure_at__gt=now,
    ).select_related("order__buyer", "order__slot__round", "supplier__producer")


# --- Reminders ----------------------------------------------------------------------------


def send_cutoff_reminders(within_hours=24, now=None):
    """Tell the buyers of each slot whose cut-off comes within the hours; once per slot."""
    from . import tasks

    now = now or timezone.now()
    slots = list(
        DeliverySlot.objects.filter(
            status=DeliverySlot.Status.OPEN,
            reminder_sent_at__isnull=True,
            cutoff_at__gt=now,
            cutoff_at__lte=now + datetime.timedelta(hours=within_hours),
        ).select_related("round__zone")
    )
    sent = 0
    for slot in slots:
        buyer_ids = [buyer.pk for buyer in buyers_in_zone(slot.round.zone)]
        DeliverySlot.objects.filter(pk=slot.pk).update(reminder_sent_at=now)
        if buyer_ids:
            tasks.cutoff_reminder.enqueue(slot.pk, buyer_ids)
            sent += len(buyer_ids)
    return sent


# --- Standing orders ----------------------------------------------------------------------

# Drafts are made for the deliveries whose cut-off comes within this many days: the buyer
# has the time to adjust them, and availability is already known.
STANDING_DRAFT_DAYS = 7


def is_closed(buyer, date):
    """Is the buyer closed that day (one of its closures)?"""
    return any(c.starts_on <= date <= c.ends_on for c in buyer.closures.all())


def add_closure(buyer, starts_on, ends_on, reason=""):
    if ends_on < starts_on:
        raise OrderRefused([_("The end comes before the start.")])
    # Not `buyer.closures.create()`: on a ClusterableModel that only adds it in memory.
    return BuyerClosure.objects.create(
        buyer=buyer, starts_on=starts_on, ends_on=ends_on, reason=reason
    )


def save_standing_order(buyer, *, submission, auto_submit_hours, lines):
    """Save the buyer's standing order: its rule and its lines [(weekday, offer, quantity)],
    which replace the previous ones. Every line is checked like a basket line; one refusal
    saves nothing."""
    errors = []
    seen = set()
    for weekday, offer, quantity in lines:
        if not offer.is_active or not offer.supplier.is_active:
            errors.append(_("%(offer)s is no longer on sale.") % {"offer": offer})
        elif (weekday, offer.pk) in seen:
            errors.append(_("%(offer)s is twice on the same day.") % {"offer": offer})
        else:
            error = quantity_error(offer, quantity)
            if error:
                errors.append(error)
        seen.add((weekday, offer.pk))
    if submission not in StandingOrder.Submission.values:
        errors.append(_("Choose how the drafted orders are sent."))
    if not (1 <= (auto_submit_hours or 0) <= 72):
        errors.append(_("Send it between 1 and 72 hours before the cut-off."))
    if errors:
        raise OrderRefused(errors)
    with transaction.atomic():
        standing, _created = StandingOrder.objects.get_or_create(buyer=buyer)
        standing.submission = submission
        standing.auto_submit_hours = auto_submit_hours
        standing.is_active = True
        standing.save()
        standing.lines.all().delete()
        StandingOrderLine.objects.bulk_create(
            StandingOrderLine(standing_order=standing, weekday=w, offer=o, quantity=q)
            for w, o, q in lines
        )
    return standing


def largest_quantity_within(offer, left):
    """The largest quantity that respects the offer's minimum and step and is at most
    `left`, or None when even the minimum is more."""
    if left < offer.min_quantity:
        return None
    steps = ((left - offer.min_quantity) / offer.quantity_step).to_integral_value(
        rounding=ROUND_FLOOR
    )
    return offer.min_quantity + steps * offer.quantity_step


def draft_standing_orders(now=None):
    """The background job (task and `draft_standing_orders` command): draft the coming
    deliveries of every active standing order, send the drafts whose automatic time has
    come, and drop those not confirmed by the cut-off. Safe to run as often as wanted.
    Returns counts per outcome."""
    now = now or timezone.now()
    report = defaultdict(int)
    standing_orders = (
        StandingOrder.objects.filter(is_active=True, buyer__is_active=True)
        .select_related("buyer")
        .prefetch_related("lines__offer__supplier__producer", "buyer__closures")
    )
    for standing in standing_orders:
        for outcome in _draft_coming(standing, now):
            report[outcome] += 1
    _send_due_drafts(now, report)
    _expire_drafts(now, report)
    return dict(report)


def _draft_coming(standing, now):
    by_weekday = defaultdict(list)
    for line in standing.lines.all():
        by_weekday[line.weekday].append(line)
    if not by_weekday:
        return []
    buyer = standing.buyer
    slots = DeliverySlot.objects.filter(
        round__zone__in=zones_for(buyer),
        status=DeliverySlot.Status.OPEN,
        cutoff_at__gt=now,
        cutoff_at__lte=now + datetime.timedelta(days=STANDING_DRAFT_DAYS),
    ).order_by("date", "departure_at")
    done = set(standing.runs.values_list("slot__date", flat=True))
    outcomes = []
    for slot in slots.select_related("round"):
        lines = by_weekday.get(slot.date.weekday())
        # One delivery per day (the earliest round), none on the buyer's closed days.
        if not lines or slot.date in done or is_closed(buyer, slot.date):
            continue
        done.add(slot.date)
        try:
            run = _draft(standing, slot, lines, now)
        except IntegrityError:
            continue  # another run of the job drafted it at the same moment
        outcomes.append(run.status)
    return outcomes


def _draft(standing, slot, lines, now):
    """Draft one delivery: each line adjusted to what is still available (drafts reserve
    nothing: sending them takes the stock, with the same checks as any order)."""
    from . import tasks

    buyer = standing.buyer
    notes, items = [], []
    available = {
        row.offer_id: row
        for row in OfferAvailability.objects.filter(
            slot=slot, offer_id__in=[line.offer_id for line in lines]
        )
    }
    for line in lines:
        offer = line.offer
        if not offer.is_active or not offer.supplier.is_active:
            notes.append(_("%(offer)s is no longer on sale.") % {"offer": offer})
            continue
        if not offer_available_in(offer, slot.date.month):
            notes.append(
                _("%(offer)s is not available in %(month)s.")
                % {"offer": offer, "month": date_format(slot.date, "F")}
            )
            continue
        quantity = line.quantity
        row = available.get(offer.pk)
        if row is not None and row.quantity_left < quantity:
            quantity = largest_quantity_within(offer, row.quantity_left)
            if quantity is None:
                notes.append(_("%(offer)s: sold out for this delivery.") % {"offer": offer})
                continue
            notes.append(
                _("%(offer)s: only %(left)s %(unit)s left, %(quantity)s in the draft.")
                % {
                    "offer": offer,
                    "left": number(row.quantity_left),
                    "quantity": number(quantity),
                    "unit": offer.get_unit_display() if not offer.variable_weight else _("piece"),
                }
            )
        items.append(BasketLine(offer, quantity))
    with transaction.atomic():
        taken = Order.objects.filter(buyer=buyer, slot=slot).exclude(status=Order.Status.CANCELLED)
        order = None
        if taken.exists():
            status = StandingOrderRun.Status.SKIPPED
            notes = [_("You had already ordered for this delivery.")]
        elif not items:
            status = StandingOrderRun.Status.SKIPPED
            notes.append(_("Nothing of your standing order is available for this delivery."))
        else:
            status = StandingOrderRun.Status.DRAFTED
            order = Order.objects.create(buyer=buyer, slot=slot, status=Order.Status.DRAFT)
            supplier_orders = {}
            new = []
            for item in items:
                supplier_id = item.offer.supplier_id
                if supplier_id not in supplier_orders:
                    supplier_orders[supplier_id] = SupplierOrder.objects.create(
                        order=order, supplier_id=supplier_id
                    )
                order_line = item.as_order_line()
                order_line.order = order
                order_line.supplier_order = supplier_orders[supplier_id]
                new.append(order_line)
            OrderLine.objects.bulk_create(new)
        run = StandingOrderRun.objects.create(
            standing_order=standing, slot=slot, order=order, status=status, notes="\n".join(notes)
        )
        if order is not None:
            transaction.on_commit(lambda: tasks.standing_order_drafted.enqueue(run.pk))
    return run


def update_draft(order, items):
    """The buyer changes a draft's quantities ([(offer_id, quantity)], 0 removes a line)
    without sending it. Checked like a basket; nothing is reserved until it is sent."""
    wanted = merge_quantities(items)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status != Order.Status.DRAFT:
            raise OrderRefused([_("This order is no longer a draft.")])
        lines = list(order.lines.select_related("offer__supplier__producer"))
        errors, changed, removed = [], [], []
        for line in lines:
            quantity = wanted.get(line.offer_id)
            if quantity is None or quantity == line.quantity:
                continue
            if quantity == 0:
                removed.append(line.pk)
                continue
            error = quantity_error(line.offer, quantity)
            if error:
                errors.append(error)
            line.quantity = quantity
            changed.append(line)
        if len(removed) == len(lines):
            errors.append(_("The order has no products."))
        if errors:
            raise OrderRefused(errors)
        OrderLine.objects.bulk_update(changed, ["quantity"])
        OrderLine.objects.filter(pk__in=removed).delete()
        SupplierOrder.objects.filter(order=order, lines__isnull=True).delete()
    return order


def _send_due_drafts(now, report):
    """Send the drafts of automatic standing orders once their time before the cut-off has
    come; a refusal (sold out since, supplier minimum) keeps the draft and tells the buyer."""
    from . import tasks

    runs = StandingOrderRun.objects.filter(
        status=StandingOrderRun.Status.DRAFTED,
        standing_order__submission=StandingOrder.Submission.AUTO,
        order__status=Order.Status.DRAFT,
        slot__cutoff_at__gt=now,
        slot__cutoff_at__lte=now + datetime.timedelta(hours=72),
    ).select_related("standing_order", "order__buyer", "order__slot__round")
    for run in runs:
        hours = run.standing_order.auto_submit_hours
        if now < run.order.slot.cutoff_at - datetime.timedelta(hours=hours):
            continue
        order = run.order
        items = [(line.offer_id, line.quantity) for line in order.lines.all()]
        try:
            _save(order.buyer, order.slot, items, None, None, now, add=False, notify=True)
        except OrderRefused as refused:
            StandingOrderRun.objects.filter(pk=run.pk).update(
                status=StandingOrderRun.Status.FAILED,
                notes="\n".join([*run.note_list, *refused.messages]),
            )
            transaction.on_commit(lambda pk=run.pk: tasks.standing_order_failed.enqueue(pk))
            report[StandingOrderRun.Status.FAILED] += 1
        else:
            report[StandingOrderRun.Status.SUBMITTED] += 1


def _expire_drafts(now, report):
    """Drafts not sent by the cut-off are dropped: they were never orders."""
    runs = StandingOrderRun.objects.filter(
        status__in=[StandingOrderRun.Status.DRAFTED, StandingOrderRun.Status.FAILED],
        order__status=Order.Status.DRAFT,
        slot__cutoff_at__lte=now,
    )
    for run in runs:
        Order.objects.filter(pk=run.order_id, status=Order.Status.DRAFT).update(
            status=Order.Status.CANCELLED,
            cancellation_reason=_("Draft not confirmed before the cut-off"),
        )
        SupplierOrder.objects.filter(order_id=run.order_id).update(
            status=SupplierOrder.Status.CANCELLED
        )
        run.status = StandingOrderRun.Status.EXPIRED
        run.save(update_fields=["status"])
        report[StandingOrderRun.Status.EXPIRED] += 1


# --- Words --------------------------------------------------------------------------------


def money(value):
    """12.5 -> "12,50" (French decimal comma)."""
    return f"{value:.2f}".replace(".", ",")


def datetime_label(value):
    return date_format(timezone.localtime(value), "l j F Y à H:i")


def slot_label(slot):
    return f"{slot.round.name}, {date_format(slot.date, 'l j F Y')}"

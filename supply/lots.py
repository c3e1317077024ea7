"""Lots and traceability: the rules shared by the portal (suppliers), the Wagtail admin
(staff) and the public pages.

A supplier declares its lots; each order line it delivers takes its quantity from one or
more lots (`LotAllocation`). A line whose delivered quantity is not fully covered by lots is
flagged wherever it is shown (supplier's order, admin listing, delivery note). A recall goes
both ways: from a lot code to every buyer who received it, and from a buyer and dates to
every lot it received.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Prefetch, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from circuitcourt.directory.models import ProducerPage

from .models import (
    Lot,
    LotAllocation,
    Offer,
    Order,
    OrderLine,
    ProducerShowcase,
    SupplierOrder,
)
from .services import OrderRefused, number

# Orders whose lines are (or are about to be) delivered: their lines need a lot.
LOT_REQUIRED_ORDER_STATUSES = [
    Order.Status.CONFIRMED,
    Order.Status.IN_DELIVERY,
    Order.Status.DELIVERED,
    Order.Status.CLOSED,
]
RECEIVED_ORDER_STATUSES = [
    Order.Status.SUBMITTED,
    Order.Status.CONFIRMED,
    Order.Status.IN_DELIVERY,
    Order.Status.DELIVERED,
    Order.Status.CLOSED,
]


# --- Declaring lots -----------------------------------------------------------------------


def declare_lot(supplier, *, offer, code, produced_on, origin_commune, quantity, **fields):
    """A supplier (or staff for it, in the admin) declares a lot of one of its offers; its unit
    is the unit the offer is ordered in (pieces for variable-weight products), so lots and
    lines count alike, and it carries the offer's quality signs unless others are given.
    Refused with every reason (nothing saved) by the rules of `Lot.clean` and these."""
    signs = fields.pop("quality_signs", None)
    lot = Lot(
        supplier=supplier,
        offer=offer,
        code=(code or "").strip(),
        produced_on=produced_on,
        origin_commune=origin_commune,
        quantity=quantity,
        **fields,
    )
    errors = []
    if not lot.code:
        errors.append(_("Give the lot a code."))
    elif code_taken(supplier, lot.code):
        errors.append(_("You already declared a lot %(code)s.") % {"code": lot.code})
    if quantity is None or quantity <= 0:
        errors.append(_("Give a quantity above zero."))
    try:
        lot.clean()  # the unit, the supplier's own offer, the dates
    except ValidationError as error:
        errors += error.messages
    if errors:
        raise OrderRefused(errors)
    with transaction.atomic():
        lot.save()
        if signs is None:
            # By default a lot carries its offer's quality signs.
            signs = offer.quality_signs.all()
        lot.quality_signs.set(signs)
    return lot


def code_taken(supplier, code, exclude=None):
    """Has the supplier already declared a lot with this code (a code is unique per
    supplier: a recall by code must not mix two of its lots)?"""
    lots = Lot.objects.filter(supplier=supplier, code=code.strip())
    if exclude is not None:
        lots = lots.exclude(pk=exclude)
    return lots.exists()


def lot_remaining(lot):
    """What is left of a lot once the lines it went into are counted."""
    used = lot.allocations.aggregate(total=Sum("quantity"))["total"] or Decimal("0")
    return lot.quantity - used


# --- Assigning lots to lines --------------------------------------------------------------


def allocated_quantity(line):
    """What the line's lots cover (with `with_lots` prefetched, no query)."""
    return sum((allocation.quantity for allocation in line.lots.all()), Decimal("0"))


def missing_lot_quantity(line):
    """What of the line's delivered quantity no lot covers yet (0 when it is all covered or
    nothing is delivered)."""
    if not line.is_active:
        return Decimal("0")
    return max(line.delivered_quantity - allocated_quantity(line), Decimal("0"))


def lacks_lot(line):
    """Is this line delivered without (enough) lots? It is then flagged."""
    return missing_lot_quantity(line) > 0


def with_lots(lines):
    """Order lines with their lots and what the documents show of them, prefetched."""
    return lines.prefetch_related(
        Prefetch(
            "lots",
            queryset=LotAllocation.objects.select_related("lot__origin_commune").order_by(
                "lot__code"
            ),
        )
    )


def allocate(line, lot, quantity):
    """Take `quantity` of the line from `lot` (setting it again replaces the quantity).

    Refused, with the reason, when the lot is of another supplier or offer, when the line is
    refused or its order cancelled, when the line would be covered beyond what is delivered,
    or the lot used beyond what it holds. The lot is locked while it is checked, so two
    assignments at once cannot use the same units twice.
    """
    if quantity is None or quantity <= 0:
        raise OrderRefused([_("Give a quantity above zero.")])
    with transaction.atomic():
        lot = Lot.objects.select_for_update().get(pk=lot.pk)
        line = (
            OrderLine.objects.select_for_update()
            .select_related("order", "supplier_order", "offer")
            .get(pk=line.pk)
        )
        if lot.supplier_id != line.supplier_order.supplier_id:
            raise OrderRefused([_("This lot belongs to another supplier.")])
        if lot.offer_id != line.offer_id:
            raise OrderRefused(
                [
                    _("Lot %(code)s is of another product than %(product)s.")
                    % {"code": lot.code, "product": line.name}
                ]
            )
        if line.order.status == Order.Status.CANCELLED or not line.is_active:
            raise OrderRefused([_("This line is not delivered: it needs no lot.")])
        others = line.lots.exclude(lot=lot).aggregate(total=Sum("quantity"))["total"] or 0
        if others + quantity > line.delivered_quantity:
            raise OrderRefused(
                [
                    _("Only %(left)s %(unit)s of %(product)s are left to cover with lots.")
                    % {
                        "left": number(max(line.delivered_quantity - others, Decimal("0"))),
                        "unit": line.get_unit_display(),
                        "product": line.name,
                    }
                ]
            )
        used = lot.allocations.exclude(line=line).aggregate(total=Sum("quantity"))["total"] or 0
        if used + quantity > lot.quantity:
            raise OrderRefused(
                [
                    _("Lot %(code)s has only %(left)s %(unit)s left.")
                    % {
                        "code": lot.code,
                        "left": number(max(lot.quantity - used, Decimal("0"))),
                        "unit": lot.get_unit_display(),
                    }
                ]
            )
        allocation, _created = LotAllocation.objects.update_or_create(
            line=line, lot=lot, defaults={"quantity": quantity}
        )
    return allocation


def allocate_remaining(line, lot):
    """Cover what is left of the line with one lot (the usual case: one lot per line)."""
    line = with_lots(OrderLine.objects.filter(pk=line.pk)).get()
    missing = missing_lot_quantity(line)
    if not missing:
        raise OrderRefused([_("This line is already covered by its lots.")])
    return allocate(line, lot, missing)


def remove_allocation(allocation):
    allocation.delete()


def supplier_lots_for(supplier_order):
    """The lots a supplier may use for the lines of one of its orders (newest first)."""
    offer_ids = supplier_order.lines.values_list("offer_id", flat=True)
    return Lot.objects.filter(supplier_id=supplier_order.supplier_id, offer_id__in=offer_ids)


def lines_with_lot_choices(supplier_order):
    """A supplier order's lines with their lots, what each lacks and the lots that may
    cover it (the supplier's lots of the same offer), in three queries."""
    lines = list(with_lots(supplier_order.lines.select_related("offer__supplier__producer")))
    choices = {}
    for lot in supplier_lots_for(supplier_order).order_by("-produced_on", "code"):
        choices.setdefault(lot.offer_id, []).append(lot)
    for line in lines:
        line.missing_lot = missing_lot_quantity(line)
        line.lot_choices = choices.get(line.offer_id, [])
    return lines


def unlotted_lines():
    """Delivered (or confirmed) lines that no lot fully covers: what staff chase."""
    return (
        OrderLine.objects.filter(order__status__in=LOT_REQUIRED_ORDER_STATUSES)
        .exclude(status__in=[OrderLine.Status.REFUSED, OrderLine.Status.SUBSTITUTED])
        .annotate(allocated=Sum("lots__quantity"))
        .filter(Q(allocated__isnull=True) | Q(allocated__lt=_delivered_quantity()))
    )


def _delivered_quantity():
    return Coalesce("confirmed_quantity", "quantity")


def unlotted_counts(supplier_order_ids):
    """{supplier order id: number of its delivered lines lacking a lot}, in one query."""
    rows = (
        unlotted_lines()
        .filter(supplier_order_id__in=supplier_order_ids)
        .values_list("supplier_order_id", flat=True)
    )
    counts = {}
    for pk in rows:
        counts[pk] = counts.get(pk, 0) + 1
    return counts


# --- Recall -------------------------------------------------------------------------------


def recall_by_code(code, supplier=None):
    """Every delivery of the lots with this code: buyer, order, slot, product and quantity,
    as dicts (one query, no model instances: it answers in milliseconds over 100,000
    lines).

    A lot code is unique per supplier; two suppliers may use the same one, so each row says
    whose lot it is (narrow it with `supplier`). Cancelled orders received nothing.
    """
    allocations = LotAllocation.objects.filter(lot__code=code.strip()).exclude(
        line__order__status=Order.Status.CANCELLED
    )
    if supplier is not None:
        allocations = allocations.filter(lot__supplier=supplier)
    rows = allocations.order_by("line__order__slot__date", "line__order__buyer__name", "pk").values(
        "quantity",
        lot_code=F("lot__code"),
        supplier_name=F("lot__supplier__producer__title"),
        buyer_id=F("line__order__buyer_id"),
        buyer_name=F("line__order__buyer__name"),
        buyer_address=F("line__order__buyer__address"),
        buyer_postcode=F("line__order__buyer__postcode"),
        buyer_commune=F("line__order__buyer__commune__name"),
        buyer_phone=F("line__order__buyer__phone"),
        order_id=F("line__order_id"),
        order_status=F("line__order__status"),
        delivery_date=F("line__order__slot__date"),
        product=F("line__name"),
        unit=F("line__unit"),
    )
    units = dict(Offer.Unit.choices)
    statuses = dict(Order.Status.choices)
    for row in rows:
        row["unit_label"] = units.get(row["unit"], row["unit"])
        row["order_status_label"] = statuses.get(row["order_status"], row["order_status"])
        yield row


def lots_received(buyer, start, end):
    """Every lot a buyer received between two dates (slot dates, inclusive), with its
    origin, as dicts: what it tells an inspector or a customer who asks where the produce
    came from. Two queries (the rows, then the lots' quality signs)."""
    rows = list(
        LotAllocation.objects.filter(
            line__order__buyer=buyer,
            line__order__slot__date__gte=start,
            line__order__slot__date__lte=end,
            line__order__status__in=RECEIVED_ORDER_STATUSES,
        )
        .order_by("line__order__slot__date", "lot__code", "pk")
        .values(
            "quantity",
            "lot_id",
            lot_code=F("lot__code"),
            supplier_name=F("lot__supplier__producer__title"),
            produced_on=F("lot__produced_on"),
            origin=F("lot__origin_commune__name"),
            order_id=F("line__order_id"),
            delivery_date=F("line__order__slot__date"),
            product=F("line__name"),
            unit=F("line__unit"),
        )
    )
    signs = {}
    through = Lot.quality_signs.through.objects.filter(
        lot_id__in={row["lot_id"] for row in rows}
    ).values_list("lot_id", "qualitysign__short_name")
    for lot_id, short_name in through:
        signs.setdefault(lot_id, []).append(short_name)
    units = dict(Offer.Unit.choices)
    for row in rows:
        row["signs"] = ", ".join(sorted(signs.get(row["lot_id"], [])))
        row["unit_label"] = units.get(row["unit"], row["unit"])
    return rows


RECALL_HEADER = [
    "lot",
    "supplier",
    "buyer",
    "buyer_address",
    "buyer_phone",
    "order",
    "delivery_date",
    "product",
    "quantity",
    "unit",
    "order_status",
]


def recall_rows(rows):
    """The recall as CSV rows (decimal comma, dates as in France)."""
    for row in rows:
        yield [
            row["lot_code"],
            row["supplier_name"],
            row["buyer_name"],
            f"{row['buyer_address']}, {row['buyer_postcode']} {row['buyer_commune']}",
            row["buyer_phone"],
            row["order_id"],
            f"{row['delivery_date']:%d/%m/%Y}",
            row["product"],
            number(row["quantity"]),
            row["unit_label"],
            row["order_status_label"],
        ]


# --- Public provenance --------------------------------------------------------------------


def public_lot(token):
    """The lot behind a public token, with what its public page shows (None if unknown)."""
    return (
        Lot.objects.filter(public_token=token)
        .select_related("supplier__producer", "offer__category", "origin_commune")
        .prefetch_related("quality_signs")
        .first()
    )


def months_ago(today, months):
    """The same day `months` months earlier (the month's last day when it has fewer)."""
    month_index = today.year * 12 + today.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for day in range(today.day, 0, -1):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def showcase_producers(showcase, today=None):
    """The producers (live directory pages) a buyer bought from in the showcase's months:
    delivered or on their way, not refused nor cancelled."""
    today = today or timezone.localdate()
    since = months_ago(today, showcase.months)
    supplier_orders = SupplierOrder.objects.filter(
        order__buyer_id=showcase.buyer_id,
        order__status__in=RECEIVED_ORDER_STATUSES,
        order__slot__date__gte=since,
        order__slot__date__lte=today,
    ).exclude(status__in=[SupplierOrder.Status.REFUSED, SupplierOrder.Status.CANCELLED])
    return (
        ProducerPage.objects.live()
        .filter(supplier__orders__in=supplier_orders)
        .distinct()
        .select_related("commune")
        .order_by("title")
    )


def published_showcase(slug):
    return (
        ProducerShowcase.objects.filter(slug=slug, is_published=True, buyer__is_active=True)
        .select_related("buyer__commune")
        .first()
    )

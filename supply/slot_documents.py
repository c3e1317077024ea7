"""The delivery documents of a slot: a pick list per supplier, the loading and drop-off list
of the round, a delivery note per buyer.

Each builder reads the slot's lines in one query (buyers, offers, suppliers and lots
prefetched), whatever the number of buyers and suppliers, and returns plain objects that
three renderings share: the printable HTML page (templates `supply/documents/*.html`), the
PDF and the CSV (both through `documents.py`).
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from circuitcourt.directory.geo import haversine_km

from . import documents
from .lots import missing_lot_quantity
from .models import LotAllocation, Order, OrderLine, SupplierOrder
from .services import money, number, totals

# --- Reading the slot ---------------------------------------------------------------------


def slot_lines(slot, *, supplier=None, order=None):
    """The slot's order lines still delivered (not refused or replaced, order not
    cancelled), with all the documents show, in a constant number of queries."""
    lines = (
        OrderLine.objects.filter(order__slot=slot)
        .exclude(order__status=Order.Status.CANCELLED)
        .exclude(status__in=[OrderLine.Status.REFUSED, OrderLine.Status.SUBSTITUTED])
        .exclude(
            supplier_order__status__in=[
                SupplierOrder.Status.REFUSED,
                SupplierOrder.Status.CANCELLED,
            ]
        )
        # Prefetched, not joined: one instance per order, buyer, offer, supplier and producer
        # page shared by their lines (a producer page is a heavy model to build 480 times).
        .prefetch_related(
            "order__buyer__commune",
            "offer__supplier__producer",
            Prefetch(
                "lots",
                queryset=LotAllocation.objects.select_related("lot").order_by("lot__code"),
            ),
        )
        .order_by("order__buyer__name", "name", "pk")
    )
    if supplier is not None:
        lines = lines.filter(supplier_order__supplier=supplier)
    if order is not None:
        lines = lines.filter(order=order)
    lines = list(lines)
    for line in lines:
        line.missing_lot = missing_lot_quantity(line)
        line.lot_codes = ", ".join(allocation.lot.code for allocation in line.lots.all())
    return lines


def slot_title(slot):
    return f"{slot.round.name}, {date_format(slot.date, 'l j F Y')}"


# --- Pick list per supplier ---------------------------------------------------------------


@dataclass
class PickList:
    """What a supplier prepares for a slot: per buyer, each product with its lot; and the
    quantity of each product overall."""

    slot: object
    supplier: object
    buyers: list = field(default_factory=list)  # [(buyer, [lines])]
    products: list = field(default_factory=list)  # [(name, unit label, quantity)]

    @property
    def missing_lots(self):
        return sum(1 for _buyer, lines in self.buyers for line in lines if line.missing_lot)


def pick_list(slot, supplier):
    return _pick_list(slot, supplier, slot_lines(slot, supplier=supplier))


def pick_lists(slot):
    """Every supplier's pick list of the slot, from one read of its lines."""
    by_supplier = OrderedDict()
    for line in slot_lines(slot):
        by_supplier.setdefault(line.offer.supplier, []).append(line)
    return [
        _pick_list(slot, supplier, lines)
        for supplier, lines in sorted(by_supplier.items(), key=lambda item: str(item[0]))
    ]


def _pick_list(slot, supplier, lines):
    by_buyer = OrderedDict()
    products = OrderedDict()
    for line in lines:
        by_buyer.setdefault(line.order.buyer, []).append(line)
        key = (line.name, line.get_unit_display())
        products[key] = products.get(key, Decimal("0")) + line.delivered_quantity
    return PickList(
        slot=slot,
        supplier=supplier,
        buyers=list(by_buyer.items()),
        products=[(name, unit, qty) for (name, unit), qty in sorted(products.items())],
    )


def pick_list_csv_rows(pick):
    header = [_("Buyer"), _("Product"), _("Quantity"), _("Unit"), _("Lots"), _("Lot missing")]
    rows = [
        [
            buyer.name,
            line.name,
            number(line.delivered_quantity),
            line.get_unit_display(),
            line.lot_codes,
            number(line.missing_lot) if line.missing_lot else "",
        ]
        for buyer, lines in pick.buyers
        for line in lines
    ]
    return header, rows


def pick_list_pdf(pick):
    doc = documents.PdfDocument(
        _("Pick list — %(supplier)s") % {"supplier": pick.supplier},
        subtitle=slot_title(pick.slot),
        footer=_("Pick list"),
    )
    doc.heading(_("To prepare"))
    doc.table(
        [_("Product"), _("Quantity"), _("Unit")],
        [[name, number(qty), unit] for name, unit, qty in pick.products],
        numeric={1},
    )
    for buyer, lines in pick.buyers:
        doc.heading(buyer.name)
        doc.table(
            [_("Product"), _("Quantity"), _("Unit"), _("Lots")],
            [
                [
                    line.name,
                    number(line.delivered_quantity),
                    line.get_unit_display(),
                    line.lot_codes or _("LOT MISSING"),
                ]
                for line in lines
            ],
            numeric={1},
        )
    return doc


# --- Loading and drop-off list ------------------------------------------------------------


@dataclass
class Stop:
    number: int
    order: object
    buyer: object
    packages: int
    kg: Decimal
    distance_km: float
    suppliers: list


@dataclass
class LoadingList:
    """The round's stops in driving order, and what to load from each supplier."""

    slot: object
    hub: tuple
    stops: list = field(default_factory=list)
    pickups: list = field(default_factory=list)  # [(supplier, packages, kg)]

    @property
    def total_packages(self):
        return sum(stop.packages for stop in self.stops)

    @property
    def total_kg(self):
        return sum((stop.kg for stop in self.stops), Decimal("0"))

    @property
    def total_km(self):
        return sum(stop.distance_km for stop in self.stops)


def hub_of(zone, buyers):
    """Where the round starts: the zone's hub if it has one, else the centre of its stops."""
    if zone.hub_latitude is not None and zone.hub_longitude is not None:
        return (zone.hub_latitude, zone.hub_longitude)
    points = [position_of(buyer) for buyer in buyers]
    if not points:
        return (0.0, 0.0)
    return (
        sum(point[0] for point in points) / len(points),
        sum(point[1] for point in points) / len(points),
    )


def position_of(buyer):
    """A buyer's delivery point: its own coordinates, else its commune's centre."""
    if buyer.has_location:
        return (buyer.latitude, buyer.longitude)
    return (buyer.commune.latitude, buyer.commune.longitude)


def nearest_neighbour(start, items, position):
    """Items in the order a driver takes them going each time to the nearest one not yet
    visited: [(item, km from the previous point)]. Good enough for a round of a few dozen
    drops (ties broken by the order given, so the result is stable)."""
    remaining = list(items)
    here = start
    route = []
    while remaining:
        distances = [haversine_km(*here, *position(item)) for item in remaining]
        index = min(range(len(remaining)), key=distances.__getitem__)
        item = remaining.pop(index)
        route.append((item, distances[index]))
        here = position(item)
    return route


def loading_list(slot):
    """Packages: one per supplier and buyer (each producer packs each buyer's part
    separately), weight: the estimated kg of the delivered lines."""
    lines = slot_lines(slot)
    orders = OrderedDict()
    pickups = OrderedDict()
    for line in lines:
        entry = orders.setdefault(line.order_id, {"order": line.order, "suppliers": {}})
        supplier = line.offer.supplier
        part = entry["suppliers"].setdefault(supplier.pk, [supplier, Decimal("0")])
        part[1] += line.kg
        pickup = pickups.setdefault(supplier.pk, [supplier, set(), Decimal("0")])
        pickup[1].add(line.order_id)
        pickup[2] += line.kg
    buyers = [entry["order"].buyer for entry in orders.values()]
    hub = hub_of(slot.round.zone, buyers)
    route = nearest_neighbour(hub, list(orders.values()), lambda e: position_of(e["order"].buyer))
    stops = [
        Stop(
            number=index,
            order=entry["order"],
            buyer=entry["order"].buyer,
            packages=len(entry["suppliers"]),
            kg=sum((kg for _s, kg in entry["suppliers"].values()), Decimal("0")),
            distance_km=distance,
            suppliers=sorted((str(s) for s, _kg in entry["suppliers"].values())),
        )
        for index, (entry, distance) in enumerate(route, start=1)
    ]
    return LoadingList(
        slot=slot,
        hub=hub,
        stops=stops,
        pickups=sorted(
            [(supplier, len(order_ids), kg) for supplier, order_ids, kg in pickups.values()],
            key=lambda pickup: str(pickup[0]),
        ),
    )


def opening_hours(buyer):
    if buyer.delivery_opens and buyer.delivery_closes:
        return f"{buyer.delivery_opens:%H:%M}–{buyer.delivery_closes:%H:%M}"
    return ""


def full_address(buyer):
    return f"{buyer.address}, {buyer.postcode} {buyer.commune}".replace(",  ", ", ")


def loading_list_csv_rows(loading):
    header = [
        _("Stop"),
        _("Buyer"),
        _("Address"),
        _("Delivery hours"),
        _("Delivery instructions"),
        _("Phone"),
        _("Packages"),
        _("Weight (kg)"),
        _("Distance (km)"),
        _("Suppliers"),
    ]
    rows = [
        [
            stop.number,
            stop.buyer.name,
            full_address(stop.buyer),
            opening_hours(stop.buyer),
            stop.buyer.delivery_instructions,
            stop.buyer.phone,
            stop.packages,
            number(stop.kg.quantize(Decimal("0.1"))),
            number(Decimal(f"{stop.distance_km:.1f}")),
            ", ".join(stop.suppliers),
        ]
        for stop in loading.stops
    ]
    return header, rows


def loading_list_pdf(loading):
    doc = documents.PdfDocument(
        _("Loading and drop-off list"),
        subtitle=slot_title(loading.slot),
        footer=_("Loading and drop-off list"),
    )
    doc.heading(_("To load"))
    doc.table(
        [_("Supplier"), _("Packages"), _("Weight (kg)")],
        [
            [str(supplier), packages, number(kg.quantize(Decimal("0.1")))]
            for supplier, packages, kg in loading.pickups
        ],
        numeric={1, 2},
    )
    doc.heading(_("Drops"))
    header, rows = loading_list_csv_rows(loading)
    doc.table(
        [header[0], header[1], header[2], header[3], header[4], header[6], header[7]],
        [[r[0], r[1], r[2], r[3], r[4], r[6], r[7]] for r in rows],
        totals=[
            [
                "",
                _("Total"),
                "",
                "",
                "",
                loading.total_packages,
                number(loading.total_kg.quantize(Decimal("0.1"))),
            ]
        ],
        numeric={0, 5, 6},
        widths=[10, 32, 45, 22, 41, 15, 15],
    )
    return doc


# --- Delivery note per buyer --------------------------------------------------------------


@dataclass
class DeliveryNote:
    order: object
    lines: list
    totals: object

    @property
    def buyer(self):
        return self.order.buyer

    @property
    def slot(self):
        return self.order.slot

    @property
    def lots(self):
        """Each lot once, in the order of the lines: one QR code each."""
        seen = OrderedDict()
        for line in self.lines:
            for allocation in line.lots.all():
                seen.setdefault(allocation.lot.pk, allocation.lot)
        return list(seen.values())

    @property
    def missing_lots(self):
        return sum(1 for line in self.lines if line.missing_lot)

    def attach_lot_urls(self, lot_url):
        """Give each lot the absolute URL of its public page (for the QR codes)."""
        for lot in self.lots:
            lot.public_url = lot_url(lot)
        return self


def delivery_notes(slot, *, order=None):
    """The delivery note of every order of the slot (or of one), from one read of the
    lines."""
    lines = slot_lines(slot, order=order)
    by_order = OrderedDict()
    for line in lines:
        by_order.setdefault(line.order_id, (line.order, []))[1].append(line)
    return [
        DeliveryNote(order=o, lines=order_lines, totals=totals(order_lines))
        for o, order_lines in by_order.values()
    ]


def delivery_note(order):
    notes = delivery_notes(order.slot, order=order)
    return notes[0] if notes else DeliveryNote(order=order, lines=[], totals=totals([]))


def delivery_note_pdf(note, lot_url):
    doc = documents.PdfDocument(
        _("Delivery note — order %(number)s") % {"number": note.order.pk},
        subtitle=slot_title(note.slot),
        footer=_("Delivery note"),
    )
    buyer = note.buyer
    doc.key_values(
        [
            (_("Buyer"), buyer.name),
            (_("Address"), full_address(buyer)),
            (_("Delivery instructions"), buyer.delivery_instructions),
        ]
    )
    for part in note.totals.suppliers:
        doc.heading(str(part.supplier))
        doc.table(
            [_("Product"), _("Quantity"), _("Unit"), _("Lots"), _("Price excl. VAT"), _("VAT")],
            [
                [
                    line.name,
                    number(line.delivered_quantity),
                    line.get_unit_display(),
                    line.lot_codes or _("LOT MISSING"),
                    money(line.amount),
                    f"{number(line.vat_rate)} %",
                ]
                for line in part.lines
            ],
            numeric={1, 4, 5},
        )
    doc.heading(_("Totals"))
    doc.table(
        [_("VAT rate"), _("Base excl. VAT"), _("VAT")],
        [
            [f"{number(rate)} %", money(base), money(vat)]
            for rate, base, vat in note.totals.vat_lines
        ],
        totals=[
            [_("Total excl. VAT"), money(note.totals.excl_vat), ""],
            [_("Total VAT"), "", money(note.totals.vat)],
            [_("Total incl. VAT"), money(note.totals.incl_vat), ""],
        ],
        numeric={1, 2},
    )
    if note.totals.is_estimated:
        doc.paragraph(_("Estimated: some weights are not final yet."), style="small")
    for lot in note.lots:
        caption = _("Lot %(code)s: its origin") % {"code": lot.code}
        doc.qr_code(lot_url(lot), size_mm=22, caption=caption)
    doc.signature_area([_("Driver"), _("Received by (name, signature, reservations)")])
    return doc


# --- HTML ---------------------------------------------------------------------------------


def render_html(template, context, request=None):
    return render_to_string(f"supply/documents/{template}.html", context, request=request)

"""Monthly statements: each supplier invoices each buyer for a month's deliveries.

The supplier is the issuer of its invoices (the platform puts them together and sends them).
How amounts are computed, following French invoicing practice:

- a line is what the buyer received (the quantity received once recorded, else the quantity
  confirmed, else ordered), at the final weight for variable-weight products;
- each line's amount excl. VAT is rounded to the cent, half up (ROUND_HALF_UP);
- VAT is computed per rate on the sum of the lines at that rate, rounded to the cent half up
  (not line by line), and the total incl. VAT is the total excl. VAT plus those VAT amounts.

An issued statement is frozen: its identities, lines and amounts are stored as issued. An
order changed afterwards (a complaint settled, a weight corrected) is invoiced again on the
next month's statement, for the difference only: an increase as a correction line of the next
invoice, a decrease on a credit note (a statement with negative amounts).

Numbers follow each other without gap or duplicate per issuer: a number is taken from the
supplier's counter row, locked (SELECT ... FOR UPDATE) in the transaction that saves the
statement, so a failure gives the number back and simultaneous issues wait for each other.
"""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import (
    InvoiceCounter,
    Order,
    OrderLine,
    Statement,
    StatementLine,
    Supplier,
)
from .services import OrderRefused, vat_of

PAYMENT_DAYS = 30
INVOICED_ORDER_STATUSES = [Order.Status.DELIVERED, Order.Status.CLOSED]
# The mentions French law requires on a B2B invoice (Code de commerce, L441-9 and D441-5).
PAYMENT_TERMS = gettext_lazy("Payment by bank transfer within %(days)s days of the invoice date.")
NO_DISCOUNT = gettext_lazy("No discount for early payment.")
LATE_PENALTY = gettext_lazy(
    "Late payment: penalties at the European Central Bank's refinancing rate plus 10 "
    "percentage points, from the day after the due date."
)
VAT_EXEMPT = gettext_lazy("VAT not applicable, art. 293 B of the CGI.")
RECOVERY_INDEMNITY = gettext_lazy(
    "Any late payer owes a fixed indemnity of 40 € for recovery costs (art. L441-10 of the "
    "French Commercial Code)."
)


def parse_month(value):
    """ "2026-11" (or a date) -> the first day of that month; ValueError if not a month."""
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    year, month = str(value).strip().split("-")
    return datetime.date(int(year), int(month), 1)


def next_month(month):
    days = calendar.monthrange(month.year, month.month)[1]
    return month + datetime.timedelta(days=days)


@dataclass
class Item:
    """A line to invoice: a delivered order line, or the difference on one invoiced before."""

    line: OrderLine
    quantity: Decimal
    weight_kg: Decimal | None
    amount: Decimal
    is_correction: bool


def pending_items(supplier, buyer, before):
    """What the supplier has still to invoice the buyer for deliveries before `before`."""
    lines = (
        OrderLine.objects.filter(
            supplier_order__supplier=supplier,
            order__buyer=buyer,
            order__status__in=INVOICED_ORDER_STATUSES,
            order__slot__date__lt=before,
        )
        .select_related("order__slot")
        .order_by("order__slot__date", "order_id", "pk")
    )
    billed = {
        row["order_line"]: row
        for row in StatementLine.objects.filter(
            order_line__in=lines.values("pk"), statement__supplier=supplier
        )
        .values("order_line")
        .annotate(quantity=Sum("quantity"), weight=Sum("weight_kg"), amount=Sum("amount"))
    }
    items = []
    for line in lines:
        quantity, weight, amount = line.billable_quantity, line.billable_weight_kg, line.amount
        before_row = billed.get(line.pk)
        if before_row is None:
            if quantity or amount:
                items.append(Item(line, quantity, weight, amount, is_correction=False))
            continue
        delta_quantity = quantity - before_row["quantity"]
        delta_amount = amount - before_row["amount"]
        delta_weight = None if weight is None else weight - (before_row["weight"] or 0)
        if delta_quantity or delta_amount:
            items.append(Item(line, delta_quantity, delta_weight, delta_amount, True))
    return items


def _identity_of_supplier(supplier):
    producer = supplier.producer
    commune = supplier.pickup_commune or producer.commune
    return {
        "name": supplier.legal_name or producer.title,
        "address": supplier.billing_address or supplier.pickup_address,
        "postcode": supplier.billing_postcode,
        "commune": commune.name if commune else "",
        "siret": supplier.siret,
        "siren": supplier.siret[:9],
        "vat_number": supplier.vat_number,
        "vat_exempt": supplier.vat_exempt,
        "email": supplier.email or producer.email,
    }


class InvoiceRefused(OrderRefused):
    """The issuer cannot invoice yet; `messages` say what is missing."""


def missing_for_invoicing(supplier):
    """What the supplier's invoices would lack of the identity French law requires on an
    invoice between businesses (CGI art. 242 nonies A: the issuer's address, its SIREN
    or SIRET, its VAT number unless it is exempt of VAT), as labels; empty when complete."""
    identity = _identity_of_supplier(supplier)
    missing = []
    if not identity["address"].strip():
        missing.append(_("an address (billing or pick-up)"))
    siret = supplier.siret.replace(" ", "")
    if not (len(siret) == 14 and siret.isdigit()):
        missing.append(_("a SIRET of 14 digits"))
    if not supplier.vat_exempt and not supplier.vat_number.strip():
        missing.append(_("a VAT number (or the VAT exemption, art. 293 B of the CGI)"))
    return missing


def check_can_invoice(supplier):
    """Raise InvoiceRefused, naming what is missing, if the supplier cannot invoice."""
    missing = missing_for_invoicing(supplier)
    if missing:
        raise InvoiceRefused(
            [
                _(
                    "%(supplier)s cannot issue its invoices: %(missing)s missing. French law "
                    "requires them on an invoice between businesses; fill them in under "
                    "Invoicing on the supplier's record."
                )
                % {"supplier": supplier, "missing": ", ".join(str(label) for label in missing)}
            ]
        )


def _identity_of_buyer(buyer):
    return {
        "name": buyer.name,
        "address": buyer.address,
        "postcode": buyer.postcode,
        "commune": buyer.commune.name,
        "siret": buyer.siret,
        "siren": buyer.siret[:9],
        "vat_number": buyer.vat_number,
        "email": buyer.email,
    }


def _take_number(supplier):
    """The supplier's next number, its counter row locked until the transaction ends."""
    InvoiceCounter.objects.get_or_create(supplier=supplier)
    counter = InvoiceCounter.objects.select_for_update().get(supplier=supplier)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _create(kind, supplier, buyer, month, items, now):
    # A supplier exempt of VAT (franchise en base) charges none, whatever the lines said
    # when ordered: its invoice has no VAT lines and carries the mention of art. 293 B.
    exempt = supplier.vat_exempt
    by_rate = defaultdict(Decimal)
    for item in items:
        by_rate[item.line.vat_rate] += item.amount
    vat_lines = [(rate, base, vat_of(base, rate)) for rate, base in sorted(by_rate.items())]
    if exempt:
        vat_lines = []
    excl = sum((item.amount for item in items), Decimal("0.00"))
    vat = sum((v for _rate, _base, v in vat_lines), Decimal("0.00"))
    issue_date = timezone.localdate(now)
    dates = [item.line.order.slot.date for item in items]
    statement = Statement.objects.create(
        kind=kind,
        supplier=supplier,
        buyer=buyer,
        month=month,
        number=_take_number(supplier),
        issued_at=now,
        issue_date=issue_date,
        due_date=issue_date + datetime.timedelta(days=PAYMENT_DAYS),
        first_delivery=min(dates),
        last_delivery=max(dates),
        issuer=_identity_of_supplier(supplier),
        customer=_identity_of_buyer(buyer),
        vat_breakdown=[[str(r), str(b), str(v)] for r, b, v in vat_lines],
        total_excl_vat=excl,
        total_vat=vat,
        total_incl_vat=excl + vat,
    )
    StatementLine.objects.bulk_create(
        StatementLine(
            statement=statement,
            order_line=item.line,
            order_number=item.line.order_id,
            delivery_date=item.line.order.slot.date,
            designation=(
                _("Correction: %(product)s") % {"product": item.line.name}
                if item.is_correction
                else item.line.name
            ),
            unit=item.line.unit,
            quantity=item.quantity,
            weight_kg=item.weight_kg,
            unit_price=item.line.unit_price,
            vat_rate=Decimal("0.00") if exempt else item.line.vat_rate,
            amount=item.amount,
            is_correction=item.is_correction,
        )
        for item in items
    )
    return statement


def issue_for(supplier, buyer, month, now=None):
    """Issue the supplier's invoice (and credit note, if something invoiced before went
    down) to the buyer for `month`; nothing twice for one month. Returns what was issued."""
    now = now or timezone.now()
    month = parse_month(month)
    check_can_invoice(supplier)
    issued = []
    with transaction.atomic():
        # Taking the counter first serialises every issue of this supplier: two runs at
        # once cannot invoice the same lines twice.
        InvoiceCounter.objects.get_or_create(supplier=supplier)
        InvoiceCounter.objects.select_for_update().get(supplier=supplier)
        done = set(
            Statement.objects.filter(supplier=supplier, buyer=buyer, month=month).values_list(
                "kind", flat=True
            )
        )
        items = pending_items(supplier, buyer, next_month(month))
        invoice = [item for item in items if item.amount >= 0]
        credit = [item for item in items if item.amount < 0]
        for kind, kind_items in (
            (Statement.Kind.INVOICE, invoice),
            (Statement.Kind.CREDIT_NOTE, credit),
        ):
            if kind_items and kind not in done:
                issued.append(_create(kind, supplier, buyer, month, kind_items, now))
    return issued


class Issued(list):
    """The statements a run issued (a list), and `refused`: {supplier: message} for the
    suppliers who could not invoice (their numbers untouched, their lines still pending)."""

    def __init__(self, statements=()):
        super().__init__(statements)
        self.refused = {}


def issue_statements(month, now=None):
    """Issue every supplier's statements to every buyer for `month` (the admin action and
    the `issue_statements` command). Safe to run again: what was issued is not redone. A
    supplier whose identity is incomplete issues nothing and is reported in `refused`; the
    others issue theirs."""
    month = parse_month(month)
    pairs = (
        OrderLine.objects.filter(
            order__status__in=INVOICED_ORDER_STATUSES, order__slot__date__lt=next_month(month)
        )
        .values_list("supplier_order__supplier_id", "order__buyer_id")
        .distinct()
        .order_by("supplier_order__supplier_id", "order__buyer_id")
    )
    from .models import Buyer

    suppliers = Supplier.objects.select_related("producer__commune", "pickup_commune").in_bulk(
        {supplier_id for supplier_id, _buyer_id in pairs}
    )
    buyers = Buyer.objects.select_related("commune").in_bulk(
        {buyer_id for _supplier_id, buyer_id in pairs}
    )
    issued = Issued()
    for supplier_id, buyer_id in pairs:
        supplier = suppliers[supplier_id]
        if supplier in issued.refused:
            continue
        try:
            issued += issue_for(supplier, buyers[buyer_id], month, now=now)
        except InvoiceRefused as refused:
            issued.refused[supplier] = refused.messages[0]
        except IntegrityError:
            continue  # issued at the same moment by another run
    return issued


def statements_total(statements):
    """Totals of a list of statements (a buyer's or a supplier's month), with VAT by rate."""
    by_rate = defaultdict(lambda: [Decimal("0.00"), Decimal("0.00")])
    for statement in statements:
        for rate, base, vat in statement.vat_lines:
            by_rate[rate][0] += base
            by_rate[rate][1] += vat
    excl = sum((statement.total_excl_vat for statement in statements), Decimal("0.00"))
    vat = sum((statement.total_vat for statement in statements), Decimal("0.00"))
    return {
        "vat_lines": [(rate, base, vat) for rate, (base, vat) in sorted(by_rate.items())],
        "excl_vat": excl,
        "vat": vat,
        "incl_vat": excl + vat,
        # What supply/includes_totals.html also reads: invoiced amounts are final.
        "is_estimated": False,
        "estimated_excl_vat": excl,
    }


# --- Documents (HTML is a template; the same content as PDF and CSV) ------------------------


def _money(value):
    from .services import money

    return f"{money(value)} €"


def _qty(value):
    from .services import number

    return "" if value is None else number(value)


def _identity_lines(identity):
    lines = [identity.get("name", ""), identity.get("address", "")]
    lines.append(f"{identity.get('postcode', '')} {identity.get('commune', '')}".strip())
    if identity.get("siret"):
        lines.append(_("SIRET %(siret)s (SIREN %(siren)s)") % identity)
    if identity.get("vat_number"):
        lines.append(_("VAT number %(vat)s") % {"vat": identity["vat_number"]})
    return " — ".join(part for part in lines if part)


def legal_mentions(statement=None):
    """The mentions printed under a statement: payment terms, and for an issuer exempt of
    VAT the mention the tax code wants instead of VAT."""
    mentions = [
        str(PAYMENT_TERMS) % {"days": PAYMENT_DAYS},
        str(NO_DISCOUNT),
        str(LATE_PENALTY),
        str(RECOVERY_INDEMNITY),
    ]
    if statement is not None and statement.is_vat_exempt:
        mentions.insert(0, str(VAT_EXEMPT))
    return mentions


STATEMENT_CSV_HEADER = [
    gettext_lazy("Document"),
    gettext_lazy("Number"),
    gettext_lazy("Invoice date"),
    gettext_lazy("Supplier"),
    gettext_lazy("Buyer"),
    gettext_lazy("Delivery date"),
    gettext_lazy("Order"),
    gettext_lazy("Designation"),
    gettext_lazy("Quantity"),
    gettext_lazy("Unit"),
    gettext_lazy("Weight (kg)"),
    gettext_lazy("Unit price excl. VAT"),
    gettext_lazy("VAT rate (%)"),
    gettext_lazy("Amount excl. VAT"),
]


def csv_rows(statements):
    """One row per line of the statements, numbers with a decimal comma (French
    spreadsheets)."""
    from .services import money

    for statement in statements:
        for line in statement.lines.all():
            yield [
                statement.get_kind_display(),
                statement.reference,
                statement.issue_date.strftime("%d/%m/%Y"),
                statement.issuer.get("name", ""),
                statement.customer.get("name", ""),
                line.delivery_date.strftime("%d/%m/%Y"),
                line.order_number,
                line.designation,
                _qty(line.quantity),
                line.get_unit_display(),
                _qty(line.weight_kg),
                money(line.unit_price),
                _qty(line.vat_rate),
                money(line.amount),
            ]


def csv_header():
    return [str(column) for column in STATEMENT_CSV_HEADER]


def add_to_pdf(document, statement):
    """One statement (invoice or credit note) with every mention French law requires."""
    from django.utils.formats import date_format

    document.heading(f"{statement.get_kind_display()} {statement.reference}")
    document.key_values(
        [
            (_("Issuer"), _identity_lines(statement.issuer)),
            (_("Customer"), _identity_lines(statement.customer)),
            (_("Invoice date"), date_format(statement.issue_date, "j F Y")),
            (
                _("Deliveries"),
                _("from %(first)s to %(last)s")
                % {
                    "first": date_format(statement.first_delivery, "j F Y"),
                    "last": date_format(statement.last_delivery, "j F Y"),
                },
            ),
            (_("Due date"), date_format(statement.due_date, "j F Y")),
        ]
    )
    document.spacer()
    rows = [
        [
            line.delivery_date.strftime("%d/%m/%Y"),
            line.designation,
            f"{_qty(line.quantity)} {line.get_unit_display()}"
            + (f" ({_qty(line.weight_kg)} kg)" if line.weight_kg is not None else ""),
            _money(line.unit_price),
            f"{_qty(line.vat_rate)} %",
            _money(line.amount),
        ]
        for line in statement.lines.all()
    ]
    totals = [
        [
            "",
            _("VAT %(rate)s %% on %(base)s") % {"rate": _qty(rate), "base": _money(base)},
            "",
            "",
            "",
            _money(vat),
        ]
        for rate, base, vat in statement.vat_lines
    ]
    totals += [
        ["", _("Total excl. VAT"), "", "", "", _money(statement.total_excl_vat)],
        ["", _("Total VAT"), "", "", "", _money(statement.total_vat)],
        ["", _("Total incl. VAT"), "", "", "", _money(statement.total_incl_vat)],
    ]
    document.table(
        [
            _("Delivered"),
            _("Designation"),
            _("Quantity"),
            _("Unit price excl. VAT"),
            _("VAT"),
            _("Amount excl. VAT"),
        ],
        rows,
        totals=totals,
        numeric={2, 3, 4, 5},
        widths=[20, 62, 28, 25, 15, 30],
    )
    document.spacer()
    for mention in legal_mentions(statement):
        document.paragraph(mention, style="small")

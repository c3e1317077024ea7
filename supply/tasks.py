"""E-mails of the supply portal, sent by background tasks (django-tasks).

Tasks take ids (JSON arguments) and read the data when they run, so an e-mail always tells
what is saved. Services queue them with `transaction.on_commit`.
"""

import datetime

from django.conf import settings
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from .models import (
    Buyer,
    DeliverySlot,
    Order,
    StandingOrder,
    StandingOrderRun,
    Supplier,
    SupplierOrder,
)


def recipients(organisation):
    """The organisation's order e-mail, else its members' e-mails."""
    if organisation.email:
        return [organisation.email]
    return [user.email for user in organisation.members.all() if user.email]


def _send(messages):
    """Send [(template, context, recipients)] rendered in French, the portal's language."""
    with translation.override(settings.LANGUAGE_CODE):
        datatuple = []
        for template, context, to in messages:
            if not to:
                continue
            text = render_to_string(f"supply/email/{template}.txt", context)
            subject, _blank, body = text.strip().partition("\n")
            datatuple.append((subject.strip(), body.strip(), None, to))
    return send_mass_mail(datatuple, fail_silently=False)


def _order(order_id):
    from .services import totals

    order = Order.objects.select_related("buyer", "slot__round").get(pk=order_id)
    lines = list(order.lines.select_related("offer__supplier__producer"))
    return order, lines, totals(lines)


@task()
def order_submitted(order_id, supplier_ids, first_submission=True):
    """The buyer gets a summary; each supplier whose part changed is asked to confirm."""
    order, lines, summary = _order(order_id)
    messages = [
        (
            "order_submitted_buyer",
            {"order": order, "totals": summary, "first": first_submission},
            recipients(order.buyer),
        )
    ]
    for part in summary.suppliers:
        if part.supplier.pk in supplier_ids:
            messages.append(
                (
                    "order_submitted_supplier",
                    {"order": order, "part": part, "first": first_submission},
                    recipients(part.supplier),
                )
            )
    return _send(messages)


@task()
def supplier_answered(supplier_order_id):
    """The buyer sees what the supplier confirmed or changed, and the new total."""
    supplier_order = SupplierOrder.objects.select_related("supplier__producer").get(
        pk=supplier_order_id
    )
    order, lines, summary = _order(supplier_order.order_id)
    part = next(p for p in summary.suppliers if p.supplier.pk == supplier_order.supplier_id)
    context = {"order": order, "supplier_order": supplier_order, "part": part, "totals": summary}
    return _send([("supplier_answered", context, recipients(order.buyer))])


@task()
def order_cancelled(order_id):
    """The suppliers learn that they no longer deliver this order."""
    order, lines, summary = _order(order_id)
    return _send(
        [
            ("order_cancelled_supplier", {"order": order, "part": part}, recipients(part.supplier))
            for part in summary.suppliers
        ]
    )


@task()
def slot_cancelled(slot_id, order_ids):
    """Buyers who had ordered for a cancelled delivery are told, and their suppliers."""
    slot = DeliverySlot.objects.select_related("round").get(pk=slot_id)
    orders = Order.objects.filter(pk__in=order_ids).select_related("buyer")
    messages = [
        ("slot_cancelled", {"slot": slot, "order": order}, recipients(order.buyer))
        for order in orders
    ]
    suppliers = Supplier.objects.filter(orders__order__in=order_ids).distinct()
    messages += [
        ("slot_cancelled", {"slot": slot, "supplier": supplier}, recipients(supplier))
        for supplier in suppliers.select_related("producer")
    ]
    return _send(messages)


def portal_url(name, *args):
    """An absolute link to a portal page for an e-mail, in French (the portal's language)."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse(f"supply:{name}", args=args)
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def draft_sending(order):
    """How a draft from a standing order goes out: "auto" (sent by itself before the
    cut-off, `auto_at`), or "confirm" (the buyer's rule, or an automatic sending that was
    refused: nothing goes to the producers unless the buyer sends it). (kind, auto_at)."""
    run = next(iter(order.standing_runs.all()), None)
    if (
        run is not None
        and run.status == StandingOrderRun.Status.DRAFTED
        and run.standing_order.submission == StandingOrder.Submission.AUTO
    ):
        hours = datetime.timedelta(hours=run.standing_order.auto_submit_hours)
        return "auto", order.slot.cutoff_at - hours
    return "confirm", None


@task()
def cutoff_reminder(slot_id, buyer_ids):
    """Buyers of the zone are reminded that orders for a delivery close soon: those without
    an order are invited to order, those with one may still change it, and those with a
    draft from their standing order are told whether it goes by itself or, unless they
    confirm it, not at all (with the link to it)."""
    slot = DeliverySlot.objects.select_related("round").get(pk=slot_id)
    orders = {
        order.buyer_id: order
        for order in Order.objects.filter(slot=slot, buyer_id__in=buyer_ids)
        .exclude(status=Order.Status.CANCELLED)
        .select_related("slot")
        .prefetch_related("standing_runs__standing_order")
    }
    messages = []
    for buyer in Buyer.objects.filter(pk__in=buyer_ids).prefetch_related("members"):
        order = orders.get(buyer.pk)
        context = {"slot": slot, "buyer": buyer, "order": order, "has_order": order is not None}
        if order is None:
            context["url"] = portal_url("catalogue")
        else:
            context["url"] = portal_url("order", order.pk)
        if order is not None and order.status == Order.Status.DRAFT:
            context["draft"], context["auto_at"] = draft_sending(order)
            template = "cutoff_reminder_draft"
        else:
            template = "cutoff_reminder"
        messages.append((template, context, recipients(buyer)))
    return _send(messages)


def _run(run_id):
    from .models import StandingOrderRun

    run = StandingOrderRun.objects.select_related(
        "standing_order", "order__buyer", "slot__round"
    ).get(pk=run_id)
    order, lines, summary = _order(run.order_id)
    return run, order, summary


@task()
def standing_order_drafted(run_id):
    """The buyer is told its standing order drafted an order: check it, adjust it, and
    confirm it (or let it go automatically)."""
    run, order, summary = _run(run_id)
    context = {
        "run": run,
        "order": order,
        "totals": summary,
        "standing": run.standing_order,
        "url": portal_url("order", order.pk),
    }
    return _send([("standing_order_drafted", context, recipients(order.buyer))])


@task()
def standing_order_failed(run_id):
    """An automatic sending was refused (sold out since, a supplier's minimum): the draft is
    kept and the buyer is told why, while there is still time to fix it."""
    run, order, summary = _run(run_id)
    context = {"run": run, "order": order, "totals": summary, "url": portal_url("order", order.pk)}
    return _send([("standing_order_failed", context, recipients(order.buyer))])


@task()
def draft_standing_orders():
    """The periodic job (see the `draft_standing_orders` command)."""
    from .services import draft_standing_orders as run_job

    return run_job()

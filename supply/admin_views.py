"""Wagtail admin views for lots and documents: the recall (both ways), a slot's delivery
documents, and assigning lots to a supplier order's lines for a producer who phoned them in.

Rights are Django model permissions of the chamber editors' group (`permissions.py`).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from . import documents, lots
from .forms import RecallForm, ReceivedLotsForm
from .lot_views import (
    assign_lot,
    delivery_notes_response,
    loading_list_response,
    pick_list_response,
)
from .models import DeliverySlot, Order, Supplier, SupplierOrder
from .services import number
from .slot_documents import delivery_notes


def _require(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied


def recall_view(request):
    """Enter a lot code: every buyer, order and quantity that received it (CSV in one
    click). Or choose a buyer and dates: every lot it received, with its origin."""
    _require(request, "supply.view_lot")
    recall_form = RecallForm(request.GET if "code" in request.GET else None)
    received_form = ReceivedLotsForm(request.GET if "buyer" in request.GET else None)
    context = {
        "recall_form": recall_form,
        "received_form": received_form,
        "page_title": _("Lot recall"),
        "header_icon": "warning",
    }
    if recall_form.is_bound and recall_form.is_valid():
        code = recall_form.cleaned_data["code"]
        allocations = lots.recall_by_code(code)
        if request.GET.get("format") == "csv":
            return documents.csv_response(
                f"rappel-lot-{code}", lots.RECALL_HEADER, lots.recall_rows(allocations)
            )
        context["recall"] = list(allocations)
        context["recall_code"] = code
        context["recall_buyers"] = len({row["buyer_id"] for row in context["recall"]})
    if received_form.is_bound and received_form.is_valid():
        data = received_form.cleaned_data
        received = lots.lots_received(data["buyer"], data["start"], data["end"])
        if request.GET.get("format") == "csv":
            return documents.csv_response(
                f"lots-recus-{data['buyer'].pk}-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}",
                [
                    _("Delivery date"),
                    _("Order"),
                    _("Lot code"),
                    _("Supplier"),
                    _("Product"),
                    _("Quantity"),
                    _("Unit"),
                    _("Production or harvest date"),
                    _("Origin commune"),
                    _("Quality signs"),
                ],
                (
                    [
                        f"{row['delivery_date']:%d/%m/%Y}",
                        row["order_id"],
                        row["lot_code"],
                        row["supplier_name"],
                        row["product"],
                        number(row["quantity"]),
                        row["unit_label"],
                        f"{row['produced_on']:%d/%m/%Y}",
                        row["origin"],
                        row["signs"],
                    ]
                    for row in received
                ),
            )
        context["received"] = received
    return TemplateResponse(request, "supply/admin/recall.html", context)


def slot_documents_view(request, pk):
    """Every document of a slot, to print or download."""
    _require(request, "supply.view_deliveryslot")
    slot = get_object_or_404(DeliverySlot.objects.select_related("round__zone"), pk=pk)
    live = ~Q(orders__order__status=Order.Status.CANCELLED)
    suppliers = (
        Supplier.objects.filter(orders__order__slot=slot)
        .filter(live)
        .select_related("producer")
        .annotate(buyers=Count("orders", distinct=True))
        .order_by("producer__title")
    )
    orders = (
        Order.objects.filter(slot=slot)
        .exclude(status=Order.Status.CANCELLED)
        .select_related("buyer")
        .order_by("buyer__name")
    )
    return TemplateResponse(
        request,
        "supply/admin/slot_documents.html",
        {
            "slot": slot,
            "suppliers": suppliers,
            "orders": orders,
            "page_title": _("Delivery documents"),
            "header_icon": "doc-full",
        },
    )


def _slot(pk):
    return get_object_or_404(DeliverySlot.objects.select_related("round__zone"), pk=pk)


def pick_list_view(request, pk, supplier_pk):
    _require(request, "supply.view_deliveryslot")
    return pick_list_response(request, _slot(pk), get_object_or_404(Supplier, pk=supplier_pk))


def loading_list_view(request, pk):
    _require(request, "supply.view_deliveryslot")
    return loading_list_response(request, _slot(pk))


def delivery_notes_view(request, pk, order_pk=None):
    _require(request, "supply.view_deliveryslot")
    slot = _slot(pk)
    order = None
    if order_pk is not None:
        order = get_object_or_404(Order, pk=order_pk, slot=slot)
    notes = delivery_notes(slot, order=order)
    name = f"bon-de-livraison-{order.pk}" if order else f"bons-de-livraison-{slot.date:%Y-%m-%d}"
    return delivery_notes_response(request, slot, notes, name)


def assign_lots_view(request, pk):
    """Staff assign lots to a supplier order's lines (the same rules as the portal)."""
    _require(request, "supply.add_lotallocation")
    supplier_order = get_object_or_404(
        SupplierOrder.objects.select_related("order__buyer", "order__slot__round", "supplier"),
        pk=pk,
    )
    if request.method == "POST":
        assign_lot(request, supplier_order)
        return redirect("supply_lots:assign", pk=pk)
    return TemplateResponse(
        request,
        "supply/admin/assign_lots.html",
        {
            "supplier_order": supplier_order,
            "lines": lots.lines_with_lot_choices(supplier_order),
            "assign_url": reverse("supply_lots:assign", args=[pk]),
            "page_title": _("Lots of %(order)s") % {"order": supplier_order},
            "header_icon": "tag",
        },
    )

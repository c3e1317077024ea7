"""The supply portal in the Wagtail admin: one "Approvisionnement" menu where platform staff
set up buyers, suppliers, zones, rounds, slots and offers, and follow the orders."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton

from . import services
from .models import (
    Buyer,
    DeliveryRound,
    DeliverySlot,
    DeliveryZone,
    Offer,
    Order,
    Supplier,
    SupplierOrder,
)


class BuyerViewSet(ModelViewSet):
    model = Buyer
    name = "supply_buyers"
    icon = "group"
    menu_label = _("Buyers")
    list_display = ["name", "kind", "commune", "vat_number", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "vat_number", "address"]
    list_export = ["name", "kind", "address", "postcode", "commune", "vat_number", "email", "phone"]
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("kind")]),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("postcode"), FieldPanel("commune")]),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                FieldRowPanel([FieldPanel("delivery_opens"), FieldPanel("delivery_closes")]),
                FieldPanel("delivery_instructions"),
            ],
            heading=_("Delivery"),
        ),
        FieldRowPanel([FieldPanel("vat_number"), FieldPanel("email"), FieldPanel("phone")]),
        FieldPanel("is_active"),
        InlinePanel("memberships", heading=_("Members"), label=_("Member")),
    ]

    def get_queryset(self, request):
        return Buyer.objects.select_related("commune")


class SupplierViewSet(ModelViewSet):
    model = Supplier
    name = "supply_suppliers"
    icon = "user"
    menu_label = _("Suppliers")
    list_display = ["producer", "pickup_commune", "minimum_order_amount", "lead_time_hours"]
    list_filter = ["is_active"]
    search_fields = ["producer__title"]
    search_backend_name = None  # the ORM: search across the producer page's title
    list_export = ["producer", "pickup_address", "pickup_commune", "minimum_order_amount"]
    panels = [
        FieldPanel("producer"),
        FieldRowPanel([FieldPanel("pickup_address"), FieldPanel("pickup_commune")]),
        FieldRowPanel([FieldPanel("lead_time_hours"), FieldPanel("minimum_order_amount")]),
        FieldRowPanel([FieldPanel("email"), FieldPanel("is_active")]),
        InlinePanel("memberships", heading=_("Members"), label=_("Member")),
    ]

    def get_queryset(self, request):
        return Supplier.objects.select_related("producer", "pickup_commune")


class DeliveryZoneViewSet(ModelViewSet):
    model = DeliveryZone
    name = "supply_zones"
    icon = "site"
    menu_label = _("Delivery zones")
    list_display = ["name", "radius_km"]
    search_fields = ["name"]
    search_backend_name = None
    list_export = ["name", "hub_latitude", "hub_longitude", "radius_km"]
    panels = [
        FieldPanel("name"),
        FieldPanel("communes"),
        FieldRowPanel(
            [FieldPanel("hub_latitude"), FieldPanel("hub_longitude"), FieldPanel("radius_km")],
            heading=_("Or a radius around a hub"),
        ),
    ]


class DeliveryRoundViewSet(ModelViewSet):
    model = DeliveryRound
    name = "supply_rounds"
    icon = "calendar-alt"
    menu_label = _("Delivery rounds")
    list_display = ["name", "zone", "cutoff_days_before", "cutoff_time", "capacity_drops"]
    list_filter = ["zone", "is_active"]
    search_fields = ["name"]
    search_backend_name = None
    list_export = [
        "name",
        "zone",
        "weekdays",
        "cutoff_days_before",
        "cutoff_time",
        "departure_time",
        "capacity_drops",
        "capacity_kg",
    ]
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("zone")]),
        FieldPanel("weekdays"),
        FieldRowPanel([FieldPanel("cutoff_days_before"), FieldPanel("cutoff_time")]),
        FieldPanel("departure_time"),
        FieldRowPanel([FieldPanel("capacity_drops"), FieldPanel("capacity_kg")]),
        FieldPanel("is_active"),
    ]

    def get_queryset(self, request):
        return DeliveryRound.objects.select_related("zone")


class SlotIndexView(ModelViewSet.index_view_class):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.status == DeliverySlot.Status.OPEN and self.request.user.has_perm(
            "supply.change_deliveryslot"
        ):
            for action, label, icon in [
                ("cancel", _("Cancel this delivery"), "cross"),
                ("start_delivery", _("Start the delivery"), "arrow-right"),
            ]:
                buttons.append(
                    ListingButton(
                        label,
                        url=reverse("supply_slots:action", args=[action, instance.pk]),
                        icon_name=icon,
                        priority=40,
                    )
                )
        return buttons


class SlotActionForm(forms.Form):
    reason = forms.CharField(label=_("Reason told to the buyers"), max_length=200, required=False)


def slot_action_view(request, action, pk):
    """Cancel a slot (buyers told) or start its delivery, after a confirmation page."""
    if not request.user.has_perm("supply.change_deliveryslot") or action not in (
        "cancel",
        "start_delivery",
    ):
        raise PermissionDenied
    slot = get_object_or_404(DeliverySlot.objects.select_related("round"), pk=pk)
    form = SlotActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if action == "cancel":
            services.cancel_slot(slot, form.cleaned_data["reason"])
            messages.success(request, _("Delivery cancelled; the buyers are told."))
        else:
            services.start_delivery(slot)
            messages.success(request, _("The delivery has started."))
        return redirect("supply_slots:index")
    title = _("Cancel this delivery") if action == "cancel" else _("Start the delivery")
    return TemplateResponse(
        request,
        "supply/admin/slot_action.html",
        {"slot": slot, "form": form, "action": action, "page_title": title, "header_icon": "date"},
    )


class DeliverySlotViewSet(ModelViewSet):
    model = DeliverySlot
    name = "supply_slots"
    icon = "date"
    menu_label = _("Delivery slots")
    index_view_class = SlotIndexView
    list_display = [
        "__str__",
        "cutoff_at",
        "status",
        "drops_booked",
        "capacity_drops",
        "kg_booked",
        "capacity_kg",
    ]
    list_filter = {"status": ["exact"], "round": ["exact"], "date": ["gte", "lte"]}
    search_fields = ["round__name"]
    search_backend_name = None
    ordering = ["date"]
    copy_view_enabled = False
    list_export = [
        "round",
        "date",
        "cutoff_at",
        "departure_at",
        "status",
        "drops_booked",
        "capacity_drops",
        "kg_booked",
        "capacity_kg",
    ]
    panels = [
        FieldRowPanel([FieldPanel("round"), FieldPanel("date")]),
        FieldRowPanel([FieldPanel("cutoff_at"), FieldPanel("departure_at")]),
        FieldRowPanel([FieldPanel("capacity_drops"), FieldPanel("capacity_kg")]),
        FieldPanel("status", read_only=True),
    ]

    def get_queryset(self, request):
        return DeliverySlot.objects.select_related("round")

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<str:action>/<int:pk>/", slot_action_view, name="action")
        ]


class OfferViewSet(ModelViewSet):
    model = Offer
    name = "supply_offers"
    icon = "pick"
    menu_label = _("Offers")
    list_display = ["__str__", "supplier", "category", "unit", "price", "vat_rate", "is_active"]
    list_filter = ["supplier", "category", "unit", "variable_weight", "is_active"]
    search_fields = ["name", "variety", "supplier__producer__title"]
    search_backend_name = None
    list_export = [
        "supplier",
        "category",
        "name",
        "variety",
        "unit",
        "pack_size",
        "price",
        "vat_rate",
        "min_quantity",
        "quantity_step",
        "months_available",
        "variable_weight",
        "estimated_weight_kg",
    ]
    panels = [
        FieldRowPanel([FieldPanel("supplier"), FieldPanel("category")]),
        FieldRowPanel([FieldPanel("name"), FieldPanel("variety")]),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("unit"), FieldPanel("pack_size")]),
        FieldRowPanel([FieldPanel("price"), FieldPanel("vat_rate")]),
        FieldRowPanel([FieldPanel("min_quantity"), FieldPanel("quantity_step")]),
        FieldRowPanel([FieldPanel("variable_weight"), FieldPanel("estimated_weight_kg")]),
        FieldPanel("months_available"),
        FieldPanel("photo"),
        FieldPanel("quality_signs", widget=forms.CheckboxSelectMultiple),
        FieldPanel("is_active"),
    ]

    def get_queryset(self, request):
        return Offer.objects.select_related("supplier__producer", "category__parent")


class OrderViewSet(ModelViewSet):
    """Read-mostly: orders change through the portal and the services; staff may correct the
    status (chamber editors get no add or delete right)."""

    model = Order
    name = "supply_orders"
    icon = "list-ul"
    menu_label = _("Orders")
    list_display = [
        "__str__",
        "buyer",
        "slot",
        "status",
        Column("line_count", label=_("Lines")),
        DateColumn("submitted_at", label=_("Submitted")),
    ]
    list_filter = {"status": ["exact"], "slot__date": ["gte", "lte"]}
    search_fields = ["buyer__name"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = True
    list_export = ["pk", "buyer", "slot", "status", "submitted_at", "kg"]
    form_fields = ["status", "cancellation_reason"]

    def get_queryset(self, request):
        return Order.objects.select_related("buyer", "slot__round").annotate(
            line_count=Count("lines")
        )


class SupplierOrderViewSet(ModelViewSet):
    """Supplier orders, to find those still unanswered close to departure and call the
    producer."""

    model = SupplierOrder
    name = "supply_supplier_orders"
    icon = "tasks"
    menu_label = _("Supplier orders")
    list_display = ["__str__", "supplier", "status", "answered_at"]
    list_filter = {"status": ["exact"], "supplier": ["exact"], "order__slot__date": ["exact"]}
    search_fields = ["supplier__producer__title", "order__buyer__name"]
    search_backend_name = None
    copy_view_enabled = False
    list_export = ["order", "supplier", "status", "note", "answered_at"]
    form_fields = ["status", "note"]

    def get_queryset(self, request):
        return SupplierOrder.objects.select_related(
            "order__buyer", "order__slot__round", "supplier__producer"
        )


class SupplyViewSetGroup(ViewSetGroup):
    menu_label = _("Supply")
    menu_icon = "pick"
    menu_order = 250
    items = (
        OrderViewSet,
        SupplierOrderViewSet,
        DeliverySlotViewSet,
        OfferViewSet,
        BuyerViewSet,
        SupplierViewSet,
        DeliveryRoundViewSet,
        DeliveryZoneViewSet,
    )


@hooks.register("register_admin_viewset")
def register_supply_viewsets():
    return SupplyViewSetGroup()

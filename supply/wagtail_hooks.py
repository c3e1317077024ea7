"""The supply portal in the Wagtail admin: one "Approvisionnement" menu where platform staff
set up buyers, suppliers, zones, rounds, slots and offers, and follow the orders."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from . import admin_views, filters, lots, services
from .forms import LotAdminForm
from .models import (
    Buyer,
    DeliveryRound,
    DeliverySlot,
    DeliveryZone,
    Lot,
    Offer,
    Order,
    StandingOrder,
    Statement,
    Supplier,
    SupplierOrder,
)


class SupplyViewSet(ModelViewSet):
    """A ModelViewSet whose listing starts from `queryset` (its joins and counts): Wagtail 8's
    ModelViewSet, unlike SnippetViewSet, has no get_queryset(request) hook."""

    queryset = None

    def get_index_view_kwargs(self, **kwargs):
        if self.queryset is not None:
            kwargs.setdefault("queryset", self.queryset)
        return super().get_index_view_kwargs(**kwargs)


class BuyerViewSet(SupplyViewSet):
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
        FieldRowPanel([FieldPanel("vat_number"), FieldPanel("siret")]),
        FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
        FieldPanel("is_active"),
        InlinePanel("memberships", heading=_("Members"), label=_("Member")),
        InlinePanel("closures", heading=_("Closures"), label=_("Closure")),
        InlinePanel("showcases", heading=_("Local producers page"), label=_("Page"), max_num=1),
    ]

    queryset = Buyer.objects.select_related("commune")


class SupplierViewSet(SupplyViewSet):
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
        MultiFieldPanel(
            [
                FieldPanel("legal_name"),
                FieldRowPanel([FieldPanel("billing_address"), FieldPanel("billing_postcode")]),
                FieldRowPanel([FieldPanel("siret"), FieldPanel("vat_number")]),
                FieldPanel("vat_exempt"),
            ],
            heading=_("Invoicing"),
        ),
        InlinePanel("memberships", heading=_("Members"), label=_("Member")),
    ]

    queryset = Supplier.objects.select_related("producer", "pickup_commune")


class DeliveryZoneViewSet(SupplyViewSet):
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


class DeliveryRoundViewSet(SupplyViewSet):
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

    queryset = DeliveryRound.objects.select_related("zone")


class SlotIndexView(ModelViewSet.index_view_class):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(
            ListingButton(
                _("Delivery documents"),
                url=reverse("supply_documents:slot", args=[instance.pk]),
                icon_name="doc-full",
                priority=30,
            )
        )
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


class DeliverySlotViewSet(SupplyViewSet):
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
    filterset_class = filters.SlotAdminFilterSet
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

    queryset = DeliverySlot.objects.select_related("round")

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<str:action>/<int:pk>/", slot_action_view, name="action")
        ]


class OfferViewSet(SupplyViewSet):
    model = Offer
    name = "supply_offers"
    icon = "pick"
    menu_label = _("Offers")
    list_display = ["__str__", "supplier", "category", "unit", "price", "vat_rate", "is_active"]
    filterset_class = filters.OfferAdminFilterSet
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

    queryset = Offer.objects.select_related("supplier__producer", "category__parent")


class OrderIndexView(ModelViewSet.index_view_class):
    """Orders on their way get a "Record the delivery" button (what the driver got signed)."""

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.status in (
            Order.Status.IN_DELIVERY,
            Order.Status.CONFIRMED,
        ) and self.request.user.has_perm("supply.change_order"):
            buttons.append(
                ListingButton(
                    _("Record the delivery"),
                    url=reverse("supply_orders:deliver", args=[instance.pk]),
                    icon_name="tick",
                    priority=40,
                )
            )
        return buttons


def order_delivery_view(request, pk):
    """Staff (the driver) record what was received, complaints and final weights, per line;
    errors are shown on the form and nothing is saved until it is all right."""
    from .forms import DeliveryForm
    from .views import record_delivery

    if not request.user.has_perm("supply.change_order"):
        raise PermissionDenied
    order = get_object_or_404(Order.objects.select_related("buyer", "slot__round"), pk=pk)
    lines = order.lines.select_related("offer")
    form = DeliveryForm(request.POST or None, lines=lines, with_weights=True)
    if request.method == "POST" and record_delivery(request, order, form):
        return redirect("supply_orders:index")
    return TemplateResponse(
        request,
        "supply/admin/order_delivery.html",
        {
            "order": order,
            "form": form,
            "page_title": _("Record the delivery"),
            "page_subtitle": str(order),
            "header_icon": "tick",
        },
        status=400 if request.method == "POST" else 200,
    )


class OrderViewSet(SupplyViewSet):
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

    queryset = Order.objects.select_related("buyer", "slot__round").annotate(
        line_count=Count("lines")
    )

    index_view_class = OrderIndexView

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("deliver/<int:pk>/", order_delivery_view, name="deliver")
        ]


class SupplierOrderIndexView(ModelViewSet.index_view_class):
    """Flags the delivered lines without a lot (one query for the page) and links to the
    page where staff assign lots."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = list(context["object_list"])
        counts = lots.unlotted_counts([row.pk for row in rows])
        for row in rows:
            row.lines_without_lot = counts.get(row.pk) or ""
        return context

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.request.user.has_perm("supply.add_lotallocation"):
            buttons.append(
                ListingButton(
                    _("Assign lots"),
                    url=reverse("supply_lots:assign", args=[instance.pk]),
                    icon_name="tag",
                    priority=40,
                )
            )
        return buttons


class SupplierOrderViewSet(SupplyViewSet):
    """Supplier orders, to find those still unanswered close to departure and call the
    producer."""

    model = SupplierOrder
    name = "supply_supplier_orders"
    icon = "tasks"
    menu_label = _("Supplier orders")
    index_view_class = SupplierOrderIndexView
    list_display = [
        "__str__",
        "supplier",
        "status",
        "answered_at",
        Column("lines_without_lot", label=_("Lines without lot")),
    ]
    filterset_class = filters.SupplierOrderAdminFilterSet
    search_fields = ["supplier__producer__title", "order__buyer__name"]
    search_backend_name = None
    copy_view_enabled = False
    list_export = ["order", "supplier", "status", "note", "answered_at"]
    form_fields = ["status", "note"]

    queryset = SupplierOrder.objects.select_related(
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


# Delivery, standing orders and statements --------------------------------------------------


class StandingOrderViewSet(SupplyViewSet):
    """The buyers' standing orders, to follow what the job drafts (buyers edit them in the
    portal)."""

    model = StandingOrder
    name = "supply_standing_orders"
    icon = "repeat"
    menu_label = _("Standing orders")
    list_display = ["buyer", "submission", "auto_submit_hours", "is_active"]
    list_filter = ["submission", "is_active"]
    search_fields = ["buyer__name"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = True
    form_fields = ["submission", "auto_submit_hours", "is_active"]

    queryset = StandingOrder.objects.select_related("buyer")


class IssueStatementsForm(forms.Form):
    month = forms.CharField(
        label=_("Month"), help_text=_("As YYYY-MM, e.g. 2026-11."), max_length=7
    )

    def clean_month(self):
        from .statements import parse_month

        try:
            return parse_month(self.cleaned_data["month"])
        except ValueError:
            raise forms.ValidationError(_("Give a month as YYYY-MM, e.g. 2026-11.")) from None


def issue_statements_view(request):
    """Issue every supplier's statements for a month (what the command does)."""
    from .statements import issue_statements

    if not request.user.has_perm("supply.add_statement"):
        raise PermissionDenied
    form = IssueStatementsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        issued = issue_statements(form.cleaned_data["month"])
        messages.success(request, _("%(count)s statement(s) issued.") % {"count": len(issued)})
        for message in issued.refused.values():
            messages.error(request, message)
        return redirect("supply_statements:index")
    return TemplateResponse(
        request,
        "supply/admin/issue_statements.html",
        {"form": form, "page_title": _("Issue the statements"), "header_icon": "doc-full"},
    )


def statement_download_view(request, pk, fmt):
    """A statement as PDF or CSV, for staff."""
    from .documents import PdfDocument, csv_response, pdf_response
    from .statements import add_to_pdf, csv_header, csv_rows

    if not request.user.has_perm("supply.view_statement") or fmt not in ("pdf", "csv"):
        raise PermissionDenied
    statement = get_object_or_404(Statement.objects.prefetch_related("lines"), pk=pk)
    if fmt == "csv":
        return csv_response(statement.reference, csv_header(), csv_rows([statement]))
    document = PdfDocument(str(statement), footer=str(statement))
    add_to_pdf(document, statement)
    return pdf_response(document, statement.reference)


class IssuedStatementPermissionPolicy(ModelPermissionPolicy):
    """Statements are issued, read and downloaded; nobody changes or deletes one, superusers
    included: an issued statement is frozen (`Statement.save` and `delete` refuse it too),
    so the admin offers no edit or delete view that could only fail."""

    FROZEN = {"change", "delete"}

    def user_has_permission(self, user, action):
        return action not in self.FROZEN and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action not in self.FROZEN]
        if not actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(actions)


register_permission_policy(Statement, IssuedStatementPermissionPolicy(Statement), exact_class=True)


class StatementIndexView(ModelViewSet.index_view_class):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        for fmt in ("pdf", "csv"):
            buttons.append(
                ListingButton(
                    _("Download (%(format)s)") % {"format": fmt.upper()},
                    url=reverse("supply_statements:download", args=[instance.pk, fmt]),
                    icon_name="download",
                    priority=50,
                )
            )
        return buttons

    @property
    def add_item_label(self):
        return _("Issue the statements")


class StatementViewSet(SupplyViewSet):
    """Issued statements are frozen: staff list, filter, read and download them, and issue
    a month's (the "add" button); nobody edits or deletes them (see the policy above)."""

    model = Statement
    name = "supply_statements"
    icon = "doc-full"
    menu_label = _("Statements")
    index_view_class = StatementIndexView
    list_display = [
        "__str__",
        "supplier",
        "buyer",
        "month",
        "issue_date",
        "total_excl_vat",
        "total_incl_vat",
    ]
    list_filter = {
        "kind": ["exact"],
        "month": ["exact"],
        "supplier": ["exact"],
        "buyer": ["exact"],
    }
    search_fields = ["buyer__name", "supplier__producer__title"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = True
    list_export = [
        "kind",
        "reference",
        "supplier",
        "buyer",
        "month",
        "issue_date",
        "due_date",
        "total_excl_vat",
        "total_vat",
        "total_incl_vat",
    ]
    form_fields = ["kind"]

    queryset = Statement.objects.select_related("supplier__producer", "buyer")

    def get_urlpatterns(self):
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if getattr(pattern, "name", None) != "add"
        ] + [
            path("add/", issue_statements_view, name="add"),
            path("download/<int:pk>/<str:fmt>/", statement_download_view, name="download"),
        ]


SupplyViewSetGroup.items = (*SupplyViewSetGroup.items, StandingOrderViewSet, StatementViewSet)
# --- Lots and traceability ----------------------------------------------------------------


class LotIndexView(ModelViewSet.index_view_class):
    # Wagtail 8's ModelViewSet does not call a viewset's `get_queryset(request)`: the index
    # view's base queryset is where the related rows of each column are joined.
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("supplier__producer", "offer", "origin_commune")
        )


class LotViewSet(SupplyViewSet):
    """Lots declared by suppliers (staff may declare one for a producer who phones)."""

    model = Lot
    index_view_class = LotIndexView
    name = "supply_lots"
    icon = "tag"
    menu_label = _("Lots")
    list_display = [
        "code",
        "offer",
        "supplier",
        DateColumn("produced_on", label=_("Produced")),
        "keeps_until",
        "origin_commune",
        "quantity",
        "unit",
    ]
    list_filter = {
        "supplier": ["exact"],
        "date_kind": ["exact"],
        "produced_on": ["gte", "lte"],
        "quality_signs": ["exact"],
    }
    search_fields = ["code", "offer__name", "supplier__producer__title"]
    search_backend_name = None
    copy_view_enabled = False
    list_export = [
        "code",
        "supplier",
        "offer",
        "produced_on",
        "date_kind",
        "keeps_until",
        "origin_commune",
        "quantity",
        "unit",
    ]
    # No unit to type: a lot counts in its offer's order unit. The form declares a new lot
    # through `lots.declare_lot`, the portal's service.
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("supplier"), FieldPanel("offer")]),
            FieldRowPanel([FieldPanel("code"), FieldPanel("origin_commune")]),
            FieldRowPanel(
                [FieldPanel("produced_on"), FieldPanel("keeps_until"), FieldPanel("date_kind")]
            ),
            FieldPanel("quantity"),
            FieldPanel("quality_signs", widget=forms.CheckboxSelectMultiple),
        ],
        base_form_class=LotAdminForm,
    )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("assign/<int:pk>/", admin_views.assign_lots_view, name="assign")
        ]


class PermissionMenuItem(MenuItem):
    permission = None

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


class RecallViewSet(ViewSet):
    """Recall a lot: who received it; and what a buyer received."""

    name = "supply_recall"
    icon = "warning"
    menu_label = _("Lot recall")

    @property
    def menu_item_class(self):
        return type("RecallMenuItem", (PermissionMenuItem,), {"permission": "supply.view_lot"})

    def get_urlpatterns(self):
        return [path("", admin_views.recall_view, name="index")]


class DocumentsViewSet(ViewSet):
    """A slot's delivery documents (reached from the slots listing)."""

    name = "supply_documents"
    icon = "doc-full"

    def get_urlpatterns(self):
        return [
            path("<int:pk>/", admin_views.slot_documents_view, name="slot"),
            path("<int:pk>/loading-list/", admin_views.loading_list_view, name="loading_list"),
            path(
                "<int:pk>/pick-list/<int:supplier_pk>/",
                admin_views.pick_list_view,
                name="pick_list",
            ),
            path(
                "<int:pk>/delivery-notes/",
                admin_views.delivery_notes_view,
                name="delivery_notes",
            ),
            path(
                "<int:pk>/delivery-notes/<int:order_pk>/",
                admin_views.delivery_notes_view,
                name="delivery_note",
            ),
        ]


SupplyViewSetGroup.items = (*SupplyViewSetGroup.items, LotViewSet, RecallViewSet)


@hooks.register("register_admin_viewset")
def register_supply_documents():
    return DocumentsViewSet()

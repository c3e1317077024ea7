"""The directory in the Wagtail admin: one "Directory" menu with the producers listing and
the reference data (snippets) the chamber's editors keep up to date."""

from django.db import transaction
from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.ui.tables.pages import BulkActionsColumn, PageStatusColumn, PageTitleColumn
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.permissions import policy_registry
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import ReorderView, SnippetViewSet, SnippetViewSetGroup

from .admin_filters import PointOfSaleFilterSet, ProducerFilterSet, ProductCategoryFilterSet
from .models import (
    Commune,
    Partner,
    PointOfSale,
    ProducerPage,
    ProducerPointOfSale,
    ProductCategory,
    QualitySign,
)


class ProducerIndexView(PageListingViewSet.index_view_class):
    # Not in the search index: ordering by them while searching would fail.
    unsearchable_orderings = {"commune__name", "point_of_sale_count"}

    def annotate_queryset(self, pages):
        # The commune comes with each producer and the count is computed in SQL, so the
        # listing runs the same number of queries for 5 producers or 50.
        point_count = (
            ProducerPointOfSale.objects.filter(producer=OuterRef("pk"))
            .order_by()
            .values("producer")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super()
            .annotate_queryset(pages)
            .select_related("commune", for_specific_subqueries=True)
            .annotate(point_of_sale_count=Coalesce(Subquery(point_count), 0))
        )

    def get_valid_orderings(self):
        orderings = super().get_valid_orderings()
        if self.is_searching:
            orderings = [o for o in orderings if o.lstrip("-") not in self.unsearchable_orderings]
        return orderings


class ProducerListingViewSet(PageListingViewSet):
    """All producer pages, live or draft, with what the chamber checks most."""

    model = ProducerPage
    name = "producers"
    icon = "user"
    menu_label = _("Producers")
    index_view_class = ProducerIndexView
    filterset_class = ProducerFilterSet
    columns = [
        BulkActionsColumn("bulk_actions"),
        PageTitleColumn("title", label=_("Title"), sort_key="title", classname="title"),
        Column("commune", label=_("Commune"), sort_key="commune__name"),
        BooleanColumn(
            "click_and_collect", label=_("Click & Collect"), sort_key="click_and_collect"
        ),
        Column("point_of_sale_count", label=_("Points of sale"), sort_key="point_of_sale_count"),
        PageStatusColumn("status", label=_("Status"), sort_key="live", width="12%"),
        DateColumn(
            "latest_revision_created_at",
            label=_("Updated"),
            sort_key="latest_revision_created_at",
            width="12%",
        ),
    ]

    @cached_property
    def menu_item_class(self):
        # Hide the entry from users who may not edit pages (partner editors), as the
        # snippets' entries are hidden from users without their model permissions.
        viewset = self

        class ProducerMenuItem(MenuItem):
            def is_shown(self, request):
                policy = policy_registry.get_by_type(viewset.model)
                return policy.user_has_any_permission(
                    request.user, viewset.index_view_class.any_permission_required
                )

        return ProducerMenuItem


class ProductCategoryReorderView(ReorderView):
    def post(self, request, *args, **kwargs):
        # Categories made outside the admin (imports, shell, tests) may have no position;
        # number them after the others so that drag-and-drop can move any of them.
        unnumbered = ProductCategory.objects.filter(sort_order__isnull=True).order_by("name")
        with transaction.atomic():
            last = ProductCategory.objects.aggregate(last=Max("sort_order"))["last"] or 0
            for offset, pk in enumerate(unnumbered.values_list("pk", flat=True), start=1):
                ProductCategory.objects.filter(pk=pk).update(sort_order=last + offset)
        return super().post(request, *args, **kwargs)


class ProductCategoryViewSet(SnippetViewSet):
    model = ProductCategory
    icon = "tag"
    list_display = ["name", "name_en", "parent", "icon"]
    filterset_class = ProductCategoryFilterSet
    search_fields = ["name", "name_en"]
    # Editors choose the order of the taxonomy (menus, search form) by drag-and-drop.
    sort_order_field = "sort_order"
    reorder_view_class = ProductCategoryReorderView

    def get_queryset(self, request):
        # A category's name shows its parent's, which shows nothing further up.
        return ProductCategory.objects.select_related("parent__parent")


class QualitySignViewSet(SnippetViewSet):
    model = QualitySign
    icon = "success"
    list_display = ["name", "short_name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]


class PartnerViewSet(SnippetViewSet):
    """Saving a partner gives it its section and editors group (circuitcourt.home.services)."""

    model = Partner
    icon = "group"
    list_display = ["name", "kind", "contact_name", "email", "phone"]
    list_filter = ["kind"]
    search_fields = ["name", "contact_name"]
    list_export = ["name", "kind", "website", "contact_name", "email", "phone", "description"]


class PointOfSaleViewSet(SnippetViewSet):
    model = PointOfSale
    icon = "crosshairs"
    list_display = [
        "name",
        "kind",
        "commune",
        BooleanColumn("has_location", label=_("Located")),
    ]
    filterset_class = PointOfSaleFilterSet
    # Search with the ORM, not the search index: the index cannot combine a search with the
    # commune and location filters (they are not among the model's filter fields).
    search_backend_name = None
    search_fields = ["name"]
    list_export = [
        "name",
        "kind",
        "address",
        "postcode",
        "commune",
        "latitude",
        "longitude",
        "import_ref",
    ]

    def get_queryset(self, request):
        return PointOfSale.objects.select_related("commune")


class CommuneViewSet(SnippetViewSet):
    """Reference data from the gazetteer: editors may correct a commune but only superusers
    add or delete one (the chamber editors' group has no such permission)."""

    model = Commune
    icon = "site"
    list_display = ["name", "population", "latitude", "longitude"]
    search_fields = ["name"]
    ordering = "name"
    copy_view_enabled = False


class DirectoryViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Directory")
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (
        ProducerListingViewSet,
        ProductCategoryViewSet,
        QualitySignViewSet,
        PartnerViewSet,
        PointOfSaleViewSet,
        CommuneViewSet,
    )


register_snippet(DirectoryViewSetGroup)

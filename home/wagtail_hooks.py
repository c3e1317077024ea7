"""News and events in the Wagtail admin: one "Editorial" menu with a listing of each, next
to the page tree. Partner editors see only the pages of their own section there too."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.ui.tables.pages import BulkActionsColumn, PageStatusColumn, PageTitleColumn
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.pages import PageListingViewSet

from .admin_filters import EventAdminFilterSet, NewsAdminFilterSet
from .models import EventPage, NewsPage


class PartnerColumnIndexView(PageListingViewSet.index_view_class):
    def annotate_queryset(self, pages):
        # The partner comes with each page: the same queries for 5 rows or 50.
        return (
            super().annotate_queryset(pages).select_related("partner", for_specific_subqueries=True)
        )


def partner_column():
    return Column(
        "partner",
        label=_("Partner"),
        accessor=lambda page: page.partner or _("The chamber"),
    )


def status_columns():
    return [
        PageStatusColumn("status", label=_("Status"), sort_key="live", width="12%"),
        DateColumn(
            "latest_revision_created_at",
            label=_("Updated"),
            sort_key="latest_revision_created_at",
            width="12%",
        ),
    ]


class NewsListingViewSet(PageListingViewSet):
    """Every news item, live or draft, whichever section it lives in."""

    model = NewsPage
    name = "news"
    icon = "doc-full"
    menu_label = _("News")
    index_view_class = PartnerColumnIndexView
    filterset_class = NewsAdminFilterSet
    columns = [
        BulkActionsColumn("bulk_actions"),
        PageTitleColumn("title", label=_("Title"), sort_key="title", classname="title"),
        partner_column(),
        DateColumn("date", label=_("Date"), sort_key="date", width="12%"),
        *status_columns(),
    ]


class EventListingViewSet(PageListingViewSet):
    """Every event, live or draft, with its dates."""

    model = EventPage
    name = "events"
    icon = "date"
    menu_label = _("Events")
    index_view_class = PartnerColumnIndexView
    filterset_class = EventAdminFilterSet
    columns = [
        BulkActionsColumn("bulk_actions"),
        PageTitleColumn("title", label=_("Title"), sort_key="title", classname="title"),
        partner_column(),
        Column("get_kind_display", label=_("Kind")),
        DateColumn("start", label=_("Starts at"), sort_key="start", width="14%"),
        *status_columns(),
    ]


class EditorialViewSetGroup(ViewSetGroup):
    menu_label = _("News and events")
    menu_icon = "date"
    menu_order = 210
    items = (NewsListingViewSet, EventListingViewSet)


@hooks.register("register_admin_viewset")
def register_editorial_viewsets():
    return EditorialViewSetGroup()

"""The admin side of headless front ends: webhooks (with their delivery log) for chamber
editors, and a "Preview on the front end" link in the page editor's action menu."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Webhook, WebhookDelivery
from .preview import preview_url


class WebhookViewSet(SnippetViewSet):
    model = Webhook
    icon = "link-external"
    menu_label = _("Webhooks")
    list_display = ["name", "url", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]


class WebhookDeliveryViewSet(SnippetViewSet):
    """The log: staff see which notifications failed, how often and why."""

    model = WebhookDelivery
    icon = "history"
    menu_label = _("Webhook deliveries")
    list_display = [
        "webhook",
        "event",
        "status",
        "attempts",
        "last_status_code",
        "last_error",
        "created_at",
        "next_attempt_at",
    ]
    list_filter = ["status", "webhook", "event"]
    inspect_view_enabled = True


class HeadlessViewSetGroup(SnippetViewSetGroup):
    items = (WebhookViewSet, WebhookDeliveryViewSet)
    menu_icon = "link-external"
    menu_label = _("Front ends")
    menu_name = "headless"


register_snippet(HeadlessViewSetGroup)


class FrontEndPreviewMenuItem(ActionMenuItem):
    """A link carrying a signed, expiring token that lets a front end read the draft."""

    name = "action-front-end-preview"
    label = _("Preview on the front end")
    icon_name = "view"
    order = 90

    def is_shown(self, context):
        page = context.get("page")
        return context.get("view") == "edit" and page is not None and page.pk is not None

    def get_url(self, context):
        return preview_url(context["page"])


@hooks.register("register_page_action_menu_item")
def front_end_preview_menu_item():
    return FrontEndPreviewMenuItem()

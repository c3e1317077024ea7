"""Chamber editors manage the webhooks and read their delivery log (granted after migrate)."""

CHAMBER_EDITOR_PERMISSIONS = {
    "webhook": ["add", "change", "delete", "view"],
    "webhookdelivery": ["view"],
}

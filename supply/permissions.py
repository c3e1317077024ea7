"""Platform staff (the chamber editors' group) run the supply portal in the Wagtail admin.

Rights are Django model permissions, granted after every `migrate` like the directory's.
Orders and supplier orders are read-mostly: staff may view and correct them, not add or
delete them (they come from the portal, through the services).
"""

ALL = ["add", "change", "delete", "view"]
CHAMBER_EDITOR_PERMISSIONS = {
    "buyer": ALL,
    "supplier": ALL,
    "deliveryzone": ALL,
    "deliveryround": ALL,
    "deliveryslot": ALL,
    "offer": ALL,
    "order": ["change", "view"],
    "supplierorder": ["change", "view"],
    "standingorder": ["change", "view"],
    # Statements are issued (added), read and downloaded; never changed once issued.
    "statement": ["add", "view"],
    "lot": ALL,
    "lotallocation": ALL,
    "producershowcase": ALL,
}

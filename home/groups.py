"""The user groups of Circuit Court, named once so code, migrations and tests agree."""

CHAMBER_EDITORS = "Chamber editors"
# Every partner editor belongs to this group (admin access, media library) and to the group of
# its own partner, which [Editorial] creates with the partner and gives rights on its section.
PARTNER_EDITORS = "Partner editors"
RESTAURANT_BUYERS = "Restaurant buyers"
PRODUCERS = "Producers"

ALL = [CHAMBER_EDITORS, PARTNER_EDITORS, RESTAURANT_BUYERS, PRODUCERS]

"""Who may edit the directory's reference data in the Wagtail admin.

Snippet rights are Django model permissions. They are granted after every `migrate` (not in
a migration) so that a fresh database, and a model added later, get them too.
"""

# model name -> actions granted to chamber editors. Communes come from the gazetteer:
# editors may correct one, only superusers add or delete them.
CHAMBER_EDITOR_PERMISSIONS = {
    "productcategory": ["add", "change", "delete", "view"],
    "qualitysign": ["add", "change", "delete", "view"],
    "partner": ["add", "change", "delete", "view"],
    "pointofsale": ["add", "change", "delete", "view"],
    "commune": ["change", "view"],
}

"""Who may edit the seasonal calendar in the Wagtail admin: the chamber editors.

As for the directory (see directory/permissions.py), the model permissions are granted after
every `migrate`, so a fresh database gets them as well as an existing one.
"""

CHAMBER_EDITOR_PERMISSIONS = {"seasonality": ["add", "change", "delete", "view"]}

"""Public pages of the supply portal (no login): a lot's provenance, reached by the QR code
of a delivery note, and a buyer's opt-in page of its local producers."""

from django.urls import path

from . import lot_views

urlpatterns = [
    path("tracabilite/lot/<str:token>/", lot_views.public_lot, name="lot_public"),
    path(
        "nos-producteurs-locaux/<slug:slug>/",
        lot_views.public_showcase,
        name="showcase_public",
    ),
]

"""The words of the maps (Leaflet's controls) in the page's language."""

from django import template
from django.utils.html import json_script
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def map_labels():
    """A JSON script that static/js/directory.js gives Leaflet: its zoom buttons, its credit
    and its popups' close button would otherwise speak English on a French page."""
    return json_script(
        {
            "zoomIn": gettext("Zoom in"),
            "zoomOut": gettext("Zoom out"),
            "leafletTitle": gettext("A JavaScript library for interactive maps"),
            "closePopup": gettext("Close popup"),
            "marker": gettext("Point of sale"),
        },
        "map-labels",
    )

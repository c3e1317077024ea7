"""Filters of the supply portal: prices in euros and quantities, French style."""

import functools
from decimal import Decimal

import segno
from django import template
from django.utils.safestring import mark_safe

from circuitcourt.supply.services import money, number

register = template.Library()


@register.filter
def euros(value):
    """Decimal("12.5") -> "12,50 €" (a non-breaking space before the sign)."""
    if value in (None, ""):
        return ""
    return f"{money(Decimal(value))}\u00a0€"


@register.filter
def qty(value):
    """Decimal("2.500") -> "2,5"."""
    if value in (None, ""):
        return ""
    return number(Decimal(value))


@register.filter
def vat(value):
    """Decimal("5.50") -> "5,5 %"."""
    return f"{number(Decimal(value))}\u00a0%"


@register.filter
def add_id_suffix(bound_field, suffix):
    """Render a form field with a unique id when the same form repeats on a page."""
    return bound_field.as_widget(attrs={"id": f"{bound_field.auto_id}-{suffix}"})


@register.simple_tag
def qr_svg(url, scale=2):
    return mark_safe(_qr_svg(url, scale))


@functools.lru_cache(maxsize=2048)
def _qr_svg(url, scale):
    """A QR code of the URL as inline SVG (segno, pure Python): printed with the page, no
    image file to serve."""
    return segno.make(url, error="m").svg_inline(scale=scale, title=url)

"""What the delivery, standing-order and statement tests share: logging in to the portal,
reading a page's text, and an order taken all the way to delivery."""

import datetime
import html
import re

from circuitcourt.supply import services
from tests.conftest import PASSWORD


def login(client, username):
    response = client.post("/portail/connexion/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def text(response):
    """The page's text without tags, spaces collapsed (non-breaking ones too)."""
    without_tags = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(without_tags).replace("\u00a0", " "))


def order_in_delivery(buyer, slot, items, weights=None):
    """An order submitted before the cut-off, confirmed by its suppliers (final weights
    recorded for variable-weight lines: {offer_id: kg}), its round on the road."""
    before = slot.cutoff_at - datetime.timedelta(hours=1)
    order = services.submit_order(buyer, slot, items, now=before, notify=False)
    for line in order.lines.all():
        if weights and line.offer_id in weights:
            services.record_final_weight(line, weights[line.offer_id])
    for supplier_order in order.supplier_orders.all():
        services.confirm_supplier_order(supplier_order, now=before, notify=False)
    services.start_delivery(slot)
    order.refresh_from_db()
    return order

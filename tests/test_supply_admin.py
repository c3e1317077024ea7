"""Platform staff set up and follow the supply portal in the Wagtail admin."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from circuitcourt.home import groups
from circuitcourt.supply import services
from circuitcourt.supply.models import DeliverySlot, Order
from tests.conftest import PASSWORD
from tests.factories_supply import OfferFactory, make_buyer, make_slot, make_supplier

pytestmark = pytest.mark.django_db

LISTINGS = {
    "supply_orders": "Le Bistrot du Marché",
    "supply_supplier_orders": "Ferme des Sept Vallées",
    "supply_slots": "Tournée",
    "supply_offers": "Poireaux",
    "supply_buyers": "Le Bistrot du Marché",
    "supply_suppliers": "Ferme des Sept Vallées",
    "supply_rounds": "Tournée",
    "supply_zones": "Montreuillois",
}


@pytest.fixture
def editor(client, chamber_editor):
    assert client.login(username=chamber_editor.username, password=PASSWORD)
    return client


@pytest.fixture
def order():
    slot = make_slot(timezone.localdate() + datetime.timedelta(days=5))
    farm = make_supplier("Ferme des Sept Vallées", username="ferme7v")
    leeks = OfferFactory(supplier=farm, name="Poireaux")
    buyer = make_buyer("Le Bistrot du Marché", username="bistrot")
    return services.submit_order(buyer, slot, [(leeks.pk, 3)])


def test_chamber_editor_finds_the_supply_menu_and_every_listing(editor, order):
    dashboard = editor.get("/admin/")
    assert "Approvisionnement" in dashboard.content.decode()
    for name, expected in LISTINGS.items():
        response = editor.get(f"/admin/{name}/")
        assert response.status_code == 200, name
        assert expected in response.content.decode(), name


def test_listings_load_their_related_rows_with_the_page_not_per_row(editor, order):
    """Each listing costs the same number of queries for one row as for four: the buyers,
    suppliers, rounds and producers shown come with the rows (no query per row)."""

    def queries_per_listing():
        counts = {}
        for name in LISTINGS:
            with CaptureQueriesContext(connection) as queries:
                assert editor.get(f"/admin/{name}/").status_code == 200
            counts[name] = len(queries)
        return counts

    one_row = queries_per_listing()
    for n in range(3):
        farm = make_supplier(f"Ferme {n}", username=f"ferme{n}")
        slot = make_slot(order.slot.date + datetime.timedelta(days=n + 1))
        buyer = make_buyer(f"Restaurant {n}", username=f"resto{n}")
        services.submit_order(buyer, slot, [(OfferFactory(supplier=farm).pk, 2)])
    assert queries_per_listing() == one_row


def test_the_orders_listing_counts_each_orders_lines(editor, order):
    leeks = order.lines.get().offer
    carrots = OfferFactory(supplier=leeks.supplier, name="Carottes")
    services.submit_order(order.buyer, order.slot, [(leeks.pk, 3), (carrots.pk, 1)])
    html = editor.get("/admin/supply_orders/").content.decode()
    cell = re.search(r"<td[^>]*>\s*2\s*</td>", html)
    assert cell, "the Lines column shows the order's 2 lines"


def test_orders_are_filtered_by_status_and_exported(editor, order):
    other = make_buyer("Hôtel de la Plage", "Berck")
    services.cancel_order(
        services.submit_order(other, order.slot, [(order.lines.get().offer_id, 2)])
    )
    submitted = editor.get("/admin/supply_orders/", {"status": "submitted"}).content.decode()
    assert "Le Bistrot du Marché" in submitted and "Hôtel de la Plage" not in submitted
    export = editor.get("/admin/supply_orders/", {"export": "csv"})
    rows = b"".join(export.streaming_content).decode()
    assert "Le Bistrot du Marché" in rows and "Hôtel de la Plage" in rows


def test_staff_cancel_a_slot_from_the_admin_and_the_buyer_is_told(
    editor, order, django_capture_on_commit_callbacks
):
    url = f"/admin/supply_slots/cancel/{order.slot.pk}/"
    listing = editor.get("/admin/supply_slots/").content.decode()
    assert url in listing
    assert editor.get(url).status_code == 200
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(url, {"reason": "Lundi de Pâques"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.slot.status == DeliverySlot.Status.CANCELLED
    assert order.status == Order.Status.CANCELLED
    to_buyer = next(m for m in mail.outbox if m.to == ["bistrot@example.org"])
    assert "Lundi de Pâques" in to_buyer.body


def test_staff_create_an_offer_through_the_admin_form(editor, order):
    farm = order.supplier_orders.get().supplier
    category = order.lines.get().offer.category
    response = editor.post(
        "/admin/supply_offers/new/",
        {
            "supplier": farm.pk,
            "category": category.pk,
            "name": "Endives",
            "variety": "de pleine terre",
            "unit": "kg",
            "price": "3.40",
            "vat_rate": "5.50",
            "min_quantity": "2",
            "quantity_step": "1",
            "months_available": ["1", "2", "11", "12"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    offer = farm.offers.get(name="Endives")
    assert offer.months_available == [1, 2, 11, 12] and offer.price == Decimal("3.40")


def test_staff_may_not_add_or_delete_orders(editor, order):
    assert editor.get("/admin/supply_orders/new/").status_code in (302, 403)
    assert editor.get(f"/admin/supply_orders/delete/{order.pk}/").status_code in (302, 403)
    assert editor.get(f"/admin/supply_orders/inspect/{order.pk}/").status_code == 200


def test_buyers_and_producers_have_no_rights_in_the_supply_admin(client, order):
    for username in ("bistrot", "ferme7v"):
        client.login(username=username, password=PASSWORD)
        assert client.get("/admin/supply_orders/").status_code == 302
    group = Group.objects.get(name=groups.RESTAURANT_BUYERS)
    assert not group.permissions.filter(content_type__app_label="supply").exists()

"""Delivery documents of a slot: pick lists, the loading and drop-off list, delivery notes;
as printable pages, PDFs and CSVs, each organisation reaching its own only."""

import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from circuitcourt.supply import slot_documents
from circuitcourt.supply.models import DeliverySlot, Order, OrderLine, SupplierOrder
from circuitcourt.supply.services import BasketLine
from tests.factories_supply import make_buyer, make_supplier
from tests.scenario_supply_lots import delivered_scenario
from tests.supply_helpers import login, text

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def s():
    return delivered_scenario()


def pdf_text(response):
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def csv_rows(response):
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff"), "a BOM, so that a spreadsheet reads UTF-8"
    return [line.split(";") for line in content[1:].splitlines()]


def test_the_delivery_note_totals_and_vat_checked_by_hand(client, s):
    """Bistrot: 5 kg leeks at 2,10 (5,5 %) = 10,50, VAT 0,5775 -> 0,58; 2 bottles at 7,25
    (20 %) = 14,50, VAT 2,90. Total excl. VAT 25,00, VAT 3,48, incl. VAT 28,48."""
    login(client, "bistrot")
    order = s["orders"]["Le Bistrot du Marché"]
    url = f"/portail/commandes/{order.pk}/bon-de-livraison/"
    page = text(client.get(url))
    assert f"Bon de livraison — commande {order.pk}" in page
    assert "Porte de service, code 1234" in page
    assert "Poireaux 5 kg POI-0412 2,10 € 10,50 € 5,5 %" in page
    assert "Vin de la Côte d'Opale 2 pièce" in page and "14,50 € 20 %" in page
    assert "5,5 % 10,50 € 0,58 €" in page and "20 % 14,50 € 2,90 €" in page
    assert "Total HT 25,00 €" in page
    assert "Total TVA 3,48 €" in page
    assert "Total TTC 28,48 €" in page
    assert "1 ligne n'a pas encore de lot." in page  # the wine
    assert "Lot manquant pour 2" in page
    assert "Chauffeur" in page and "Reçu par (nom, signature, réserves)" in page
    content = client.get(url).content.decode()
    assert content.count("<svg") == 1  # one QR code: one lot
    assert f"/tracabilite/lot/{s['lot'].public_token}/" in content

    pdf = pdf_text(client.get(url, {"format": "pdf"}))
    for expected in ["Bon de livraison", "POI-0412", "10,50", "25,00", "3,48", "28,48"]:
        assert expected in pdf, expected
    assert "LOT MANQUANT" in pdf


def test_a_pick_list_per_supplier_with_lots_and_totals(client, s):
    login(client, "ferme7v")
    url = f"/portail/producteur/livraisons/{s['slot'].pk}/preparation/"
    page = text(client.get(url))
    assert "Bon de préparation — Ferme des Sept Vallées" in page
    assert "À préparer Produit Quantité Unité Poireaux 17 kg" in page
    assert "Café du Port Produit Quantité Unité Lots Poireaux 4 kg Lot manquant pour 4" in page
    assert "Hôtel de la Plage Produit Quantité Unité Lots Poireaux 8 kg POI-0412" in page
    assert "Vin" not in page

    rows = csv_rows(client.get(url, {"format": "csv"}))
    assert rows[0] == ["Acheteur", "Produit", "Quantité", "Unité", "Lots", "Lot manquant"]
    assert rows[1:] == [
        ["Café du Port", "Poireaux", "4", "kg", "", "4"],
        ["Hôtel de la Plage", "Poireaux", "8", "kg", "POI-0412", ""],
        ["Le Bistrot du Marché", "Poireaux", "5", "kg", "POI-0412", ""],
    ]
    pdf = pdf_text(client.get(url, {"format": "pdf"}))
    assert "Bon de préparation" in pdf and "POI-0412" in pdf and "17" in pdf


def test_the_loading_list_orders_the_stops_nearest_first_from_the_hub(client, chamber_editor, s):
    """From the hub in Montreuil: the Bistrot (next door), then Étaples (about 10 km),
    then Berck (about 12 km from Étaples); not in alphabetical order."""
    login(client, chamber_editor.username)
    url = f"/admin/supply_documents/{s['slot'].pk}/loading-list/"
    rows = csv_rows(client.get(url, {"format": "csv"}))
    assert rows[0][:3] == ["Arrêt", "Acheteur", "Adresse"]
    stops = [(r[0], r[1], r[6], r[7]) for r in rows[1:]]
    assert stops == [
        ("1", "Le Bistrot du Marché", "2", "5"),
        ("2", "Café du Port", "1", "4"),
        ("3", "Hôtel de la Plage", "2", "8"),
    ]
    assert rows[1][4] == "Porte de service, code 1234"
    page = text(client.get(url))
    assert "Feuille de chargement et de tournée" in page
    assert "Cave du Boulonnais 2" in page and "Ferme des Sept Vallées 3" in page
    assert "Total 5 17" in page.replace("  ", " ")
    assert "Feuille de chargement" in pdf_text(client.get(url, {"format": "pdf"}))


def test_staff_reach_every_document_of_a_slot(client, chamber_editor, s):
    login(client, chamber_editor.username)
    slot = s["slot"]
    index = client.get(f"/admin/supply_documents/{slot.pk}/")
    assert index.status_code == 200
    assert (
        f"/admin/supply_documents/{slot.pk}/pick-list/{s['cellar'].pk}/" in index.content.decode()
    )
    assert (
        f"/admin/supply_documents/{slot.pk}/" in client.get("/admin/supply_slots/").content.decode()
    )
    notes = text(client.get(f"/admin/supply_documents/{slot.pk}/delivery-notes/"))
    assert notes.count("Bon de livraison — commande") == 3
    pdf = pdf_text(
        client.get(f"/admin/supply_documents/{slot.pk}/delivery-notes/", {"format": "pdf"})
    )
    assert pdf.count("Bon de livraison — commande") == 3
    pick = client.get(f"/admin/supply_documents/{slot.pk}/pick-list/{s['cellar'].pk}/")
    assert "Vin de la Côte" in text(pick)


def test_each_organisation_reaches_its_own_documents_only(client, s):
    slot = s["slot"]
    bistrot_note = f"/portail/commandes/{s['orders']['Le Bistrot du Marché'].pk}/bon-de-livraison/"
    hotel_note = f"/portail/commandes/{s['orders']['Hôtel de la Plage'].pk}/bon-de-livraison/"
    pick_list = f"/portail/producteur/livraisons/{slot.pk}/preparation/"
    admin_docs = f"/admin/supply_documents/{slot.pk}/"

    response = client.get(bistrot_note)
    assert response.status_code == 302 and "/portail/connexion/" in response["Location"]

    login(client, "bistrot")
    assert client.get(bistrot_note).status_code == 200
    assert client.get(hotel_note).status_code == 404
    assert client.get(hotel_note, {"format": "pdf"}).status_code == 404
    assert client.get(pick_list).status_code == 403
    assert client.get(admin_docs).status_code in (302, 403)
    client.logout()

    login(client, "cave")
    assert "Vin de la Côte" in text(client.get(pick_list))
    assert client.get(bistrot_note).status_code == 403
    assert client.get(admin_docs).status_code in (302, 403)
    client.logout()

    make_supplier("Ferme sans commande", username="sanscommande")
    login(client, "sanscommande")
    assert client.get(pick_list).status_code == 404


def add_order(slot, buyer, offers):
    """An order delivered in the slot, written directly (the slot has left)."""
    order = Order.objects.create(buyer=buyer, slot=slot, status=Order.Status.DELIVERED)
    for offer in offers:
        supplier_order, _ = SupplierOrder.objects.get_or_create(
            order=order, supplier=offer.supplier, defaults={"status": "confirmed"}
        )
        line = BasketLine(offer, D("3")).as_order_line()
        line.order, line.supplier_order, line.status = order, supplier_order, "confirmed"
        line.save()
    return order


def test_documents_read_the_slot_in_a_bounded_number_of_queries(s):
    slot = DeliverySlot.objects.select_related("round__zone").get(pk=s["slot"].pk)

    def queries():
        counts = []
        for build in [
            lambda: slot_documents.loading_list(slot),
            lambda: slot_documents.delivery_notes(slot),
            lambda: slot_documents.pick_list(slot, s["farm"]),
            lambda: slot_documents.pick_lists(slot),
        ]:
            with CaptureQueriesContext(connection) as context:
                build()
            counts.append(len(context))
        return counts

    few = queries()
    # lines, orders, buyers, communes, offers, suppliers, producers, lots
    assert max(few) <= 8
    for number in range(8):
        add_order(slot, make_buyer(f"Restaurant {number}", "Berck"), [s["leeks"], s["wine"]])
    assert queries() == few
    assert len(slot_documents.delivery_notes(slot)) == 11
    every = {str(pick.supplier): pick.products for pick in slot_documents.pick_lists(slot)}
    assert every["Ferme des Sept Vallées"] == slot_documents.pick_list(slot, s["farm"]).products


def test_refused_lines_and_cancelled_orders_are_not_delivered(s):
    slot = s["slot"]
    hotel = s["orders"]["Hôtel de la Plage"]
    OrderLine.objects.filter(order=hotel, offer=s["wine"]).update(status="refused")
    Order.objects.filter(pk=s["orders"]["Café du Port"].pk).update(status="cancelled")
    notes = {note.buyer.name: note for note in slot_documents.delivery_notes(slot)}
    assert set(notes) == {"Le Bistrot du Marché", "Hôtel de la Plage"}
    assert [line.name for line in notes["Hôtel de la Plage"].lines] == ["Poireaux"]
    assert notes["Hôtel de la Plage"].totals.incl_vat == D("17.72")  # 16,80 + 0,92

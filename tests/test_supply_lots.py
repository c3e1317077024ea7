"""Lots and traceability: suppliers declare lots and assign them, staff recall a lot both
ways, and the public sees where a lot comes from, never who bought it nor at what price."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from circuitcourt.supply import lots
from circuitcourt.supply.models import Lot, LotAllocation, ProducerShowcase
from circuitcourt.supply.services import OrderRefused
from tests.factories import QualitySignFactory, commune
from tests.factories_supply import OfferFactory
from tests.scenario_supply_lots import delivered_scenario
from tests.supply_helpers import login, text

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def s():
    return delivered_scenario()


def test_supplier_declares_a_lot_then_covers_a_line_with_it(client, s):
    login(client, "cave")
    wine_order = s["orders"]["Le Bistrot du Marché"].supplier_orders.get(supplier=s["cellar"])
    page = text(client.get(f"/portail/producteur/commandes/{wine_order.pk}/"))
    assert "Lot manquant pour 2" in page
    assert "Déclarez d'abord un lot de ce produit." in page

    response = client.post(
        "/portail/producteur/lots/",
        {
            "offer": s["wine"].pk,
            "code": "VIN-2026-07",
            "produced_on": "2026-09-15",
            "keeps_until": "",
            "date_kind": "best_before",
            "origin_commune": "Montreuil-sur-Mer",
            "quantity": "120",
        },
    )
    assert response.status_code == 302
    lot = Lot.objects.get(code="VIN-2026-07")
    assert (lot.supplier, lot.unit, lot.origin_commune.name) == (s["cellar"], "piece", "Montreuil")
    assert "VIN-2026-07" in text(client.get("/portail/producteur/lots/"))

    line = wine_order.lines.get()
    client.post(
        f"/portail/producteur/commandes/{wine_order.pk}/lots/",
        {"line": line.pk, "lot": lot.pk, "quantity": ""},
    )
    page = text(client.get(f"/portail/producteur/commandes/{wine_order.pk}/"))
    assert "VIN-2026-07 (2)" in page
    assert "Lot manquant" not in page
    assert lots.lot_remaining(lot) == D("118")


def test_a_bad_lot_declaration_is_a_form_error_and_saves_nothing(client, s):
    login(client, "ferme7v")
    response = client.post(
        "/portail/producteur/lots/",
        {
            "offer": s["leeks"].pk,
            "code": "POI-0412",
            "produced_on": "2026-09-15",
            "date_kind": "use_by",
            "origin_commune": "Nulle-Part-sur-Rien",
            "quantity": "0",
        },
    )
    assert response.status_code == 200
    page = text(response)
    assert "Commune inconnue" in page
    assert "Indiquez une quantité supérieure à zéro." in page
    response = client.post(
        "/portail/producteur/lots/",
        {
            "offer": s["leeks"].pk,
            "code": "POI-0412",
            "produced_on": "2026-09-15",
            "date_kind": "use_by",
            "origin_commune": "Berck",
            "quantity": "3",
        },
    )
    assert "Vous avez déjà déclaré un lot POI-0412." in text(response)
    assert Lot.objects.count() == 1


def test_a_line_can_take_its_quantity_from_two_lots_within_what_each_holds(s):
    hotel_leeks = s["orders"]["Hôtel de la Plage"].lines.get(offer=s["leeks"])
    LotAllocation.objects.filter(line=hotel_leeks).delete()
    second = lots.declare_lot(
        s["farm"],
        offer=s["leeks"],
        code="POI-0413",
        produced_on=datetime.date(2026, 11, 1),
        origin_commune=commune("Berck"),
        quantity=D("3"),
    )
    lots.allocate(hotel_leeks, second, D("3"))
    assert lots.lacks_lot(lots.with_lots(type(hotel_leeks).objects.filter(pk=hotel_leeks.pk)).get())
    lots.allocate_remaining(hotel_leeks, s["lot"])
    covered = lots.with_lots(type(hotel_leeks).objects.filter(pk=hotel_leeks.pk)).get()
    assert not lots.lacks_lot(covered)
    assert sorted((a.lot.code, a.quantity) for a in covered.lots.all()) == [
        ("POI-0412", D("5")),
        ("POI-0413", D("3")),
    ]
    bistrot_leeks = s["orders"]["Le Bistrot du Marché"].lines.get(offer=s["leeks"])
    LotAllocation.objects.filter(line=bistrot_leeks).delete()
    with pytest.raises(OrderRefused, match="Il ne reste que 0 kg du lot POI-0413."):
        lots.allocate(bistrot_leeks, second, D("1"))


def test_a_lot_of_another_supplier_or_product_or_beyond_the_line_is_refused(s):
    wine_line = s["orders"]["Le Bistrot du Marché"].lines.get(offer=s["wine"])
    leek_line = s["orders"]["Le Bistrot du Marché"].lines.get(offer=s["leeks"])
    with pytest.raises(OrderRefused, match="appartient à un autre producteur"):
        lots.allocate(wine_line, s["lot"], D("1"))
    other_leeks = OfferFactory(supplier=s["farm"], name="Poireaux primeurs")
    other_lot = lots.declare_lot(
        s["farm"],
        offer=other_leeks,
        code="PRIM-1",
        produced_on=datetime.date(2026, 11, 1),
        origin_commune=commune("Montreuil"),
        quantity=D("10"),
    )
    with pytest.raises(OrderRefused, match="d'un autre produit que Poireaux"):
        lots.allocate(leek_line, other_lot, D("1"))
    with pytest.raises(OrderRefused, match="Il ne reste que 5 kg de Poireaux à couvrir"):
        lots.allocate(leek_line, s["lot"], D("6"))
    assert LotAllocation.objects.get(line=leek_line).quantity == D("5")


def test_staff_recall_a_lot_code_and_download_it_as_csv(client, chamber_editor, s):
    login(client, chamber_editor.username)
    page = text(client.get("/admin/supply_recall/", {"code": "POI-0412"}))
    assert "Lot POI-0412 : 2 acheteurs." in page
    assert "Le Bistrot du Marché" in page and "Hôtel de la Plage" in page
    assert "Vin de la Côte" not in page
    csv = client.get("/admin/supply_recall/", {"code": "POI-0412", "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    content = csv.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = [row.split(";") for row in content.lstrip("\ufeff").splitlines()]
    assert rows[0][:3] == ["lot", "supplier", "buyer"]
    assert sorted((r[2], r[8], r[9]) for r in rows[1:]) == [
        ("Hôtel de la Plage", "8", "kg"),
        ("Le Bistrot du Marché", "5", "kg"),
    ]
    assert "Lot POI-9999 : 0 acheteur." in text(
        client.get("/admin/supply_recall/", {"code": "POI-9999"})
    )


def test_staff_list_every_lot_a_buyer_received_between_two_dates(client, chamber_editor, s):
    login(client, chamber_editor.username)
    day = s["slot"].date
    query = {"buyer": s["hotel"].pk, "start": day.isoformat(), "end": day.isoformat()}
    page = client.get("/admin/supply_recall/", query)
    assert page.content.decode().count('class="received-row"') == 1
    assert "POI-0412" in text(page) and "Montreuil" in text(page) and "AB" in text(page)
    before = {**query, "end": (day - datetime.timedelta(days=1)).isoformat()}
    before["start"] = (day - datetime.timedelta(days=30)).isoformat()
    assert "Aucun lot reçu à ces dates." in text(client.get("/admin/supply_recall/", before))
    backwards = {**query, "start": (day + datetime.timedelta(days=1)).isoformat()}
    assert "La date de fin précède la date de début." in text(
        client.get("/admin/supply_recall/", backwards)
    )
    csv = client.get("/admin/supply_recall/", {**query, "format": "csv"}).content.decode()
    assert csv.startswith("\ufeff") and "POI-0412;Ferme des Sept Vallées" in csv


def test_the_recall_is_for_staff_only(client, s):
    assert client.get("/admin/supply_recall/", {"code": "POI-0412"}).status_code == 302
    login(client, "ferme7v")
    response = client.get("/admin/supply_recall/", {"code": "POI-0412"})
    assert response.status_code in (302, 403)
    assert "Bistrot" not in response.content.decode()


def test_the_public_lot_page_shows_the_origin_and_nothing_private(client, s):
    lot = s["lot"]
    response = client.get(f"/tracabilite/lot/{lot.public_token}/")
    assert response.status_code == 200
    page = text(response)
    for expected in ["Poireaux", "POI-0412", "Ferme des Sept Vallées", "Montreuil", "Agriculture"]:
        assert expected in page
    for private in ["Bistrot", "Hôtel de la Plage", "2,10", "2.10", "€", "03 21", "Commande"]:
        assert private not in page, private
    assert client.get(f"/tracabilite/lot/{lot.pk}/").status_code == 404
    assert client.get("/tracabilite/lot/not-a-token/").status_code == 404
    assert len(lot.public_token) >= 20


def test_a_buyer_publishes_its_local_producers_page(client, s):
    assert client.get("/nos-producteurs-locaux/le-bistrot-du-marche/").status_code == 404
    login(client, "bistrot")
    page = text(client.get("/portail/producteurs-locaux/"))
    assert "Ferme des Sept Vallées" in page
    client.post("/portail/producteurs-locaux/", {"is_published": "on", "months": "3"})
    showcase = ProducerShowcase.objects.get(buyer=s["bistrot"])
    assert (showcase.slug, showcase.is_published) == ("le-bistrot-du-marche", True)
    client.logout()
    response = client.get("/nos-producteurs-locaux/le-bistrot-du-marche/")
    page = text(response)
    assert "Ferme des Sept Vallées" in page and "Cave du Boulonnais" in page
    assert s["farm"].producer.url in response.content.decode()
    for private in ["Poireaux", "2,10", "€", "Hôtel de la Plage"]:
        assert private not in page, private


def test_the_local_producers_page_keeps_to_its_months(s):
    showcase = ProducerShowcase.objects.create(
        buyer=s["hotel"], slug="hotel-plage", is_published=True, months=1
    )
    today = s["slot"].date + datetime.timedelta(days=10)
    assert {p.title for p in lots.showcase_producers(showcase, today)} == {
        "Ferme des Sept Vallées",
        "Cave du Boulonnais",
    }
    later = s["slot"].date + datetime.timedelta(days=45)
    assert list(lots.showcase_producers(showcase, later)) == []


def test_the_admin_flags_supplier_orders_with_lines_without_lot(client, chamber_editor, s):
    login(client, chamber_editor.username)
    response = client.get("/admin/supply_supplier_orders/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Lignes sans lot" in content
    wine_orders = [
        so.pk
        for name in ("Le Bistrot du Marché", "Hôtel de la Plage")
        for so in s["orders"][name].supplier_orders.all()
    ]
    assert len(lots.unlotted_counts(wine_orders)) == 2  # the two wine parts
    assert f"/admin/supply_lots/assign/{wine_orders[0]}/" in content


def test_staff_assign_a_lot_in_the_admin(client, chamber_editor, s):
    login(client, chamber_editor.username)
    wine_order = s["orders"]["Hôtel de la Plage"].supplier_orders.get(supplier=s["cellar"])
    lot = lots.declare_lot(
        s["cellar"],
        offer=s["wine"],
        code="VIN-1",
        produced_on=datetime.date(2026, 9, 1),
        origin_commune=commune("Berck"),
        quantity=D("100"),
    )
    url = f"/admin/supply_lots/assign/{wine_order.pk}/"
    assert "Lot manquant pour 6" in text(client.get(url))
    client.post(url, {"line": wine_order.lines.get().pk, "lot": lot.pk, "quantity": "6"})
    assert "Lot manquant" not in text(client.get(url))
    assert lots.unlotted_counts([wine_order.pk]) == {}
    listing = text(client.get("/admin/supply_lots/", {"q": "VIN-1"}))
    assert "VIN-1" in listing and "POI-0412" not in listing


def test_lots_listing_queries_stay_constant(client, chamber_editor, s):
    login(client, chamber_editor.username)
    client.get("/admin/supply_lots/")

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get("/admin/supply_lots/").status_code == 200
        return len(context)

    few = queries()
    for number in range(10):
        lots.declare_lot(
            s["farm"],
            offer=s["leeks"],
            code=f"EXTRA-{number}",
            produced_on=datetime.date(2026, 9, 1),
            origin_commune=commune("Berck"),
            quantity=D("1"),
        )
    assert queries() == few


def test_staff_declare_a_lot_in_the_admin_with_the_portal_rules(client, chamber_editor, s):
    """A producer phones: staff declare its lot in the admin. As in the portal, the lot counts
    in the offer's order unit (nobody types a unit) and carries the offer's quality signs;
    a code the producer already used, or another producer's offer, is refused on the form."""
    label_rouge = QualitySignFactory(name="Label Rouge", short_name="LR", slug="label-rouge")
    chicken = OfferFactory(
        supplier=s["farm"],
        name="Poulet fermier",
        price=D("9.80"),
        variable_weight=True,
        estimated_weight_kg=D("1.8"),
    )
    chicken.quality_signs.set([s["bio"], label_rouge])
    login(client, chamber_editor.username)
    form = client.get("/admin/supply_lots/new/")
    assert form.status_code == 200
    assert 'name="unit"' not in form.content.decode()
    assert "Aucun coché : les signes de qualité de l'offre." in text(form)

    fields = {
        "supplier": s["farm"].pk,
        "offer": chicken.pk,
        "code": " VOL-2611 ",
        "origin_commune": commune("Berck").pk,
        "produced_on": "2026-11-02",
        "keeps_until": "2026-11-09",
        "date_kind": "use_by",
        "quantity": "12",
    }
    created = client.post("/admin/supply_lots/new/", fields)

    assert created.status_code == 302
    lot = Lot.objects.get(code="VOL-2611")
    # Twelve chickens: pieces, the unit the restaurants order them in (priced per kg).
    assert (lot.supplier, lot.offer, lot.quantity, lot.unit) == (s["farm"], chicken, 12, "piece")
    assert {sign.short_name for sign in lot.quality_signs.all()} == {"AB", "LR"}
    listing = text(client.get("/admin/supply_lots/", {"q": "VOL-2611"}))
    assert "VOL-2611" in listing and "pièce" in listing

    again = client.post("/admin/supply_lots/new/", {**fields, "code": "POI-0412"})
    assert again.status_code == 200
    assert "Ferme des Sept Vallées a déjà déclaré un lot POI-0412." in text(again)
    elsewhere = client.post(
        "/admin/supply_lots/new/", {**fields, "code": "VIN-9", "supplier": s["cellar"].pk}
    )
    assert "Choisissez une offre de ce producteur." in text(elsewhere)
    assert Lot.objects.count() == 2  # POI-0412 and VOL-2611, nothing half-saved

    # Ticked signs are the lot's own: this batch is Label Rouge, not organic.
    client.post(
        "/admin/supply_lots/new/",
        {**fields, "code": "VOL-2612", "quality_signs": [label_rouge.pk]},
    )
    assert [sign.short_name for sign in Lot.objects.get(code="VOL-2612").quality_signs.all()] == [
        "LR"
    ]


def test_staff_cannot_change_a_delivered_lot_under_its_lines(client, chamber_editor, s):
    """Lot POI-0412 went into 13 kg of leeks: staff may correct it, not shrink it below what
    was delivered nor move it to another product (the recall would lie)."""
    login(client, chamber_editor.username)
    lot = s["lot"]
    url = f"/admin/supply_lots/edit/{lot.pk}/"
    page = client.get(url)
    assert "En kg, l'unité de commande de l'offre." in text(page)
    other = OfferFactory(supplier=s["farm"], name="Poireaux primeurs")
    fields = {
        "supplier": s["farm"].pk,
        "offer": s["leeks"].pk,
        "code": "POI-0412",
        "origin_commune": lot.origin_commune.pk,
        "produced_on": lot.produced_on.isoformat(),
        "keeps_until": lot.keeps_until.isoformat(),
        "date_kind": "best_before",
        "quantity": "10",
        "quality_signs": [s["bio"].pk],
    }
    shrunk = client.post(url, fields)
    assert shrunk.status_code == 200
    assert "13 ont déjà été livrés de ce lot : il ne peut pas en contenir moins." in text(shrunk)
    moved = client.post(url, {**fields, "quantity": "50", "offer": other.pk})
    assert "des lignes de commande ont été livrées de ce lot" in text(moved).lower()
    lot.refresh_from_db()
    assert (lot.quantity, lot.offer) == (50, s["leeks"])

    corrected = client.post(url, {**fields, "quantity": "40"})
    assert corrected.status_code == 302
    lot.refresh_from_db()
    assert (lot.quantity, lot.unit) == (40, "kg")

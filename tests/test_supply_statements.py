"""Each month every producer invoices each restaurant for what it delivered: frozen once
issued, numbered without gaps, with what French law wants on a B2B invoice, as HTML, PDF
and CSV; corrections go on the next month's invoice or on a credit note."""

import datetime
import io
import threading
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection

from circuitcourt.supply import services, statements
from circuitcourt.supply.models import (
    InvoiceCounter,
    Statement,
    StatementFrozen,
    StatementLine,
    Supplier,
)
from tests.conftest import PASSWORD
from tests.factories_supply import OfferFactory, make_buyer, make_slot, make_supplier
from tests.supply_helpers import login, order_in_delivery, text

D = Decimal
OCTOBER = datetime.date(2026, 10, 1)
ISSUED_AT = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def forget_login_attempts():
    cache.clear()
    yield
    cache.clear()


def deliver(order, received=None):
    """The buyer records the delivery: {offer: (quantity, complaint)}."""
    by_line = {
        line.pk: received[line.offer]
        for line in order.lines.select_related("offer")
        if received and line.offer in received
    }
    return services.mark_delivered(order, by_line)


@pytest.fixture
def october(db):
    """October's deliveries of the Ferme des Sept Vallées to two restaurants."""
    farm = make_supplier(
        "Ferme des Sept Vallées",
        username="ferme7v",
        legal_name="EARL des Sept Vallées",
        billing_address="12 rue des Prés",
        billing_postcode="62170",
        siret="12345678900011",
        vat_number="FR12123456789",
    )
    make_supplier("Pêcherie d'Étaples", "Étaples", username="pecherie")
    leeks = OfferFactory(supplier=farm, name="Poireaux", price=D("2.10"))
    carrots = OfferFactory(
        supplier=farm,
        name="Carottes",
        price=D("1.25"),
        min_quantity=D("0.5"),
        quantity_step=D("0.5"),
    )
    turbot = OfferFactory(
        supplier=farm,
        name="Turbot",
        price=D("30.00"),
        variable_weight=True,
        estimated_weight_kg=D("1.5"),
    )
    cider = OfferFactory(
        supplier=farm, name="Cidre", unit="litre", price=D("4.15"), vat_rate=D("20.00")
    )
    bistrot = make_buyer(
        "Le Bistrot du Marché",
        username="bistrot",
        postcode="62170",
        siret="98765432100017",
        vat_number="FR45987654321",
    )
    hotel = make_buyer("Hôtel de la Plage", "Berck", username="hotel")
    first = order_in_delivery(
        bistrot,
        make_slot(datetime.date(2026, 10, 9)),
        [(leeks.pk, 10), (carrots.pk, D("2.5")), (turbot.pk, 2), (cider.pk, 3)],
        weights={turbot.pk: D("3.215")},
    )
    deliver(first)
    second_slot = make_slot(datetime.date(2026, 10, 16))
    second = order_in_delivery(bistrot, second_slot, [(leeks.pk, 5)])
    deliver(second, {leeks: (D("4"), "Une botte gelée")})
    deliver(order_in_delivery(hotel, make_slot(datetime.date(2026, 10, 16)), [(leeks.pk, 5)]))
    return {
        "farm": farm,
        "leeks": leeks,
        "turbot": turbot,
        "bistrot": bistrot,
        "hotel": hotel,
        "first": first,
    }


def statement_of(buyer, kind=Statement.Kind.INVOICE, month=OCTOBER):
    return Statement.objects.get(buyer=buyer, kind=kind, month=month)


@pytest.mark.django_db
def test_an_invoice_adds_up_by_hand(october):
    issued = statements.issue_statements("2026-10", now=ISSUED_AT)

    assert [(s.buyer.name, s.number) for s in issued] == [
        ("Le Bistrot du Marché", 1),
        ("Hôtel de la Plage", 2),
    ]
    invoice = statement_of(october["bistrot"])
    amounts = [(line.designation, line.amount) for line in invoice.lines.all()]
    # Each line excl. VAT, rounded to the cent half up:
    #   Poireaux 10 kg x 2.10 = 21.00; Carottes 2.5 kg x 1.25 = 3.125 -> 3.13 (half up;
    #   half-even would give 3.12); Turbot at its final weight 3.215 kg x 30.00 = 96.45;
    #   Cidre 3 l x 4.15 = 12.45; Poireaux received 4 of 5: 4 x 2.10 = 8.40.
    assert amounts == [
        ("Poireaux", D("21.00")),
        ("Carottes", D("3.13")),
        ("Turbot", D("96.45")),
        ("Cidre", D("12.45")),
        ("Poireaux", D("8.40")),
    ]
    # VAT per rate on the sum of its lines:
    #   5.5 %: 21.00 + 3.13 + 96.45 + 8.40 = 128.98 -> 7.0939 -> 7.09
    #   20 %: 12.45 -> 2.49
    assert invoice.vat_lines == [
        (D("5.50"), D("128.98"), D("7.09")),
        (D("20.00"), D("12.45"), D("2.49")),
    ]
    # 128.98 + 12.45 = 141.43 excl. VAT; 7.09 + 2.49 = 9.58 VAT; 151.01 incl. VAT.
    assert invoice.total_excl_vat == D("141.43")
    assert invoice.total_vat == D("9.58")
    assert invoice.total_incl_vat == D("151.01")
    assert (invoice.first_delivery, invoice.last_delivery) == (
        datetime.date(2026, 10, 9),
        datetime.date(2026, 10, 16),
    )
    assert invoice.due_date == datetime.date(2026, 12, 2)  # 30 days after 2 November
    # Running it again issues nothing twice.
    assert statements.issue_statements("2026-10", now=ISSUED_AT) == []


@pytest.mark.django_db
def test_an_issued_statement_is_frozen_and_corrections_go_on_the_next(october):
    statements.issue_statements("2026-10", now=ISSUED_AT)
    invoice = statement_of(october["bistrot"])
    turbot_line = october["first"].lines.get(offer=october["turbot"])

    # After the issue, the producer corrects the turbot's weight (3.215 -> 3 kg), and a
    # late October delivery is recorded.
    services.record_final_weight(turbot_line, D("3.000"))
    late = order_in_delivery(
        october["bistrot"], make_slot(datetime.date(2026, 10, 30)), [(october["leeks"].pk, 2)]
    )
    deliver(late)

    invoice.refresh_from_db()
    assert invoice.total_incl_vat == D("151.01")
    assert invoice.lines.get(designation="Turbot").amount == D("96.45")

    november = statements.issue_statements("2026-11", now=ISSUED_AT.replace(month=12))

    assert [(s.kind, s.number) for s in november] == [("invoice", 3), ("credit_note", 4)]
    late_invoice, credit_note = november
    # The late delivery: 2 kg x 2.10 = 4.20, VAT 5.5 % 0.231 -> 0.23.
    assert [(line.designation, line.amount) for line in late_invoice.lines.all()] == [
        ("Poireaux", D("4.20"))
    ]
    assert late_invoice.total_incl_vat == D("4.43")
    # The turbot's correction: 90.00 - 96.45 = -6.45; VAT -0.35475 -> -0.35; -6.80.
    (correction,) = credit_note.lines.all()
    assert correction.designation == "Régularisation : Turbot"
    assert correction.weight_kg == D("-0.215") and correction.amount == D("-6.45")
    assert (credit_note.total_excl_vat, credit_note.total_vat, credit_note.total_incl_vat) == (
        D("-6.45"),
        D("-0.35"),
        D("-6.80"),
    )
    # Everything billed for the turbot now adds up to what it weighs.
    billed = sum(line.amount for line in StatementLine.objects.filter(order_line=turbot_line))
    assert billed == turbot_line.amount == D("90.00")


@pytest.mark.django_db
def test_buyers_and_suppliers_read_their_own_statements_in_the_portal(client, october):
    statements.issue_statements("2026-10", now=ISSUED_AT)
    invoice = statement_of(october["bistrot"])
    hotel_invoice = statement_of(october["hotel"])
    login(client, "bistrot")

    listing = text(client.get("/portail/factures/"))
    assert "octobre 2026" in listing and invoice.reference in listing
    assert hotel_invoice.reference not in listing
    page = text(client.get(f"/portail/factures/{invoice.pk}/"))
    for mention in [
        "Facture FC",
        "EARL des Sept Vallées",
        "12 rue des Prés",
        "SIRET 12345678900011 (SIREN 123456789)",
        "N° TVA intracommunautaire FR12123456789",
        "SIRET 98765432100017",
        "Le Bistrot du Marché",
        "Date de facture 2 novembre 2026",
        "du 9 octobre 2026 au 16 octobre 2026",
        "Échéance 2 décembre 2026",
        "TVA 5,5 % sur 128,98 €",
        "Total TTC 151,01 €",
        "Pas d'escompte pour paiement anticipé.",
        "majoré de 10 points",
        "indemnité forfaitaire de 40 € pour frais de recouvrement",
    ]:
        assert mention in page, mention

    csv_file = client.get(f"/portail/factures/{invoice.pk}/", {"format": "csv"})
    assert csv_file["Content-Type"].startswith("text/csv")
    content = csv_file.content.decode("utf-8")
    assert content.startswith("\ufeffDocument;Numéro;Date de facture;")
    assert f"Facture;{invoice.reference};02/11/2026;EARL des Sept Vallées;" in content
    assert ";Carottes;2,5;kg;;1,25;5,5;3,13\r\n" in content
    pdf = client.get(f"/portail/factures/{invoice.pk}/", {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    month = client.get("/portail/factures/mois/2026-10/")
    assert "Total TTC 151,01 €" in text(month)
    month_csv = client.get("/portail/factures/mois/2026-10/", {"format": "csv"})
    assert month_csv.content.decode("utf-8").count("\r\n") == 1 + 5  # header and five lines

    # Another restaurant's invoice does not exist for me; a month that is not one neither.
    assert client.get(f"/portail/factures/{hotel_invoice.pk}/").status_code == 404
    assert client.get("/portail/factures/mois/2026-13/").status_code == 404

    client.logout()
    login(client, "ferme7v")
    issued = text(client.get("/portail/factures/"))
    assert invoice.reference in issued and hotel_invoice.reference in issued
    client.logout()
    login(client, "pecherie")
    assert client.get(f"/portail/factures/{invoice.pk}/").status_code == 404
    assert invoice.reference not in text(client.get("/portail/factures/"))
    client.logout()
    assert client.get(f"/portail/factures/{invoice.pk}/").status_code == 302  # log in first


@pytest.mark.django_db
def test_the_statement_list_runs_the_same_queries_for_many_statements(
    client, october, django_assert_max_num_queries
):
    statements.issue_statements("2026-10", now=ISSUED_AT)
    login(client, "ferme7v")
    with django_assert_max_num_queries(12) as few:
        client.get("/portail/factures/")
    for n in range(5):
        buyer = make_buyer(f"Restaurant {n}")
        deliver(
            order_in_delivery(
                buyer, make_slot(datetime.date(2026, 10, 20 + n)), [(october["leeks"].pk, 1)]
            )
        )
    statements.issue_statements("2026-10", now=ISSUED_AT)
    assert Statement.objects.count() == 7
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/portail/factures/")
    assert text(response).count("Facture FC") == 7


@pytest.mark.django_db
def test_staff_issue_list_and_download_statements_in_the_admin(client, october, chamber_editor):
    assert client.login(username=chamber_editor.username, password=PASSWORD)
    form = client.get("/admin/supply_statements/add/")
    assert form.status_code == 200 and "Émettre les relevés" in form.content.decode()
    bad = client.post("/admin/supply_statements/add/", {"month": "octobre"})
    assert bad.status_code == 200 and "AAAA-MM" in bad.content.decode()
    assert not Statement.objects.exists()

    issued = client.post("/admin/supply_statements/add/", {"month": "2026-10"})
    assert issued.status_code == 302
    assert Statement.objects.count() == 2
    listing = client.get("/admin/supply_statements/", {"buyer": october["hotel"].pk})
    page = listing.content.decode()
    invoice = statement_of(october["hotel"])
    assert invoice.reference in page and statement_of(october["bistrot"]).reference not in page
    pdf = client.get(f"/admin/supply_statements/download/{invoice.pk}/pdf/")
    assert pdf.content.startswith(b"%PDF")
    csv_file = client.get(f"/admin/supply_statements/download/{invoice.pk}/csv/")
    assert csv_file.content.decode("utf-8").startswith("\ufeffDocument;")
    assert client.get(f"/admin/supply_statements/inspect/{invoice.pk}/").status_code == 200
    assert client.get("/admin/supply_standing_orders/").status_code == 200
    # Issued statements cannot be edited: chamber editors have no change right on them.
    assert client.get(f"/admin/supply_statements/edit/{invoice.pk}/").status_code in (302, 403)

    client.logout()
    login(client, "bistrot")
    assert client.get("/admin/supply_statements/").status_code in (302, 403)


@pytest.mark.django_db
def test_the_issue_statements_command(october):
    output = io.StringIO()
    call_command("issue_statements", month="2026-10", stdout=output)
    assert "2 statement(s) issued for 2026-10." in output.getvalue()
    with pytest.raises(CommandError):
        call_command("issue_statements", month="10/2026")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_numbers_have_no_gap_and_no_duplicate_when_issued_at_once():
    if connection.vendor != "postgresql":
        pytest.skip("Row locks and concurrent transactions need PostgreSQL.")
    farm = make_supplier(
        "Ferme des Sept Vallées",
        billing_address="12 rue des Prés",
        siret="12345678900011",
        vat_number="FR12123456789",
    )
    leeks = OfferFactory(supplier=farm, name="Poireaux")
    buyers = [make_buyer(f"Restaurant {n}") for n in range(12)]
    for buyer in buyers:
        slot = make_slot(datetime.date(2026, 10, 9))  # a round each: one departs per order
        deliver(order_in_delivery(buyer, slot, [(leeks.pk, 1)]))
    start = threading.Barrier(len(buyers))
    errors = []

    def issue(buyer):
        try:
            start.wait()
            statements.issue_for(farm, buyer, OCTOBER, now=ISSUED_AT)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(buyer,)) for buyer in buyers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    numbers = sorted(Statement.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 13))
    assert InvoiceCounter.objects.get(supplier=farm).last_number == 12


def fishmonger(**identity):
    """The Pêcherie d'Étaples, with the invoicing identity given, sells whelks to the hotel
    in October: 2 kg at 8.00 excl. VAT (5.5 %)."""
    fish = Supplier.objects.get(producer__title="Pêcherie d'Étaples")
    for name, value in identity.items():
        setattr(fish, name, value)
    fish.save()
    whelks = OfferFactory(supplier=fish, name="Bulots", price=D("8.00"))
    return fish, whelks


def deliver_whelks(october, whelks):
    slot = make_slot(datetime.date(2026, 10, 23))
    return deliver(order_in_delivery(october["hotel"], slot, [(whelks.pk, 2)]))


FISH_IDENTITY = {
    "billing_address": "Quai de la Canche",
    "siret": "55566677700019",
    "vat_number": "FR33555666777",
}


@pytest.mark.django_db
def test_a_supplier_reads_its_month_statement_and_no_other_suppliers(client, october):
    """The farm's October statement: its invoices to both restaurants and the month's totals,
    checked by hand; the fishmonger, who also invoiced the hotel, sees only its own."""
    fish, whelks = fishmonger(**FISH_IDENTITY)
    deliver_whelks(october, whelks)
    statements.issue_statements("2026-10", now=ISSUED_AT)
    to_bistrot, to_hotel = Statement.objects.filter(supplier=october["farm"]).order_by("number")
    fish_invoice = Statement.objects.get(supplier=fish)

    login(client, "ferme7v")
    page = text(client.get("/portail/factures/mois/2026-10/"))
    assert "Relevé de octobre 2026 — Ferme des Sept Vallées" in page
    assert to_bistrot.reference in page and to_hotel.reference in page
    # The bistrot: 141.43 excl. VAT, 151.01 incl. (see test_an_invoice_adds_up_by_hand).
    # The hotel: 5 kg of leeks x 2.10 = 10.50; VAT 5.5 % 0.5775 -> 0.58; 11.08 incl. VAT.
    assert "Total TTC 11,08 €" in page and "Total TTC 151,01 €" in page
    # The month: at 5.5 %, 128.98 + 10.50 = 139.48 excl. VAT and 7.09 + 0.58 = 7.67 VAT;
    # at 20 %, 12.45 and 2.49; 141.43 + 10.50 = 151.93 excl. VAT; 151.01 + 11.08 = 162.09.
    for total in [
        "TVA 5,5 % 139,48 € → 7,67 €",
        "TVA 20 % 12,45 € → 2,49 €",
        "Total HT 151,93 €",
        "Total TTC 162,09 €",
    ]:
        assert total in page, total
    for theirs in [fish_invoice.reference, "Bulots", "Pêcherie", "16,88"]:
        assert theirs not in page, theirs
    month_csv = client.get("/portail/factures/mois/2026-10/", {"format": "csv"})
    assert month_csv.content.decode("utf-8").count("\r\n") == 1 + 5 + 1  # header, 6 lines
    assert "Bulots" not in month_csv.content.decode("utf-8")

    client.logout()
    login(client, "pecherie")
    page = text(client.get("/portail/factures/mois/2026-10/"))
    # 2 kg x 8.00 = 16.00; VAT 5.5 % 0.88; 16.88 incl. VAT.
    assert fish_invoice.reference in page and "Total TTC 16,88 €" in page
    for theirs in [to_bistrot.reference, to_hotel.reference, "Poireaux", "151,01", "162,09"]:
        assert theirs not in page, theirs
    month_csv = client.get("/portail/factures/mois/2026-10/", {"format": "csv"})
    assert month_csv.content.decode("utf-8").count("\r\n") == 1 + 1
    assert client.get(f"/portail/factures/{to_hotel.pk}/").status_code == 404
    assert "Rien d'émis ce mois-ci." in text(client.get("/portail/factures/mois/2026-09/"))


@pytest.mark.django_db
def test_an_invoice_is_refused_while_the_issuer_lacks_its_siret_or_vat_number(
    client, october, chamber_editor
):
    """The fishmonger has no SIRET, VAT number nor address yet: it cannot invoice, and staff
    are told what to fill in; the farm's invoices go out meanwhile, and the fishmonger's once
    its record is complete, with the first number of its sequence."""
    fish, whelks = fishmonger()
    deliver_whelks(october, whelks)
    expected = (
        "Pêcherie d'Étaples ne peut pas émettre ses factures : il manque une adresse (de "
        "facturation ou d'enlèvement), un SIRET de 14 chiffres, un numéro de TVA (ou la "
        "franchise en base de TVA, art. 293 B du CGI). La loi les exige sur une facture entre "
        "professionnels : complétez la rubrique Facturation de la fiche du producteur."
    )
    with pytest.raises(statements.InvoiceRefused) as refused:
        statements.issue_for(fish, october["hotel"], OCTOBER, now=ISSUED_AT)
    assert refused.value.messages == [expected]

    assert client.login(username=chamber_editor.username, password=PASSWORD)
    response = client.post("/admin/supply_statements/add/", {"month": "2026-10"}, follow=True)
    page = text(response)
    assert "2 relevé(s) émis." in page and expected in page
    assert not Statement.objects.filter(supplier=fish).exists()
    assert not InvoiceCounter.objects.filter(supplier=fish, last_number__gt=0).exists()
    output = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("issue_statements", month="2026-10", stdout=output)
    assert failed.value.returncode == 1 and expected in output.getvalue()

    fish.vat_number = "FR33555666777"
    fish.save()
    with pytest.raises(statements.InvoiceRefused, match="il manque une adresse .*, un SIRET"):
        statements.issue_for(fish, october["hotel"], OCTOBER, now=ISSUED_AT)
    fishmonger(**FISH_IDENTITY)
    fish.refresh_from_db()
    (invoice,) = statements.issue_for(fish, october["hotel"], OCTOBER, now=ISSUED_AT)
    assert (invoice.number, invoice.total_incl_vat) == (1, D("16.88"))
    assert invoice.issuer["siret"] == "55566677700019"


@pytest.mark.django_db
def test_a_supplier_exempt_of_vat_invoices_without_vat_and_says_why(client, october):
    """The fishmonger is a micro-enterprise under the VAT threshold (franchise en base): no
    VAT number, no VAT on its prices nor its invoice, and the mention of art. 293 B."""
    fish, whelks = fishmonger(
        billing_address="Quai de la Canche", siret="55566677700019", vat_exempt=True
    )
    login(client, "hotel")
    catalogue = text(client.get("/portail/catalogue/"))
    assert "8,00 € HT / kg (8,00 € TTC, TVA non applicable)" in catalogue
    order = deliver_whelks(october, whelks)
    assert "Total TTC 16,00 €" in text(client.get(f"/portail/commandes/{order.pk}/"))

    statements.issue_statements("2026-10", now=ISSUED_AT)
    invoice = Statement.objects.get(supplier=fish)
    # 2 kg x 8.00 = 16.00, and nothing more: no VAT at all.
    assert (invoice.total_excl_vat, invoice.total_vat, invoice.total_incl_vat) == (
        D("16.00"),
        D("0.00"),
        D("16.00"),
    )
    assert invoice.vat_lines == [] and invoice.lines.get().vat_rate == 0
    page = text(client.get(f"/portail/factures/{invoice.pk}/"))
    assert "TVA non applicable, art. 293 B du CGI." in page
    assert "Total TTC 16,00 €" in page and "TVA 5,5 %" not in page
    assert "N° TVA intracommunautaire" not in page  # neither the issuer nor the hotel has one
    farm_invoice = Statement.objects.get(buyer=october["hotel"], supplier=october["farm"]).pk
    farm_page = text(client.get(f"/portail/factures/{farm_invoice}/"))
    assert "art. 293 B" not in farm_page and "TVA 5,5 % sur 10,50 €" in farm_page
    month = text(client.get("/portail/factures/mois/2026-10/"))
    # The hotel's month: the farm's 10.50 + 0.58 VAT, the fishmonger's 16.00 without VAT.
    assert "Total HT 26,50 €" in month and "Total TTC 27,08 €" in month
    assert month.count("TVA non applicable, art. 293 B du CGI.") == 1
    csv_file = client.get(f"/portail/factures/{invoice.pk}/", {"format": "csv"})
    assert ";Bulots;2;kg;;8,00;0;16,00\r\n" in csv_file.content.decode("utf-8")


@pytest.mark.django_db
def test_an_issued_statement_stays_as_issued_even_for_a_superuser(
    client, october, django_user_model
):
    """A superuser opens an issued invoice in the admin to turn it into a credit note: there
    is no edit nor delete to reach, and whatever code tries, the statement refuses it."""
    statements.issue_statements("2026-10", now=ISSUED_AT)
    invoice = statement_of(october["bistrot"])
    django_user_model.objects.create_superuser("admin", "admin@example.org", PASSWORD)
    assert client.login(username="admin", password=PASSWORD)

    listing = client.get("/admin/supply_statements/").content.decode()
    assert invoice.reference in listing
    assert f"/admin/supply_statements/edit/{invoice.pk}/" not in listing
    assert f"/admin/supply_statements/delete/{invoice.pk}/" not in listing
    edit = client.post(f"/admin/supply_statements/edit/{invoice.pk}/", {"kind": "credit_note"})
    delete = client.post(f"/admin/supply_statements/delete/{invoice.pk}/")
    assert edit.status_code in (302, 403) and delete.status_code in (302, 403)
    assert client.get(f"/admin/supply_statements/inspect/{invoice.pk}/").status_code == 200
    invoice.refresh_from_db()
    assert (invoice.kind, invoice.total_incl_vat) == ("invoice", D("151.01"))

    # A script, the shell, another view: the model itself refuses, and says why.
    frozen = (
        f"Le relevé {invoice.reference} est émis : il ne peut plus être modifié ni supprimé ; "
        "une correction se fait sur le relevé suivant ou par un avoir. (type)"
    )
    invoice.kind = Statement.Kind.CREDIT_NOTE
    with pytest.raises(StatementFrozen) as refused:
        invoice.save()
    assert refused.value.messages == [frozen]
    with pytest.raises(ValidationError, match="est émis"):
        invoice.full_clean()  # what a form would show
    invoice.refresh_from_db()
    invoice.save()  # saving it unchanged changes nothing, and is allowed
    with pytest.raises(StatementFrozen):
        invoice.delete()
    with pytest.raises(StatementFrozen):
        Statement.objects.filter(pk=invoice.pk).update(total_incl_vat=D("0"))
    line = invoice.lines.first()
    line.amount = D("0.01")
    with pytest.raises(StatementFrozen):
        line.save()
    with pytest.raises(StatementFrozen):
        StatementLine.objects.filter(statement=invoice).delete()
    with pytest.raises(StatementFrozen):
        StatementLine.objects.create(
            statement=invoice,
            order_number=1,
            delivery_date=OCTOBER,
            designation="Ajout",
            unit="kg",
            quantity=D("1"),
            unit_price=D("1.00"),
            vat_rate=D("5.50"),
            amount=D("1.00"),
        )
    invoice.refresh_from_db()
    assert invoice.total_incl_vat == D("151.01") and invoice.lines.count() == 5
    assert sum(line.amount for line in invoice.lines.all()) == invoice.total_excl_vat

"""Supply documents as files: CSV a French spreadsheet opens, PDF a printer takes."""

import csv
import io
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import override
from pypdf import PdfReader

from circuitcourt.supply.documents import PdfDocument, csv_content, csv_response, pdf_response


def test_a_csv_opens_in_a_french_spreadsheet_with_accents_and_decimal_commas():
    with override("fr"):
        price = number_format(Decimal("1234.50"), 2, force_grouping=True)
    response = csv_response(
        "liste de préparation", ["Produit", "Prix HT"], [["Chicon; 1er choix", price]]
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="liste_de_préparation.csv"'
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads UTF-8 only with the BOM
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    # The semicolon inside a value is quoted, the decimal comma stays inside its cell.
    assert rows == [["Produit", "Prix HT"], ["Chicon; 1er choix", price]]
    assert price.endswith(",50")


def test_csv_lines_end_as_spreadsheets_expect():
    assert csv_content(["a"], [["b"]]) == "\ufeffa\r\nb\r\n"


def test_a_pdf_carries_its_text_its_totals_and_a_qr_code():
    with override("fr"):
        total = number_format(Decimal("12345.6"), 2, force_grouping=True)
    doc = PdfDocument("Bon de livraison n° 42", subtitle="Créneau du mardi 24 novembre")
    doc.key_values([("Client", "Le Bistrot d'Étaples & Cie")])
    doc.table(
        ["Produit", "Lot", "Quantité"],
        [["Maroilles AOP", "MAR-2611", "3"]] * 80,  # long enough for a second page
        totals=[["Total", "", f"{total} €"]],
        numeric={2},
    )
    doc.qr_code("https://example.org/lot/abc", caption="Lot MAR-2611")
    doc.signature_area(["Livreur", "Client"])
    response = pdf_response(doc, "bon-livraison-42")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="bon-livraison-42.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 2
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Bon de livraison n° 42" in text
    assert "Le Bistrot d'Étaples & Cie" in text
    assert "Maroilles AOP" in text
    assert "12\xa0345,60 €" in text or "12 345,60 €" in text
    assert "Livreur" in text


def test_a_pdf_can_be_shown_in_the_browser():
    response = pdf_response(PdfDocument("Relevé"), "releve", inline=True)
    assert response["Content-Disposition"] == 'inline; filename="releve.pdf"'
    assert response.content.startswith(b"%PDF")

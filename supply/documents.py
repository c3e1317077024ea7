"""Documents people print or open in a spreadsheet: one CSV and one PDF plumbing for every
supply document (pick lists, loading lists, delivery notes, statements, recalls).

Each document is also a printable HTML page; these helpers give the same content as a file.
"""

import csv
import functools
import io
from xml.sax.saxutils import escape

import segno
from django.http import HttpResponse
from django.utils.text import get_valid_filename
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

CSV_DELIMITER = ";"  # what a French spreadsheet expects: the comma is the decimal separator


def csv_content(header, rows):
    """CSV text as a French spreadsheet opens it: UTF-8 with a BOM, semicolons, CRLF."""
    out = io.StringIO()
    out.write("\ufeff")  # the BOM tells Excel the file is UTF-8
    writer = csv.writer(out, delimiter=CSV_DELIMITER)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def csv_response(filename, header, rows):
    """A CSV download (see csv_content); values are written as given, so format
    numbers with a decimal comma before if the document is meant for people."""
    response = HttpResponse(csv_content(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _attachment(filename, "csv")
    return response


def _attachment(filename, extension):
    name = get_valid_filename(filename)
    if not name.endswith(f".{extension}"):
        name = f"{name}.{extension}"
    return f'attachment; filename="{name}"'


def _plain(value):
    """Text ReportLab's standard fonts can draw: they are cp1252, and French number
    formatting uses a narrow no-break space that cp1252 lacks."""
    return ("" if value is None else str(value)).replace("\u202f", "\u00a0")


def _text(value):
    """Plain text made safe for ReportLab's paragraph markup."""
    return escape(_plain(value))


_styles = getSampleStyleSheet()
STYLE = {
    "title": _styles["Title"],
    "heading": _styles["Heading2"],
    "body": _styles["BodyText"],
    "small": ParagraphStyle("small", parent=_styles["BodyText"], fontSize=8, leading=10),
    "cell": ParagraphStyle("cell", parent=_styles["BodyText"], fontSize=9, leading=11),
    "number": ParagraphStyle(
        "number", parent=_styles["BodyText"], fontSize=9, leading=11, alignment=TA_RIGHT
    ),
    "bold": ParagraphStyle("bold", parent=_styles["BodyText"], fontName="Helvetica-Bold"),
}
STYLE["cell_bold"] = ParagraphStyle("cell_bold", parent=STYLE["cell"], fontName="Helvetica-Bold")
STYLE["number_bold"] = ParagraphStyle(
    "number_bold", parent=STYLE["number"], fontName="Helvetica-Bold"
)
PLAIN_CELL_MAX = 30  # characters: longer cells are wrapped paragraphs


class PdfDocument:
    """An A4 document built from a few kinds of blocks, in order.

    >>> doc = PdfDocument("Bon de livraison", subtitle="Créneau du 24/11")
    >>> doc.key_values([("Client", "Le Bistrot")])
    >>> doc.table(["Produit", "Qté"], [["Poireaux", "3"]], numeric={1})
    >>> pdf_bytes = doc.render()
    """

    def __init__(self, title, *, subtitle="", footer=""):
        self.title = title
        self.footer = footer
        self.story = [Paragraph(_text(title), STYLE["title"])]
        if subtitle:
            self.paragraph(subtitle)

    def heading(self, text):
        self.story.append(Paragraph(_text(text), STYLE["heading"]))

    def paragraph(self, text, *, style="body"):
        self.story.append(Paragraph(_text(text), STYLE[style]))

    def spacer(self, height_mm=4):
        self.story.append(Spacer(1, height_mm * mm))

    def key_values(self, pairs):
        """Label/value lines, e.g. the identities and numbers at the top of an invoice."""
        rows = [
            [Paragraph(_text(label), STYLE["bold"]), Paragraph(_text(value), STYLE["body"])]
            for label, value in pairs
        ]
        if rows:
            table = Table(rows, colWidths=[45 * mm, None], hAlign="LEFT")
            table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
            self.story.append(table)

    def table(self, columns, rows, *, totals=(), numeric=(), widths=None):
        """A table with a repeated header row; `totals` rows come last, in bold;
        `numeric` holds the indexes of right-aligned columns; `widths` are in mm."""

        def cell(value, index, bold=False):
            text = _plain(value)
            # A short value is drawn as a plain string, many times faster than a Paragraph
            # (a slot's documents hold thousands of cells); long text needs one to wrap.
            if len(text) <= PLAIN_CELL_MAX and "\n" not in text:
                return text
            style = "number" if index in numeric else "cell"
            return Paragraph(escape(text), STYLE[f"{style}_bold" if bold else style])

        data = [[cell(c, i, bold=True) for i, c in enumerate(columns)]]
        data += [[cell(v, i) for i, v in enumerate(row)] for row in rows]
        data += [[cell(v, i, bold=True) for i, v in enumerate(row)] for row in totals]
        table = Table(
            data,
            repeatRows=1,
            colWidths=[w * mm for w in widths] if widths else None,
            hAlign="LEFT",
        )
        style = [
            ("FONT", (0, 0), (-1, -1), "Helvetica", 9),
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8efe4")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        style += [("ALIGN", (i, 0), (i, -1), "RIGHT") for i in numeric]
        if totals:
            style.append(("FONT", (0, -len(totals)), (-1, -1), "Helvetica-Bold", 9))
            style.append(("LINEABOVE", (0, -len(totals)), (-1, -len(totals)), 1, colors.black))
        table.setStyle(TableStyle(style))
        self.story.append(table)

    def qr_code(self, url, *, size_mm=25, caption=""):
        """A QR code with an optional caption, kept together on one page."""
        block = [qr_image(url, size_mm)]
        if caption:
            block.append(Paragraph(_text(caption), STYLE["small"]))
        self.story.append(KeepTogether(block))

    def signature_area(self, labels):
        """Boxes to sign in, side by side (e.g. driver and customer)."""
        table = Table(
            [[Paragraph(_text(label), STYLE["small"]) for label in labels]],
            colWidths=[170 * mm / len(labels)] * len(labels),
            rowHeights=[30 * mm],
        )
        table.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 0.5, colors.black),
                    ("INNERGRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        self.story.append(KeepTogether([Spacer(1, 6 * mm), table]))

    def page_break(self):
        self.story.append(PageBreak())

    def render(self):
        """The PDF as bytes."""
        buffer = io.BytesIO()
        footer = _plain(self.footer)

        def decorate(canvas, doc):
            canvas.saveState()
            canvas.setFont("Helvetica", 8)
            canvas.drawString(15 * mm, 10 * mm, footer)
            canvas.drawRightString(195 * mm, 10 * mm, f"{doc.page}")
            canvas.restoreState()

        SimpleDocTemplate(
            buffer,
            pagesize=A4,
            title=self.title,
            leftMargin=15 * mm,
            rightMargin=15 * mm,
            topMargin=15 * mm,
            bottomMargin=18 * mm,
        ).build(self.story, onFirstPage=decorate, onLaterPages=decorate)
        return buffer.getvalue()


@functools.lru_cache(maxsize=2048)
def _qr_png(url):
    """The QR code of a URL as a small PNG, encoded once (a lot's code is on many notes)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=4, border=4)
    return out.getvalue()


def qr_image(url, size_mm):
    """A QR code drawn as one bitmap: a vector path of every module took seconds to draw
    for a slot's delivery notes. Four pixels a module keep it sharp once scaled."""
    return Image(io.BytesIO(_qr_png(url)), width=size_mm * mm, height=size_mm * mm)


def pdf_response(document, filename, *, inline=False):
    """A PdfDocument as an HTTP response: a download, or shown by the browser if inline."""
    response = HttpResponse(document.render(), content_type="application/pdf")
    disposition = _attachment(filename, "pdf")
    response["Content-Disposition"] = (
        disposition.replace("attachment", "inline", 1) if inline else disposition
    )
    return response

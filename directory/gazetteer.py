"""Offline place lookup: a commune typed in words ("Arras", "montreuil sur mer") to a point.

The communes of Hauts-de-France come from GeoNames (CC BY 4.0, geonames.org) through the
committed directory/data/communes.csv, loaded into the Commune table by a migration.
"""

import csv
from pathlib import Path

from .text import fold

GAZETTEER_CSV = Path(__file__).resolve().parent / "data" / "communes.csv"


def read_gazetteer():
    """Rows of the committed CSV as dicts ready for Commune(**row)."""
    with GAZETTEER_CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            yield {
                "geonames_id": int(row["geonames_id"]),
                "name": row["name"],
                "slug": row["slug"],
                "latitude": float(row["latitude"]),
                "longitude": float(row["longitude"]),
                "population": int(row["population"]),
                "search_names": f"|{row['names']}|",
            }


def resolve_place(text):
    """The commune best matching `text`, or None.

    In order: the official name, an alternate name ("Montreuil-sur-Mer" for Montreuil), then
    a name that starts with the text. Ties go to the most populated commune.
    """
    from .models import Commune

    folded = fold(text)
    if not folded:
        return None
    communes = Commune.objects.order_by("-population")
    return (
        communes.filter(slug=text.strip()).first()
        or communes.filter(search_names__startswith=f"|{folded}|").first()
        or communes.filter(search_names__contains=f"|{folded}|").first()
        or communes.filter(search_names__startswith=f"|{folded}").first()
    )

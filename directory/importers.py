"""Import producers and their points of sale from a chamber's spreadsheet, saved as CSV.

The file has one row per (producer, point of sale): a producer who sells in three places has
three rows with the same `ref_producteur`, and a `ref_point_de_vente` found on two producers'
rows is a point of sale they share. Records are found again by these references (their
`import_ref`), so importing the same file twice changes nothing the second time.

Three steps, so that nothing is written unless it can be:

1. `read_table` reads the file as a whole (encoding, separator, columns) or raises
   `ImportFileError`;
2. `Validator` checks every row against the communes and the reference data and collects
   the problems, in French, with their line numbers: the chamber's staff read them;
3. `Writer` creates or updates what the valid rows describe.

`import_producers` runs the three, in one transaction, and returns an `ImportReport`.
"""

import csv
import io
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from circuitcourt.site.i18n import in_default_locale

from .gazetteer import resolve_place
from .models import (
    DirectoryIndexPage,
    PointOfSale,
    ProducerPage,
    ProducerPointOfSale,
    ProducerProduct,
    ProductCategory,
    QualitySign,
)
from .text import fold, stem

# A rough box around Hauts-de-France: coordinates outside it are typing mistakes.
BOUNDS = {"latitude": (48.8, 51.2), "longitude": (1.3, 4.4)}

# The words a chamber uses for each kind of point of sale (labels and values also work).
KIND_WORDS = {
    "ferme": PointOfSale.Kind.FARM_SHOP,
    "marche": PointOfSale.Kind.MARKET,
    "amap": PointOfSale.Kind.AMAP,
    "magasin": PointOfSale.Kind.SHOP,
    "drive": PointOfSale.Kind.DRIVE,
    "distributeur": PointOfSale.Kind.VENDING,
    "livraison": PointOfSale.Kind.DELIVERY,
}
YES = {"oui", "o", "x", "1", "vrai", "yes", "y", "true"}
NO = {"non", "n", "0", "faux", "no", "false", ""}


@dataclass(frozen=True)
class Column:
    name: str
    help: str
    required: bool = False


COLUMNS = (
    Column("ref_producteur", "stable id of the producer (kept on re-imports)", required=True),
    Column("nom_ferme", "name of the farm, the page title", required=True),
    Column("producteurs", "the producers' names"),
    Column("resume", "one sentence shown in lists (300 characters at most)"),
    Column("commune", "the farm's commune, e.g. Arras, Montreuil-sur-Mer", required=True),
    Column("telephone", "phone number"),
    Column("email", "e-mail address"),
    Column("site_web", "website"),
    Column("click_collect", "oui or non"),
    Column("lien_click_collect", "Click & Collect link"),
    Column("produits", "product categories, slugs or French names, separated by ;"),
    Column("signes", "quality signs of the farm, slugs or (short) names, separated by ;"),
    Column("fictif", "oui for invented producers (examples, demonstrations)"),
    Column(
        "ref_point_de_vente",
        "stable id of the point of sale, shared if on several producers' rows",
        required=True,
    ),
    Column(
        "type_point_de_vente",
        "ferme, marche, amap, magasin, drive, distributeur, livraison",
        required=True,
    ),
    Column("nom_point_de_vente", "name of the point of sale", required=True),
    Column("adresse", "street address"),
    Column("code_postal", "postcode (5 digits; 4 digits get their lost leading 0 back)"),
    Column("commune_point_de_vente", "commune of the point of sale (default: commune)"),
    Column("latitude", "decimal degrees (point or comma) within Hauts-de-France"),
    Column("longitude", "decimal degrees; no coordinates: the commune's centre for a new point"),
)
KNOWN_COLUMNS = {column.name for column in COLUMNS}

# The producer's page fields and the columns they come from, for messages.
PRODUCER_COLUMN = {
    "title": "nom_ferme",
    "producer_names": "producteurs",
    "summary": "resume",
    "commune_id": "commune",
    "phone": "telephone",
    "email": "email",
    "website": "site_web",
    "click_and_collect": "click_collect",
    "click_and_collect_url": "lien_click_collect",
    "is_fictional": "fictif",
    "categories": "produits",
    "signs": "signes",
}
POINT_COLUMN = {
    "kind": "type_point_de_vente",
    "name": "nom_point_de_vente",
    "address": "adresse",
    "postcode": "code_postal",
    "commune_id": "commune_point_de_vente",
    "latitude": "latitude",
    "longitude": "longitude",
}
POINT_COLUMNS = ["ref_point_de_vente", *POINT_COLUMN.values()]


class ImportFileError(Exception):
    """The file as a whole cannot be read: nothing is imported."""


@dataclass
class Problem:
    """Why a row was rejected, as the chamber's staff will read it."""

    line: int
    column: str
    message: str

    def __str__(self):
        return f"ligne {self.line} : {self.message}"


@dataclass
class Row:
    line: int
    values: dict
    overflow: bool = False  # more cells than columns


@dataclass
class Table:
    columns: set
    rows: list
    ignored: list  # headers of unknown columns


@dataclass
class ProducerData:
    ref: str
    line: int
    fields: dict  # ProducerPage fields, only for the columns the file has
    categories: list | None  # None: the file has no `produits` column, products untouched
    signs: list | None
    point_refs: list = field(default_factory=list)

    def comparable(self):
        values = dict(self.fields)
        if self.categories is not None:
            values["categories"] = {category.pk for category in self.categories}
        if self.signs is not None:
            values["signs"] = {sign.pk for sign in self.signs}
        return values


@dataclass
class PointData:
    ref: str
    line: int
    fields: dict  # PointOfSale fields, only for the columns the file has


@dataclass
class Validation:
    producers: list = field(default_factory=list)  # ProducerData to write
    points: list = field(default_factory=list)  # PointData to write
    problems: list = field(default_factory=list)
    rejected_producers: set = field(default_factory=set)  # references
    rejected_points: set = field(default_factory=set)


@dataclass
class ImportReport:
    dry_run: bool = False
    rows: int = 0
    problems: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    producers: Counter = field(default_factory=Counter)
    points_of_sale: Counter = field(default_factory=Counter)

    @property
    def rejected_rows(self):
        return len({problem.line for problem in self.problems})

    def summary(self):
        lines = [
            f"{count(self.rows, 'ligne lue', 'lignes lues')}, "
            f"{count(self.rejected_rows, 'rejetée', 'rejetées')}.",
            f"Producteurs : {outcomes(self.producers)}.",
            f"Points de vente : {outcomes(self.points_of_sale)}.",
        ]
        if self.dry_run:
            lines.append("Simulation (--dry-run) : rien n'a été enregistré.")
        return lines


def count(number, singular, plural):
    return f"{number} {singular if number < 2 else plural}"  # French: 0 and 1 are singular


def outcomes(counter):
    return ", ".join(
        [
            count(counter["created"], "créé", "créés"),
            f"{counter['updated']} mis à jour",
            count(counter["unchanged"], "inchangé", "inchangés"),
            count(counter["rejected"], "rejeté", "rejetés"),
        ]
    )


# --------------------------------------------------------------------------------------------
# 1. The file
# --------------------------------------------------------------------------------------------


def column_key(header):
    """ "Téléphone" -> "telephone", "Code postal" -> "code_postal"."""
    return fold(header).replace(" ", "_")


def read_table(data):
    """The rows of a CSV file (bytes) as {column: value}; raises ImportFileError.

    UTF-8 with or without a byte order mark; separated by `;` (Excel in French), `,` or tabs.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"Le fichier n'est pas encodé en UTF-8 (caractère illisible ligne {line}). "
            "Dans Excel, enregistrez-le au format « CSV UTF-8 »."
        ) from exc
    if not text.strip():
        raise ImportFileError("Le fichier est vide.")
    first_line = text.splitlines()[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader)
        keys = [column_key(header) for header in headers]
        check_headers(headers, keys)
        rows = []
        while True:
            line = reader.line_num + 1
            cells = next(reader, None)
            if cells is None:
                break
            if not any(cell.strip() for cell in cells):
                continue  # blank lines, or lines of separators only
            values = {
                key: cell.strip()
                for key, cell in zip(keys, cells, strict=False)  # Excel trims empty cells
                if key in KNOWN_COLUMNS
            }
            overflow = any(cell.strip() for cell in cells[len(keys) :])
            rows.append(Row(line, values, overflow))
    except csv.Error as exc:
        raise ImportFileError(f"Fichier CSV illisible ligne {reader.line_num} : {exc}.") from exc
    if not rows:
        raise ImportFileError("Le fichier ne contient aucune ligne sous les noms de colonnes.")
    ignored = [
        header
        for header, key in zip(headers, keys, strict=True)
        if key not in KNOWN_COLUMNS and header.strip()
    ]
    return Table(set(keys) & KNOWN_COLUMNS, rows, ignored)


def check_headers(headers, keys):
    doubled = sorted({key for key in keys if key in KNOWN_COLUMNS and keys.count(key) > 1})
    if doubled:
        raise ImportFileError(f"Colonne en double : {', '.join(doubled)}.")
    missing = [column.name for column in COLUMNS if column.required and column.name not in keys]
    if missing:
        raise ImportFileError(
            f"Colonnes obligatoires absentes : {', '.join(missing)} "
            f"(colonnes trouvées en ligne 1 : {' | '.join(headers)})."
        )


# --------------------------------------------------------------------------------------------
# 2. The rows
# --------------------------------------------------------------------------------------------


def match_key(text):
    """How names typed by hand are compared: no case, accents or plural marks."""
    return " ".join(stem(word) for word in fold(text).split())


class Lookup:
    """Finds a record by what someone typed: its slug, else its name(s) if no other has it."""

    def __init__(self, objects, name_attributes):
        self.entries = defaultdict(list)
        for obj in objects:
            for attribute in name_attributes:
                entries = self.entries[match_key(getattr(obj, attribute))]
                if obj not in entries:
                    entries.append(obj)
        for obj in objects:
            self.entries[match_key(obj.slug)] = [obj]  # slugs are unique: they win

    def find(self, text):
        return self.entries.get(match_key(text), [])


def kind_lookup():
    kinds = {match_key(word): kind for word, kind in KIND_WORDS.items()}
    for language in ("fr", "en"):
        with translation.override(language):
            for kind in PointOfSale.Kind:
                kinds[match_key(kind.value)] = kind
                kinds[match_key(str(kind.label))] = kind
    return kinds


def max_length(model, field_name):
    return model._meta.get_field(field_name).max_length


class RowCheck:
    """One row's cells, cleaned column by column; problems are collected, not raised."""

    def __init__(self, row):
        self.line = row.line
        self.values = row.values
        self.problems = []

    def fail(self, column, message):
        self.problems.append(Problem(self.line, column, message))

    def get(self, column):
        return self.values.get(column, "")

    def text(self, column, model, field_name, required=False, value=None):
        value = self.get(column) if value is None else value
        if required and not value:
            self.missing(column)
        limit = max_length(model, field_name)
        if limit and len(value) > limit:
            self.fail(column, f"{column} trop long ({len(value)} caractères, {limit} au plus)")
        return value

    def missing(self, column):
        self.fail(column, f"{column} : valeur manquante")

    def yes_no(self, column):
        value = fold(self.get(column))
        if value not in YES | NO:
            self.fail(column, f"{column} « {self.get(column)} » : attendu oui ou non")
        return value in YES

    def url(self, column, model, field_name):
        value = self.get(column)
        if value and not re.match(r"^[a-z][a-z0-9+.-]*://", value, re.IGNORECASE):
            value = f"https://{value}"  # "www.ferme.fr" as people type it
        value = self.text(column, model, field_name, value=value)
        if value:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                self.fail(column, f"{column} « {self.get(column)} » : adresse web invalide")
        return value

    def email(self, column):
        value = self.text(column, ProducerPage, "email")
        if value:
            try:
                validate_email(value)
            except ValidationError:
                self.fail(column, f"{column} « {value} » : adresse e-mail invalide")
        return value

    def phone(self, column):
        value = self.text(column, ProducerPage, "phone")
        if re.fullmatch(r"[1-9]\d{8}", value):
            value = f"0{value}"  # a spreadsheet stored the number as a number
        return value

    def postcode(self, column):
        value = self.get(column).replace(" ", "")
        if re.fullmatch(r"\d{4}", value):
            value = f"0{value}"  # Aisne (02...) as a number lost its leading 0
        if value and not re.fullmatch(r"\d{5}", value):
            self.fail(column, f"{column} « {self.get(column)} » : 5 chiffres attendus")
        return value

    def number(self, column):
        text = self.get(column)
        try:
            value = float(text.replace(",", ".").replace(" ", ""))
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self.fail(column, f"{column} « {text} » : nombre attendu")
            return None
        return value


class Validator:
    """Turns the table's rows into producers and points of sale, and problems."""

    def __init__(self, columns):
        self.columns = columns
        self.categories = Lookup(list(ProductCategory.objects.all()), ["name"])
        self.signs = Lookup(list(QualitySign.objects.all()), ["name", "short_name"])
        self.kinds = kind_lookup()
        self.communes = {}

    def validate(self, rows):
        """The producers and points of sale that can be imported, and the problems.

        A producer is imported whole or not at all: if one of its rows is rejected, its
        other rows are left out too, so a typo never unlinks a point of sale.
        """
        result = Validation()
        parsed = []
        rejected = {}  # producer ref -> its first rejected line
        for row in rows:
            check = RowCheck(row)
            if row.overflow:
                check.fail("", "plus de valeurs que de colonnes (un ; ou une , sans guillemets ?)")
            producer = self.producer(check)
            point = self.point(check, producer.fields.get("commune_id"))
            if check.problems:
                result.problems += check.problems
                if producer.ref:
                    rejected.setdefault(producer.ref, row.line)
                result.rejected_points.add(check.get("ref_point_de_vente"))
            else:
                parsed.append((producer, point))

        producers, points = {}, {}
        for producer, point in parsed:
            problem = self.conflict(producer, point, producers, points)
            if problem:
                result.problems.append(problem)
                rejected.setdefault(producer.ref, producer.line)
                continue
            first = producers.setdefault(producer.ref, producer)
            if point:
                points.setdefault(point.ref, point)
                if point.ref not in first.point_refs:
                    first.point_refs.append(point.ref)

        reported = {problem.line for problem in result.problems}
        for producer, point in parsed:
            if producer.ref in rejected:
                result.rejected_points.add(point.ref if point else "")
                if producer.line not in reported:
                    result.problems.append(
                        Problem(
                            producer.line,
                            "ref_producteur",
                            f"ignorée : le producteur « {producer.ref} » a une ligne rejetée "
                            f"(ligne {rejected[producer.ref]})",
                        )
                    )
        result.problems.sort(key=lambda problem: problem.line)
        result.producers = [p for ref, p in producers.items() if ref not in rejected]
        used = {ref for producer in result.producers for ref in producer.point_refs}
        result.points = [point for ref, point in points.items() if ref in used]
        result.rejected_producers = set(rejected)
        result.rejected_points -= used | {""}
        return result

    def conflict(self, producer, point, producers, points):
        """A Problem if this row describes a producer or point of sale unlike an earlier row."""
        if point and point.ref in points:
            first = points[point.ref]
            column = first_difference(first.fields, point.fields, POINT_COLUMN)
            if column:
                return Problem(
                    point.line,
                    column,
                    f"{column} du point de vente « {point.ref} » différent de la ligne "
                    f"{first.line}",
                )
        if producer.ref in producers:
            first = producers[producer.ref]
            column = first_difference(first.comparable(), producer.comparable(), PRODUCER_COLUMN)
            if column:
                return Problem(
                    producer.line,
                    column,
                    f"{column} du producteur « {producer.ref} » différent de la ligne {first.line}",
                )
        return None

    def producer(self, check):
        columns = self.columns
        ref = check.text("ref_producteur", ProducerPage, "import_ref", required=True)
        fields = {"title": check.text("nom_ferme", ProducerPage, "title", required=True)}
        commune = self.commune(check, "commune")
        fields["commune_id"] = commune.pk if commune else None
        for column, field_name in [
            ("producteurs", "producer_names"),
            ("resume", "summary"),
        ]:
            if column in columns:
                fields[field_name] = check.text(column, ProducerPage, field_name)
        if "telephone" in columns:
            fields["phone"] = check.phone("telephone")
        if "email" in columns:
            fields["email"] = check.email("email")
        if "site_web" in columns:
            fields["website"] = check.url("site_web", ProducerPage, "website")
        if "click_collect" in columns:
            fields["click_and_collect"] = check.yes_no("click_collect")
        if "lien_click_collect" in columns:
            fields["click_and_collect_url"] = check.url(
                "lien_click_collect", ProducerPage, "click_and_collect_url"
            )
        if "fictif" in columns:
            fields["is_fictional"] = check.yes_no("fictif")
        categories = self.choices(check, "produits", self.categories, "produit")
        signs = self.choices(check, "signes", self.signs, "signe")
        return ProducerData(ref, check.line, fields, categories, signs)

    def point(self, check, producer_commune_id):
        ref = check.text("ref_point_de_vente", PointOfSale, "import_ref")
        if not ref:
            if any(check.get(column) for column in POINT_COLUMNS):
                check.missing("ref_point_de_vente")
            return None  # a row for a producer without a point of sale
        fields = {
            "kind": self.kind(check),
            "name": check.text("nom_point_de_vente", PointOfSale, "name", required=True),
            "commune_id": producer_commune_id,
        }
        if "adresse" in self.columns:
            fields["address"] = check.text("adresse", PointOfSale, "address")
        if "code_postal" in self.columns:
            fields["postcode"] = check.postcode("code_postal")
        if check.get("commune_point_de_vente"):
            commune = self.commune(check, "commune_point_de_vente")
            fields["commune_id"] = commune.pk if commune else None
        fields.update(self.coordinates(check))
        return PointData(ref, check.line, fields)

    def commune(self, check, column):
        text = check.get(column)
        if not text:
            check.missing(column)
            return None
        key = fold(text)
        if key not in self.communes:
            self.communes[key] = resolve_place(text)
        commune = self.communes[key]
        if commune is None:
            check.fail(column, f"{column} « {text} » introuvable")
        elif f"|{key}|" not in commune.search_names:
            # resolve_place also accepts the start of a name; a file must name the commune.
            check.fail(column, f"{column} « {text} » introuvable ({commune.name} ?)")
            return None
        return commune

    def kind(self, check):
        text = check.get("type_point_de_vente")
        kind = self.kinds.get(match_key(text))
        if not text:
            check.missing("type_point_de_vente")
        elif kind is None:
            check.fail(
                "type_point_de_vente",
                f"type_point_de_vente « {text} » inconnu (attendu : {', '.join(KIND_WORDS)})",
            )
        return kind

    def choices(self, check, column, lookup, noun):
        """The records named in a `;`-separated cell, or None if the file has no such column."""
        if column not in self.columns:
            return None
        found = []
        for text in filter(None, (part.strip() for part in check.get(column).split(";"))):
            matches = lookup.find(text)
            if not matches:
                check.fail(column, f"{column} : {noun} « {text} » inconnu")
            elif len(matches) > 1:
                slugs = ", ".join(sorted(obj.slug for obj in matches))
                check.fail(column, f"{column} : {noun} « {text} » ambigu, précisez : {slugs}")
            elif matches[0] not in found:
                found.append(matches[0])
        return found

    def coordinates(self, check):
        latitude_text, longitude_text = check.get("latitude"), check.get("longitude")
        if not latitude_text and not longitude_text:
            return {}  # see Writer.points: kept as they are, or the commune's centre
        if not (latitude_text and longitude_text):
            check.fail("latitude", "latitude et longitude : les deux, ou aucune")
            return {}
        latitude, longitude = check.number("latitude"), check.number("longitude")
        if latitude is None or longitude is None:
            return {}
        inside = {
            "latitude": BOUNDS["latitude"][0] <= latitude <= BOUNDS["latitude"][1],
            "longitude": BOUNDS["longitude"][0] <= longitude <= BOUNDS["longitude"][1],
        }
        swapped = (
            BOUNDS["latitude"][0] <= longitude <= BOUNDS["latitude"][1]
            and BOUNDS["longitude"][0] <= latitude <= BOUNDS["longitude"][1]
        )
        if not any(inside.values()) and swapped:
            check.fail("latitude", "latitude et longitude inversées ?")
            return {}
        for column, ok in inside.items():
            if not ok:
                low, high = (f"{bound}".replace(".", ",") for bound in BOUNDS[column])
                check.fail(
                    column,
                    f"{column} « {check.get(column)} » hors des Hauts-de-France "
                    f"(entre {low} et {high})",
                )
        return {"latitude": round(latitude, 6), "longitude": round(longitude, 6)}


def first_difference(first, other, columns):
    """The column of the first field whose values differ between two rows, or None."""
    for name, column in columns.items():
        if first.get(name) != other.get(name):
            return column
    return None


# --------------------------------------------------------------------------------------------
# 3. The database
# --------------------------------------------------------------------------------------------


def unique_slug(parent, title):
    base = slugify(title)[:240] or "producteur"
    taken = set(parent.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def changed_fields(obj, fields):
    return [name for name, value in fields.items() if getattr(obj, name) != value]


class Writer:
    """Creates or updates what the valid rows describe, counting what it did.

    With dry_run it only counts. Only what the file says is written: a column the file does
    not have leaves its field alone, and producers missing from the file stay as they are.
    """

    def __init__(self, report, dry_run=False, progress=None):
        self.report = report
        self.dry_run = dry_run
        self.progress = progress or (lambda done, total: None)
        self.index = None
        self.saved = []  # for the reference index, see index_references()

    def points(self, points):
        """{ref: PointOfSale}, created or updated (not saved in a dry run)."""
        existing = PointOfSale.objects.in_bulk([p.ref for p in points], field_name="import_ref")
        result = {}
        for data in points:
            point = existing.get(data.ref)
            if point is None:
                point = PointOfSale(import_ref=data.ref, **data.fields)
                if not point.has_location:  # placed at its commune until someone moves it
                    point.latitude = point.commune.latitude
                    point.longitude = point.commune.longitude
                outcome = "created"
            else:
                changed = changed_fields(point, data.fields)
                for name in changed:
                    setattr(point, name, data.fields[name])
                if {"latitude", "longitude"} & set(changed):
                    point.location = ""  # else save() would restore the old map point
                outcome = "updated" if changed else "unchanged"
            if outcome != "unchanged" and not self.dry_run:
                point.save()
                self.saved.append(point)
            self.report.points_of_sale[outcome] += 1
            result[data.ref] = point
        return result

    def producers(self, producers, points):
        # The French pages: their English versions carry the same reference.
        pages = {
            page.import_ref: page
            for page in in_default_locale(ProducerPage.objects).filter(
                import_ref__in=[p.ref for p in producers]
            )
        }
        for done, data in enumerate(producers, 1):
            page = pages.get(data.ref)
            if page is None:
                self.create(data, points)
                outcome = "created"
            else:
                outcome = self.update(page, data, points)
            self.report.producers[outcome] += 1
            self.progress(done, len(producers))

    def create(self, data, points):
        if self.dry_run:
            return
        if self.index is None:
            self.index = DirectoryIndexPage.get_or_create()
        page = ProducerPage(
            import_ref=data.ref, slug=unique_slug(self.index, data.fields["title"]), **data.fields
        )
        page.products = [
            ProducerProduct(category=category, sort_order=order)
            for order, category in enumerate(data.categories or [])
        ]
        page.quality_signs = data.signs or []
        page.points_of_sale = [
            ProducerPointOfSale(point_of_sale=points[ref], sort_order=order)
            for order, ref in enumerate(data.point_refs)
        ]
        self.index.add_child(instance=page)
        page.save_revision().publish()
        self.saved.append(page)

    def update(self, page, data, points):
        """Apply the file's values to the page; publish it if they changed anything."""
        changed = changed_fields(page, data.fields)
        for name in changed:
            setattr(page, name, data.fields[name])
        changed += self.update_products(page, data.categories)
        changed += self.update_signs(page, data.signs)
        changed += self.update_links(page, data.point_refs, points)
        if not changed:
            return "unchanged"
        if not page.live:  # an editor's decision, which an import must not undo
            self.report.warnings.append(
                f"ligne {data.line} : producteur « {data.ref} » dépublié dans l'admin, "
                "laissé tel quel"
            )
            return "unchanged"
        if page.has_unpublished_changes:
            self.report.warnings.append(
                f"ligne {data.line} : producteur « {data.ref} » : le brouillon en cours dans "
                "l'admin est remplacé (il reste dans l'historique des révisions)"
            )
        if not self.dry_run:
            page.save_revision().publish()
            self.saved.append(page)
        return "updated"

    def index_references(self):
        """Index each saved object once (Wagtail would on every save of every child row)."""
        for obj in self.saved:
            if ReferenceIndex.is_indexed(type(obj)):
                ReferenceIndex.create_or_update_for_object(obj)

    def update_products(self, page, categories):
        if categories is None:
            return []
        current = list(page.products.all())
        wanted = [category.pk for category in categories]
        if {product.category_id for product in current} == set(wanted):
            return []
        # Products still sold keep their notes and signs, which editors may have written.
        kept = [product for product in current if product.category_id in wanted]
        known = {product.category_id for product in kept}
        added = [ProducerProduct(category=c) for c in categories if c.pk not in known]
        page.products = kept + added
        for order, product in enumerate(page.products.all()):
            product.sort_order = order
        return ["products"]

    def update_signs(self, page, signs):
        if signs is None or {s.pk for s in page.quality_signs.all()} == {s.pk for s in signs}:
            return []
        page.quality_signs = signs
        return ["quality_signs"]

    def update_links(self, page, refs, points):
        """Link the file's points of sale; unlink imported ones it no longer lists.

        Points of sale without an import_ref were linked by an editor: they stay.
        """
        current = list(page.points_of_sale.select_related("point_of_sale"))
        current_refs = {link.point_of_sale.import_ref for link in current}
        kept = [
            link
            for link in current
            if link.point_of_sale.import_ref is None or link.point_of_sale.import_ref in refs
        ]
        added = [
            ProducerPointOfSale(point_of_sale=points[r]) for r in refs if r not in current_refs
        ]
        if len(kept) == len(current) and not added:
            return []
        page.points_of_sale = kept + added
        for order, link in enumerate(page.points_of_sale.all()):
            link.sort_order = order
        return ["points_of_sale"]


def import_producers(data, dry_run=False, progress=None):
    """Import a CSV file's producers and points of sale (bytes); returns an ImportReport.

    Raises ImportFileError, before writing anything, if the file cannot be read as a whole.
    Everything is written in one transaction; a dry run validates and counts only.
    `progress(done, total)` is called after each producer.
    """
    table = read_table(data)
    report = ImportReport(dry_run=dry_run, rows=len(table.rows))
    report.warnings += [f"colonne « {header} » inconnue, ignorée" for header in table.ignored]
    valid = Validator(table.columns).validate(table.rows)
    report.problems = valid.problems
    report.producers["rejected"] = len(valid.rejected_producers)
    report.points_of_sale["rejected"] = len(valid.rejected_points)
    writer = Writer(report, dry_run=dry_run, progress=progress)
    with transaction.atomic(), disable_reference_index_auto_update():
        writer.producers(valid.producers, writer.points(valid.points))
        writer.index_references()
    return report

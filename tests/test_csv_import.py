"""The chamber imports its producers' spreadsheet (CSV) and reads what was done and why not."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page, ReferenceIndex, Revision

from circuitcourt.directory import importers
from circuitcourt.directory.management.commands import import_producers
from circuitcourt.directory.models import (
    DirectoryIndexPage,
    PointOfSale,
    ProducerPage,
    ProducerPointOfSale,
    ProducerProduct,
)

from .factories import PointOfSaleFactory, ProductCategoryFactory, QualitySignFactory, commune

pytestmark = pytest.mark.django_db

SAMPLE = Path(importers.__file__).parent / "data" / "sample_producers.csv"

# A short file: only the required columns, the products and the coordinates.
HEADER = (
    "ref_producteur,nom_ferme,commune,produits,"
    "ref_point_de_vente,type_point_de_vente,nom_point_de_vente,latitude,longitude\n"
)


@pytest.fixture
def reference_data():
    """The categories and signs the sample file names (by slug or French name)."""
    for slug, name in [
        ("pommes", "Pommes"),
        ("poires", "Poires"),
        ("jus-de-pommes", "Jus de pommes"),
        ("cidres", "Cidres"),
        ("fromages-de-chevre", "Fromages de chèvre"),
        ("choux", "Choux"),
        ("endives", "Endives / chicons"),
        ("poireaux", "Poireaux"),
        ("pommes-de-terre", "Pommes de terre"),
        ("volailles", "Volailles"),
        ("oeufs", "Œufs"),
        ("maroilles", "Maroilles"),
        ("beurre", "Beurre"),
        ("creme", "Crème"),
        ("miel", "Miel"),
    ]:
        ProductCategoryFactory(slug=slug, name=name)
    for slug, name, short_name in [
        ("ab", "Agriculture Biologique", "AB"),
        ("hve", "Haute Valeur Environnementale", "HVE"),
        ("volailles-de-licques-label-rouge", "Volailles de Licques Label Rouge", "Label Rouge"),
        ("maroilles-aop", "Maroilles AOP", "AOP"),
        ("ail-fume-d-arleux-igp", "Ail fumé d'Arleux IGP", "IGP"),
        ("lingot-du-nord-igp", "Lingot du Nord IGP", "IGP"),
    ]:
        QualitySignFactory(slug=slug, name=name, short_name=short_name)


def run_import(tmp_path, content, *args, verbosity=1, rejects=False):
    """Run the command on a file with this content (str or bytes); returns (stdout, stderr).

    With `rejects`, the file has rejected rows: the command must end with exit status 1."""
    path = tmp_path / "producteurs.csv"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    out, err = io.StringIO(), io.StringIO()
    command = ("import_producers", str(path), *args)
    if rejects:
        with pytest.raises(CommandError, match="rejetée") as failure:
            call_command(*command, stdout=out, stderr=err, verbosity=verbosity)
        assert failure.value.returncode == 1
    else:
        call_command(*command, stdout=out, stderr=err, verbosity=verbosity)
    return out.getvalue(), err.getvalue()


def sample(replace=None):
    text = SAMPLE.read_text(encoding="utf-8")
    for old, new in (replace or {}).items():
        assert old in text
        text = text.replace(old, new)
    return text


def database_state():
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "points of sale": PointOfSale.objects.count(),
        "links": ProducerPointOfSale.objects.count(),
        "products": ProducerProduct.objects.count(),
    }


def test_the_sample_file_publishes_every_producer_with_its_points_of_sale(
    reference_data, tmp_path, client
):
    out, _ = run_import(tmp_path, sample())

    assert "11 lignes lues, 0 rejetée." in out
    assert "Producteurs : 7 créés, 0 mis à jour, 0 inchangé, 0 rejeté." in out
    assert "Points de vente : 9 créés, 0 mis à jour, 0 inchangé, 0 rejeté." in out

    index = DirectoryIndexPage.objects.get(locale__language_code="fr")
    assert (index.title, index.slug, index.live) == ("Producteurs", "producteurs", True)
    producers = ProducerPage.objects.child_of(index)
    assert producers.count() == 7
    assert all(page.live and page.is_fictional for page in producers)

    canche = ProducerPage.objects.get(locale__language_code="fr", import_ref="FERME-001")
    assert canche.title == "Ferme du Val de Canche"
    assert canche.slug == "ferme-du-val-de-canche"
    assert canche.producer_names == "Hélène et Marc Lefebvre"
    assert canche.commune == commune("Montreuil")  # "Montreuil-sur-Mer" in the file
    assert canche.email == "contact@val-de-canche.example"
    assert not canche.click_and_collect
    assert [p.category.slug for p in canche.products.all()] == [
        "pommes",
        "poires",
        "jus-de-pommes",
        "cidres",
    ]
    assert [sign.slug for sign in canche.quality_signs.all()] == ["ab"]
    assert Revision.objects.for_instance(canche).count() == 1

    page = client.get(canche.url).content.decode()
    assert "Ferme du Val de Canche" in page
    assert "Marché de Montreuil-sur-Mer (samedi matin)" in page

    # French product names work as well as slugs.
    abbaye = ProducerPage.objects.get(locale__language_code="fr", import_ref="FERME-005")
    assert {p.category.slug for p in abbaye.products.all()} == {"maroilles", "beurre", "creme"}
    jardins = ProducerPage.objects.get(locale__language_code="fr", import_ref="FERME-003")
    assert jardins.click_and_collect
    assert jardins.click_and_collect_url == "https://www.jardins-de-l-aa.example/commander"

    market = PointOfSale.objects.get(import_ref="MARCHE-MONTREUIL")
    assert market.kind == PointOfSale.Kind.MARKET
    assert (market.latitude, market.longitude) == (50.4641, 1.7636)
    assert market.commune == commune("Montreuil")
    assert market.postcode == "62170"
    sellers = ProducerPage.objects.filter(points_of_sale__point_of_sale=market)
    assert {p.import_ref for p in sellers} == {"FERME-001", "FERME-002"}
    # The admin's "Usage" of the market lists both producers.
    usage = ReferenceIndex.get_references_to(market).group_by_source_object()
    assert {page.title for page, _ in usage} == {
        "Ferme du Val de Canche",
        "Chèvrerie du Bois Julien",
    }

    # Every kind of point of sale; the delivery round, given no coordinates, sits on Rue.
    assert set(PointOfSale.objects.values_list("kind", flat=True)) == set(PointOfSale.Kind)
    delivery = PointOfSale.objects.get(import_ref="LIVRAISON-MIELLERIE")
    rue = commune("Rue")
    assert (delivery.latitude, delivery.longitude) == (rue.latitude, rue.longitude)


def test_rejected_rows_are_listed_with_their_line_and_reason_and_the_good_rows_still_land(
    reference_data, tmp_path
):
    out, _ = run_import(
        tmp_path,
        HEADER
        + "P1,Ferme du Moulin,Arras,pommes,F1,ferme,Ferme du Moulin,50.29,2.78\n"
        + "P2,Ferme Inconnue,Xyz,pommes,F2,ferme,Ferme Inconnue,50.29,2.78\n"
        + "P3,Ferme des Kiwis,Arras,pommes;kiwis,F3,ferme,Ferme des Kiwis,50.29,2.78\n"
        + "P4,Ferme du Large,Berck,poires,F4,ferme,Ferme du Large,52.4,1.6\n"
        + "P5,Ferme Boutique,Lille,poires,F5,boutique,Boutique,50.63,3.06\n"
        + "P6,Ferme des Saules,Amiens,poires,F6,marché,Marché d'Amiens,49.89,2.3\n",
        rejects=True,
    )

    assert "ligne 3 : commune « Xyz » introuvable" in out
    assert "ligne 4 : produits : produit « kiwis » inconnu" in out
    assert "ligne 5 : latitude « 52.4 » hors des Hauts-de-France (entre 48,8 et 51,2)" in out
    assert "ligne 6 : type_point_de_vente « boutique » inconnu" in out
    assert "ligne 2 :" not in out and "ligne 7 :" not in out
    assert "6 lignes lues, 4 rejetées." in out
    assert "Producteurs : 2 créés, 0 mis à jour, 0 inchangé, 4 rejetés." in out
    assert "Points de vente : 2 créés, 0 mis à jour, 0 inchangé, 4 rejetés." in out

    assert set(ProducerPage.objects.values_list("import_ref", flat=True)) == {"P1", "P6"}
    assert set(PointOfSale.objects.values_list("import_ref", flat=True)) == {"F1", "F6"}


def test_every_mistake_of_a_row_is_reported_at_once(reference_data, tmp_path):
    out, _ = run_import(
        tmp_path,
        "ref_producteur,nom_ferme,commune,email,click_collect,signes,"
        "ref_point_de_vente,type_point_de_vente,nom_point_de_vente,code_postal,latitude,longitude\n"
        "P1,,Saint,jean@,peut-être,IGP,F1,ferme,Ferme,620,2.78,50.29\n",
        rejects=True,
    )

    assert out.splitlines()[:7] == [
        "ligne 2 : nom_ferme : valeur manquante",
        "ligne 2 : commune « Saint » introuvable (Saint-Quentin ?)",
        "ligne 2 : email « jean@ » : adresse e-mail invalide",
        "ligne 2 : click_collect « peut-être » : attendu oui ou non",
        "ligne 2 : signes : signe « IGP » ambigu, précisez : "
        "ail-fume-d-arleux-igp, lingot-du-nord-igp",
        "ligne 2 : code_postal « 620 » : 5 chiffres attendus",
        "ligne 2 : latitude et longitude inversées ?",
    ]
    assert not ProducerPage.objects.exists()


def test_a_producer_with_one_rejected_row_keeps_all_its_points_of_sale(reference_data, tmp_path):
    good = (
        HEADER
        + "P1,Ferme du Moulin,Arras,pommes,F1,ferme,Ferme du Moulin,50.29,2.78\n"
        + "P1,Ferme du Moulin,Arras,pommes,M1,marche,Marché d'Arras,50.291,2.7775\n"
    )
    run_import(tmp_path, good)
    typo = good.replace("50.291,2.7775", "50.291,27.775")

    out, _ = run_import(tmp_path, typo, rejects=True)

    assert "ligne 2 : ignorée : le producteur « P1 » a une ligne rejetée (ligne 3)" in out
    assert "ligne 3 : longitude « 27.775 » hors des Hauts-de-France (entre 1,3 et 4,4)" in out
    assert "Producteurs : 0 créé, 0 mis à jour, 0 inchangé, 1 rejeté." in out
    page = ProducerPage.objects.get(locale__language_code="fr", import_ref="P1")
    assert {link.point_of_sale.import_ref for link in page.points_of_sale.all()} == {"F1", "M1"}


def test_a_shared_point_of_sale_described_differently_is_rejected(reference_data, tmp_path):
    out, _ = run_import(
        tmp_path,
        HEADER
        + "P1,Ferme du Moulin,Arras,pommes,M1,marche,Marché d'Arras,50.291,2.7775\n"
        + "P2,Ferme des Saules,Dainville,poires,M1,marche,Marché de Dainville,50.291,2.7775\n",
        rejects=True,
    )

    assert "ligne 3 : nom_point_de_vente du point de vente « M1 » différent de la ligne 2" in out
    assert PointOfSale.objects.get(import_ref="M1").name == "Marché d'Arras"
    assert not ProducerPage.objects.filter(import_ref="P2").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            sample().encode("cp1252"),
            "Le fichier n'est pas encodé en UTF-8 (caractère illisible ligne 2)",
            id="windows-1252",
        ),
        pytest.param(
            sample().replace("commune,telephone", "ville,telephone"),
            "Colonnes obligatoires absentes : commune",
            id="missing column",
        ),
        pytest.param(b"", "Le fichier est vide.", id="empty"),
        pytest.param("\ufeff\r\n".encode(), "Le fichier est vide.", id="a BOM and a blank line"),
        pytest.param(
            HEADER,
            "Le fichier ne contient aucune ligne sous les noms de colonnes.",
            id="header only",
        ),
    ],
)
def test_a_file_that_cannot_be_read_writes_nothing(reference_data, tmp_path, content, message):
    before = database_state()

    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run_import(tmp_path, content)

    assert database_state() == before
    assert not DirectoryIndexPage.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Impossible de lire"):
        call_command("import_producers", str(tmp_path / "absent.csv"))


def test_importing_the_same_file_again_changes_nothing(reference_data, tmp_path):
    run_import(tmp_path, sample())
    before = database_state()

    out, _ = run_import(tmp_path, sample())

    assert "Producteurs : 0 créé, 0 mis à jour, 7 inchangés, 0 rejeté." in out
    assert "Points de vente : 0 créé, 0 mis à jour, 9 inchangés, 0 rejeté." in out
    assert database_state() == before


def test_a_changed_phone_number_updates_the_page_and_publishes_a_new_revision(
    reference_data, tmp_path, client
):
    run_import(tmp_path, sample())
    page = ProducerPage.objects.get(locale__language_code="fr", import_ref="FERME-004")
    before = database_state()

    out, _ = run_import(tmp_path, sample({"03 53 73 00 04": "03 53 73 99 04"}))

    assert "Producteurs : 0 créé, 1 mis à jour, 6 inchangés, 0 rejeté." in out
    updated = ProducerPage.objects.get(locale__language_code="fr", import_ref="FERME-004")
    assert updated.pk == page.pk and updated.live and not updated.has_unpublished_changes
    assert updated.phone == "03 53 73 99 04"
    assert Revision.objects.for_instance(updated).count() == 2
    assert database_state() == {**before, "revisions": before["revisions"] + 1}
    assert "03 53 73 99 04" in client.get(updated.url).content.decode()


def test_changed_products_signs_and_points_of_sale_follow_the_file(reference_data, tmp_path):
    run_import(tmp_path, sample())
    abbaye = ProducerPage.objects.get(locale__language_code="fr", import_ref="FERME-005")
    # An editor adds notes to a product and the weekly market to the farm's points of sale.
    butter = abbaye.products.get(category__slug="beurre")
    butter.notes = "Beurre cru demi-sel"
    butter.save()
    market = PointOfSaleFactory(name="Marché de Landrecies", commune=commune("Landrecies"))
    ProducerPointOfSale.objects.create(producer=abbaye, point_of_sale=market)

    out, _ = run_import(
        tmp_path,
        sample({"maroilles;beurre;Crème,maroilles-aop": "beurre;oeufs,AB"}).replace(
            "DISTRIB-BOIS-ABBAYE", "DISTRIB-ABBAYE-2"
        ),
    )

    assert "Producteurs : 0 créé, 1 mis à jour, 6 inchangés, 0 rejeté." in out
    assert "Points de vente : 1 créé, 0 mis à jour, 8 inchangés, 0 rejeté." in out
    abbaye = ProducerPage.objects.get(locale__language_code="fr", import_ref="FERME-005")
    products = {p.category.slug: p.notes for p in abbaye.products.all()}
    assert products == {"beurre": "Beurre cru demi-sel", "oeufs": ""}
    assert [sign.slug for sign in abbaye.quality_signs.all()] == ["ab"]
    links = {link.point_of_sale.name for link in abbaye.points_of_sale.all()}
    assert links == {"Marché de Landrecies", "Distributeur de la ferme du Bois de l'Abbaye"}
    # The old vending machine is unlinked, not deleted: an editor decides about it.
    assert PointOfSale.objects.filter(import_ref="DISTRIB-BOIS-ABBAYE").exists()


def test_a_moved_point_of_sale_moves_on_the_map(reference_data, tmp_path):
    run_import(tmp_path, sample())

    out, _ = run_import(tmp_path, sample({"50.2910,2.7775": "50.2921,2.7779"}))

    assert "Points de vente : 0 créé, 1 mis à jour, 8 inchangés, 0 rejeté." in out
    market = PointOfSale.objects.get(import_ref="MARCHE-ARRAS")
    assert (market.latitude, market.longitude) == (50.2921, 2.7779)
    assert market.location == "SRID=4326;POINT(2.7779 50.2921)"


def test_a_producer_unpublished_by_an_editor_stays_unpublished(reference_data, tmp_path):
    run_import(tmp_path, sample())
    ProducerPage.objects.get(locale__language_code="fr", import_ref="FERME-007").unpublish()

    out, _ = run_import(tmp_path, sample({"03 53 73 00 07": "03 53 73 99 07"}))

    assert "producteur « FERME-007 » dépublié dans l'admin, laissé tel quel" in out
    page = ProducerPage.objects.get(locale__language_code="fr", import_ref="FERME-007")
    assert not page.live and page.phone == "03 53 73 00 07"


def test_an_excel_export_with_semicolons_and_a_byte_order_mark_imports(reference_data, tmp_path):
    # What Excel writes as "CSV UTF-8" in French: BOM, ";", CRLF, decimal commas, headers
    # as people type them, numbers that lost their leading zero.
    content = (
        "\ufeffRéf. producteur;Nom ferme;Commune;Produits;Téléphone;Click & Collect;"
        "Réf point de vente;Type point de vente;Nom point de vente;Code postal;"
        "Latitude;Longitude;Notes internes\r\n"
        'P1;La Ferme de la Souche;Laon;"Pommes;Poires";321000000;Oui;'
        "F1;Vente à la ferme;Ferme de la Souche;2000;49,5631;3,6271;à rappeler\r\n"
    )

    out, _ = run_import(tmp_path, content.encode("utf-8"))

    assert "colonne « Notes internes » inconnue, ignorée" in out
    assert "Producteurs : 1 créé, 0 mis à jour, 0 inchangé, 0 rejeté." in out
    page = ProducerPage.objects.get(locale__language_code="fr", import_ref="P1")
    assert page.title == "La Ferme de la Souche"
    assert page.commune == commune("Laon")
    assert page.phone == "0321000000"
    assert page.click_and_collect
    assert {p.category.slug for p in page.products.all()} == {"pommes", "poires"}
    point = PointOfSale.objects.get(import_ref="F1")
    assert point.kind == PointOfSale.Kind.FARM_SHOP
    assert (point.postcode, point.latitude, point.longitude) == ("02000", 49.5631, 3.6271)


def test_the_sample_file_with_a_byte_order_mark_imports_the_same(reference_data, tmp_path):
    out, _ = run_import(tmp_path, "\ufeff" + sample())

    assert "Producteurs : 7 créés, 0 mis à jour, 0 inchangé, 0 rejeté." in out


def test_a_dry_run_reports_what_would_change_and_writes_nothing(reference_data, tmp_path):
    out, _ = run_import(tmp_path, sample(), "--dry-run")

    assert "Producteurs : 7 créés, 0 mis à jour, 0 inchangé, 0 rejeté." in out
    assert "Simulation (--dry-run) : rien n'a été enregistré." in out
    assert not ProducerPage.objects.exists()
    assert not PointOfSale.objects.exists()
    assert not DirectoryIndexPage.objects.exists()

    run_import(tmp_path, sample())
    before = database_state()
    out, _ = run_import(tmp_path, sample({"03 53 73 00 04": "03 53 73 99 04"}), "--dry-run")
    assert "Producteurs : 0 créé, 1 mis à jour, 6 inchangés, 0 rejeté." in out
    assert (
        ProducerPage.objects.get(locale__language_code="fr", import_ref="FERME-004").phone
        == "03 53 73 00 04"
    )
    assert database_state() == before


def test_a_crash_half_way_leaves_nothing_half_written(reference_data, tmp_path, monkeypatch):
    save_revision = ProducerPage.save_revision
    saved = []

    def failing_on_the_third_producer(page, *args, **kwargs):
        saved.append(page)
        if len(saved) == 3:
            raise RuntimeError("disque plein")
        return save_revision(page, *args, **kwargs)

    monkeypatch.setattr(ProducerPage, "save_revision", failing_on_the_third_producer)
    before = database_state()

    with pytest.raises(RuntimeError, match="disque plein"):
        run_import(tmp_path, sample())

    assert database_state() == before
    assert not DirectoryIndexPage.objects.exists()


def test_progress_goes_to_stderr_and_v0_keeps_quiet(reference_data, tmp_path, monkeypatch):
    monkeypatch.setattr(import_producers, "PROGRESS_FROM", 1)

    out, err = run_import(tmp_path, sample())
    assert "7/7 producteurs" in err
    assert "producteurs" not in out.lower().replace("producteurs :", "")

    _, err = run_import(tmp_path, sample(), verbosity=0)
    assert err == ""


def test_the_help_lists_every_column():
    parser = import_producers.Command().create_parser("manage.py", "import_producers")
    text = parser.format_help()

    for column in importers.COLUMNS:
        assert f"  {column.name} " in text
    assert "--dry-run" in text

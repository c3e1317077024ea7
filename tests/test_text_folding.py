"""What visitors type and what is stored for search meet whatever the accents and plurals."""

from circuitcourt.directory.text import fold, normalize, query_terms


def test_fold_removes_accents_case_ligatures_and_punctuation():
    assert fold("Montreuil-sur-Mer") == "montreuil sur mer"
    assert fold("Œufs de la Ferme") == "oeufs de la ferme"
    assert fold("BIÈRE d'Artois") == "biere d artois"


def test_plurals_meet_singulars():
    assert normalize("Pommes et poires") == "pomme et poire"
    assert query_terms("choux") == ["chou"]
    assert query_terms("Œufs") == ["oeuf"]

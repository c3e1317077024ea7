"""The seasonal grid's logic, and the services other apps (the supply catalogue) rely on."""

import pytest

from circuitcourt.calendar import grid, services
from circuitcourt.directory.models import ProductCategory

from .factories import ProductCategoryFactory
from .factories_calendar import months, season

NOV, DEC, JAN, FEB, MAR = 11, 12, 1, 2, 3


# The grid itself (no database)


def test_a_season_from_november_to_february_wraps_across_the_new_year():
    mask = grid.span(NOV, FEB)
    assert grid.months_of(mask) == [1, 2, 11, 12]
    assert grid.level(mask, 0, JAN) == grid.AVAILABLE
    assert grid.level(mask, 0, MAR) is None
    assert grid.runs(mask) == [(11, 2)]


def test_peak_months_win_over_available_months():
    season, peak = grid.span(10, 4), grid.span(11, 3)
    assert grid.level(season, peak, 10) == grid.AVAILABLE
    assert grid.level(season, peak, 12) == grid.PEAK
    assert grid.level(season, peak, 5) is None
    assert grid.levels(season, peak) == (
        ["peak"] * 3 + ["available"] + [None] * 5 + ["available"] + ["peak"] * 2
    )


def test_levels_and_masks_round_trip():
    levels = [None, "available", "peak", "peak"] + [None] * 7 + ["available"]
    season, peak = grid.masks_from_levels(levels)
    assert grid.levels(season, peak) == levels
    assert peak & ~season == 0  # a peak month is an available month


def test_periods_are_described_in_french_month_names():
    assert grid.describe(grid.span(NOV, FEB)) == "novembre – février"
    assert grid.describe(grid.span(3, 3) | grid.span(6, 8)) == "mars ; juin – août"
    assert grid.describe(grid.ALL_YEAR) == "toute l'année"
    assert grid.describe(0) == ""


@pytest.mark.parametrize("month", [0, 13, -1, "11", 1.0, True, None])
def test_a_month_is_a_number_from_1_to_12(month):
    with pytest.raises(ValueError):
        grid.month_bit(month)


# The services, on the database


@pytest.fixture
def taxonomy(db):
    """Légumes (no season of its own) > Endives (Oct–Apr, peak Nov–Mar), Poireaux (none);
    Fromages (all year) > Maroilles (inherits), Chèvre (Mar–Nov, its own);
    Poissons (Jul–Dec) > Moules > Moules de bouchot (inherits from its grandparent);
    Laine (none at all)."""
    legumes = ProductCategoryFactory(name="Légumes", slug="legumes")
    fromages = ProductCategoryFactory(name="Fromages", slug="fromages")
    poissons = ProductCategoryFactory(name="Poissons", slug="poissons")
    moules = ProductCategoryFactory(name="Moules", slug="moules", parent=poissons)
    categories = {
        "legumes": legumes,
        "endives": ProductCategoryFactory(name="Endives", slug="endives", parent=legumes),
        "poireaux": ProductCategoryFactory(name="Poireaux", slug="poireaux", parent=legumes),
        "fromages": fromages,
        "maroilles": ProductCategoryFactory(name="Maroilles", slug="maroilles", parent=fromages),
        "chevre": ProductCategoryFactory(name="Chèvre", slug="chevre", parent=fromages),
        "poissons": poissons,
        "moules": moules,
        "bouchot": ProductCategoryFactory(name="Moules de bouchot", slug="bouchot", parent=moules),
        "laine": ProductCategoryFactory(name="Laine", slug="laine"),
    }
    season(categories["endives"], available=[(10, 4)], peak=[(11, 3)])
    season(fromages, available=[(1, 12)])
    season(categories["chevre"], available=[(3, 11)], peak=[(5, 9)])
    season(poissons, available=[(7, 12)])
    return categories


def test_endive_is_at_its_peak_in_january_and_out_of_season_in_june(taxonomy):
    endives = taxonomy["endives"]
    assert services.season_level(endives, JAN) == "peak"
    assert services.season_level(endives, 10) == "available"
    assert services.season_level(endives, 6) is None
    assert services.is_in_season(endives, JAN)
    assert services.is_in_season(endives.pk, 4)  # an id is accepted too
    assert not services.is_in_season(endives, 6)


def test_a_sub_category_without_a_row_takes_its_nearest_ancestors_season(taxonomy):
    assert services.season_level(taxonomy["maroilles"], 6) == "available"  # from Fromages
    assert services.season_level(taxonomy["chevre"], JAN) is None  # its own row wins
    assert services.season_level(taxonomy["chevre"], 6) == "peak"
    assert services.is_in_season(taxonomy["bouchot"], 8)  # from its grandparent
    assert not services.is_in_season(taxonomy["bouchot"], 3)


def test_categories_with_no_row_anywhere_up_the_tree_are_never_in_season(taxonomy):
    for month in grid.MONTH_NUMBERS:
        assert services.season_level(taxonomy["poireaux"], month) is None
        assert services.season_level(taxonomy["laine"], month) is None
        assert not services.is_in_season(taxonomy["legumes"], month)


def test_an_empty_row_stops_the_inheritance(taxonomy):
    season(taxonomy["maroilles"])  # "not a seasonal product here"
    assert not services.is_in_season(taxonomy["maroilles"], 6)
    assert services.is_in_season(taxonomy["fromages"], 6)


def test_the_in_season_ids_agree_with_is_in_season_for_every_category_and_month(
    taxonomy, django_assert_num_queries
):
    categories = list(ProductCategory.objects.all())
    for month in grid.MONTH_NUMBERS:
        with django_assert_num_queries(1):
            ids = services.in_season_category_ids(month)
        expected = {c.pk for c in categories if services.is_in_season(c, month)}
        assert ids == expected, month
    assert taxonomy["endives"].pk in services.in_season_category_ids(JAN)
    assert taxonomy["endives"].pk not in services.in_season_category_ids(6)


def test_in_season_q_filters_related_rows_through_a_prefix(taxonomy):
    # Any model pointing at a category (here: a category's children through `parent`) can
    # filter with the prefix of the path to the category.
    fresh_in_january = ProductCategory.objects.filter(services.in_season_q(JAN, prefix="parent__"))
    assert set(fresh_in_january.values_list("slug", flat=True)) == {"maroilles", "chevre"}
    at_peak = ProductCategory.objects.filter(services.peak_q(DEC))
    assert set(at_peak.values_list("slug", flat=True)) == {"endives"}


def test_season_levels_answers_many_categories_in_one_query(taxonomy, django_assert_num_queries):
    wanted = [taxonomy[slug].pk for slug in ("endives", "maroilles", "laine", "bouchot")]
    with django_assert_num_queries(1):
        levels = services.season_levels(DEC, wanted)
    assert levels == {
        taxonomy["endives"].pk: "peak",
        taxonomy["maroilles"].pk: "available",
        taxonomy["laine"].pk: None,
        taxonomy["bouchot"].pk: "available",
    }


def test_a_bad_month_is_refused_before_any_query(taxonomy, django_assert_num_queries):
    with django_assert_num_queries(0):
        for call in (
            lambda: services.is_in_season(taxonomy["endives"], 13),
            lambda: services.in_season_category_ids(0),
            lambda: services.in_season_q("janvier"),
        ):
            with pytest.raises(ValueError):
                call()


def test_the_database_keeps_peak_months_inside_the_season(taxonomy):
    from django.db import IntegrityError, transaction

    from circuitcourt.calendar.models import Seasonality

    row = Seasonality.objects.get(category=taxonomy["endives"])
    row.season_months, row.peak_months = months((6, 6)), months((1, 1))
    row.save()  # save() adds the peak months to the season
    row.refresh_from_db()
    assert row.season_months == months((6, 6)) | months((1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Seasonality.objects.filter(pk=row.pk).update(season_months=months((6, 6)))

"""A visitor wants to know whether a farm shop or a market is open, now or on a given day."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from circuitcourt.directory.models import Closure, OpeningHours, PointOfSale
from circuitcourt.directory.opening_hours import (
    describe,
    format_time,
    open_at_q,
    open_on_q,
    slots_on,
    status_at,
    weekly_schedule,
)

from .factories import PointOfSaleFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def paris(year, month, day, hour=12, minute=0):
    """A Paris wall-clock instant, built by zoneinfo (the right offset for that date)."""
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def utc(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def add_hours(point, weekdays, opens, closes, season=(None, None)):
    for weekday in weekdays:
        OpeningHours.objects.create(
            point_of_sale=point,
            weekday=weekday,
            opens=opens,
            closes=closes,
            season_start=season[0],
            season_end=season[1],
        )
    return point


def close(point, start, end, reason=""):
    Closure.objects.create(point_of_sale=point, start_date=start, end_date=end, reason=reason)


def fresh(point):
    """The point of sale as a page loads it: hours and closures prefetched."""
    return PointOfSale.objects.prefetch_related("opening_hours", "closures").get(pk=point.pk)


@pytest.fixture
def farm_shop():
    """Open Tuesday to Saturday, 9:00 to 19:00."""
    shop = PointOfSaleFactory(name="Ferme du Bois")
    return add_hours(shop, [TUE, WED, THU, FRI, SAT], time(9), time(19))


@pytest.fixture
def lunch_break_shop():
    """Open Wednesday 9:00-12:30 and 14:00-18:00 (entered afternoon first)."""
    shop = PointOfSaleFactory(name="Fromagerie du Marais")
    add_hours(shop, [WED], time(14), time(18))
    return add_hours(shop, [WED], time(9), time(12, 30))


@pytest.fixture
def winter_shop():
    """Endives sold on Saturdays from November to February, a season across the new year."""
    shop = PointOfSaleFactory(name="Chicons de Flandre")
    return add_hours(shop, [SAT], time(9), time(12), season=(11, 2))


@pytest.fixture
def sunday_market():
    """A market every Sunday morning, 8:00 to 13:00."""
    market = PointOfSaleFactory(name="Marché du dimanche", kind=PointOfSale.Kind.MARKET)
    return add_hours(market, [SUN], time(8), time(13))


# Slots of a day


def test_a_farm_shop_has_its_weekday_hours_and_none_on_its_day_off(farm_shop):
    assert slots_on(farm_shop, date(2026, 9, 15)) == [(time(9), time(19))]  # a Tuesday
    assert slots_on(farm_shop, date(2026, 9, 14)) == []  # a Monday


def test_a_lunch_break_gives_two_slots_in_order(lunch_break_shop):
    assert slots_on(lunch_break_shop, date(2026, 9, 16)) == [
        (time(9), time(12, 30)),
        (time(14), time(18)),
    ]


def test_a_winter_season_spans_the_new_year(winter_shop):
    assert slots_on(winter_shop, date(2026, 1, 10)) == [(time(9), time(12))]  # January
    assert slots_on(winter_shop, date(2026, 11, 7)) == [(time(9), time(12))]  # first month
    assert slots_on(winter_shop, date(2026, 2, 28)) == [(time(9), time(12))]  # last month
    assert slots_on(winter_shop, date(2026, 6, 13)) == []  # June
    assert slots_on(winter_shop, date(2026, 3, 7)) == []
    assert slots_on(winter_shop, date(2026, 10, 31)) == []


def test_a_summer_season_does_not_wrap():
    stall = add_hours(PointOfSaleFactory(), [SAT], time(9), time(12), season=(5, 9))
    assert slots_on(stall, date(2026, 6, 13)) == [(time(9), time(12))]
    assert slots_on(stall, date(2026, 1, 10)) == []


def test_a_closure_closes_the_shop_on_every_day_it_covers(farm_shop):
    close(farm_shop, date(2026, 8, 10), date(2026, 8, 23), "congés d'été")
    assert slots_on(farm_shop, date(2026, 8, 11)) == []
    assert slots_on(farm_shop, date(2026, 8, 22)) == []  # the last day is included
    assert slots_on(farm_shop, date(2026, 8, 25)) == [(time(9), time(19))]


def test_a_closure_across_the_new_year(farm_shop):
    close(farm_shop, date(2026, 12, 24), date(2027, 1, 2), "fêtes de fin d'année")
    assert slots_on(farm_shop, date(2026, 12, 23)) == [(time(9), time(19))]
    assert slots_on(farm_shop, date(2026, 12, 31)) == []
    assert slots_on(farm_shop, date(2027, 1, 2)) == []

    status = status_at(farm_shop, paris(2026, 12, 31, 10))
    assert not status.is_open
    assert status.closed_reason == "fêtes de fin d'année"
    assert status.next_opening == paris(2027, 1, 5, 9)  # the next Tuesday


# Open or closed at an instant


def test_open_in_the_afternoon_and_closed_during_lunch(lunch_break_shop):
    status = status_at(lunch_break_shop, paris(2026, 9, 16, 10))
    assert status.is_open
    assert status.closes_at == paris(2026, 9, 16, 12, 30)
    assert status.next_opening is None

    status = status_at(lunch_break_shop, paris(2026, 9, 16, 13))
    assert not status.is_open
    assert status.closes_at is None
    assert status.next_opening == paris(2026, 9, 16, 14)


def test_closing_time_itself_is_closed(farm_shop):
    assert status_at(farm_shop, paris(2026, 9, 15, 18, 59)).is_open
    assert not status_at(farm_shop, paris(2026, 9, 15, 19)).is_open
    assert status_at(farm_shop, paris(2026, 9, 15, 9)).is_open


def test_touching_slots_close_at_the_end_of_the_last_one():
    shop = PointOfSaleFactory()
    add_hours(shop, [TUE], time(8), time(12))
    add_hours(shop, [TUE], time(12), time(14))
    assert status_at(shop, paris(2026, 9, 15, 11)).closes_at == paris(2026, 9, 15, 14)


def test_an_instant_in_another_time_zone_is_read_in_paris(farm_shop):
    # 07:30 UTC in September is 09:30 in Paris: open. 08:30 in Paris is 06:30 UTC: closed.
    assert status_at(farm_shop, utc(2026, 9, 15, 7, 30)).is_open
    assert not status_at(farm_shop, utc(2026, 9, 15, 6, 30)).is_open
    # Monday 23:30 in New York is already Tuesday 05:30 in Paris.
    new_york = datetime(2026, 9, 14, 23, 30, tzinfo=ZoneInfo("America/New_York"))
    assert status_at(farm_shop, new_york).next_opening == paris(2026, 9, 15, 9)


def test_the_market_on_the_morning_clocks_go_forward(sunday_market):
    # Sunday 29 March 2026, 02:00 -> 03:00: Paris is UTC+2 from then on.
    status = status_at(sunday_market, paris(2026, 3, 29, 9, 30))
    assert status.is_open
    assert status.closes_at == paris(2026, 3, 29, 13)
    assert status.closes_at == utc(2026, 3, 29, 11)


def test_the_market_on_the_morning_clocks_go_back(sunday_market):
    # Sunday 25 October 2026, 03:00 -> 02:00: Paris is UTC+1 from then on.
    status = status_at(sunday_market, utc(2026, 10, 25, 8, 30))  # 09:30 in Paris
    assert status.is_open
    assert status.closes_at == utc(2026, 10, 25, 12)


def test_the_next_opening_after_a_night_that_changes_the_clocks(sunday_market):
    # Saturday evening is UTC+1, Sunday morning UTC+2: 24 fixed hours would be wrong.
    status = status_at(sunday_market, paris(2026, 3, 28, 20))
    assert status.next_opening == utc(2026, 3, 29, 6)
    status = status_at(sunday_market, paris(2026, 10, 24, 20))
    assert status.next_opening == utc(2026, 10, 25, 7)


def test_the_next_opening_is_looked_for_two_weeks_ahead(winter_shop):
    # From Saturday 24 October the first Saturday in season is 14 days later; from Friday, 15.
    assert status_at(winter_shop, paris(2026, 10, 24)).next_opening == paris(2026, 11, 7, 9)
    assert status_at(winter_shop, paris(2026, 10, 23)).next_opening is None
    status = status_at(winter_shop, paris(2026, 6, 1))
    assert not status.is_open
    assert status.next_opening is None


def test_a_closure_without_a_reason_still_says_it_is_a_closure(farm_shop):
    close(farm_shop, date(2026, 9, 15), date(2026, 9, 15))
    status = status_at(farm_shop, paris(2026, 9, 15, 10))
    assert not status.is_open
    assert status.closed_reason == ""
    assert status.next_opening == paris(2026, 9, 16, 9)
    assert status_at(farm_shop, paris(2026, 9, 16, 10)).closed_reason is None


# What the visitor reads


def test_times_are_written_the_french_way_and_the_english_way():
    with translation.override("fr"):
        assert format_time(time(19)) == "19 h"
        assert format_time(time(9, 30)) == "9 h 30"
        assert format_time(time(8, 5)) == "8 h 05"
    with translation.override("en"):
        assert format_time(time(19)) == "7 pm"
        assert format_time(time(9, 30)) == "9:30 am"
        assert format_time(time(12)) == "12 pm"
        assert format_time(time(0, 15)) == "12:15 am"


def test_the_status_sentence_in_french(farm_shop, lunch_break_shop):
    with translation.override("fr"):
        assert describe(farm_shop, paris(2026, 9, 15, 10)) == "Ouvert aujourd'hui jusqu'à 19 h"
        assert describe(lunch_break_shop, paris(2026, 9, 16, 10)) == (
            "Ouvert aujourd'hui jusqu'à 12 h 30"
        )
        assert describe(lunch_break_shop, paris(2026, 9, 16, 13)) == (
            "Fermé, ouvre aujourd'hui à 14 h"
        )
        assert describe(farm_shop, paris(2026, 9, 15, 20)) == "Fermé, ouvre demain à 9 h"
        assert describe(farm_shop, paris(2026, 9, 13, 10)) == "Fermé, ouvre mardi à 9 h"
        assert describe(PointOfSaleFactory(), paris(2026, 9, 15)) == "Horaires non communiqués"
        close(farm_shop, date(2026, 8, 10), date(2026, 8, 23), "congés d'été")
        assert describe(farm_shop, paris(2026, 8, 11, 10)) == "Fermé aujourd'hui (congés d'été)"


def test_the_status_sentence_in_english(farm_shop, lunch_break_shop, winter_shop):
    with translation.override("en"):
        assert describe(farm_shop, paris(2026, 9, 15, 10)) == "Open today until 7 pm"
        assert describe(lunch_break_shop, paris(2026, 9, 16, 13)) == ("Closed, opens today at 2 pm")
        assert describe(farm_shop, paris(2026, 9, 15, 20)) == "Closed, opens tomorrow at 9 am"
        assert describe(farm_shop, paris(2026, 9, 13, 10)) == "Closed, opens on Tuesday at 9 am"
        assert describe(winter_shop, paris(2026, 10, 27)) == (
            "Closed, opens on Saturday 7 November at 9 am"
        )
        assert describe(winter_shop, paris(2026, 6, 1)) == "Closed for now"
        assert describe(PointOfSaleFactory(), paris(2026, 9, 15)) == "No opening hours given"
        close(farm_shop, date(2026, 8, 10), date(2026, 8, 23), "summer holidays")
        assert describe(farm_shop, paris(2026, 8, 11, 10)) == "Closed today (summer holidays)"


def test_the_week_table_follows_the_season_of_each_day(winter_shop):
    # Monday 26 October to Sunday 1 November 2026: the season starts on the Sunday.
    winter_shop = add_hours(winter_shop, [SUN], time(10), time(12), season=(11, 2))
    with translation.override("fr"):
        week = weekly_schedule(winter_shop, date(2026, 10, 29))
    assert [label for label, _ in week] == [
        "Lundi",
        "Mardi",
        "Mercredi",
        "Jeudi",
        "Vendredi",
        "Samedi",
        "Dimanche",
    ]
    assert week[5] == ("Samedi", [])  # 31 October, out of season
    assert week[6] == ("Dimanche", [(time(10), time(12))])  # 1 November


def test_the_week_table_in_english_and_for_a_shop_without_hours(lunch_break_shop):
    with translation.override("en"):
        week = weekly_schedule(lunch_break_shop, date(2026, 9, 20))  # a Sunday
    assert week[0] == ("Monday", [])
    assert week[2] == ("Wednesday", [(time(9), time(12, 30)), (time(14), time(18))])
    assert weekly_schedule(PointOfSaleFactory(), date(2026, 9, 20)) == []


# The search filters agree with the page


@pytest.fixture
def directory(farm_shop, lunch_break_shop, winter_shop, sunday_market):
    close(farm_shop, date(2026, 12, 24), date(2027, 1, 2), "fêtes")
    summer = add_hours(PointOfSaleFactory(name="Cueillette"), [SAT], time(9), time(18), (5, 9))
    no_hours = PointOfSaleFactory(name="Sans horaires")
    return [farm_shop, lunch_break_shop, winter_shop, sunday_market, summer, no_hours]


INSTANTS = [
    paris(2026, 9, 15, 10),  # Tuesday morning
    paris(2026, 9, 16, 13),  # Wednesday lunch break
    paris(2026, 9, 16, 15),
    paris(2026, 1, 10, 10),  # Saturday in the winter season
    paris(2026, 6, 13, 10),  # Saturday in the summer season
    paris(2026, 12, 31, 10),  # during the new-year closure
    paris(2026, 3, 29, 9, 30),  # clocks went forward this morning
    utc(2026, 10, 25, 11, 30),  # clocks went back: 12:30 in Paris, market still open
    utc(2026, 10, 25, 12, 30),  # 13:30 in Paris, closed
]


@pytest.mark.parametrize("when", INSTANTS, ids=lambda w: w.isoformat())
def test_open_now_search_agrees_with_the_page(directory, when):
    found = PointOfSale.objects.filter(open_at_q(when), pk__in=[p.pk for p in directory])
    assert {p.name for p in found} == {p.name for p in directory if status_at(p, when).is_open}


@pytest.mark.parametrize("when", INSTANTS, ids=lambda w: w.isoformat())
def test_open_on_search_agrees_with_the_page(directory, when):
    day = when.astimezone(PARIS).date()
    found = PointOfSale.objects.filter(open_on_q(day), pk__in=[p.pk for p in directory])
    assert {p.name for p in found} == {p.name for p in directory if slots_on(p, day)}


def test_a_shop_with_two_slots_that_day_is_found_once(lunch_break_shop):
    add_hours(lunch_break_shop, [WED], time(9), time(12))  # overlapping, entered twice
    found = PointOfSale.objects.filter(open_on_q(date(2026, 9, 16)))
    assert list(found) == [lunch_break_shop]
    found = PointOfSale.objects.filter(open_at_q(paris(2026, 9, 16, 10)))
    assert list(found) == [lunch_break_shop]


# Query counts


def test_prefetched_points_of_sale_need_no_more_queries(
    farm_shop, winter_shop, django_assert_num_queries
):
    close(farm_shop, date(2026, 8, 10), date(2026, 8, 23), "congés d'été")
    points = [fresh(farm_shop), fresh(winter_shop)]
    with django_assert_num_queries(0), translation.override("fr"):
        for point in points:
            slots_on(point, date(2026, 8, 11))
            status_at(point, paris(2026, 8, 11, 10))
            describe(point, paris(2026, 8, 11, 10))
            weekly_schedule(point, date(2026, 8, 11))

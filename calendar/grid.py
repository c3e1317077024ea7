"""The 12-month grid of a season, as two 12-bit masks (no database here).

Bit `month - 1` of a mask is set when the product is in season that month: January is 1,
December is 2048, all year is 4095. `season` holds every month the product is available
(peak months included), `peak` the months of full season, always a subset of `season`.
Masks are plain integers so that the database can test a month with one bitwise AND.
"""

from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

PEAK = "peak"
AVAILABLE = "available"
LEVELS = (AVAILABLE, PEAK)
MONTH_NUMBERS = range(1, 13)
ALL_YEAR = (1 << 12) - 1


def month_bit(month):
    """The bit of a month (1 = January ... 12 = December); anything else is a ValueError."""
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        raise ValueError(f"A month is a number from 1 to 12, not {month!r}.")
    return 1 << (month - 1)


def span(start, end):
    """The mask of the months from `start` to `end` included, across the new year if needed.

    span(11, 2) is November, December, January and February.
    """
    month, mask = start, month_bit(start)
    month_bit(end)  # validates it
    while month != end:
        month = month % 12 + 1
        mask |= month_bit(month)
    return mask


def months_of(mask):
    """The month numbers set in a mask, January first."""
    return [month for month in MONTH_NUMBERS if mask & month_bit(month)]


def level(season, peak, month):
    """The level, "peak", "available" or None, for one month of a (season, peak) pair of masks."""
    bit = month_bit(month)
    if peak & bit:
        return PEAK
    if season & bit:
        return AVAILABLE
    return None


def levels(season, peak):
    """The 12 levels of the grid, January first."""
    return [level(season, peak, month) for month in MONTH_NUMBERS]


def masks_from_levels(month_levels):
    """(season, peak) masks from 12 levels; a peak month is also an available month."""
    season = peak = 0
    for month, value in zip(MONTH_NUMBERS, month_levels, strict=True):
        if value == PEAK:
            peak |= month_bit(month)
        if value in LEVELS:
            season |= month_bit(month)
    return season, peak


def runs(mask):
    """The unbroken periods of a mask as (first, last) months, wrapping across the new year.

    runs(span(11, 2)) is [(11, 2)], not [(1, 2), (11, 12)]; all year is [(1, 12)].
    """
    if mask & ALL_YEAR == ALL_YEAR:
        return [(1, 12)]
    found = []
    for month in MONTH_NUMBERS:
        previous = (month - 2) % 12 + 1
        if mask & month_bit(month) and not mask & month_bit(previous):
            last = month
            while mask & month_bit(last % 12 + 1):
                last = last % 12 + 1
            found.append((month, last))
    return found


def describe(mask):
    """The periods in words, in the active language: "octobre – avril", "mars ; juin – août"."""
    if mask & ALL_YEAR == ALL_YEAR:
        return _("all year")
    return " ; ".join(
        str(MONTHS[first]) if first == last else f"{MONTHS[first]} – {MONTHS[last]}"
        for first, last in runs(mask)
    )

"""When a point of sale is open: one set of rules for the public page, the API and search.

Opening hours are local wall-clock times in Europe/Paris (settings.TIME_ZONE). Instants are
built with zoneinfo from a local date and time, never by adding hours, so daylight-saving
changes come out right.

The Python functions read `point_of_sale.opening_hours.all()` and `.closures.all()`: with
both prefetched they run no query, and they also work on unsaved in-memory points of sale
(admin previews). `open_at_q` and `open_on_q` express the same rules in SQL for search.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext

from .models import Closure, OpeningHours

LOOKAHEAD_DAYS = 14  # how far status_at looks for the next opening


@dataclass(frozen=True)
class OpeningStatus:
    """Whether a point of sale is open at an instant, and what comes next."""

    is_open: bool
    closes_at: datetime | None = None  # end of the current opening, when open
    next_opening: datetime | None = None  # when closed, the next opening within 14 days
    closed_reason: str | None = None  # when a closure covers the day ("" if none was given)


# Rules on plain values, shared by every function below.


def in_season(month, season_start, season_end):
    """True if `month` lies in the season; a season may wrap the year (11 to 2)."""
    if season_start is None or season_end is None:
        return True  # all year (the admin form requires both months or neither)
    if season_start <= season_end:
        return season_start <= month <= season_end
    return month >= season_start or month <= season_end


def _regular_slots(hours, day):
    """Slots of `day` from the weekly hours and their seasons, ignoring closures."""
    return sorted(
        (slot.opens, slot.closes)
        for slot in hours
        if slot.weekday == day.weekday()
        and in_season(day.month, slot.season_start, slot.season_end)
    )


def _closure_on(closures, day):
    """The closure covering `day`, preferring one that gives a reason, or None."""
    covering = [c for c in closures if c.start_date <= day <= c.end_date]
    covering.sort(key=lambda c: (not c.reason, c.start_date))
    return covering[0] if covering else None


def _slots(hours, closures, day):
    return [] if _closure_on(closures, day) else _regular_slots(hours, day)


def _merged(slots):
    """Join overlapping or touching slots, so 8-12 and 12-14 close at 14."""
    merged = []
    for opens, closes in slots:
        if merged and opens <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], closes))
        else:
            merged.append((opens, closes))
    return merged


def _local(day, clock):
    # zoneinfo picks the right offset for that date; fold=0 takes the first of a repeated hour.
    return datetime.combine(day, clock, tzinfo=timezone.get_default_timezone())


def _local_now(when):
    """`when` (aware, any time zone) as a Paris wall-clock date and time."""
    local = timezone.localtime(when, timezone.get_default_timezone())
    return local.date(), local.time().replace(tzinfo=None)


# Public API.


def slots_on(point_of_sale, day):
    """The sorted (opens, closes) times of `day`, after seasons and closures."""
    return _slots(point_of_sale.opening_hours.all(), point_of_sale.closures.all(), day)


def status_at(point_of_sale, when):
    """Whether `point_of_sale` is open at the aware datetime `when`."""
    return _status(point_of_sale.opening_hours.all(), point_of_sale.closures.all(), when)


def _status(hours, closures, when):
    hours, closures = list(hours), list(closures)  # each read once, then reused for 15 days
    today, clock = _local_now(when)

    closure = _closure_on(closures, today)
    closed_reason = closure.reason if closure else None
    for opens, closes in _merged(_slots(hours, closures, today)):
        if opens <= clock < closes:
            return OpeningStatus(is_open=True, closes_at=_local(today, closes))
        if clock < opens:
            return OpeningStatus(is_open=False, next_opening=_local(today, opens))
    for offset in range(1, LOOKAHEAD_DAYS + 1):
        day = today + timedelta(days=offset)
        slots = _slots(hours, closures, day)
        if slots:
            return OpeningStatus(
                is_open=False, next_opening=_local(day, slots[0][0]), closed_reason=closed_reason
            )
    return OpeningStatus(is_open=False, closed_reason=closed_reason)


def format_time(t):
    """A time the way the active language writes it: "19 h", "9 h 30"; "7 pm", "9:30 am"."""
    if (get_language() or "").startswith("en"):
        hour = t.hour % 12 or 12
        suffix = "am" if t.hour < 12 else "pm"
        return f"{hour}:{t.minute:02d} {suffix}" if t.minute else f"{hour} {suffix}"
    return f"{t.hour} h {t.minute:02d}" if t.minute else f"{t.hour} h"


def describe(point_of_sale, when):
    """A short sentence for visitors: "Ouvert aujourd'hui jusqu'à 19 h", ..."""
    hours = list(point_of_sale.opening_hours.all())
    if not hours:
        return gettext("No opening hours given")
    status = _status(hours, point_of_sale.closures.all(), when)
    tz = timezone.get_default_timezone()
    if status.is_open:
        closes = status.closes_at.astimezone(tz)
        return gettext("Open today until %(time)s") % {"time": format_time(closes.time())}
    if status.closed_reason:
        return gettext("Closed today (%(reason)s)") % {"reason": status.closed_reason}
    if status.closed_reason is not None:
        return gettext("Closed today")
    if status.next_opening is None:
        return gettext("Closed for now")
    opening = status.next_opening.astimezone(tz)
    days = (opening.date() - _local_now(when)[0]).days
    time_text = format_time(opening.time())
    if days == 0:
        return gettext("Closed, opens today at %(time)s") % {"time": time_text}
    if days == 1:
        return gettext("Closed, opens tomorrow at %(time)s") % {"time": time_text}
    if days < 7:
        return gettext("Closed, opens on %(weekday)s at %(time)s") % {
            "weekday": WEEKDAYS[opening.weekday()],
            "time": time_text,
        }
    # A weekday alone would be ambiguous beyond a week.
    return gettext("Closed, opens on %(date)s at %(time)s") % {
        "date": date_format(opening.date(), "l j F"),
        "time": time_text,
    }


def weekly_schedule(point_of_sale, today):
    """Monday to Sunday of `today`'s week as [(day label, [(opens, closes), ...]), ...].

    Regular hours in the season of each date (closures are left to the status sentence);
    an empty list when the point of sale gives no opening hours at all.
    """
    hours = list(point_of_sale.opening_hours.all())
    if not hours:
        return []
    monday = today - timedelta(days=today.weekday())
    days = [monday + timedelta(days=n) for n in range(7)]
    return [(capfirst(str(WEEKDAYS[day.weekday()])), _regular_slots(hours, day)) for day in days]


# Database filters for PointOfSale querysets.


def _season_q(month):
    """OpeningHours whose season contains `month` (the same rule as in_season)."""
    return (
        Q(season_start__isnull=True)
        | Q(season_end__isnull=True)
        | Q(season_start__lte=month, season_end__gte=month)  # implies start <= end
        | (
            Q(season_start__gt=F("season_end"))
            & (Q(season_start__lte=month) | Q(season_end__gte=month))
        )
    )


def _not_closed_q(day):
    closed = Closure.objects.filter(
        point_of_sale=OuterRef("pk"), start_date__lte=day, end_date__gte=day
    )
    return ~Q(Exists(closed))


def open_at_q(when):
    """PointOfSale filter: open at the aware datetime `when`."""
    day, clock = _local_now(when)
    slot = OpeningHours.objects.filter(
        _season_q(day.month),
        point_of_sale=OuterRef("pk"),
        weekday=day.weekday(),
        opens__lte=clock,
        closes__gt=clock,
    )
    return Q(Exists(slot)) & _not_closed_q(day)


def open_on_q(day: date):
    """PointOfSale filter: at least one opening slot on `day` and no closure that day."""
    slot = OpeningHours.objects.filter(
        _season_q(day.month), point_of_sale=OuterRef("pk"), weekday=day.weekday()
    )
    return Q(Exists(slot)) & _not_closed_q(day)

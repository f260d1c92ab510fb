"""Working days on the district's clock: review deadlines, problem due dates."""

import datetime as dt

from django.utils import timezone


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """``days`` working days after ``start`` (Saturdays and Sundays skipped; holidays not modelled).

    Weekdays are those of the district's clock (TIME_ZONE), not UTC's: Sunday morning in Chongqing is
    Saturday evening in UTC.
    """
    current = timezone.localtime(start) if timezone.is_aware(start) else start
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current

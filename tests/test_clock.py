"""The suite runs at its configured instant (tests/clock.py), not at the wall clock's."""

import datetime as dt
import os
import time

from django.utils import timezone

from fugong.enterprises.models import Enterprise

from . import clock


def window() -> tuple[dt.datetime, dt.datetime]:
    """From the configured instant to as far as time can have moved on since the session began."""
    session = clock.session_clock
    assert session is not None, "the session clock is not travelling"
    slack = dt.timedelta(seconds=1)
    return session.instant, session.instant + session.elapsed() + slack


def test_the_clock_reads_the_configured_instant():
    start, end = window()
    assert start == clock.configured_instant()
    assert start <= timezone.now() <= end
    assert start.timestamp() <= time.time() <= end.timestamp()
    assert timezone.localdate() in {timezone.localdate(start), timezone.localdate(end)}


def test_travelling_leaves_the_process_in_the_districts_zone(settings):
    # Django sets TZ from TIME_ZONE; travelling to a UTC instant must not reset it to UTC.
    assert os.environ.get("TZ") == settings.TIME_ZONE
    assert dt.datetime(2020, 3, 6, 22, 9, tzinfo=dt.UTC).astimezone().utcoffset() == dt.timedelta(hours=8)


def test_the_world_was_built_in_travelled_time(world):
    start, end = window()
    built = Enterprise.objects.order_by("created_at").values_list("created_at", flat=True).first()
    assert start <= built <= end

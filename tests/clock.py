"""The suite's clock: every test session runs at one fixed instant, with time passing normally from there.

The instant is a working-day morning in Chongqing inside the seeds' period, unless ``FUGONG_TEST_NOW``
names another (ISO 8601 with its UTC offset), so that a run at any hour or weekday of the wall clock
behaves the same, and a chosen instant (a Friday evening in UTC, a Monday just after midnight in
Chongqing) can be replayed on purpose. Tests that need a particular time of day travel there themselves.
"""

import datetime as dt
import os
import time
from zoneinfo import ZoneInfo

import time_machine

ENV = "FUGONG_TEST_NOW"
DEFAULT = "2020-03-04T10:00:00+08:00"  # a Wednesday morning in Chongqing, within the seeds' period
DISTRICT_ZONE = ZoneInfo("Asia/Shanghai")  # settings.TIME_ZONE: Chongqing keeps Beijing time


def configured_instant() -> dt.datetime:
    """The instant of ``FUGONG_TEST_NOW``, or the default; an instant without offset is refused."""
    text = os.environ.get(ENV, "").strip() or DEFAULT
    try:
        instant = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{ENV}={text!r} is not an ISO 8601 instant, e.g. {DEFAULT}") from None
    if instant.utcoffset() is None:
        raise ValueError(
            f"{ENV}={text!r} has no UTC offset, so it names no single instant; add one, e.g. {DEFAULT} "
            "or 2020-03-06T22:09:00+00:00"
        )
    return instant


class SessionClock:
    """The session's travel: started before Django builds the test world, stopped at the very end."""

    def __init__(self, instant: dt.datetime):
        self.instant = instant
        # A timestamp, not the datetime: given a UTC datetime, time-machine would also set the process's
        # TZ to UTC, and the suite would no longer run in the zone Django set from TIME_ZONE.
        self._travel = time_machine.travel(instant.timestamp(), tick=True)
        self._started_at: float | None = None

    def start(self) -> None:
        self._started_at = time.monotonic()  # time-machine leaves the monotonic clock alone
        self._travel.start()

    def stop(self) -> None:
        if self._started_at is not None:
            self._travel.stop()
            self._started_at = None

    def elapsed(self) -> dt.timedelta:
        """Real time since the travel began: how far the travelled clock may have moved on."""
        return dt.timedelta(seconds=time.monotonic() - self._started_at)

    def describe(self, zone: str) -> str:
        local, utc = self.instant.astimezone(ZoneInfo(zone)), self.instant.astimezone(dt.UTC)
        return (
            f"clock: the tests start at {self.instant.isoformat()} ({local:%A %H:%M} {zone}, "
            f"{utc:%A %H:%M} UTC) and time passes from there; {ENV} chooses another instant"
        )


session_clock: SessionClock | None = None


def travel_to(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> time_machine.travel:
    """Travel (time ticking) to a moment on the district's clock, for a test that needs a particular
    day or hour whatever the session's instant; usable as a decorator or a context manager."""
    moment = dt.datetime(year, month, day, hour, minute, tzinfo=DISTRICT_ZONE)
    return time_machine.travel(moment.timestamp(), tick=True)  # a timestamp: the process's TZ stays

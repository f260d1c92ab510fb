"""Throttles for guessable public steps (login, the check-in identification, notice verification).

Counting is django-ratelimit's, on the shared cache (Redis when REDIS_URL is set): fixed windows per
key, an atomic increment per counted attempt. A throttle here counts what its caller reports (usually
failures only, so a factory's staff identifying from one Wi-Fi address are not slowed by each other's
successes) and is asked *before* the guess is judged, so a refused attempt never tells whether the
guess would have been right.

The rates are settings in django-ratelimit's notation ("5/15m": five in fifteen minutes), read at each
call so that tests and operators can change them.
"""

import ipaddress
import math
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from .client import client_ip


def client_key(request) -> str:
    """The client's address as a throttle key: an IPv6 client owns its whole /64, so it counts as one."""
    ip = client_ip(request)
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


@dataclass(frozen=True)
class Throttle:
    """One limit: ``group`` names the counter family, ``setting`` the rate's setting."""

    group: str
    setting: str

    def _usage(self, value: str, *, increment: bool) -> dict | None:
        rate = getattr(settings, self.setting)
        return get_usage(
            None, group=self.group, key=lambda _group, _request: value, rate=rate, increment=increment
        )

    def wait(self, value: str) -> int:
        """Seconds until ``value`` may try again; 0 when it may try now."""
        usage = self._usage(value, increment=False)
        if usage is None or usage["count"] < usage["limit"]:
            return 0
        return max(1, usage["time_left"])

    def hit(self, value: str) -> int:
        """Count one attempt of ``value``; the seconds it must now wait (0 while under the limit)."""
        usage = self._usage(value, increment=True)
        if usage is None or usage["count"] < usage["limit"]:
            return 0
        return max(1, usage["time_left"])


def longest_wait(checks) -> int:
    """The longest wait of several ``(throttle, value)`` pairs (0: none is exhausted)."""
    return max((throttle.wait(value) for throttle, value in checks), default=0)


def wait_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return _("尝试次数过多，请 %(minutes)d 分钟后再试") % {"minutes": minutes}


def with_retry_after(response, seconds: int):
    """A 429 answer tells well-behaved clients when to come back."""
    response.status_code = 429
    response["Retry-After"] = str(seconds)
    return response

"""Login throttles: failures are counted per username *and* client, plus per client across usernames.

A stranger's wrong passwords from elsewhere exhaust only the stranger's own pair (and the stranger's
own client), so they never lock the real user out of their own client. Nothing here asks whether the
username exists: an unknown name is counted, refused and answered exactly like a known one.

An administrator's 解除锁定 starts the username's pairs over: every pair key carries the username's
generation, and unlocking moves it on (the old counters simply stop being read and expire).
"""

import hashlib

from django.core.cache import cache

from fugong.core.throttle import Throttle, longest_wait

PAIR = Throttle("fugong.login.pair", "FUGONG_THROTTLE_LOGIN_PAIR")
CLIENT = Throttle("fugong.login.client", "FUGONG_THROTTLE_LOGIN_CLIENT")
_DAY = 24 * 3600


def _name(username: str) -> str:
    return hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:32]


def _generation(username: str) -> int:
    return cache.get(f"fugong:login-gen:{_name(username)}", 0)


def _pair(username: str, client: str) -> str:
    return f"{_generation(username)}|{_name(username)}|{client}"


def _blocked_key(username: str) -> str:
    return f"fugong:login-blocked:{_generation(username)}:{_name(username)}"


def wait(*, username: str, client: str) -> int:
    """Seconds this client must wait before trying this username again (0: it may try now)."""
    return longest_wait([(PAIR, _pair(username, client)), (CLIENT, client)])


def failed(*, username: str, client: str) -> int:
    """Count a failure; the seconds now to wait. A pair that runs out marks the username as locked
    somewhere, for the administrator's user page (selectors.user_status)."""
    pair_wait = PAIR.hit(_pair(username, client))
    client_wait = CLIENT.hit(client)
    if pair_wait:
        cache.set(_blocked_key(username), True, pair_wait)
    return max(pair_wait, client_wait)


def blocked_somewhere(username: str) -> bool:
    """Whether some client has run out of attempts for this username (it is throttled there)."""
    return bool(cache.get(_blocked_key(username)))


def reset(username: str) -> None:
    """Forget every client's failures for this username (解除锁定, a password reset)."""
    key = f"fugong:login-gen:{_name(username)}"
    cache.set(key, _generation(username) + 1, _DAY)

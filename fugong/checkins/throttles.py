"""The check-in page's identification by name + ID number is a guess against the staff list: failed
matches are counted per client and per enterprise link, and a throttled attempt is refused before it
is matched (core/throttle.py)."""

from fugong.core.throttle import Throttle, client_key, longest_wait

CLIENT = Throttle("fugong.identify.client", "FUGONG_THROTTLE_IDENTIFY_CLIENT")
LINK = Throttle("fugong.identify.link", "FUGONG_THROTTLE_IDENTIFY_LINK")


def wait(request, link) -> int:
    """Seconds before this client may try to identify on this link again (0: now)."""
    return longest_wait([(CLIENT, client_key(request)), (LINK, str(link.pk))])


def failed(request, link) -> None:
    CLIENT.hit(client_key(request))
    LINK.hit(str(link.pk))

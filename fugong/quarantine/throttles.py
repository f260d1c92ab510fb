"""Release-notice verification is public: failed verifications are counted per client, and a
throttled client is refused before its number and code are checked (core/throttle.py)."""

from fugong.core.throttle import Throttle, client_key

CLIENT = Throttle("fugong.verify.client", "FUGONG_THROTTLE_VERIFY_CLIENT")


def wait(request) -> int:
    return CLIENT.wait(client_key(request))


def failed(request) -> None:
    CLIENT.hit(client_key(request))

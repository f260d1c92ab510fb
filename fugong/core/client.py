"""The address a request came from, for security logs (failed identifications, refused device events,
failed notice verifications).

Behind a reverse proxy REMOTE_ADDR is the proxy's. ``FUGONG_TRUSTED_PROXIES`` says how many proxies
of our own stand in front of the application (0 by default): each appends the address it received
from to X-Forwarded-For, so the client is that many entries from the right. Entries further left are
whatever the client chose to send and are never believed; a header shorter than promised, or an
entry that is not an address, falls back to REMOTE_ADDR.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXIES
    if hops <= 0:
        return remote
    forwarded = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if len(forwarded) < hops:
        return remote
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote

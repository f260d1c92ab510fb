"""The morning wave: ``POST /api/v1/checkins`` for the common request, without django-ninja's per-request work.

Most check-ins of a morning are the same request: an employee's app (or a device) with a bearer token
posts its own check-in as a small JSON object. For that request this decorator authenticates, reads
the body and answers itself; django-ninja's auth chain, body parsing, pydantic validation and response
validation were a fifth of the check-in's CPU (py-spy, bench/README.md), on a path that must take a
district's morning in a few minutes on two cores.

Everything else goes to the django-ninja operation unchanged: no or a bad bearer token, a session, a
proxy check-in (``person_id``), an account without a bound identity or without the right, any field
that is not exactly the JSON type the schema declares, a key the schema does not know, a body that is
not a JSON object. So the contract — schemas, error shapes, OpenAPI — stays in one place (``api.py``);
errors raised by the service here go through the API's own exception handlers; the answer is built by
the API's own renderer from the same ``_out`` dict. tests/checkins/test_wave.py checks that both paths
answer alike.

Applied with django-ninja's documented ``decorate_view``, so the URL, its name and the scope tests are
those of the operation.
"""

import functools
import json
import math

from django.core.exceptions import ValidationError

from fugong.core.access import CHECKIN_SUBMIT
from fugong.core.api import BearerToken, api
from fugong.core.text import clean_text

from . import selectors, services


class CheckinBearer(BearerToken):
    """The bearer token with the account's check-in identity in the same query; the operation's auth
    and this fast path's are the same object."""

    with_user = ("checkin_identity",)


AUTH = CheckinBearer()


def checkin_out(c) -> dict:
    """A check-in as both paths of POST /api/v1/checkins answer it (the schema is CheckinOut)."""
    return {
        "id": c.pk,
        "person_id": c.person_id,
        "enterprise_id": c.enterprise_id,
        "day": c.day,
        "slot": c.slot,
        "temperature": float(c.temperature),
        "symptom": c.symptom,
        "risk_contact": c.risk_contact,
        "whereabouts": c.whereabouts,
        "abnormal": c.abnormal,
        "proxy": c.is_proxy,
        "submitted_at": c.submitted_at,
        "key": str(c.key),
    }


# The fields of ``CheckinIn`` the fast path takes, with the JSON types it accepts for each (strictly:
# anything looser, such as "true" for a boolean, is left to pydantic's rules on the slow path).
_TYPES = {
    "key": (str, type(None)),
    "temperature": (int, float, str),
    "symptom": (str,),
    "risk_contact": (bool,),
    "whereabouts": (str,),
    "person_id": (type(None),),  # a proxy check-in (a number here) takes the slow path
    "enterprise_id": (type(None),),
}


def _payload(request) -> dict | None:
    if request.content_type != "application/json":
        return None
    try:
        data = json.loads(request.body)
    except ValueError:  # JSONDecodeError, UnicodeDecodeError
        return None
    if not isinstance(data, dict) or "temperature" not in data:
        return None
    for name, value in data.items():
        types = _TYPES.get(name)
        if types is None or not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            return None
        if not _clean(name, value):  # NaN, or text the policy would change or refuse: the slow path says so
            return None
    return data


def _clean(name: str, value) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        try:
            return clean_text(value, label=name) == value
        except ValidationError:
            return False
    return True


def fast_checkin(run):
    """Wrap the operation's ``run``: answer the common request here, hand every other one to ``run``."""

    @functools.wraps(run)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            return run(request, *args, **kwargs)
        data = _payload(request)
        if data is None:
            return run(request, *args, **kwargs)
        user = AUTH(request)  # sets request.user and request.api_token when it authenticates
        if user is None or not user.can(CHECKIN_SUBMIT):
            return run(request, *args, **kwargs)  # 401/403 in the API's words
        identity = selectors.identity_of(user)
        if identity is None:
            return run(request, *args, **kwargs)
        try:
            row, created = services.checkin_record(
                person_id=identity.person_id,
                enterprise_id=identity.enterprise_id,
                key=data.get("key") or request.headers.get("Idempotency-Key"),
                temperature=data["temperature"],
                symptom=data.get("symptom", "none"),
                risk_contact=data.get("risk_contact", False),
                whereabouts=data.get("whereabouts", ""),
            )
        except Exception as exc:  # the API's handlers: 422 with errors by field, 403, or a logged 500
            return api.on_exception(request, exc)
        return api.create_response(request, checkin_out(row), status=201 if created else 200)

    return wrapper

"""Writing the audit trail and the log of unmasked views. Called by services, never by views."""

import datetime as dt
import decimal
import functools
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from .context import current_request_id
from .masking import mask
from .models import AuditAction, AuditEntry, PersonalDataAccess


def _plain(value):
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.date | dt.datetime | decimal.Decimal):
        return str(value)
    return value


@functools.cache
def _choice_labels(model: type[models.Model], name: str) -> dict | None:
    # get_FOO_display() rebuilds the choice map on every call; bulk imports snapshot thousands of rows.
    field = model._meta.get_field(name)
    return {value: str(label) for value, label in field.flatchoices} if field.choices else None


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict:
    """A JSON-safe picture of ``fields``; personal fields (``obj.PERSONAL_FIELDS``) are masked."""
    personal = getattr(obj, "PERSONAL_FIELDS", {})
    data = {}
    for name in fields:
        labels = _choice_labels(type(obj), name)
        value = getattr(obj, name)
        if labels is not None and value is not None:
            value = labels.get(value, value)
        value = _plain(value)
        if name in personal and value:
            value = mask(personal[name], value)
        data[name] = value
    return data


def diff(before: dict | None, after: dict | None) -> dict:
    before, after = before or {}, after or {}
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def audit_entry(
    *, actor, obj: models.Model, action: str, before: dict | None, after: dict | None
) -> AuditEntry:
    """An unsaved entry, for bulk writers that save many at once."""
    return AuditEntry(
        actor=actor if actor and actor.is_authenticated else None,
        request_id=current_request_id(),
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes=diff(before, after),
    )


def record(
    *, actor, obj: models.Model, action: str, before: dict | None = None, after: dict | None = None
) -> AuditEntry | None:
    entry = audit_entry(actor=actor, obj=obj, action=action, before=before, after=after)
    if action == AuditAction.UPDATE and not entry.changes:
        return None
    entry.save()
    return entry


def history(obj: models.Model):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")


def log_personal_access(
    *,
    user,
    obj: models.Model | None,
    model: type[models.Model] | None = None,
    fields: Iterable[str],
    purpose: str = PersonalDataAccess.Purpose.VIEW,
    row_count: int = 1,
    description: str = "",
) -> PersonalDataAccess:
    target = model or type(obj)
    return PersonalDataAccess.objects.create(
        user=user,
        request_id=current_request_id(),
        purpose=purpose,
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(description or str(obj))[:200],
        fields=",".join(fields)[:200],
        row_count=row_count,
    )


@dataclass(frozen=True)
class HistoryRow:
    at: object
    actor: str
    action: str
    changes: list[tuple[str, object, object]]
    request_id: str


EXTRA_LABELS = {"password": _("密码"), "members": _("成员"), "api_tokens_revoked": _("作废的接口令牌")}


def _label(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return str(EXTRA_LABELS.get(name, name))


def history_rows(obj: models.Model, *, limit: int = 100) -> list[HistoryRow]:
    """The audit trail of one record, newest first, with field names as their Chinese labels."""
    rows = []
    for entry in history(obj)[:limit]:
        changes = [(_label(type(obj), k), v[0], v[1]) for k, v in (entry.changes or {}).items()]
        actor = f"{entry.actor}（{entry.actor.username}）" if entry.actor else str(_("系统"))
        rows.append(
            HistoryRow(
                at=entry.at,
                actor=actor,
                action=entry.get_action_display(),
                changes=changes,
                request_id=entry.request_id,
            )
        )
    return rows

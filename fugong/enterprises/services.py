"""Writes to the enterprise registry; each checks scope inside its transaction and audits itself."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from fugong.accounts.roles import ENTERPRISE_CHANGE, ENTERPRISE_CREATE
from fugong.core import audit
from fugong.core.models import AuditAction

from .models import Enterprise

DUPLICATE_CODE = "该统一社会信用代码已登记，请勿重复录入"


def _assert_in_scope(*, actor, enterprise: Enterprise) -> None:
    # Re-checked after the write, inside the transaction: nobody moves a record out of their sight.
    if not Enterprise.objects.visible_to(actor, "change").filter(pk=enterprise.pk).exists():
        raise PermissionDenied("该企业（或所选区域、类别）不在您的管辖范围内")


def _save(enterprise: Enterprise) -> None:
    try:
        with transaction.atomic():
            enterprise.save()
    except IntegrityError as exc:
        if "credit_code" in str(exc) or "unique" in str(exc).lower():
            raise ValidationError({"credit_code": DUPLICATE_CODE}) from exc
        raise


@transaction.atomic
def enterprise_create(*, actor, **fields) -> Enterprise:
    if not actor.can(ENTERPRISE_CREATE):
        raise PermissionDenied("您无权登记企业")
    enterprise = Enterprise(**fields, created_by=actor, updated_by=actor)
    enterprise.full_clean()
    _save(enterprise)
    _assert_in_scope(actor=actor, enterprise=enterprise)
    audit.record(actor=actor, obj=enterprise, action=AuditAction.CREATE,
                 after=audit.snapshot(enterprise, Enterprise.AUDIT_FIELDS))
    return enterprise


@transaction.atomic
def enterprise_update(*, actor, enterprise: Enterprise, **changes) -> Enterprise:
    if not actor.can(ENTERPRISE_CHANGE):
        raise PermissionDenied("您无权修改企业信息")
    locked = Enterprise.objects.visible_to(actor, "change").select_for_update().filter(pk=enterprise.pk).first()
    if locked is None:
        raise PermissionDenied("该企业不在您的管辖范围内")
    before = audit.snapshot(locked, Enterprise.AUDIT_FIELDS)
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.updated_by = actor
    locked.full_clean()
    _save(locked)
    _assert_in_scope(actor=actor, enterprise=locked)
    audit.record(actor=actor, obj=locked, action=AuditAction.UPDATE, before=before,
                 after=audit.snapshot(locked, Enterprise.AUDIT_FIELDS))
    return locked

"""Writes to the enterprise registry; each checks scope inside its transaction and audits itself."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.core import area_paths, audit
from fugong.core.access import ENTERPRISE_CHANGE, ENTERPRISE_CREATE, ENTERPRISE_IMPORT, PERSONAL_UNMASK
from fugong.core.models import AuditAction, AuditEntry
from fugong.core.xlsx import SheetError

from . import imports, signals
from .models import Enterprise
from .selectors import CODE_OUT_OF_SCOPE, credit_code_conflict


def _assert_in_scope(*, actor, enterprise: Enterprise) -> None:
    # Re-checked after the write, inside the transaction: nobody moves a record out of their sight.
    if not Enterprise.objects.visible_to(actor, "change").filter(pk=enterprise.pk).exists():
        raise PermissionDenied(_("该企业（或所选区域、类别）不在您的管辖范围内"))


def _clean(*, actor, enterprise: Enterprise) -> None:
    """The model's validation, with the credit code's uniqueness answered as the actor may hear it."""
    enterprise.full_clean(validate_unique=False)
    conflict = credit_code_conflict(user=actor, code=enterprise.credit_code, exclude_pk=enterprise.pk)
    if conflict:
        raise ValidationError({"credit_code": conflict})


def _save(*, actor, enterprise: Enterprise) -> None:
    try:
        with transaction.atomic():
            enterprise.save()
    except IntegrityError as exc:
        # Registered by someone else since the check: the same words as the check would give now.
        conflict = credit_code_conflict(user=actor, code=enterprise.credit_code, exclude_pk=enterprise.pk)
        if conflict or "credit_code" in str(exc):
            raise ValidationError({"credit_code": conflict or str(CODE_OUT_OF_SCOPE)}) from None
        raise


@transaction.atomic
def enterprise_create(*, actor, **fields) -> Enterprise:
    if not actor.can(ENTERPRISE_CREATE):
        raise PermissionDenied(_("您无权登记企业"))
    enterprise = Enterprise(**fields, created_by=actor, updated_by=actor)
    _clean(actor=actor, enterprise=enterprise)
    _save(actor=actor, enterprise=enterprise)
    _assert_in_scope(actor=actor, enterprise=enterprise)
    signals.send_changes([(enterprise.pk, None, signals.rate_key(enterprise))])
    audit.record(
        actor=actor,
        obj=enterprise,
        action=AuditAction.CREATE,
        after=audit.snapshot(enterprise, Enterprise.AUDIT_FIELDS),
    )
    return enterprise


@transaction.atomic
def enterprise_update(*, actor, enterprise: Enterprise, **changes) -> Enterprise:
    if not actor.can(ENTERPRISE_CHANGE):
        raise PermissionDenied(_("您无权修改企业信息"))
    locked = (
        Enterprise.objects.visible_to(actor, "change").select_for_update().filter(pk=enterprise.pk).first()
    )
    if locked is None:
        raise PermissionDenied(_("该企业不在您的管辖范围内"))
    before = audit.snapshot(locked, Enterprise.AUDIT_FIELDS)
    before_key = signals.rate_key(locked)
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.updated_by = actor
    _clean(actor=actor, enterprise=locked)
    _save(actor=actor, enterprise=locked)
    _assert_in_scope(actor=actor, enterprise=locked)
    moved = _follow(moves={locked.pk: (before_key[0], locked.area_path)})
    signals.send_changes([(locked.pk, before_key, signals.rate_key(locked))])
    after = audit.snapshot(locked, Enterprise.AUDIT_FIELDS)
    if moved.get(locked.pk):
        after[area_paths.AUDIT_KEY] = moved[locked.pk]
    audit.record(actor=actor, obj=locked, action=AuditAction.UPDATE, before=before, after=after)
    return locked


def _follow(*, moves: dict[int, tuple[str, str]]) -> dict[int, dict[str, int]]:
    """Filings, reports, inspections, problems, receipts … copy the enterprise's area path; when it
    moves they follow it in the same transaction (one UPDATE per kind of record)."""
    return area_paths.follow_move(parent=Enterprise, moves=moves)


# --- personal data ------------------------------------------------------------------------------


def enterprise_phones_reveal(*, actor, enterprise: Enterprise) -> dict[str, str]:
    """The full phone numbers of a record the actor can see; every reveal is logged."""
    if not actor.can(PERSONAL_UNMASK):
        raise PermissionDenied(_("您无权查看完整号码"))
    fields = list(Enterprise.PERSONAL_FIELDS)
    audit.log_personal_access(user=actor, obj=enterprise, fields=fields)
    return {name: getattr(enterprise, name) for name in fields}


# --- import -------------------------------------------------------------------------------------

WRITE_BATCH = 1000


def enterprise_import(*, actor, upload, valid_only: bool) -> imports.ImportResult:
    """Create or update enterprises from an xlsx, all rows or none (unless ``valid_only``).

    Raises SheetError when the file as a whole cannot be imported. Rows are checked with bulk
    lookups and written with bulk_create / bulk_update in one transaction; afterwards every written
    row is re-checked against the actor's change scope and the whole import rolls back if one
    escaped it. One audit entry per created or changed enterprise.
    """
    if not actor.can(ENTERPRISE_IMPORT):
        raise PermissionDenied(_("您无权批量导入企业"))
    rows = imports.read(upload)
    if not rows:
        raise SheetError(_("文件中没有数据行：请从第 2 行起逐行填写企业信息"))
    try:
        with transaction.atomic():
            return _import_rows(actor=actor, rows=rows, valid_only=valid_only)
    except IntegrityError as exc:
        # Another user registered one of these codes between our check and our write.
        raise SheetError(_("导入期间有其他用户登记了文件中的企业，本次未导入任何数据，请重新导入")) from exc


def _import_rows(*, actor, rows, valid_only: bool) -> imports.ImportResult:
    plan = imports.check_rows(user=actor, rows=rows, lock=True)
    result = imports.ImportResult(total=plan.total, errors=plan.errors)
    if plan.errors and not valid_only:
        return result
    new = [row for row in plan.rows if row.existing is None]
    changed = [row for row in plan.rows if row.existing is not None and row.changed_fields()]
    entries = _import_create(actor=actor, rows=new) + _import_update(actor=actor, rows=changed)
    _assert_all_in_scope(actor=actor, pks=[e.object_id for e in entries])
    AuditEntry.objects.bulk_create(entries, batch_size=WRITE_BATCH)
    result.created, result.updated = len(new), len(changed)
    result.unchanged = len(plan.rows) - len(new) - len(changed)
    result.saved = True
    return result


def _import_create(*, actor, rows) -> list[AuditEntry]:
    objs = []
    for row in rows:
        values = row.values
        obj = Enterprise(**values, area_path=values["area"].path, created_by=actor, updated_by=actor)
        objs.append(obj)
    Enterprise.objects.bulk_create(objs, batch_size=WRITE_BATCH)
    if any(obj.pk is None for obj in objs):  # databases that cannot return ids from a bulk insert
        ids = dict(
            Enterprise.objects.filter(credit_code__in=[o.credit_code for o in objs]).values_list(
                "credit_code", "pk"
            )
        )
        for obj in objs:
            obj.pk = ids[obj.credit_code]
    signals.send_changes([(obj.pk, None, signals.rate_key(obj)) for obj in objs])
    return [
        audit.audit_entry(
            actor=actor,
            obj=obj,
            action=AuditAction.IMPORT,
            before=None,
            after=audit.snapshot(obj, imports.IMPORT_FIELDS),
        )
        for obj in objs
    ]


def _import_update(*, actor, rows) -> list[AuditEntry]:
    now, objs, entries, fields = timezone.now(), [], [], {"updated_by", "updated_at", "area_path"}
    moves = []
    for row in rows:
        obj, names = row.existing, row.changed_fields()
        before = audit.snapshot(obj, names)
        before_key = signals.rate_key(obj)
        for name in names:
            setattr(obj, name, row.values[name])
        obj.area_path, obj.updated_by, obj.updated_at = obj.area.path, actor, now
        moves.append((obj.pk, before_key, signals.rate_key(obj)))
        fields.update(names)
        objs.append(obj)
        entries.append(
            audit.audit_entry(
                actor=actor,
                obj=obj,
                action=AuditAction.IMPORT,
                before=before,
                after=audit.snapshot(obj, names),
            )
        )
    if objs:
        Enterprise.objects.bulk_update(objs, sorted(fields), batch_size=WRITE_BATCH // 2)
    followed = _follow(moves={pk: (before[0], after[0]) for pk, before, after in moves})
    for entry in entries:
        if followed.get(int(entry.object_id)):
            entry.changes[area_paths.AUDIT_KEY] = [None, followed[int(entry.object_id)]]
    signals.send_changes(moves)
    return entries


def _assert_all_in_scope(*, actor, pks: list[str]) -> None:
    ids = [int(pk) for pk in pks]
    visible = 0
    for start in range(0, len(ids), imports.LOOKUP_BATCH):
        chunk = ids[start : start + imports.LOOKUP_BATCH]
        visible += Enterprise.objects.visible_to(actor, "change").filter(pk__in=chunk).count()
    if visible != len(ids):
        raise PermissionDenied(_("导入的部分企业超出您的管辖范围，本次未导入任何数据"))

"""Writes about the area tree and working groups: each in one transaction, audited, scope re-checked."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from fugong.core import audit
from fugong.core.access import AREA_IMPORT, GROUP_MANAGE
from fugong.core.models import AuditAction, AuditEntry
from fugong.core.scoping import CHANGE

from . import imports
from .choices import MemberDuty
from .models import PATH_SEP, Area, Department, WorkingGroup, WorkingGroupMember

GROUP_AUDIT_FIELDS = ["name", "kind", "area", "department", "note"]
LOOKUP_CHUNK = 2000
INSERT_BATCH = 1000


# --- the area tree --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def _existing_areas(codes: set[str]) -> dict[str, imports.Existing]:
    found: dict[str, imports.Existing] = {}
    ordered = sorted(codes)
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        rows = Area.objects.filter(code__in=ordered[start : start + LOOKUP_CHUNK]).values_list(
            "id", "code", "name", "kind", "parent__code", "path"
        )
        for pk, code, name, kind, parent_code, path in rows:
            found[code] = imports.Existing(pk, code, name, kind, parent_code or "", path)
    return found


def _child_kinds(existing: dict[str, imports.Existing], rows: list[imports.AreaRow]) -> dict[str, set[str]]:
    """Kinds of the stored children of the existing nodes whose kind the file changes."""
    changed = {
        existing[r.code].id: r.code for r in rows if r.code in existing and existing[r.code].kind != r.kind
    }
    kinds: dict[str, set[str]] = {}
    if changed:
        for parent_id, kind in (
            Area.objects.filter(parent_id__in=list(changed)).values_list("parent_id", "kind").distinct()
        ):
            kinds.setdefault(changed[parent_id], set()).add(kind)
    return kinds


def _check_import_scope(actor, existing: dict[str, imports.Existing]) -> None:
    if not actor.can(AREA_IMPORT):
        raise PermissionDenied("您无权导入行政区划")
    ids = [e.id for e in existing.values()]
    visible = Area.objects.visible_to(actor, CHANGE).filter(pk__in=ids).count() if ids else 0
    if visible != len(ids):
        raise PermissionDenied("文件涉及的区划超出您的管辖范围")


@transaction.atomic
def area_import(*, actor, parsed: imports.Parsed) -> ImportResult:
    """Create and update the tree from parsed rows, all or nothing.

    New nodes are bulk-inserted level by level (parents first) with ``path`` and ``depth``
    computed here, since bulk_create skips Area.save(). Raises AreaImportError with every row error.
    """
    existing = _existing_areas(imports.codes_to_look_up(parsed.rows))
    _check_import_scope(actor, existing)
    plan = imports.plan_import(
        parsed.rows,
        existing=existing,
        child_kinds=_child_kinds(existing, parsed.rows),
        bad_codes=parsed.bad_codes,
    )
    errors = sorted([*parsed.errors, *plan.errors], key=lambda e: e.row)
    if errors:
        raise imports.AreaImportError(errors)
    entries = _apply_updates(actor, plan.updates)
    entries += _apply_creates(actor, plan.creates, {code: e.id for code, e in existing.items()})
    AuditEntry.objects.bulk_create(entries, batch_size=INSERT_BATCH)
    return ImportResult(created=len(plan.creates), updated=len(plan.updates), unchanged=plan.unchanged)


def _apply_updates(actor, updates) -> list[AuditEntry]:
    if not updates:
        return []
    objs, entries = [], []
    for old, row in updates:
        area = Area(pk=old.id, code=old.code, name=row.name, kind=row.kind, path=old.path)
        objs.append(area)
        before = {"name": old.name, "kind": imports.kind_label(old.kind)}
        after = {"name": row.name, "kind": imports.kind_label(row.kind)}
        entries.append(
            audit.audit_entry(actor=actor, obj=area, action=AuditAction.UPDATE, before=before, after=after)
        )
    Area.objects.bulk_update(objs, ["name", "kind"], batch_size=INSERT_BATCH)
    return entries


def _apply_creates(actor, creates, ids: dict[str, int]) -> list[AuditEntry]:
    entries = []
    by_depth: dict[int, list[tuple[imports.AreaRow, str]]] = {}
    for row, path in creates:
        by_depth.setdefault(path.count(PATH_SEP) - 2, []).append((row, path))
    for depth in sorted(by_depth):
        objs = [
            Area(
                code=row.code,
                name=row.name,
                kind=row.kind,
                parent_id=ids.get(row.parent),
                path=path,
                depth=depth,
            )
            for row, path in by_depth[depth]
        ]
        Area.objects.bulk_create(objs, batch_size=INSERT_BATCH)
        if any(obj.pk is None for obj in objs):  # a backend that does not return ids
            stored = dict(Area.objects.filter(code__in=[o.code for o in objs]).values_list("code", "id"))
            for obj in objs:
                obj.pk = stored[obj.code]
        for (row, _path), obj in zip(by_depth[depth], objs, strict=True):
            ids[row.code] = obj.pk
            after = {
                "code": row.code,
                "name": row.name,
                "kind": imports.kind_label(row.kind),
                "parent": row.parent or None,
            }
            entries.append(
                audit.audit_entry(actor=actor, obj=obj, action=AuditAction.IMPORT, before=None, after=after)
            )
    return entries


# --- working groups -------------------------------------------------------------------------------


def _require_group_manage(actor) -> None:
    if not actor.can(GROUP_MANAGE):
        raise PermissionDenied("您无权管理工作组")


def _check_area(actor, area: Area) -> None:
    if not Area.objects.visible_to(actor).filter(pk=area.pk).exists():
        raise PermissionDenied("该区域不在您的管辖范围内")


def _check_department(actor, department: Department | None) -> None:
    if department is not None and not Department.objects.visible_to(actor).filter(pk=department.pk).exists():
        raise PermissionDenied("该部门不在您的可见范围内")


def _lock_group(actor, group: WorkingGroup) -> WorkingGroup:
    _require_group_manage(actor)
    try:
        return WorkingGroup.objects.visible_to(actor, CHANGE).select_for_update().get(pk=group.pk)
    except WorkingGroup.DoesNotExist:
        raise PermissionDenied("该工作组不在您的管辖范围内") from None


def _recheck_group(actor, group: WorkingGroup) -> None:
    """After the write, the group must still be inside the actor's scope, or everything rolls back."""
    if not WorkingGroup.objects.visible_to(actor, CHANGE).filter(pk=group.pk).exists():
        raise PermissionDenied("保存后的工作组超出您的管辖范围")


@transaction.atomic
def group_create(
    *, actor, name: str, kind: str, area: Area, department: Department | None = None, note: str = ""
) -> WorkingGroup:
    """Set up a working group (专项指导组, 督查组, sector or grid group) on an area in the actor's scope."""
    _require_group_manage(actor)
    _check_area(actor, area)
    _check_department(actor, department)
    group = WorkingGroup(name=name, kind=kind, area=area, department=department, note=note)
    group.full_clean(exclude=["area_path"])
    group.save()
    _recheck_group(actor, group)
    audit.record(
        actor=actor, obj=group, action=AuditAction.CREATE, after=audit.snapshot(group, GROUP_AUDIT_FIELDS)
    )
    return group


@transaction.atomic
def group_update(
    *,
    actor,
    group: WorkingGroup,
    name: str,
    kind: str,
    area: Area,
    department: Department | None = None,
    note: str = "",
) -> WorkingGroup:
    locked = _lock_group(actor, group)
    before = audit.snapshot(locked, GROUP_AUDIT_FIELDS)
    _check_area(actor, area)
    _check_department(actor, department)
    locked.name, locked.kind, locked.area, locked.department, locked.note = name, kind, area, department, note
    locked.full_clean(exclude=["area_path"])
    locked.save()
    _recheck_group(actor, locked)
    audit.record(
        actor=actor,
        obj=locked,
        action=AuditAction.UPDATE,
        before=before,
        after=audit.snapshot(locked, GROUP_AUDIT_FIELDS),
    )
    return locked


def _member_label(user, duty: str) -> str:
    return f"{user.full_name or user.username}（{user.username}，{MemberDuty(duty).label}）"


@transaction.atomic
def group_member_add(
    *, actor, group: WorkingGroup, user, duty: str = MemberDuty.MEMBER
) -> WorkingGroupMember:
    """Add a member; the member must be an active user the actor can see."""
    locked = _lock_group(actor, group)
    if not get_user_model().objects.visible_to(actor).filter(pk=user.pk, is_active=True).exists():
        raise PermissionDenied("该用户不存在或不在您的管辖范围内")
    if duty not in MemberDuty.values:
        raise ValidationError({"duty": "职务无效"})
    if locked.memberships.filter(user=user).exists():
        raise ValidationError({"user": "该用户已是本组成员"})
    member = WorkingGroupMember.objects.create(group=locked, user=user, duty=duty)
    audit.record(
        actor=actor,
        obj=locked,
        action=AuditAction.UPDATE,
        before={"members": None},
        after={"members": _member_label(user, duty)},
    )
    return member


@transaction.atomic
def group_member_remove(*, actor, group: WorkingGroup, user) -> None:
    locked = _lock_group(actor, group)
    member = locked.memberships.select_related("user").filter(user=user).first()
    if member is None:
        raise ValidationError({"user": "该用户不是本组成员"})
    label = _member_label(member.user, member.duty)
    member.delete()
    audit.record(
        actor=actor, obj=locked, action=AuditAction.UPDATE, before={"members": label}, after={"members": None}
    )

"""Writes about persons: found by ID number, created once, reused by rosters and check-ins.

Registration, correction, import and merge run in one transaction each, re-check the actor's scope
inside it and write the audit entry themselves.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef
from django.db.models.deletion import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong.areas.models import Area
from fugong.core.access import PERSON_MANAGE
from fugong.core.area_paths import AUDIT_KEY, follow_move
from fugong.core.audit import audit_entry, record, snapshot
from fugong.core.models import AuditAction, AuditEntry
from fugong.core.scoping import CHANGE, VIEW
from fugong.core.validators import normalize_code, normalize_mobile, validate_id_number, validate_mobile
from fugong.core.xlsx import RowError

from .models import (
    OWNING_ROLES,
    DiscrepancyResolution,
    DiscrepancySource,
    DiscrepancyStatus,
    Employment,
    Person,
    PersonDiscrepancy,
)

AUDITED = ["id_number", "name", "phone", "area", "address"]
DUPLICATE_ID = "该身份证号已登记"


@transaction.atomic
def person_get_or_create(*, id_number: str, name: str, phone: str = "", actor=None) -> tuple[Person, bool]:
    """The person with this ID number, created when new; a known person keeps their record
    (a merged duplicate answers with the record it was merged into)."""
    id_number = normalize_code(id_number)
    person = _surviving(Person.objects.filter(id_number=id_number).first())
    if person is not None:
        return person, False
    person = Person(id_number=id_number, name=name.strip(), phone=phone, created_by=actor, updated_by=actor)
    person.full_clean()
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:  # entered at the same moment elsewhere
        return Person.objects.get(id_number=id_number), False
    return person, True


def _surviving(person: Person | None) -> Person | None:
    while person is not None and person.merged_into_id:
        person = Person.objects.get(pk=person.merged_into_id)
    return person


def person_owned_by(*, actor, person: Person) -> bool:
    """Whether ``actor`` is of the person's home community chain (or sysadmin): the side that keeps
    the file, may see it whole and decides about it. A person without a home has no such chain."""
    if actor.is_sysadmin:
        return True
    path = actor.area_scope_path
    return bool(actor.role in OWNING_ROLES and path and person.area_path.startswith(path))


@dataclass
class Link:
    """What a registration by ID number found: the record to link to, whether it was new, whether
    the registrant is of its owning chain, and the review entry filed for the owning side."""

    person: Person
    created: bool
    owned: bool
    discrepancy: PersonDiscrepancy | None = None


def _same_name(a: str, b: str) -> bool:
    return "".join((a or "").split()) == "".join((b or "").split())


@transaction.atomic
def person_link(
    *,
    actor,
    id_number: str,
    name: str,
    phone: str = "",
    source: str,
    area: Area | None = None,
    address: str = "",
    claim: bool = False,
) -> Link:
    """The person with this ID number, created when new (callers validated the input).

    A known record out of the actor's owning chain is linked, never shown: the caller answers with
    what was typed only. A name or phone that disagrees with the file — or any ``claim`` (a
    registration of the person as a resident, from 登记人员 / 导入) — files a PersonDiscrepancy that
    only the owning chain sees, with both versions, to resolve with ``discrepancy_resolve``.
    """
    id_number = normalize_code(id_number)
    name, phone = (name or "").strip(), normalize_mobile(phone)
    person = _surviving(Person.objects.select_for_update().filter(id_number=id_number).first())
    if person is None:
        person, created = person_get_or_create(id_number=id_number, name=name, phone=phone, actor=actor)
        if created:
            return Link(person=person, created=True, owned=True)
    if person_owned_by(actor=actor, person=person):
        return Link(person=person, created=False, owned=True)
    name_differs = not _same_name(name, person.name)
    phone_differs = bool(phone) and phone != person.phone
    found = Link(person=person, created=False, owned=False)
    same = PersonDiscrepancy.objects.filter(
        person=person,
        source=source,
        typed_name=name[:32],
        typed_phone=phone[:20],
        status=DiscrepancyStatus.OPEN,
    ).filter(created_by=actor if getattr(actor, "pk", None) else None)
    if (claim or name_differs or phone_differs) and not same.exists():  # a roster saved again: once
        found.discrepancy = PersonDiscrepancy.objects.create(
            person=person,
            source=source,
            typed_id_number=id_number,
            typed_name=name[:32],
            typed_phone=phone[:20],
            typed_area=area,
            typed_address=(address or "").strip()[:200],
            name_differs=name_differs,
            phone_differs=phone_differs,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
    return found


def _require_review(actor) -> None:
    if not (actor.is_sysadmin or (actor.role in OWNING_ROLES and actor.can(PERSON_MANAGE))):
        raise PermissionDenied


@transaction.atomic
def discrepancy_resolve(*, actor, discrepancy_id: int, resolution: str, note: str = "") -> PersonDiscrepancy:
    """The owning chain decides about a registration by somebody else: ``accept`` writes the typed
    name (and phone, when one was typed) into the file, ``keep`` leaves the file as it is,
    ``different`` says it is not the same person — the registrant's record then shows only
    "请核实身份证号", never the file. Out of scope reads as missing (PermissionDenied)."""
    _require_review(actor)
    item = (
        PersonDiscrepancy.objects.visible_to(actor, CHANGE)
        .select_for_update()
        .filter(pk=discrepancy_id)
        .select_related("person")
        .first()
    )
    if item is None:
        raise PermissionDenied
    if item.status != DiscrepancyStatus.OPEN:
        raise ValidationError(_("该条已处理"))
    if resolution not in DiscrepancyResolution.values:
        raise ValidationError({"resolution": [_("请选择处理结果")]})
    note = (note or "").strip()
    if resolution == DiscrepancyResolution.DIFFERENT and not note:
        raise ValidationError({"note": [_("请填写处理说明")]})
    if resolution == DiscrepancyResolution.ACCEPT:
        _accept_typed(actor=actor, item=item)
    before = snapshot(item, ["status", "resolution"])
    item.status = (
        DiscrepancyStatus.REJECTED
        if resolution == DiscrepancyResolution.DIFFERENT
        else DiscrepancyStatus.RESOLVED
    )
    item.resolution, item.note = resolution, note[:200]
    item.resolved_by, item.resolved_at = actor, timezone.now()
    item.save()
    record(
        actor=actor,
        obj=item,
        action=AuditAction.UPDATE,
        before=before,
        after=snapshot(item, ["status", "resolution", "note"]),
    )
    return item


def _accept_typed(*, actor, item: PersonDiscrepancy) -> None:
    person = Person.objects.select_for_update().get(pk=item.person_id)
    before = snapshot(person, AUDITED)
    person.name = item.typed_name or person.name
    person.phone = item.typed_phone or person.phone
    person.updated_by = actor
    person.save(update_fields=["name", "phone", "updated_by", "updated_at"])
    record(actor=actor, obj=person, action=AuditAction.UPDATE, before=before, after=snapshot(person, AUDITED))


def discrepancy_verdict(*, person_id: int, actor) -> str:
    """What the registrant ``actor`` may learn about their registrations of this record: "" while
    nothing was decided or when it was decided for them, "请核实身份证号" when the owning side said
    it is not the same person. Nothing else of the owning side's file or decision."""
    rejected = PersonDiscrepancy.objects.filter(
        person_id=person_id, created_by=actor, status=DiscrepancyStatus.REJECTED
    ).exists()
    return _("请核实身份证号") if rejected else ""


def employment_ensure(*, person: Person, enterprise, is_local: bool) -> Employment:
    employment, created = Employment.objects.get_or_create(
        person=person, enterprise=enterprise, defaults={"is_local": is_local}
    )
    if not created and (employment.is_local != is_local or not employment.is_active):
        employment.is_local, employment.is_active = is_local, True
        employment.save(update_fields=["is_local", "is_active"])
    return employment


def employment_end(*, person_ids, enterprise) -> int:
    """End these persons' employments at ``enterprise`` (kept, ``is_active=False``: the staff list's
    history); an ended employment opens nothing of the person any more (health.policies)."""
    if not person_ids:
        return 0
    return Employment.objects.filter(enterprise=enterprise, person_id__in=person_ids, is_active=True).update(
        is_active=False
    )


def _require_manage(actor) -> None:
    if not actor.can(PERSON_MANAGE):
        raise PermissionDenied


def _area_in_scope(*, actor, area: Area | None) -> Area | None:
    """The area a person may be registered in by ``actor``: a community (or below) in their subtree."""
    if area is None:
        if actor.is_sysadmin:
            return None
        raise ValidationError({"area": _("请选择居住社区")})
    path = actor.area_scope_path
    if not actor.is_sysadmin and not (path and area.path.startswith(path)):
        raise ValidationError({"area": _("该社区不在您的管辖范围内")})
    if area.kind not in ("community", "village", "grid"):
        raise ValidationError({"area": _("请选择到社区（村）一级")})
    return area


def _clean_fields(*, name: str, phone: str, address: str) -> dict:
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = [_("请填写姓名")]
    elif len(name) > 32:
        errors["name"] = [_("姓名过长（最多32个字）")]
    phone = normalize_mobile(phone)
    if phone:
        try:
            validate_mobile(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
    if len(address or "") > 200:
        errors["address"] = [_("地址过长（最多200个字）")]
    if errors:
        raise ValidationError(errors)
    return {"name": name, "phone": phone, "address": (address or "").strip()}


def _clean_id(id_number: str) -> str:
    id_number = normalize_code(id_number)
    try:
        validate_id_number(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    return id_number


def _visible(actor, id_number: str) -> bool:
    """Whether the actor may already see the record with this ID number (then it may be named)."""
    return Person.objects.visible_to(actor, VIEW).filter(id_number=id_number).exists()


def registration_answer(*, person: Person, id_number: str, data: dict, area: Area | None) -> Person:
    """The answer to a registration that linked to a record out of the registrant's scope: a copy of
    what was typed, carrying the linked record's id, never saved — it reads like a new record."""
    answer = Person(pk=person.pk, id_number=id_number, area=area, **data)
    answer.area_path = area.path if area else ""
    answer.created_at = answer.updated_at = timezone.now()
    answer.linked = True
    return answer


@transaction.atomic
def person_create(
    *, actor, id_number: str, name: str, phone: str = "", area: Area | None, address: str = ""
) -> Person:
    """Register a person in the actor's area.

    An ID number the actor can already see is refused ("该身份证号已登记", naming it is no leak).
    An ID number registered out of the actor's scope answers exactly as a new registration — the
    same success, the same message, the returned person built from what was typed (``linked`` set,
    the id of the record it links to) — and files a registration claim (PersonDiscrepancy) for the
    owning community chain, which decides. Follow-up for the registrant: the record stays with its
    owning community, so it is not in the registrant's list (opening its id is the 404 of any record
    out of scope); if the owning side says it is another person, nothing is shown to the registrant
    but through their own registrations' "请核实身份证号" (``discrepancy_verdict``).
    """
    _require_manage(actor)
    id_number = _clean_id(id_number)
    data = _clean_fields(name=name, phone=phone, address=address)
    area = _area_in_scope(actor=actor, area=area)
    if _visible(actor, id_number):
        raise ValidationError({"id_number": [_(DUPLICATE_ID)]}, code="duplicate")
    if Person.objects.filter(id_number=id_number).exists():
        link = person_link(
            actor=actor,
            claim=True,
            source=DiscrepancySource.PERSON_CREATE,
            id_number=id_number,
            area=area,
            name=data["name"],
            phone=data["phone"],
            address=data["address"],
        )
        return registration_answer(person=link.person, id_number=id_number, data=data, area=area)
    person = Person(id_number=id_number, area=area, created_by=actor, updated_by=actor, **data)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        raise ValidationError({"id_number": [_(DUPLICATE_ID)]}, code="duplicate") from None
    record(actor=actor, obj=person, action=AuditAction.CREATE, after=snapshot(person, AUDITED))
    return person


@transaction.atomic
def person_update(
    *, actor, person_id: int, name: str, phone: str = "", area: Area | None, address: str = ""
) -> Person:
    """Correct a person's name, phone, community and address; the ID number is not changed here."""
    _require_manage(actor)
    person = Person.objects.visible_to(actor, CHANGE).select_for_update().filter(pk=person_id).first()
    if person is None:
        raise PermissionDenied
    if person.merged_into_id:
        raise ValidationError(_("该记录已合并，不能修改"))
    data = _clean_fields(name=name, phone=phone, address=address)
    if area is not None and area.pk != person.area_id:
        area = _area_in_scope(actor=actor, area=area)
    elif area is None and person.area_id is not None:
        area = _area_in_scope(actor=actor, area=None)
    before, before_path = snapshot(person, AUDITED), person.area_path
    for key, value in data.items():
        setattr(person, key, value)
    person.area, person.updated_by = area, actor
    person.save()
    if not Person.objects.visible_to(actor, CHANGE).filter(pk=person.pk).exists():
        raise ValidationError({"area": _("修改后该人员将不在您的管辖范围内")})
    # Returns registered at the person's home, their quarantine orders, follow-ups, door sensors and
    # release notices copy its area path: they move with the person, in this transaction.
    moved = follow_move(parent=Person, moves={person.pk: (before_path, person.area_path)})
    after = snapshot(person, AUDITED)
    if moved.get(person.pk):
        after[AUDIT_KEY] = moved[person.pk]
    record(actor=actor, obj=person, action=AuditAction.UPDATE, before=before, after=after)
    return person


# --- import -------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)


LABELS = {
    "name": gettext_lazy("姓名"),
    "id_number": gettext_lazy("身份证号"),
    "phone": gettext_lazy("手机号"),
    "area": gettext_lazy("居住社区编码"),
    "address": gettext_lazy("居住地址"),
}


def _row_errors(number: int, exc: ValidationError) -> list[RowError]:
    if hasattr(exc, "error_dict"):
        return [
            RowError(number, str(LABELS.get(key, "")), m)
            for key, msgs in exc.message_dict.items()
            for m in msgs
        ]
    return [RowError(number, "", m) for m in exc.messages]


def _import_row(*, actor, number: int, row: dict, areas: dict, seen: dict) -> tuple[Person | None, list]:
    try:
        id_number = _clean_id(row.get("id_number", ""))
        data = _clean_fields(
            name=row.get("name", ""), phone=row.get("phone", ""), address=row.get("address", "")
        )
        code = (row.get("area") or "").strip()
        area = areas.get(code)
        if area is None:
            raise ValidationError(
                {"area": _("未找到社区编码 %(code)s") % {"code": code} if code else _("请填写")}
            )
        area = _area_in_scope(actor=actor, area=area)
    except ValidationError as exc:
        return None, _row_errors(number, exc)
    if id_number in seen:
        return None, [
            RowError(number, str(LABELS["id_number"]), _("与第 %(n)d 行重复") % {"n": seen[id_number]})
        ]
    seen[id_number] = number
    return Person(id_number=id_number, area=area, created_by=actor, updated_by=actor, **data), []


@transaction.atomic
def person_import(*, actor, rows: list[tuple[int, dict]], valid_only: bool = False) -> ImportResult:
    """Register many persons at once; every row is checked (ID number, scope, duplicates in the file
    and among the records the actor sees). Nothing is saved when a row fails, unless ``valid_only``.

    A row whose ID number is registered out of the actor's scope reads as a new registration (no
    error, counted in ``created``) and files a registration claim for the owning side, as
    ``person_create`` does."""
    _require_manage(actor)
    result = ImportResult()
    codes = {(r.get("area") or "").strip() for _n, r in rows}
    areas = {a.code: a for a in Area.objects.filter(code__in=codes)}
    seen: dict[str, int] = {}
    candidates: list[tuple[int, Person]] = []
    for number, row in rows:
        person, errors = _import_row(actor=actor, number=number, row=row, areas=areas, seen=seen)
        result.errors.extend(errors)
        if person is not None:
            candidates.append((number, person))
    typed = [p.id_number for _n, p in candidates]
    known = set(Person.objects.filter(id_number__in=typed).values_list("id_number", flat=True))
    visible = set(
        Person.objects.visible_to(actor, VIEW).filter(id_number__in=typed).values_list("id_number", flat=True)
    )
    fresh, claims = [], []
    for number, person in candidates:
        if person.id_number in visible:
            result.errors.append(RowError(number, str(LABELS["id_number"]), _(DUPLICATE_ID)))
        elif person.id_number in known:  # out of scope: counted as registered, claimed for the owner
            claims.append(person)
        else:
            fresh.append(person)
    result.errors.sort(key=lambda e: e.row)
    if result.errors and not valid_only:
        return result
    result.skipped = len(rows) - len(fresh) - len(claims)
    for typed_row in claims:
        person_link(
            actor=actor,
            claim=True,
            source=DiscrepancySource.PERSON_IMPORT,
            id_number=typed_row.id_number,
            name=typed_row.name,
            phone=typed_row.phone,
            area=typed_row.area,
            address=typed_row.address,
        )
    for person in fresh:
        person.area_path = person.area.path if person.area_id else ""
    Person.objects.bulk_create(fresh, batch_size=1000)
    saved = Person.objects.filter(id_number__in=[p.id_number for p in fresh]).select_related("area")
    AuditEntry.objects.bulk_create(
        [
            audit_entry(
                actor=actor, obj=p, action=AuditAction.IMPORT, before=None, after=snapshot(p, AUDITED)
            )
            for p in saved
        ],
        batch_size=1000,
    )
    result.created = len(fresh) + len(claims)
    return result


# --- merge --------------------------------------------------------------------------------------


def _relations():
    """Every foreign key to Person in any app, hidden ones (related_name="+") included."""
    return [
        r
        for r in Person._meta.get_fields(include_hidden=True)
        if (r.one_to_many or r.one_to_one) and r.auto_created and not r.concrete
    ]


def _unique_sets(model, field_name: str) -> list[tuple[str, ...]]:
    sets = [
        tuple(c.fields)
        for c in model._meta.constraints
        if isinstance(c, models.UniqueConstraint) and c.fields and c.condition is None
    ]
    sets += [tuple(u) for u in model._meta.unique_together]
    if model._meta.get_field(field_name).unique:
        sets.append((field_name,))
    return [s for s in sets if field_name in s]


def _move_references(*, source: Person, target: Person) -> dict[str, int]:
    """Point every row that refers to ``source`` at ``target`` in bulk; a row that would duplicate
    one ``target`` already has (same enterprise, same filing, same day …) is dropped as the same
    fact. Returns the counts moved and dropped per kind of record, for the audit entry."""
    counts = {}
    for relation in _relations():
        model, name = relation.related_model, relation.field.name
        if model is Person and name == "merged_into":
            continue
        label = str(model._meta.verbose_name)
        rows = model._default_manager.filter(**{name: source})
        for fields in _unique_sets(model, name):
            others = {f: OuterRef(f) for f in fields if f != name}
            clash = model._default_manager.filter(**{name: target}, **others)
            dropped, _detail = rows.filter(Exists(clash)).delete()
            if dropped:
                counts[f"{label}（重复，已删除）"] = dropped
        moved = rows.update(**{name: target})
        if moved:
            counts[label] = moved
    return counts


@transaction.atomic
def person_merge(*, actor, duplicate_id: int, survivor_id: int, reason: str) -> Person:
    """Merge the duplicate record into the surviving one: references move, the duplicate stays as a
    tombstone (merged_into, merged_by, merged_at, reason), both records' histories say so."""
    _require_manage(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写合并原因")})
    if str(duplicate_id) == str(survivor_id):
        raise ValidationError(_("不能将人员合并到其本人"))
    pair = {
        p.pk: p
        for p in Person.objects.visible_to(actor, CHANGE)
        .select_for_update()
        .filter(pk__in=[duplicate_id, survivor_id])
    }
    duplicate, survivor = pair.get(int(duplicate_id)), pair.get(int(survivor_id))
    if duplicate is None or survivor is None:
        raise PermissionDenied
    if survivor.merged_into_id:
        raise ValidationError(_("目标记录已被合并，不能作为保留记录"))
    if duplicate.merged_into_id:
        raise ValidationError(_("该记录已合并过"))
    try:
        with transaction.atomic():
            moved = _move_references(source=duplicate, target=survivor)
    except (ProtectedError, IntegrityError):
        raise ValidationError(_("两条记录的关联数据存在冲突，无法自动合并，请先处理后再合并")) from None
    Person.objects.filter(merged_into=duplicate).update(merged_into=survivor)
    before = snapshot(duplicate, ["merged_into", "merge_reason"])
    duplicate.merged_into, duplicate.merged_by, duplicate.merged_at = survivor, actor, timezone.now()
    duplicate.merge_reason, duplicate.updated_by = reason[:200], actor
    duplicate.save()
    record(
        actor=actor,
        obj=duplicate,
        action=AuditAction.UPDATE,
        before=before,
        after={**snapshot(duplicate, ["merged_into", "merge_reason"]), "moved": moved},
    )
    label = f"{duplicate.name}（{snapshot(duplicate, ['id_number'])['id_number']}）"
    record(
        actor=actor,
        obj=survivor,
        action=AuditAction.UPDATE,
        before={"merged_from": None},
        after={"merged_from": label, "merge_reason": reason[:200], "moved": moved},
    )
    return survivor


def person_reveal(*, actor, person: Person) -> dict:
    """The full ID number and phone for a role allowed to see them; every reveal is logged."""
    from fugong.core.access import PERSONAL_UNMASK
    from fugong.core.audit import log_personal_access

    if not actor.can(PERSONAL_UNMASK):
        raise PermissionDenied
    log_personal_access(user=actor, obj=person, fields=["id_number", "phone"])
    return {"id_number": person.id_number, "phone": person.phone}

"""Inspections: the checklist answered item by item, photos, findings with a deadline, and the
follow-up inspection that closes the findings it finds rectified."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.core import audit, uploads
from fugong.core.access import INSPECT
from fugong.core.models import AuditAction
from fugong.core.scoping import CHANGE

from .. import rules
from ..choices import FindingStatus, ItemResult
from ..models import Finding, Inspection, InspectionItem, InspectionPhoto
from .common import enterprise_in_scope, locked_in_scope, require

PHOTO_MAX_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 9
FINDING_FIELDS = ["description", "deadline", "status", "closed_by"]


def _check_items(items: list[dict], on: dt.date) -> list[InspectionItem]:
    checklist = {i.pk: i for i in rules.checklist_in_force(on)}
    given = {int(row["item_id"]): row for row in items}
    missing = [i.title for pk, i in checklist.items() if pk not in given]
    if missing:
        raise ValidationError({"items": _("请逐项填写检查结果，尚未填写：") + "、".join(missing)})
    unknown = set(given) - set(checklist)
    if unknown:
        raise ValidationError({"items": _("检查项不在当前的检查清单中，请刷新页面后重新填写")})
    rows = []
    for pk, item in checklist.items():
        result, note = given[pk].get("result"), (given[pk].get("note") or "").strip()
        if result not in ItemResult.values:
            raise ValidationError(
                {"items": _("「%(item)s」请选择 符合 / 不符合 / 不适用") % {"item": item.title}}
            )
        rows.append(InspectionItem(item=item, result=result, note=note[:200]))
    return rows


def _check_findings(findings: list[dict], on: dt.date, failed: bool) -> list[dict]:
    cleaned = []
    for number, row in enumerate(findings, start=1):
        description, deadline = (row.get("description") or "").strip(), row.get("deadline")
        if not description and not deadline:
            continue
        if not description:
            raise ValidationError({"findings": _("第 %(n)s 个问题：请填写问题描述") % {"n": number}})
        if not isinstance(deadline, dt.date):
            raise ValidationError({"findings": _("第 %(n)s 个问题：请填写整改期限") % {"n": number}})
        if deadline < on:
            raise ValidationError(
                {
                    "findings": _("第 %(n)s 个问题：整改期限不能早于检查日期（%(date)s）")
                    % {"n": number, "date": f"{on:%Y-%m-%d}"}
                }
            )
        cleaned.append({"description": description[:300], "deadline": deadline})
    if failed and not cleaned:
        raise ValidationError({"findings": _("有“不符合”的检查项，请填写发现的问题和整改期限")})
    return cleaned


def _check_photos(photos: list) -> list[tuple]:
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("照片最多上传 %(n)s 张") % {"n": MAX_PHOTOS}})
    checked = []
    for upload in photos:
        try:
            checked.append(
                (upload, uploads.check_upload(upload, kinds=uploads.PHOTO_KINDS, max_bytes=PHOTO_MAX_BYTES))
            )
        except ValidationError as exc:
            raise ValidationError(
                {
                    "photos": _("照片「%(name)s」：%(reason)s")
                    % {"name": getattr(upload, "name", ""), "reason": exc.messages[0]}
                }
            ) from None
    return checked


def _save_photo(inspection: Inspection, upload, checked) -> InspectionPhoto:
    photo = InspectionPhoto(
        inspection=inspection, name=checked.name, content_type=checked.content_type, size=checked.size
    )
    photo.file.save(uploads.storage_name("supervision", checked), upload, save=False)
    photo.save()
    return photo


def _close_findings(actor, follows: Inspection, followup: Inspection, rectified: list[int]) -> None:
    open_ids = set(follows.findings.filter(status=FindingStatus.OPEN).values_list("pk", flat=True))
    wanted = {int(pk) for pk in rectified}
    if wanted - open_ids:
        raise ValidationError({"rectified": _("只能确认被复查检查中尚未整改的问题")})
    for finding in Finding.objects.select_for_update().filter(pk__in=wanted).order_by("pk"):
        before = audit.snapshot(finding, FINDING_FIELDS)
        finding.status, finding.closed_by, finding.closed_at = (
            FindingStatus.RECTIFIED,
            followup,
            timezone.now(),
        )
        finding.save(update_fields=["status", "closed_by", "closed_at"])
        audit.record(
            actor=actor,
            obj=finding,
            action=AuditAction.UPDATE,
            before=before,
            after=audit.snapshot(finding, FINDING_FIELDS),
        )


@transaction.atomic
def inspection_record(
    *,
    actor,
    enterprise_id: int,
    date: dt.date,
    items: list[dict],
    findings: list[dict],
    note: str = "",
    follows_id: int | None = None,
    rectified: list[int] | None = None,
    photos: list | None = None,
) -> Inspection:
    """Record a complete inspection of an enterprise in the actor's scope (no findings: 无异常).

    ``items`` are ``{"item_id", "result", "note"}`` for every checklist item in force on ``date``;
    ``findings`` are ``{"description", "deadline"}`` with the deadline on or after ``date``. A
    follow-up (``follows_id``) closes the earlier inspection's open findings listed in ``rectified``.
    """
    require(actor, INSPECT, _("您无权检查企业"))
    enterprise = enterprise_in_scope(actor, enterprise_id, CHANGE)
    if date > timezone.localdate():
        raise ValidationError({"date": _("检查日期不能晚于今天")})
    rows = _check_items(items, date)
    cleaned = _check_findings(findings, date, any(r.result == ItemResult.FAIL for r in rows))
    checked_photos = _check_photos(photos or [])
    follows = None
    if follows_id is not None:
        follows = locked_in_scope(Inspection, actor, follows_id, CHANGE)
        if follows.enterprise_id != enterprise.pk:
            raise ValidationError({"follows": _("复查只能针对同一企业的检查")})
        if follows.date > date:
            raise ValidationError({"date": _("复查日期不能早于被复查的检查日期")})
    inspection = Inspection.objects.create(
        enterprise=enterprise,
        area_path=enterprise.area_path,
        date=date,
        inspector=actor,
        follows=follows,
        note=note.strip(),
    )
    for row in rows:
        row.inspection = inspection
    InspectionItem.objects.bulk_create(rows)
    Finding.objects.bulk_create(
        [
            Finding(inspection=inspection, enterprise=enterprise, area_path=enterprise.area_path, **f)
            for f in cleaned
        ]
    )
    if follows is not None:
        _close_findings(actor, follows, inspection, rectified or [])
    for upload, checked in checked_photos:
        _save_photo(inspection, upload, checked)
    after = audit.snapshot(inspection, Inspection.AUDIT_FIELDS)
    after.update(
        {
            "findings": len(cleaned),
            "photos": len(checked_photos),
            "failed_items": [r.item.title for r in rows if r.result == ItemResult.FAIL],
        }
    )
    audit.record(actor=actor, obj=inspection, action=AuditAction.CREATE, after=after)
    return inspection


@transaction.atomic
def photo_add(*, actor, inspection_id: int, upload) -> InspectionPhoto:
    """Add a photo to an inspection the actor may reach (checked by type, content and size)."""
    require(actor, INSPECT, _("您无权上传检查照片"))
    inspection = locked_in_scope(Inspection, actor, inspection_id, CHANGE)
    if inspection.photos.count() >= MAX_PHOTOS:
        raise ValidationError({"photos": _("照片最多上传 %(n)s 张") % {"n": MAX_PHOTOS}})
    [(upload, checked)] = _check_photos([upload])
    photo = _save_photo(inspection, upload, checked)
    audit.record(
        actor=actor,
        obj=inspection,
        action=AuditAction.UPDATE,
        before={"photo": None},
        after={"photo": photo.name},
    )
    return photo

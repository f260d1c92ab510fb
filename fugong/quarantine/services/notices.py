"""Release notices: issue on release (or later, in bulk), print in bulk, record delivery, revoke, and
verify a notice's QR link or file.

The content is frozen at issue as canonical JSON and signed with an HMAC-SHA256 whose key is derived
from SECRET_KEY (``salted_hmac``); the QR link carries the number and a short code derived from that
signature. Verification recomputes the HMAC from the stored content, so a changed number, a changed
code or content edited in the database all fail. The PDF is rendered from the frozen content only.
"""

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.core import audit, uploads
from fugong.core.access import QUARANTINE_MANAGE, Role
from fugong.core.models import AuditAction, PersonalDataAccess
from fugong.core.scoping import CHANGE

from .. import pdf
from ..models import DeliveryMethod, Measure, Order, OrderStatus, ReleaseNotice, Stay

SIGNING_SALT = "fugong.quarantine.release_notice"
CODE_LENGTH = 10
NUMBER_RE = re.compile(r"^JC\d{10}$")
CODE_RE = re.compile(rf"^[A-Z2-7]{{{CODE_LENGTH}}}$")
UPLOAD_FOLDER = "quarantine-notices"
MAX_BULK = 500
NOTICE_MAX_BYTES = 2 * 1024 * 1024  # an issued notice is ~40 KB; anything far larger is not one of ours
PERSONAL_FIELDS = ("name", "id_number", "address")


# Signing -----------------------------------------------------------------------------------------


def canonical(content: dict) -> bytes:
    """The bytes that are signed: sorted keys, no whitespace, UTF-8 (same on SQLite and PostgreSQL)."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def sign(content: dict) -> str:
    return salted_hmac(SIGNING_SALT, canonical(content), algorithm="sha256").hexdigest()


def code_for(signature: str) -> str:
    """The short code in the QR link: the first 50 bits of the signature, in base32 (A–Z, 2–7)."""
    return base64.b32encode(bytes.fromhex(signature)).decode()[:CODE_LENGTH]


def public_base(base_url: str = "") -> str:
    """FUGONG_PUBLIC_URL when set (behind a proxy the request's host may be an internal one), else
    the address the request came to."""
    return (settings.FUGONG_PUBLIC_URL or base_url or "http://localhost:8000").rstrip("/")


# Issue -------------------------------------------------------------------------------------------


def _place(order: Order) -> str:
    if order.kind != Measure.CENTRALIZED:
        return order.returnee.address
    stay = Stay.objects.filter(order=order).select_related("site").order_by("-checked_in_at").first()
    return stay.site.name if stay else _("集中隔离点")


def _content(order: Order, *, number: str, actor, issued_at: dt.datetime) -> dict:
    """What the notice says, as plain strings: frozen at issue and signed."""
    community = order.returnee.destination
    units = list(community.ancestors())
    street = units[-2].name if len(units) >= 2 else ""
    return {
        "number": number,
        "name": order.person.name,
        "id_number": order.person.id_number,
        "kind": order.kind,
        "kind_label": order.get_kind_display(),
        "place": _place(order),
        "address": order.returnee.address,
        "start_date": order.start_date.isoformat(),
        "planned_end": order.planned_end.isoformat(),
        "released_on": timezone.localdate(order.released_at).isoformat(),
        "reason": order.release_reason,
        "legal_basis": order.decision.legal_basis,
        "community": community.name,
        "street": street,
        "issuer_unit": "".join(a.name for a in units),
        "issuer": (actor.full_name or actor.username) if actor else "",
        "issued_on": timezone.localdate(issued_at).isoformat(),
    }


def _store_pdf(notice: ReleaseNotice, data: bytes) -> None:
    checked = uploads.CheckedFile(
        name=f"{notice.number}.pdf", extension="pdf", content_type="application/pdf", size=len(data)
    )
    notice.file.save(uploads.storage_name(UPLOAD_FOLDER, checked), ContentFile(data), save=False)
    notice.sha256, notice.size = hashlib.sha256(data).hexdigest(), len(data)


def render_one(notice: ReleaseNotice) -> bytes:
    """The notice's PDF from its frozen content; the same bytes every time (dated at issue)."""
    return pdf.render(
        [{"content": notice.content, "number": notice.number, "url": notice.verify_url}],
        created=notice.issued_at,
    )


def notice_issue(*, actor, order: Order, base_url: str = "") -> ReleaseNotice:
    """The notice of a released order (called inside the release's transaction, or by the bulk
    issue): content frozen and signed, the PDF rendered from it and stored privately."""
    if order.status != OrderStatus.RELEASED:
        raise ValidationError(_("只有已解除的隔离措施才能签发解除隔离通知书"))
    number = order.release_number or f"JC{order.released_at:%Y}{order.pk:06d}"
    issued_at = timezone.now().replace(microsecond=0)
    content = _content(order, number=number, actor=actor, issued_at=issued_at)
    signature = sign(content)
    code = code_for(signature)
    notice = ReleaseNotice(
        order=order,
        number=number,
        content=content,
        signature=signature,
        code=code,
        verify_url=public_base(base_url) + reverse("quarantine:release_verify", args=[number, code]),
        area_path=order.area_path,
        issued_at=issued_at,
        issued_by=actor,
    )
    _store_pdf(notice, render_one(notice))
    notice.save()
    audit.record(
        actor=actor,
        obj=notice,
        action=AuditAction.CREATE,
        after={"number": number, "order": order.pk, "sha256": notice.sha256},
    )
    return notice


@transaction.atomic
def notice_issue_bulk(*, actor, order_ids: list[int], base_url: str = "") -> list[ReleaseNotice]:
    """Notices for the selected released orders that have none (released through the API or before
    notices existed). Orders out of scope, not released or already issued are passed over."""
    if not actor.can(QUARANTINE_MANAGE):
        raise PermissionDenied(_("您无权签发解除隔离通知书"))
    ids = _ids(order_ids)
    orders = (
        Order.objects.visible_to(actor, CHANGE)
        .filter(pk__in=ids, status=OrderStatus.RELEASED)
        .exclude(pk__in=ReleaseNotice.objects.values("order_id"))
        .select_for_update()
        .order_by("pk")
    )
    locked = [o.pk for o in orders]
    related = Order.objects.select_related("person", "returnee__destination", "decision").filter(
        pk__in=locked
    )
    return [notice_issue(actor=actor, order=order, base_url=base_url) for order in related.order_by("pk")]


def _ids(values) -> list[int]:
    try:
        ids = sorted({int(v) for v in values or []})
    except (TypeError, ValueError):
        raise ValidationError(_("所选记录无效")) from None
    if not ids:
        raise ValidationError(_("请先勾选隔离措施"))
    if len(ids) > MAX_BULK:
        raise ValidationError(_("一次最多选择 %(n)s 条") % {"n": MAX_BULK})
    return ids


# Read (logged) -----------------------------------------------------------------------------------


def notice_open(*, actor, order_id: int) -> ReleaseNotice:
    """The notice of an order in the actor's scope, for download; the view of personal data is logged."""
    notice = ReleaseNotice.objects.visible_to(actor).filter(order_id=order_id).first()
    if notice is None:
        raise PermissionDenied(_("该通知书不存在或不在您的管辖范围内"))
    audit.log_personal_access(user=actor, obj=notice, fields=PERSONAL_FIELDS, description=notice.number)
    return notice


def notice_print(*, actor, order_ids: list[int]) -> tuple[bytes, int]:
    """One PDF, one A4 page per selected notice, re-rendered from the stored content (same numbers,
    same links); logged as an export of personal data. Returns the bytes and the page count."""
    ids = _ids(order_ids)
    notices = list(ReleaseNotice.objects.visible_to(actor).filter(order_id__in=ids).order_by("number"))
    if not notices:
        raise ValidationError(_("所选记录都还没有解除隔离通知书，请先签发"))
    data = pdf.render(
        [{"content": n.content, "number": n.number, "url": n.verify_url} for n in notices],
        created=timezone.now().replace(microsecond=0),
    )
    audit.log_personal_access(
        user=actor,
        obj=None,
        model=ReleaseNotice,
        fields=PERSONAL_FIELDS,
        purpose=PersonalDataAccess.Purpose.EXPORT,
        row_count=len(notices),
        description=_("批量打印解除隔离通知书 %(n)s 份") % {"n": len(notices)},
    )
    return data, len(notices)


# Delivery and revocation -------------------------------------------------------------------------


def _locked(actor, order_id: int) -> ReleaseNotice:
    if not actor.can(QUARANTINE_MANAGE):
        raise PermissionDenied(_("您无权办理解除隔离通知书"))
    notice = (
        ReleaseNotice.objects.visible_to(actor, CHANGE).select_for_update().filter(order_id=order_id).first()
    )
    if notice is None:
        raise PermissionDenied(_("该通知书不存在或不在您的管辖范围内"))
    return notice


def _doctor(notice: ReleaseNotice, doctor_id) -> User | None:
    if not doctor_id:
        return None
    doctor = User.objects.filter(pk=doctor_id, role=Role.MEDIC, is_active=True).first()
    if doctor is None or not (
        doctor.pk == notice.order.doctor_id or notice.area_path.startswith(doctor.scope_path or "\0")
    ):
        raise ValidationError({"with_doctor": [_("同行的家庭医生应为负责该社区的医护人员")]})
    return doctor


@transaction.atomic
def notice_deliver(
    *, actor, order_id: int, method: str, with_doctor_id: int | None = None, note: str = ""
) -> ReleaseNotice:
    """Record the delivery, once: the community worker (usually with the family doctor) hands the
    notice over at home; a second record is refused, naming who delivered it and when."""
    notice = _locked(actor, order_id)
    if notice.delivered_at is not None:
        raise ValidationError(
            _("该通知书已于%(at)s由%(who)s登记送达（%(how)s），不能重复登记")
            % {
                "at": f"{timezone.localtime(notice.delivered_at):%Y-%m-%d %H:%M}",
                "who": notice.delivered_by.full_name if notice.delivered_by else "—",
                "how": notice.get_delivery_method_display(),
            }
        )
    if notice.revoked_at is not None:
        raise ValidationError(_("该通知书已作废，不能登记送达"))
    errors = {}
    if method not in DeliveryMethod.values:
        errors["method"] = [_("请选择送达方式")]
    note = (note or "").strip()
    if len(note) > 200:
        errors["note"] = [_("备注不超过200字")]
    try:
        doctor = _doctor(notice, with_doctor_id)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    notice.delivered_at, notice.delivered_by, notice.delivery_method = timezone.now(), actor, method
    notice.delivered_with, notice.delivery_note = doctor, note
    notice.save(
        update_fields=["delivered_at", "delivered_by", "delivery_method", "delivered_with", "delivery_note"]
    )
    audit.record(
        actor=actor,
        obj=notice,
        action=AuditAction.UPDATE,
        before={"delivered": ""},
        after={
            "delivered": notice.get_delivery_method_display(),
            "with": doctor.full_name if doctor else "",
            "note": note,
        },
    )
    return notice


@transaction.atomic
def notice_revoke(*, actor, order_id: int, reason: str) -> ReleaseNotice:
    """Void a notice issued in error (the verification page then shows 已作废); with a reason."""
    notice = _locked(actor, order_id)
    if notice.revoked_at is not None:
        raise ValidationError(_("该通知书已作废"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("作废须填写理由")]})
    notice.revoked_at, notice.revoke_reason = timezone.now(), reason[:200]
    notice.save(update_fields=["revoked_at", "revoke_reason"])
    audit.record(
        actor=actor, obj=notice, action=AuditAction.UPDATE, before={"revoked": ""}, after={"revoked": reason}
    )
    return notice


# Verification (public) ---------------------------------------------------------------------------


class Outcome:
    GENUINE = "genuine"
    REVOKED = "revoked"
    INVALID = "invalid"


@dataclass(frozen=True)
class Verification:
    outcome: str
    notice: ReleaseNotice | None = None

    @property
    def genuine(self) -> bool:
        return self.outcome != Outcome.INVALID


def notice_verify(*, number: str, code: str) -> Verification:
    """Genuine when the number exists, the HMAC recomputed from its stored content equals the stored
    signature, and the code in the link is the one derived from it. Anything else is invalid, and
    says no more than that."""
    number, code = (number or "").strip().upper(), (code or "").strip().upper()
    if not (NUMBER_RE.match(number) and CODE_RE.match(code)):
        return Verification(Outcome.INVALID)
    notice = ReleaseNotice.objects.select_related("delivered_by").filter(number=number).first()
    if notice is None:
        return Verification(Outcome.INVALID)
    expected = sign(notice.content)
    genuine = (
        hmac.compare_digest(expected, notice.signature)
        & hmac.compare_digest(code_for(expected), code)
        & (notice.content.get("number") == notice.number)
    )
    if not genuine:
        return Verification(Outcome.INVALID)
    return Verification(Outcome.REVOKED if notice.revoked_at else Outcome.GENUINE, notice)


def notice_file_matches(*, notice: ReleaseNotice, upload) -> bool:
    """Whether an uploaded file is byte for byte the PDF that was issued (SHA-256 compared)."""
    uploads.check_upload(upload, kinds=("pdf",), max_bytes=NOTICE_MAX_BYTES)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return hmac.compare_digest(digest.hexdigest(), notice.sha256)

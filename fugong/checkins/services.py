"""Writes of the check-in app: recording a check-in (the morning wave's hot path), acknowledging
alerts, spot-check results, pattern detection and the district's settings.

``checkin_record`` is one INSERT (two when an alert is due) in one durable transaction (an operator
may opt out of waiting for the WAL flush, see ASYNC_COMMIT); no audit row per check-in (the row is its own record); the
settings come from a short process cache.
"""

import datetime as dt
import os
import time
import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.db.models.functions import TruncSecond
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.core.access import CHECKIN_MONITOR
from fugong.core.audit import record
from fugong.core.compiled import CompiledInsert
from fugong.core.models import AuditAction

from .choices import FlagKind, OnRepeat, Slot, SpotResult, Symptom
from .models import TEMP_MAX, TEMP_MIN, Alert, Checkin, CheckinIdentity, CheckinSettings, EnterpriseLink, Flag

# Check-ins are committed durably by default (nothing a person submitted is lost). An operator who
# needs more of the morning wave than the serialized WAL flush allows may set
# FUGONG_CHECKIN_ASYNC_COMMIT=1: synchronous_commit off for this one transaction, so a database crash
# can lose the last fraction of a second of check-ins (never corrupt anything; those people then show
# up in the missed list). bench/README.md has both figures.
ASYNC_COMMIT = os.environ.get("FUGONG_CHECKIN_ASYNC_COMMIT", "0") == "1"
_INSERT = CompiledInsert(Checkin)
_SETTINGS_TTL = 30.0
_settings_cache: list = [None, 0.0]


def checkin_settings() -> CheckinSettings:
    """The district's rules, cached per process for 30 s (the hot path must not read them each time)."""
    obj, at = _settings_cache
    if obj is None or time.monotonic() - at > _SETTINGS_TTL:
        obj = CheckinSettings.objects.get_or_create(pk=1)[0]
        _settings_cache[:] = [obj, time.monotonic()]
    return obj


def settings_clear_cache() -> None:
    _settings_cache[:] = [None, 0.0]


@transaction.atomic
def settings_save(*, actor, **values) -> CheckinSettings:
    obj = CheckinSettings.objects.select_for_update().get_or_create(pk=1)[0]
    before = {k: str(getattr(obj, k)) for k in values}
    for k, v in values.items():
        setattr(obj, k, v)
    obj.full_clean()
    obj.save()
    record(
        actor=actor,
        obj=obj,
        action=AuditAction.UPDATE,
        before=before,
        after={k: str(v) for k, v in values.items()},
    )
    transaction.on_commit(settings_clear_cache)
    return obj


def link_for(*, enterprise) -> EnterpriseLink:
    return EnterpriseLink.objects.get_or_create(enterprise=enterprise)[0]


def parse_temperature(value) -> Decimal:
    try:
        t = Decimal(str(value).strip()).quantize(Decimal("0.1"))
        if not t.is_finite():  # NaN quantizes to NaN, and then cannot even be compared
            raise InvalidOperation
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({"temperature": _("请填写体温，例如 36.5")}) from None
    if not (Decimal(str(TEMP_MIN)) <= t <= Decimal(str(TEMP_MAX))):
        raise ValidationError(
            {
                "temperature": _("体温须在 %(lo)s–%(hi)s ℃ 之间，请重新测量后填写")
                % {"lo": TEMP_MIN, "hi": TEMP_MAX}
            }
        )
    return t


def _slot(conf: CheckinSettings, now: dt.datetime) -> int:
    if not conf.twice_daily:
        return Slot.DAY
    return Slot.MORNING if timezone.localtime(now).hour < 12 else Slot.EVENING


def _reason(conf, temperature: Decimal, symptom: str) -> str:
    parts = []
    if temperature >= conf.fever_threshold:
        parts.append(_("发热 %(t)s ℃") % {"t": temperature})
    if symptom != Symptom.NONE:
        parts.append(str(Symptom(symptom).label))
    return "、".join(parts)


def checkin_record(
    *,
    person_id: int,
    enterprise_id: int | None,
    key,
    temperature,
    symptom: str = Symptom.NONE,
    risk_contact: bool = False,
    whereabouts: str = "",
    proxy_user=None,
    proxy_person_id=None,
    now: dt.datetime | None = None,
) -> tuple[Checkin, bool]:
    """Record one check-in; ``(checkin, created)``.

    The same idempotency key again returns the stored row (a retry after a lost connection); a new
    key for a slot already answered is refused or replaces the answer, per the district setting.
    Fever or symptoms create an alert in the same transaction.
    """
    temperature = parse_temperature(temperature)
    if symptom not in Symptom.values:
        raise ValidationError({"symptom": _("请选择症状")})
    whereabouts = (whereabouts or "").strip()
    if len(whereabouts) > 60:
        raise ValidationError({"whereabouts": _("今日去向请控制在 60 字以内")})
    try:
        key = uuid.UUID(str(key))
    except (ValueError, TypeError, AttributeError):
        raise ValidationError({"key": _("缺少或无效的提交编号，请刷新页面后重试")}) from None
    conf = checkin_settings()
    now = now or timezone.now()
    reason = _reason(conf, temperature, symptom)
    row = Checkin(
        person_id=person_id,
        enterprise_id=enterprise_id,
        day=timezone.localdate(now),
        slot=_slot(conf, now),
        temperature=temperature,
        symptom=symptom,
        risk_contact=bool(risk_contact),
        whereabouts=whereabouts,
        abnormal=bool(reason),
        submitted_at=now,
        key=key,
        proxy_user=proxy_user if proxy_user is not None and proxy_user.is_authenticated else None,
        proxy_person_id=proxy_person_id,
    )
    try:
        if reason or ASYNC_COMMIT or connection.in_atomic_block:
            with transaction.atomic():
                _async_commit()
                row.save(force_insert=True)
                if reason:
                    Alert.objects.create(
                        checkin=row,
                        enterprise_id=enterprise_id,
                        person_id=person_id,
                        day=row.day,
                        reason=reason,
                    )
        else:
            # The common case is one INSERT: in autocommit it is its own transaction, which spares
            # the BEGIN and COMMIT round trips of an atomic block (two of the four per check-in), and
            # its statement is built once per process (Checkin has no signal receivers).
            _INSERT.insert(row)
        return row, True
    except IntegrityError:
        pass
    return _on_conflict(row, conf, reason)


def _async_commit() -> None:
    if (
        ASYNC_COMMIT
        and connection.vendor == "postgresql"
        and connection.get_autocommit() is False
        and len(connection.savepoint_ids) == 0
    ):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO off")


def _on_conflict(row: Checkin, conf, reason: str) -> tuple[Checkin, bool]:
    same = Checkin.objects.filter(key=row.key).first()
    if same is not None:
        if same.person_id != row.person_id:
            raise ValidationError({"key": _("提交编号已被使用，请刷新页面后重试")})
        return same, False
    existing = Checkin.objects.filter(person_id=row.person_id, day=row.day, slot=row.slot).first()
    if existing is None:  # lost a race with a delete; try once more
        raise ValidationError(_("提交失败，请重试"))
    if conf.on_repeat != OnRepeat.REPLACE:
        raise ValidationError(
            _("今天（%(slot)s）已于 %(at)s 打过卡，无需重复提交")
            % {
                "slot": Slot(existing.slot).label,
                "at": timezone.localtime(existing.submitted_at).strftime("%H:%M"),
            }
        )
    with transaction.atomic():
        row.pk = existing.pk
        row.save(force_update=True)
        Alert.objects.filter(checkin_id=row.pk, acknowledged_at__isnull=True).delete()
        if reason and not Alert.objects.filter(checkin_id=row.pk).exists():
            Alert.objects.create(
                checkin=row,
                enterprise_id=row.enterprise_id,
                person_id=row.person_id,
                day=row.day,
                reason=reason,
            )
    return row, True


def identity_bind(*, user, person, enterprise) -> None:
    """Remember which person a signed-in account is (after it identified once)."""
    if user is None or not user.is_authenticated:
        return
    identity, _created = CheckinIdentity.objects.update_or_create(
        user=user, defaults={"person": person, "enterprise": enterprise}
    )
    user.checkin_identity = identity  # selectors.identity_of reads the cached relation


def _check_monitor(actor, obj):
    if not actor.can(CHECKIN_MONITOR) or not type(obj).objects.visible_to(actor).filter(pk=obj.pk).exists():
        raise PermissionDenied


@transaction.atomic
def alert_acknowledge(*, actor, alert: Alert, outcome: str) -> Alert:
    _check_monitor(actor, alert)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("请填写处置结果，例如：已电话联系，居家观察")})
    before = {"acknowledged_at": None, "outcome": alert.outcome}
    alert.acknowledged_at = alert.acknowledged_at or timezone.now()
    alert.acknowledged_by = alert.acknowledged_by or actor
    alert.outcome = outcome[:200]
    alert.save(update_fields=["acknowledged_at", "acknowledged_by", "outcome"])
    record(
        actor=actor,
        obj=alert,
        action=AuditAction.UPDATE,
        before=before,
        after={"acknowledged_at": str(alert.acknowledged_at), "outcome": alert.outcome},
    )
    return alert


@transaction.atomic
def flag_spot_check(*, actor, flag: Flag, result: str, note: str = "") -> Flag:
    """A medic's or commissioner's spot-check result for a flagged pattern."""
    if actor.role not in {"medic", "commissioner", "sysadmin"}:
        raise PermissionDenied(_("只有防疫专员或驻企指导员可以记录抽查结果"))
    _check_monitor(actor, flag)
    if result not in SpotResult.values or not result:
        raise ValidationError({"result": _("请选择抽查结果")})
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    before = {"result": flag.result, "note": flag.note}
    flag.result, flag.note = result, (note or "").strip()[:200]
    flag.checked_by, flag.checked_at = actor, timezone.now()
    flag.save(update_fields=["result", "note", "checked_by", "checked_at"])
    record(
        actor=actor,
        obj=flag,
        action=AuditAction.UPDATE,
        before=before,
        after={"result": result, "note": flag.note},
    )
    return flag


def patterns_detect(*, day: dt.date) -> int:
    """Flag identical answers N days running and bursts in one second; safe to run twice."""
    conf = checkin_settings()
    n = conf.identical_days
    start = day - dt.timedelta(days=n - 1)
    same = (
        Checkin.objects.filter(day__range=(start, day))
        .values("person_id", "temperature", "symptom", "risk_contact", "whereabouts", "slot")
        .annotate(days=Count("day", distinct=True))
        .filter(days__gte=n)
    )
    people = {r["person_id"]: r for r in same}
    today = dict(
        Checkin.objects.filter(day=day, person_id__in=list(people)).values_list("person_id", "enterprise_id")
    )
    flags = [
        Flag(
            kind=FlagKind.IDENTICAL,
            enterprise_id=today[p],
            person_id=p,
            day=day,
            detail=_("连续 %(n)s 天答案完全相同（体温 %(t)s ℃）") % {"n": n, "t": r["temperature"]},
        )
        for p, r in people.items()
        if today.get(p)
    ]
    bursts = (
        Checkin.objects.filter(day=day, enterprise__isnull=False)
        .annotate(second=TruncSecond("submitted_at"))
        .values("enterprise_id", "second")
        .annotate(n=Count("id"))
        .filter(n__gte=conf.same_second_count)
    )
    for b in bursts:
        at = timezone.localtime(b["second"]).strftime("%H:%M:%S")
        flags.append(
            Flag(
                kind=FlagKind.SAME_SECOND,
                enterprise_id=b["enterprise_id"],
                day=day,
                detail=_("%(at)s 同一秒内 %(n)s 人打卡") % {"at": at, "n": b["n"]},
            )
        )
    created = Flag.objects.bulk_create(flags, ignore_conflicts=True)
    return len(created)

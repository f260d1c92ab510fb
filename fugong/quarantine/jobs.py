"""Quarantine's background jobs (QuarantineConfig.job_kinds, run by core.jobs): bulk printing of
release notices above ``settings.FUGONG_PRINT_INLINE_NOTICES`` selected orders becomes a job whose
PDF the officer downloads from 我的任务 (the same PDF and the same export log as the page's)."""

import io

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.core.access import QUARANTINE_MANAGE
from fugong.core.jobs.runner import Job, JobError, enqueue

from .services import notices as notice_services

PRINT_KIND = "quarantine.notice_print"


def print_inline_limit() -> int:
    return int(getattr(settings, "FUGONG_PRINT_INLINE_NOTICES", 50))


def notice_print_enqueue(*, actor, order_ids: list) -> Job:
    ids = sorted({int(v) for v in order_ids if str(v).isdigit()})
    return enqueue(
        PRINT_KIND,
        params={"order_ids": ids},
        requested_by=actor,
        title=f"批量打印解除隔离通知书（{len(ids)} 条）",
    )


def run_notice_print(job) -> dict:
    user = job.user
    if user is None or not user.is_active or not user.can(QUARANTINE_MANAGE):
        raise JobError(_("发起人已无权办理解除隔离通知书"))
    ids = job.params.get("order_ids", [])
    job.progress(0, len(ids))
    try:
        data, count = notice_services.notice_print(actor=user, order_ids=ids)
    except (ValidationError, PermissionDenied) as exc:
        raise JobError(" ".join(getattr(exc, "messages", [str(exc)]))) from None
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    job.save_file(f"release-notices-{stamp}-{count}.pdf", io.BytesIO(data))
    job.progress(len(ids), len(ids))
    job.log(_("通知书 %(n)d 份") % {"n": count})
    return {"notices": count}

"""The job row: every background run (a cron job, a large export) leaves one, with its status,
progress, log, result file and who asked."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class JobQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        """A user's own jobs; the system administrator sees every job. Anyone else's: not found."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if getattr(user, "is_sysadmin", False):
            return self
        return self.filter(requested_by=user)


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("运行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    LIVE = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(_("任务类型"), max_length=64, db_index=True)
    title = models.CharField(_("任务"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    progress_done = models.PositiveIntegerField(_("已完成"), default=0)
    progress_total = models.PositiveIntegerField(_("总数"), default=0)
    log = models.TextField(_("日志"), blank=True)
    file = models.FileField(_("结果文件"), upload_to="jobs/%Y/%m/", blank=True, max_length=255)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dedupe_key = models.CharField(_("去重键"), max_length=200, blank=True)
    task_id = models.CharField(_("后台任务编号"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # Stamped by every log line and progress report: a running job whose heartbeat is older than
    # FUGONG_JOB_STALE_MINUTES was lost with its worker (runner.reap_stale).
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        app_label = "core"
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Safe to run twice: one live (queued or running) job per dedupe key.
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(status__in=["queued", "running"]) & ~Q(dedupe_key=""),
                name="job_one_live_per_dedupe_key",
            )
        ]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="job_requester_idx")]

    def __str__(self) -> str:
        return self.title or f"{self.kind} #{self.pk}"

    @property
    def live(self) -> bool:
        return self.status in self.LIVE

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    def log_tail(self, lines: int = 20) -> str:
        return "\n".join(self.log.splitlines()[-lines:])

"""Work resumption: filings with commitment, the review, enterprise status, daily reports, rates.

Rates are read from two aggregate tables kept current by the services that change their inputs:
``StatusTally`` (registered / in scope / resumed, now) and ``DailyTally`` (the day's reports, and a
snapshot of the status counts taken each evening for the trend).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils.translation import gettext_lazy as _

from fugong.areas.models import PATH_SEP, Area
from fugong.core.access import RATES_VIEW, Role
from fugong.core.models import TimeStampedModel, pattern_index
from fugong.core.scoping import ScopedManager, subtree_q
from fugong.enterprises.choices import Category, Industry
from fugong.enterprises.scoping import enterprise_scoped

from .choices import (
    OPEN_FILING,
    ConditionRule,
    EnterpriseState,
    FilingStatus,
    HealthState,
    Mode,
    Ventilation,
)


def holding_area(path: str) -> Area:
    """The street, town or park that holds an enterprise's filings and problems: the level-1 node
    of its area path (the district itself for an enterprise hung on the district)."""
    codes = [c for c in path.split(PATH_SEP) if c]
    return Area.objects.get(code=codes[1] if len(codes) > 1 else codes[0])


class CategoryPolicy(models.Model):
    """Per category, whether filing is enough (备案即复工) or a review is needed, and the clock."""

    category = models.CharField(_("企业类别"), max_length=16, choices=Category.choices, unique=True)
    mode = models.CharField(_("复工方式"), max_length=8, choices=Mode.choices, default=Mode.REVIEW)
    review_working_days = models.PositiveSmallIntegerField(
        _("审核时限（工作日）"), default=2, validators=[MinValueValidator(1), MaxValueValidator(15)]
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("复工方式设置")
        verbose_name_plural = _("复工方式设置")

    def __str__(self):
        return f"{self.get_category_display()}：{self.get_mode_display()}"


class Condition(models.Model):
    """A required condition or document, kept by the district, in force from a date."""

    code = models.CharField(_("编码"), max_length=32)
    title = models.CharField(_("条件"), max_length=100)
    rule = models.CharField(_("检查方式"), max_length=24, choices=ConditionRule.choices)
    threshold = models.PositiveIntegerField(_("数量要求"), null=True, blank=True)
    categories = models.JSONField(
        _("适用类别"), default=list, blank=True, help_text=_("为空表示适用全部类别")
    )
    legal_basis = models.CharField(_("依据"), max_length=200, blank=True)
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("复工条件")
        verbose_name_plural = _("复工条件")
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="condition_version_unique")
        ]

    def __str__(self):
        return self.title


class CommitmentText(models.Model):
    """A version of the commitment (承诺书) enterprises sign; the signed version is kept on the filing."""

    version = models.CharField(_("版本"), max_length=16, unique=True)
    text = models.TextField(_("承诺书内容"))
    effective_from = models.DateField(_("生效日期"))

    class Meta:
        verbose_name = _("承诺书文本")
        verbose_name_plural = _("承诺书文本")
        ordering = ["-effective_from"]

    def __str__(self):
        return self.version


class Filing(TimeStampedModel):
    """复工备案: one enterprise's filing with its roster, supplies, measures and signed commitment."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="filings"
    )
    area_path = models.CharField(max_length=255, editable=False)
    category = models.CharField(_("企业类别"), max_length=16, choices=Category.choices, editable=False)
    mode = models.CharField(_("复工方式"), max_length=8, choices=Mode.choices, editable=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=FilingStatus.choices, default=FilingStatus.DRAFT
    )
    planned_date = models.DateField(_("计划复工日期"))
    prevention_plan = models.TextField(_("疫情防控方案"), blank=True)
    masks_stock = models.PositiveIntegerField(_("口罩库存（只）"), default=0)
    masks_days = models.PositiveSmallIntegerField(_("口罩可用天数"), default=0)
    disinfectant_kg = models.DecimalField(
        _("消毒液库存（公斤）"), max_digits=8, decimal_places=1, default=0, validators=[MinValueValidator(0)]
    )
    disinfectant_days = models.PositiveSmallIntegerField(_("消毒液可用天数"), default=0)
    thermometers = models.PositiveSmallIntegerField(_("体温计（枪）数量"), default=0)
    ventilation = models.CharField(
        _("通风条件"), max_length=8, choices=Ventilation.choices, default=Ventilation.GOOD
    )
    has_isolation_room = models.BooleanField(_("设有临时隔离室"), default=False)
    canteen_measures = models.TextField(_("食堂措施"), blank=True)
    has_dormitory = models.BooleanField(_("有职工宿舍"), default=False)
    dormitory_measures = models.TextField(_("宿舍措施"), blank=True)
    commitment = models.ForeignKey(
        CommitmentText,
        verbose_name=_("承诺书版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signatory_name = models.CharField(_("承诺人"), max_length=32, blank=True)
    signed_at = models.DateTimeField(_("签署时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    deadline_at = models.DateTimeField(_("办理时限"), null=True, blank=True)
    holder_area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("办理单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_reason = models.TextField(_("办理意见"), blank=True)
    unmet_conditions = models.JSONField(_("未满足的条件"), default=list, blank=True)
    priority_score = models.FloatField(_("优先级得分"), default=0)
    priority_parts = models.JSONField(_("优先级构成"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = ScopedManager()
    area_path_source = "enterprise"

    class Meta:
        verbose_name = _("复工备案")
        verbose_name_plural = _("复工备案")
        ordering = ["-created_at"]
        indexes = [
            pattern_index("area_path", "filing_area_path_idx"),
            models.Index(fields=["status", "-priority_score"], name="filing_queue_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(status__in=OPEN_FILING),
                name="filing_one_open_per_enterprise",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.get_status_display()}"

    @classmethod
    def scope_filter(cls, user, action):
        return enterprise_scoped(user, action)

    @classmethod
    def area_path_derived(cls, path: str) -> dict:
        """An open filing that has been submitted is held by the new street, town or park (its review
        queue); a decided filing keeps the unit that decided it."""
        holder = holding_area(path).pk
        return {
            "holder_area": Case(
                When(Q(status__in=OPEN_FILING, holder_area__isnull=False), then=Value(holder)),
                default=F("holder_area"),
                output_field=cls._meta.get_field("holder_area").target_field,
            )
        }


class RosterEntry(models.Model):
    """A returning employee on a filing's roster (复工名单)."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="roster")
    person = models.ForeignKey(
        "health.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+"
    )
    last14_location = models.CharField(_("近14天所在地"), max_length=100)
    health_state = models.CharField(
        _("健康状况"), max_length=12, choices=HealthState.choices, default=HealthState.HEALTHY
    )
    is_local = models.BooleanField(_("本地员工"), default=True)
    # As the enterprise typed them: a person on file elsewhere is linked, not shown (blank: the
    # person was chosen from the enterprise's own staff list).
    name = models.CharField(_("姓名"), max_length=32, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("返岗人员")
        verbose_name_plural = _("返岗人员")
        constraints = [models.UniqueConstraint(fields=["filing", "person"], name="roster_person_unique")]

    def __str__(self):
        return self.shown_name

    @property
    def shown_name(self) -> str:
        return self.name or self.person.name

    @property
    def shown_phone(self) -> str:
        return self.phone if self.name else self.person.phone


class FilingTransition(models.Model):
    """Every step of a filing: who, when, from what to what, and why."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("原状态"), max_length=12, choices=FilingStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=FilingStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    reason = models.TextField(_("理由"), blank=True)

    class Meta:
        verbose_name = _("备案流转记录")
        verbose_name_plural = _("备案流转记录")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.filing_id}: {self.from_status} → {self.to_status}"


class EnterpriseStatus(models.Model):
    """The resumption state of one enterprise now, with the out-of-scope flag of the rates."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="status", primary_key=True
    )
    state = models.CharField(
        _("复工状态"), max_length=16, choices=EnterpriseState.choices, default=EnterpriseState.NOT_RESUMED
    )
    since = models.DateField(_("状态日期"), null=True, blank=True)
    out_of_scope = models.BooleanField(_("不纳入统计"), default=False)
    out_of_scope_reason = models.CharField(_("不纳入统计的理由"), max_length=200, blank=True)
    out_of_scope_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("企业复工状态")
        verbose_name_plural = _("企业复工状态")

    def __str__(self):
        return f"{self.enterprise_id} {self.get_state_display()}"

    @classmethod
    def scope_filter(cls, user, action):
        return enterprise_scoped(user, action)


class StatusChange(models.Model):
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="status_changes"
    )
    from_state = models.CharField(_("原状态"), max_length=16, choices=EnterpriseState.choices)
    to_state = models.CharField(_("新状态"), max_length=16, choices=EnterpriseState.choices)
    date = models.DateField(_("日期"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("理由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("复工状态变更")
        verbose_name_plural = _("复工状态变更")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_state} → {self.to_state}"


class DailyReport(TimeStampedModel):
    """企业日报: one per enterprise per day."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        related_name="daily_reports",
    )
    date = models.DateField(_("日期"))
    area_path = models.CharField(max_length=255, editable=False)
    staff_on_duty = models.PositiveIntegerField(_("今日到岗人数"))
    staff_total = models.PositiveIntegerField(_("职工总数"))
    output_pct = models.PositiveSmallIntegerField(_("产能恢复（%）"), validators=[MaxValueValidator(200)])
    output_reason = models.CharField(_("产能超过100%的原因"), max_length=200, blank=True)
    masks_stock = models.PositiveIntegerField(_("口罩库存（只）"))
    disinfectant_kg = models.DecimalField(
        _("消毒液库存（公斤）"), max_digits=8, decimal_places=1, validators=[MinValueValidator(0)]
    )
    problems_found = models.PositiveSmallIntegerField(_("今日发现问题数"), default=0)
    problems_solved = models.PositiveSmallIntegerField(_("今日解决问题数"), default=0)
    problems_note = models.TextField(_("问题及解决情况"), blank=True)
    abnormal_persons = models.PositiveIntegerField(_("健康异常人数"), default=0)
    no_anomaly = models.BooleanField(_("无异常"), default=True)

    objects = ScopedManager()
    area_path_source = "enterprise"

    class Meta:
        verbose_name = _("企业日报")
        verbose_name_plural = _("企业日报")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "date"], name="daily_report_one_per_day"),
            models.CheckConstraint(
                condition=Q(staff_on_duty__lte=models.F("staff_total")), name="daily_report_on_duty_le_total"
            ),
            models.CheckConstraint(
                condition=Q(output_pct__lte=100) | ~Q(output_reason=""),
                name="daily_report_over_100_needs_reason",
            ),
        ]
        indexes = [
            pattern_index("area_path", "daily_report_area_path_idx"),
            models.Index(fields=["date", "area_path"], name="daily_report_date_idx"),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.date}"

    @classmethod
    def scope_filter(cls, user, action):
        return enterprise_scoped(user, action)


class TallyKey(models.Model):
    """What every aggregate row is keyed by: a node of the tree, a category and an industry."""

    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=16, choices=Category.choices)
    industry = models.CharField(max_length=2, choices=Industry.choices)

    class Meta:
        abstract = True


class StatusTally(TallyKey):
    """Enterprises now, per (node, category, industry), kept current by the status services."""

    registered = models.IntegerField(default=0)
    out_of_scope = models.IntegerField(default=0)
    resumed = models.IntegerField(default=0)  # in scope and in a resumed state
    expected = models.IntegerField(default=0)  # in scope and expected to report daily (EXPECTED_STATES)

    class Meta:
        verbose_name = _("复工状态汇总")
        verbose_name_plural = _("复工状态汇总")
        constraints = [
            models.UniqueConstraint(fields=["area", "category", "industry"], name="status_tally_key")
        ]

    def __str__(self):
        return f"{self.area_id}/{self.category}/{self.industry}"


class DailyTally(TallyKey):
    """One day per (node, category, industry): the day's reports, and the status counts of that day.

    Report columns are kept current as reports are saved; ``registered`` / ``resumed`` are copied
    from StatusTally each evening (and for today they are read from StatusTally directly).
    """

    date = models.DateField()
    reports = models.IntegerField(default=0)
    staff_on_duty = models.BigIntegerField(default=0)
    staff_total = models.BigIntegerField(default=0)
    duty_ratio_sum = models.FloatField(default=0)  # Σ on_duty/total over reports, for the firm average
    output_pct_sum = models.BigIntegerField(default=0)  # Σ output %, for the firm average
    output_weighted = models.BigIntegerField(default=0)  # Σ output % × staff_total, for the pooled rate
    registered = models.IntegerField(null=True)
    out_of_scope = models.IntegerField(null=True)
    resumed = models.IntegerField(null=True)
    expected = models.IntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["date", "area", "category", "industry"], name="daily_tally_key")
        ]
        indexes = [models.Index(fields=["area", "date"], name="daily_tally_area_date_idx")]
        verbose_name = _("每日汇总")
        verbose_name_plural = _("每日汇总")

    def __str__(self):
        return f"{self.date} {self.area_id}/{self.category}/{self.industry}"


class SummaryRun(models.Model):
    """The evening job's result for one node and one day (晚间日报): its status, times and log, and
    what it produced — the table (one row per sub-area, then the total) and the text.

    One row per (date, area): running the job again for a day replaces that day's rows.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    date = models.DateField(_("日期"))
    area = models.ForeignKey("areas.Area", verbose_name=_("辖区"), on_delete=models.CASCADE, related_name="+")
    area_path = models.CharField(max_length=255, editable=False)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    queued_at = models.DateTimeField(_("排队时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    log = models.TextField(_("运行日志"), blank=True)
    text = models.TextField(_("文字稿"), blank=True)
    rows = models.JSONField(_("汇总表"), default=list, blank=True)
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    task_id = models.CharField(_("任务编号"), max_length=64, blank=True)

    objects = ScopedManager()
    area_path_source = "area"

    class Meta:
        verbose_name = _("晚间日报")
        verbose_name_plural = _("晚间日报")
        ordering = ["-date", "area_path"]
        constraints = [models.UniqueConstraint(fields=["date", "area"], name="summary_run_one_per_area_day")]
        indexes = [pattern_index("area_path", "summary_run_area_path_idx")]

    def __str__(self):
        return f"{self.date} {self.area_id} {self.get_status_display()}"

    @classmethod
    def scope_filter(cls, user, action):
        """Officers with the rates capability see the runs of their subtree. The stored figures
        cover every category, so department officers (limited to their sectors) see none."""
        if user.is_sysadmin:
            return Q()
        if action != "view" or not user.can(RATES_VIEW) or user.role == Role.DEPARTMENT_OFFICER:
            return None
        return subtree_q(user.area_scope_path)

"""Work resumption for the demo district: statuses with their history, filings with rosters and
signed commitments, a review queue (a couple of filings overdue), and days of daily reports with
staff on duty and capacity rising as firms settle back in.

Everything is planned in memory, then written with ``bulk_create``; the rate tallies are rebuilt
day by day (``status_rebuild`` with the statuses as they stood that day, then ``snapshot_status``),
so the trend on the command page climbs as it did. ``ent_admin``'s enterprise is left untouched, so
a visitor can walk the whole flow (file → review → report) on it. Deterministic for a seed.
"""

import contextlib
import datetime as dt
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from fugong.accounts.models import User
from fugong.areas.models import PATH_SEP, Area
from fugong.core import fake
from fugong.core.access import Role
from fugong.core.workdays import add_working_days
from fugong.enterprises.models import Enterprise
from fugong.health.models import Employment, Person
from fugong.resumption import rules, tallies
from fugong.resumption.choices import RESUMED_STATES, FilingStatus, HealthState, Mode, Ventilation
from fugong.resumption.choices import EnterpriseState as S
from fugong.resumption.models import (
    CategoryPolicy,
    CommitmentText,
    DailyReport,
    DailyTally,
    EnterpriseStatus,
    Filing,
    FilingTransition,
    RosterEntry,
    StatusChange,
)

BATCH = 5000


@dataclass(frozen=True)
class Plan:
    days: int  # days of daily reports, ending today
    roster_cap: int | None  # staff listed per filing (None: the whole headcount)
    queue_per_street: int  # filings waiting in each street's review queue
    overdue: int  # of those, how many are past their deadline


PLANS = {"small": Plan(7, None, 2, 2), "district": Plan(30, 5, 6, 6)}
QUEUE_CATEGORIES = ("below_scale", "construction", "finance")  # 规上 firms were nearly all back first
RESUMED_SHARE = {
    "above_scale": 0.985,
    "below_scale": 0.95,
    "commerce": 0.93,
    "construction": 0.96,
    "finance": 0.97,
    "individual": 0.91,
    "small_venue": 0.9,
}
OUT_OF_SCOPE_SHARE = 0.006
SUSPEND_SHARE = 0.012
OUT_REASONS = ["企业已停产歇业，经街道核实", "已办理注销登记", "经营地已迁出本区", "季节性停产（至4月底）"]
SUSPEND_REASONS = [
    "督查发现未落实进厂测温登记，责令停工整改",
    "员工宿舍居住密度过大，责令整改",
    "未设置临时隔离观察室，责令整改",
    "食堂未错峰分餐，责令整改",
]
RETURN_REASON = "口罩储备不足7天，请补充防疫物资后重新提交"
ORIGINS = ["四川省广安市", "四川省南充市", "贵州省遵义市", "湖北省恩施州", "重庆市合川区", "重庆市渝北区"]
PLAN_TEXT = "成立疫情防控工作小组；员工进厂一律测温、登记；办公和生产区域每日两次消毒、定时通风；发现发热人员立即隔离并报告街道。"
# How fast staff and output come back after a firm resumes: (on-duty start, capacity start).
START_LEVELS = {
    "above_scale": (0.7, 0.45),
    "below_scale": (0.6, 0.35),
    "construction": (0.5, 0.3),
    "finance": (0.8, 0.6),
    "commerce": (0.6, 0.35),
    "individual": (0.7, 0.4),
    "small_venue": (0.55, 0.3),
}


@dataclass
class Firm:
    """One enterprise's planned story: its filing, the states it passes through, its reports."""

    pk: int
    path: str
    category: str
    industry: str
    headcount: int
    local: int
    street: str  # street-level area code
    community: str
    legal_rep: str
    events: list[tuple[dt.date, str, str, str]] = field(default_factory=list)  # (date, from, to, reason)
    filing: str | None = None  # FilingStatus of its filing, if any
    submitted_at: dt.datetime | None = None
    decided_at: dt.datetime | None = None
    out_reason: str = ""
    unmet: bool = False
    keep: bool = False  # ent_admin's firm: left as it is, for the visitor to walk through

    def state_on(self, day: dt.date) -> str:
        state = S.NOT_RESUMED
        for date, _from, to, _reason in self.events:
            if date <= day:
                state = to
        return state

    def move(self, day: dt.date, to: str, reason: str = "") -> None:
        self.events.append((day, self.events[-1][2] if self.events else S.NOT_RESUMED, to, reason))


@dataclass
class ResumptionSummary:
    days: int = 0
    states: Counter = field(default_factory=Counter)
    filings: Counter = field(default_factory=Counter)
    overdue: int = 0
    persons: int = 0
    reports: int = 0
    seconds: float = 0.0


@contextlib.contextmanager
def historical(*fields):
    """Let bulk_create keep the past times we give (auto_now / auto_now_add would overwrite them)."""
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    try:
        for f, _, _ in saved:
            f.auto_now = f.auto_now_add = False
        yield
    finally:
        for f, now, add in saved:
            f.auto_now, f.auto_now_add = now, add


def _stamped(model) -> list:
    return [model._meta.get_field(name) for name in ("created_at", "updated_at")]


class ResumptionBuilder:
    def __init__(
        self, scale: str, seed: int, days: int | None = None, log: Callable[[str], None] | None = None
    ):
        self.plan = PLANS[scale]
        self.days = days or self.plan.days
        self.rng = random.Random(seed * 31 + 7)
        self.log = log or (lambda message: None)
        self.today = timezone.localdate()
        self.start = self.today - dt.timedelta(days=self.days - 1)
        self.now = timezone.now()
        self.summary = ResumptionSummary(days=self.days)

    # --- planning --------------------------------------------------------------------------------

    def load(self) -> None:
        self.areas = dict(Area.objects.values_list("code", "pk"))
        officers = User.objects.filter(role=Role.STREET_OFFICER, scope_area__depth=1).order_by("pk")
        self.officer = {}
        for code, pk in officers.values_list("scope_area__code", "pk"):
            self.officer.setdefault(code, pk)
        self.workers = dict(
            User.objects.filter(role=Role.COMMUNITY_WORKER)
            .order_by("-pk")
            .values_list("scope_area__code", "pk")
        )
        self.admins = dict(
            User.objects.filter(role=Role.ENTERPRISE_ADMIN).values_list("scope_enterprise_id", "pk")
        )
        keep = User.objects.filter(username="ent_admin").values_list("scope_enterprise_id", flat=True).first()
        self.modes = dict(CategoryPolicy.objects.values_list("category", "mode"))
        self.commitment = CommitmentText.objects.order_by("-effective_from").first()
        self.firms = []
        rows = Enterprise.objects.order_by("pk").values_list(
            "pk", "area_path", "category", "industry", "headcount", "local_headcount", "legal_rep_name"
        )
        for pk, path, category, industry, headcount, local, rep in rows:
            codes = [c for c in path.split(PATH_SEP) if c]
            self.firms.append(
                Firm(
                    pk,
                    path,
                    category,
                    industry,
                    headcount,
                    local,
                    codes[min(1, len(codes) - 1)],
                    codes[min(2, len(codes) - 1)],
                    rep,
                    keep=pk == keep,
                )
            )

    def review(self, firm: Firm) -> bool:
        return self.modes.get(firm.category, Mode.REVIEW) == Mode.REVIEW

    def at(self, day: dt.date, low: int = 8, high: int = 18) -> dt.datetime:
        moment = dt.datetime.combine(day, dt.time(self.rng.randint(low, high - 1), self.rng.randint(0, 59)))
        return min(timezone.make_aware(moment), self.now)

    def plan_all(self) -> None:
        queue = self.pick_queue()
        overdue = 0
        for firm in self.firms:
            if firm.keep:
                continue
            if firm.pk in queue:
                late = overdue < self.plan.overdue and queue[firm.pk]
                overdue += late
                self.plan_queued(firm, late)
                continue
            r = self.rng.random()
            if r < OUT_OF_SCOPE_SHARE:
                firm.out_reason = self.rng.choice(OUT_REASONS)
            elif r < OUT_OF_SCOPE_SHARE + RESUMED_SHARE[firm.category]:
                self.plan_resumed(firm)
            else:
                self.plan_pending(firm)
        self.summary.overdue = overdue

    def pick_queue(self) -> dict[int, bool]:
        """A few review-category firms per street wait in the queue; the first of each street may be late."""
        by_street = defaultdict(list)
        for firm in self.firms:
            if not firm.keep and self.review(firm) and firm.category in QUEUE_CATEGORIES:
                by_street[firm.street].append(firm.pk)
        chosen = {}
        for street in sorted(by_street):
            picks = self.rng.sample(
                by_street[street], min(self.plan.queue_per_street, len(by_street[street]))
            )
            chosen.update({pk: i == 0 for i, pk in enumerate(picks)})
        return chosen

    def file(self, firm: Firm, submitted: dt.date, status: str) -> None:
        firm.filing, firm.submitted_at = status, self.at(submitted)
        if status in (FilingStatus.APPROVED, FilingStatus.RETURNED, FilingStatus.FILED):
            hours = 0 if status == FilingStatus.FILED else self.rng.randint(2, 40)
            firm.decided_at = min(firm.submitted_at + dt.timedelta(hours=hours), self.now)

    def plan_resumed(self, firm: Firm) -> None:
        if firm.category == "above_scale":
            offset = self.rng.randint(-6, 1)
        else:
            offset = int(self.rng.betavariate(1.3, 2.2) * self.days) - self.days // 4
        resumed = self.start + dt.timedelta(days=min(offset, self.days - 1))
        filed = resumed - dt.timedelta(days=self.rng.randint(1, 3))
        if self.review(firm):
            self.file(firm, filed, FilingStatus.APPROVED)
            firm.move(timezone.localdate(firm.decided_at), S.APPROVED, "审核通过")
        else:
            self.file(firm, filed, FilingStatus.FILED)
            firm.move(filed, S.FILED, "备案即复工")
        firm.move(max(resumed, firm.events[-1][0]), S.RESUMED, "首次日报有人员到岗")
        if self.rng.random() < SUSPEND_SHARE and resumed + dt.timedelta(days=3) <= self.today:
            stop = resumed + dt.timedelta(days=self.rng.randint(2, max(2, (self.today - resumed).days)))
            firm.move(stop, S.SUSPENDED, self.rng.choice(SUSPEND_REASONS))
            back = stop + dt.timedelta(days=self.rng.randint(2, 5))
            if back <= self.today and self.rng.random() < 0.6:
                firm.move(back, S.RESUMED_AGAIN, "整改到位，经复查同意复工")

    def plan_queued(self, firm: Firm, late: bool) -> None:
        firm.filing = FilingStatus.SUBMITTED
        firm.submitted_at = self.now - (
            dt.timedelta(days=6, hours=self.rng.randint(0, 20))
            if late
            else dt.timedelta(hours=self.rng.randint(1, 20))
        )
        firm.unmet = self.rng.random() < 0.25

    def plan_pending(self, firm: Firm) -> None:
        r = self.rng.random()
        recent = self.today - dt.timedelta(days=self.rng.randint(0, 2))
        if r < 0.35 or (r < 0.6 and not self.review(firm)):
            status = FilingStatus.APPROVED if self.review(firm) else FilingStatus.FILED
            self.file(firm, recent, status)
            firm.move(
                timezone.localdate(firm.decided_at),
                S.APPROVED if self.review(firm) else S.FILED,
                "审核通过" if self.review(firm) else "备案即复工",
            )
        elif r < 0.6:
            self.file(firm, recent, FilingStatus.RETURNED)
            firm.unmet = True

    # --- writing ---------------------------------------------------------------------------------

    def write_statuses(self) -> None:
        rows, changes = [], []
        for firm in self.firms:
            state = firm.state_on(self.today)
            officer = self.officer.get(firm.street)
            since = max((d for d, *_ in firm.events), default=None)
            rows.append(
                EnterpriseStatus(
                    enterprise_id=firm.pk,
                    state=state,
                    since=since,
                    out_of_scope=bool(firm.out_reason),
                    out_of_scope_reason=firm.out_reason,
                    out_of_scope_by_id=officer if firm.out_reason else None,
                )
            )
            previous = None
            for day, before, after, reason in firm.events:
                actor = self.admins.get(firm.pk) if after == S.RESUMED else officer
                at = self.at(day)
                if previous is not None and at <= previous:  # two steps on one day: keep their order
                    at = previous + dt.timedelta(minutes=self.rng.randint(5, 90))
                previous = at
                changes.append(
                    StatusChange(
                        enterprise_id=firm.pk,
                        from_state=before,
                        to_state=after,
                        date=day,
                        at=at,
                        actor_id=actor,
                        reason=reason,
                    )
                )
            self.summary.states[firm.state_on(self.today)] += 1
        EnterpriseStatus.objects.bulk_create(rows, batch_size=BATCH)
        with historical(StatusChange._meta.get_field("at")):
            StatusChange.objects.bulk_create(changes, batch_size=BATCH)

    def write_filings(self) -> None:
        firms = [f for f in self.firms if f.filing]
        filings = [self.filing_row(f) for f in firms]
        rosters = self.plan_staff(firms, filings)
        transitions = []
        for firm, filing in zip(firms, filings, strict=True):
            roster = rosters[firm.pk]
            filing.priority_score, filing.priority_parts = self.priority(firm, filing, roster)
            if firm.filing in (FilingStatus.SUBMITTED, FilingStatus.RETURNED):
                filing.unmet_conditions = [
                    u.as_dict() for u in rules.unmet_conditions(filing, roster, self.today)
                ]
            transitions += self.transitions(firm, filing)
            self.summary.filings[firm.filing] += 1
        # Saved parents first: bulk_create copies each parent's new id into the children's foreign keys.
        with historical(*_stamped(Filing)):
            Filing.objects.bulk_create(filings, batch_size=BATCH)
        Person.objects.bulk_create(self.persons, batch_size=BATCH)
        Employment.objects.bulk_create(self.employments, batch_size=BATCH)
        RosterEntry.objects.bulk_create([e for f in firms for e in rosters[f.pk]], batch_size=BATCH)
        with historical(FilingTransition._meta.get_field("at")):
            FilingTransition.objects.bulk_create(transitions, batch_size=BATCH)
        self.log(f"返岗人员名单：{len(self.persons)} 人（身份证号为虚构的有效号码）")
        self.log(
            f"复工备案：{len(filings)} 份（待审核 {self.summary.filings[FilingStatus.SUBMITTED]} 份，"
            f"其中超时 {self.summary.overdue} 份）"
        )

    def filing_row(self, firm: Firm) -> Filing:
        rng, size = self.rng, firm.headcount
        industrial = firm.category in ("above_scale", "below_scale", "construction")
        dorm = industrial and rng.random() < 0.4
        masks_days = 5 if firm.unmet else rng.randint(10, 30)
        submitted = firm.submitted_at
        deadline = add_working_days(submitted, 2) if self.review(firm) else None
        return Filing(
            enterprise_id=firm.pk,
            area_path=firm.path,
            category=firm.category,
            mode=Mode.REVIEW if self.review(firm) else Mode.FILING,
            status=firm.filing,
            planned_date=max(timezone.localdate(submitted), self.start),
            prevention_plan=PLAN_TEXT,
            masks_stock=size * 2 * masks_days,
            masks_days=masks_days,
            disinfectant_kg=max(1, size // 10),
            disinfectant_days=rng.randint(10, 30),
            thermometers=max(1, size // 50),
            ventilation=Ventilation.GOOD if rng.random() < 0.85 else Ventilation.FAIR,
            has_isolation_room=industrial or rng.random() < 0.3,
            canteen_measures="错峰分批就餐，一人一桌同向而坐" if industrial else "",
            has_dormitory=dorm,
            dormitory_measures="每间不超过4人，每日消毒通风" if dorm else "",
            commitment=self.commitment,
            signatory_name=firm.legal_rep,
            signed_at=submitted,
            submitted_at=submitted,
            deadline_at=deadline,
            holder_area_id=self.areas.get(firm.street),
            decided_at=firm.decided_at,
            decided_by_id=self.officer.get(firm.street) if firm.decided_at and deadline else None,
            decision_reason={
                FilingStatus.APPROVED: "材料齐全，条件符合，同意复工",
                FilingStatus.RETURNED: RETURN_REASON,
            }.get(firm.filing, ""),
            created_at=submitted,
            updated_at=firm.decided_at or submitted,
            created_by_id=self.admins.get(firm.pk) or self.workers.get(firm.community),
            version=1 if firm.filing == FilingStatus.SUBMITTED else 2,
        )

    def priority(self, firm: Firm, filing: Filing, roster: list) -> tuple[float, dict]:
        score = rules.priority(
            roster=roster,
            headcount=firm.headcount,
            ventilation=filing.ventilation,
            masks_days=filing.masks_days,
            disinfectant_days=filing.disinfectant_days,
        )
        return score["score"], score["parts"]

    def transitions(self, firm: Firm, filing: Filing) -> list[FilingTransition]:
        actor = filing.created_by_id
        if firm.filing == FilingStatus.FILED:
            return [
                FilingTransition(
                    filing=filing,
                    from_status=FilingStatus.DRAFT,
                    to_status=FilingStatus.FILED,
                    actor_id=actor,
                    at=firm.submitted_at,
                    reason="备案即复工：条件均已满足",
                )
            ]
        rows = [
            FilingTransition(
                filing=filing,
                from_status=FilingStatus.DRAFT,
                to_status=FilingStatus.SUBMITTED,
                actor_id=actor,
                at=firm.submitted_at,
            )
        ]
        if firm.decided_at:
            rows.append(
                FilingTransition(
                    filing=filing,
                    from_status=FilingStatus.SUBMITTED,
                    to_status=firm.filing,
                    actor_id=filing.decided_by_id,
                    at=firm.decided_at,
                    reason=filing.decision_reason,
                )
            )
        return rows

    def plan_staff(self, firms: list[Firm], filings: list[Filing]) -> dict[int, list[RosterEntry]]:
        """Each filing's roster becomes the firm's staff list: persons, employments, roster entries."""
        persons, employments, rosters = [], [], {}
        seq = 0
        for firm, filing in zip(firms, filings, strict=True):
            size = (
                firm.headcount if self.plan.roster_cap is None else min(firm.headcount, self.plan.roster_cap)
            )
            local_share = firm.local / firm.headcount if firm.headcount else 1
            rosters[firm.pk] = []
            for _ in range(max(1, size)):
                seq += 1
                person = Person(
                    id_number=self.id_number(seq),
                    name=fake.person_name(self.rng),
                    phone=fake.mobile(7_000_000 + seq),
                    area_path="",
                )
                local = self.rng.random() < local_share
                persons.append(person)
                employments.append(Employment(person=person, enterprise_id=firm.pk, is_local=local))
                entry = RosterEntry(
                    filing=filing,
                    person=person,
                    is_local=local,
                    last14_location="重庆市北碚区" if local else self.rng.choice(ORIGINS),
                    health_state=HealthState.HEALTHY,
                )
                rosters[firm.pk].append(entry)
        self.persons, self.employments = persons, employments
        self.summary.persons = len(persons)
        return rosters

    @staticmethod
    def id_number(seq: int) -> str:
        """A unique valid ID number per seq: birthdays spread over 1962–2000 (7919 is prime to 14000)."""
        birth = dt.date(1962, 1, 1) + dt.timedelta(days=(seq % 14000) * 7919 % 14000)
        return fake.id_number(seq // 14000 + 1, birth)

    def report_rows(self, day: dt.date) -> list[DailyReport]:
        rows = []
        for firm in self.firms:
            if firm.state_on(day) not in RESUMED_STATES:
                continue
            chance = 0.88 if day == self.today else (0.55 if firm.category == "individual" else 0.97)
            first = next(d for d, _f, to, _r in firm.events if to == S.RESUMED)
            if day != first and self.rng.random() > chance:
                continue
            rows.append(self.report(firm, day, (day - first).days))
        return rows

    def report(self, firm: Firm, day: dt.date, settled: int) -> DailyReport:
        rng = self.rng
        duty0, cap0 = START_LEVELS[firm.category]
        duty = min(1.0, duty0 + (0.97 - duty0) * (1 - math.exp(-settled / 6)) + rng.gauss(0, 0.04))
        capacity = min(
            100,
            max(5, round(100 * (cap0 + (0.92 - cap0) * (1 - math.exp(-settled / 9)) + rng.gauss(0, 0.05)))),
        )
        total = firm.headcount
        found = 1 if rng.random() < 0.03 else 0
        at = self.at(day, 8, 11) if day == self.today else self.at(day, 16, 21)
        return DailyReport(
            enterprise_id=firm.pk,
            date=day,
            area_path=firm.path,
            staff_total=total,
            staff_on_duty=max(1 if total else 0, min(total, round(total * max(0.2, duty)))),
            output_pct=capacity,
            masks_stock=total * rng.randint(8, 30),
            disinfectant_kg=max(1, total // 10),
            problems_found=found,
            problems_solved=found if rng.random() < 0.7 else 0,
            problems_note="原材料供应商尚未复工，已请街道协调" if found else "",
            abnormal_persons=0,
            no_anomaly=not found,
            created_at=at,
            updated_at=at,
            # As daily_report_save records them; a firm without an admin account has no submitter
            # (the report came in another way), and its page says so.
            created_by_id=self.admins.get(firm.pk),
            updated_by_id=self.admins.get(firm.pk),
        )

    def write_days(self) -> None:
        """Each day's reports, and the day's tally rows as the tallies module keeps them: the report
        columns, and for past days the evening snapshot of the statuses as they stood that day."""
        ids = tallies.area_ids({f.path for f in self.firms})
        by_pk = {f.pk: f for f in self.firms}
        rows = []
        for i in range(self.days):
            day = self.start + dt.timedelta(days=i)
            reports = self.report_rows(day)
            with historical(*_stamped(DailyReport)):
                DailyReport.objects.bulk_create(reports, batch_size=BATCH)
            rows += self.day_tallies(day, reports, by_pk, ids)
            self.summary.reports += len(reports)
        DailyTally.objects.bulk_create(rows, batch_size=BATCH)
        tallies.status_rebuild()
        self.log(f"企业日报：{self.days} 天共 {self.summary.reports} 份；汇总表已重建，逐日留存晚间快照")

    def day_tallies(self, day: dt.date, reports: list, by_pk: dict, ids: dict) -> list[DailyTally]:
        """One pass instead of daily_rebuild + snapshot_status per day (whose bulk updates take
        seconds a day at district scale); the same contributions, so the same rows."""
        per_key: Counter = Counter()
        for r in reports:
            f = by_pk[r.enterprise_id]
            contribution = tallies.report_contribution(
                staff_on_duty=r.staff_on_duty, staff_total=r.staff_total, output_pct=r.output_pct
            )
            for name, value in contribution.items():
                per_key[(f.path, f.category, f.industry, name)] += value
        if day < self.today:
            for f in self.firms:
                contribution = tallies.status_contribution(
                    state=f.state_on(day), out_of_scope=bool(f.out_reason)
                )
                for name, value in contribution.items():
                    per_key[(f.path, f.category, f.industry, name)] += value
        rows: dict[tuple, DailyTally] = {}
        for (path, category, industry, name), value in per_key.items():
            for area_id in ids[path]:
                row = rows.get((area_id, category, industry))
                if row is None:
                    row = DailyTally(date=day, area_id=area_id, category=category, industry=industry)
                    rows[(area_id, category, industry)] = row
                setattr(row, name, (getattr(row, name) or 0) + value)
        return list(rows.values())

    def build(self) -> ResumptionSummary:
        started = time.perf_counter()
        with transaction.atomic():
            self.load()
            self.plan_all()
            self.write_statuses()
            self.write_filings()
            self.write_days()
        self.summary.seconds = time.perf_counter() - started
        return self.summary


def build_resumption(
    *,
    scale: str = "small",
    seed: int = 2020,
    days: int | None = None,
    log: Callable[[str], None] | None = None,
) -> ResumptionSummary:
    return ResumptionBuilder(scale, seed, days, log).build()

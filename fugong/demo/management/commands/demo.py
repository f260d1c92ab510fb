from django.core.management.base import BaseCommand, CommandError

from fugong.areas.models import Area
from fugong.core.access import Role
from fugong.demo.builder import DEFAULT_SEED, DEMO_PASSWORD, SCALES, Summary, build_demo
from fugong.demo.resumption_data import build_resumption
from fugong.enterprises.choices import Category
from fugong.ledger.services import routing_seed_defaults

KIND_LABELS = {
    "district": "区县",
    "street": "街道",
    "town": "镇",
    "park": "园区",
    "community": "社区",
    "village": "村",
    "grid": "网格",
}


class Command(BaseCommand):
    help = "生成演示区县（北碚区）：区划树、部门、工作组、企业和各角色演示账号"

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=sorted(SCALES),
            default="small",
            help="small：3个街镇、约300家企业（几秒完成）；district：18个街镇园区、约1000个区划、1万家企业",
        )
        parser.add_argument("--if-empty", action="store_true", help="数据库中已有区划数据时不做任何事")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子，相同种子生成相同数据")

    def handle(self, *args, scale: str, if_empty: bool, seed: int, **options):
        if Area.objects.exists():
            if if_empty:
                self.stdout.write("数据库中已有区划数据，跳过演示数据生成。")
                return
            raise CommandError(
                "数据库中已有区划数据。演示数据只能生成到空数据库：请换一个新数据库"
                "（例如删除 db.sqlite3 后重新运行 make run），或使用 --if-empty。"
            )
        label = "小规模（3个街镇）" if scale == "small" else "全区规模（按设计容量）"
        self.stdout.write(f"正在生成演示区县 北碚区 · {label}，随机种子 {seed} …")
        summary = build_demo(scale=scale, seed=seed, log=lambda message: self.stdout.write(f"  {message}"))
        # Work resumption on top of the registry: statuses, filings, rosters, days of daily reports.
        resumption = build_resumption(
            scale=scale, seed=seed, log=lambda message: self.stdout.write(f"  {message}")
        )
        summary.seconds += resumption.seconds
        # The problem ledger routes by category to the departments the demo has just created.
        routes = routing_seed_defaults()
        self.stdout.write(f"  问题台账：按类别分派规则 {routes} 条")
        self.quarantine_site()
        self.home_quarantines(seed)
        self.activity(seed)
        self.report(summary)

    def quarantine_site(self) -> None:
        """A centralized quarantine hotel in the demo account ``site``'s street, with rooms, bound to it."""
        from fugong.accounts.models import User
        from fugong.quarantine.services import site_create, staff_bind

        system = User.objects.get(username="sysadmin")
        site_user = User.objects.filter(username="site").first()
        if site_user is None:
            return
        site = site_create(
            actor=system,
            name="北碚区集中隔离点（缙云宾馆）",
            area_id=site_user.scope_area_id,
            address="天生路1号",
            rooms=[f"{floor}{n:02d}" for floor in (2, 3) for n in range(1, 11)],
        )
        staff_bind(actor=system, site_id=site.pk, user_id=site_user.pk)
        self.stdout.write(f"  集中隔离点：{site.name}，房间 20 间，已绑定工作人员 site")

    def home_quarantines(self, seed: int) -> None:
        """Home quarantines of the account ``community``: one with the door sensor DEMO-MC-0001, one
        released today with its release notice."""
        from fugong.demo.release import build_release_demo
        from fugong.demo.sensors import build_sensor_demo

        for line in (build_sensor_demo(seed=seed), build_release_demo(seed=seed)):
            if line:
                self.stdout.write(f"  {line}")

    def activity(self, seed: int) -> None:
        """Work already done in 天生街道 (check-ins, follow-ups, inspections, problems, a notice …),
        so that every list of the menu has something to open."""
        from fugong.demo.oversight import build_oversight_demo
        from fugong.demo.people import build_people_demo

        for line in [*build_people_demo(seed=seed), *build_oversight_demo()]:
            if line:
                self.stdout.write(f"  {line}")

    def report(self, summary: Summary) -> None:
        write = self.stdout.write
        areas = "，".join(f"{KIND_LABELS[k]} {n}" for k, n in summary.areas.items())
        write(f"区划 {sum(summary.areas.values())} 个：{areas}")
        enterprises = "，".join(f"{Category(k).label} {n}" for k, n in summary.enterprises.items())
        write(f"企业 {sum(summary.enterprises.values())} 家：{enterprises}")
        write(
            f"部门 {summary.departments} 个，工作组 {summary.groups} 个，账号 {sum(summary.users.values())} 个"
        )
        write(self.style.SUCCESS(f"演示数据生成完毕，用时 {summary.seconds:.1f} 秒。"))
        write("")
        write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        rows = [("角色", "用户名", "密码", "管辖范围")]
        rows += [(str(Role(a.role).label), a.username, DEMO_PASSWORD, scope) for a, scope in summary.accounts]
        widths = [max(_width(r[i]) for r in rows) for i in range(3)]
        for row in rows:
            cells = [row[i] + " " * (widths[i] - _width(row[i])) for i in range(3)]
            write("  " + "  ".join(cells) + "  " + row[3])


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)

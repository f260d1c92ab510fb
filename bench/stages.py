"""The benchmark's stages in order, and the Markdown report of their figures against the targets."""

import dataclasses
import io
import time
from dataclasses import dataclass, field

import export_bench
import import_bench
import list_bench
import machine
import report
from database import fill
from django.db import connection
from django.db.models import Q
from targets import (
    EXPORT_TARGET_S,
    FLAT_FROM,
    FLAT_TOLERANCE,
    IMPORT_ROWS,
    IMPORT_TARGET_S,
    LIST_TARGET_MS,
    MEMORY_SIZES,
)

STREET_USER, LEADER_USER, IMPORT_USER = "tiansheng", "leader", "sysadmin"
INDEX_NAME = "enterprise_area_path_idx"


@dataclass
class Results:
    machine: dict = field(default_factory=dict)
    load_before: float = 0.0
    load_after: float = 0.0
    demo_seconds: float | None = None
    enterprises: int = 0
    areas: int = 0
    lists: list = field(default_factory=list)
    lists_after: list = field(default_factory=list)
    explain: str = ""
    explain_district: str = ""
    street_sql: list = field(default_factory=list)
    export_time: export_bench.ExportRun | None = None
    export_time_after: export_bench.ExportRun | None = None
    memory: list = field(default_factory=list)
    imported: import_bench.ImportRun | None = None
    all_met: bool = False


def _users():
    from fugong.accounts.models import User

    return (
        User.objects.get(username=STREET_USER),
        User.objects.get(username=LEADER_USER),
        User.objects.get(username=IMPORT_USER),
    )


def _drop_previous_import() -> None:
    """With --reuse, forget the rows an earlier run imported, so this run imports new ones again."""
    from fugong.enterprises.models import Enterprise

    prefix = import_bench.CREDIT_SEQ_START // 100_000  # codes "…MA10xxxxx"
    Enterprise.objects.filter(
        Q(credit_code__startswith=f"91500109MA{prefix}") | Q(credit_code__startswith=f"92500109MA{prefix}")
    ).delete()


def run_all(*, rebuild: bool, say) -> Results:
    from fugong.areas.models import Area
    from fugong.enterprises.models import Enterprise

    r = Results(machine=machine.describe(connection), load_before=machine.load())
    if rebuild:
        say("迁移数据库并生成全区规模演示数据（demo --scale district）…")
        r.demo_seconds = fill(io.StringIO())
        say(f"  完成，用时 {r.demo_seconds:.1f} 秒")
    else:
        _drop_previous_import()
    r.enterprises, r.areas = Enterprise.objects.count(), Area.objects.count()
    street, leader, admin = _users()

    say(f"(b) 列表页：每种查询先预热 {list_bench.WARMUP} 次，再计时 {list_bench.REPEAT} 次 …")
    for user, who in ((street, "街道干部（天生街道）"), (leader, "区级领导（全区）")):
        r.lists += list_bench.measure(user, who)
    r.explain = list_bench.explain_list(street)
    r.explain_district = list_bench.explain_list(leader)
    r.street_sql = list_bench.query_log(street)

    say("(c) 导出：计时，并用 tracemalloc 记录 Python 峰值内存 …")
    r.export_time = export_bench.page_time(leader)
    export_bench.function_memory(leader, 100)  # warm-up: one-time allocations are not the export's
    r.memory = [export_bench.function_memory(leader, n) for n in MEMORY_SIZES]
    r.memory.append(export_bench.page_memory(leader))

    say(f"(a) 导入：生成 {IMPORT_ROWS} 行新企业的 xlsx，经导入页面提交 …")
    r.imported = import_bench.run(admin, IMPORT_ROWS)

    say("导入后（2 万家企业）再测一次列表与导出 …")
    for user, who in ((street, "街道干部（天生街道）"), (leader, "区级领导（全区）")):
        r.lists_after += list_bench.measure(user, who, only=("",))
    r.export_time_after = export_bench.page_time(leader)
    r.memory.append(export_bench.function_memory(leader, 2 * IMPORT_ROWS))
    r.memory.append(export_bench.page_memory(leader))
    r.load_after = machine.load()
    r.all_met = all(ok for _, _, _, ok in summary_rows(r))
    return r


# --- the report -----------------------------------------------------------------------------------


def _worst_p95(results, who_prefix: str) -> tuple[float, str]:
    mine = [x for x in results if x.who.startswith(who_prefix)]
    worst = max(mine, key=lambda x: x.timing.p95_ms)
    return worst.timing.p95_ms, worst.label


def _flat(r: Results) -> tuple[bool, float, float]:
    """Peak memory of the export code from FLAT_FROM rows on: (flat?, lowest MiB, highest MiB)."""
    peaks = [m.peak_mib for m in r.memory if m.via == "导出函数" and m.rows >= FLAT_FROM]
    low, high = min(peaks), max(peaks)
    return high <= low * FLAT_TOLERANCE, low, high


def summary_rows(r: Results) -> list[tuple[str, str, str, bool]]:
    imp = r.imported
    import_ok = imp.status == 200 and imp.created == imp.rows and imp.seconds <= IMPORT_TARGET_S
    street_p95, street_case = _worst_p95(r.lists, "街道")
    leader_p95, leader_case = _worst_p95(r.lists, "区级")
    flat_ok, low, high = _flat(r)
    series = " / ".join(f"{m.peak_mib:.1f}" for m in r.memory if m.via == "导出函数")
    sizes = " / ".join(f"{m.rows:,}" for m in r.memory if m.via == "导出函数")
    exp = r.export_time
    return [
        (
            f"(a) 导入 {imp.rows} 家企业（xlsx，经导入页面）",
            f"{imp.seconds:.2f} 秒（HTTP {imp.status}，新增 {imp.created} 家）",
            f"≤ {IMPORT_TARGET_S} 秒",
            import_ok,
        ),
        (
            "(b) 列表页 p95，一个街道（最慢的查询）",
            f"{street_p95:.1f} 毫秒（{street_case}）",
            f"≤ {LIST_TARGET_MS} 毫秒",
            street_p95 <= LIST_TARGET_MS,
        ),
        (
            "(b) 列表页 p95，全区（最慢的查询）",
            f"{leader_p95:.1f} 毫秒（{leader_case}）",
            f"≤ {LIST_TARGET_MS} 毫秒",
            leader_p95 <= LIST_TARGET_MS,
        ),
        (
            f"(c) 导出 {exp.rows} 行",
            f"{exp.seconds:.2f} 秒（{exp.size_kib:.0f} KiB）",
            f"≤ {EXPORT_TARGET_S} 秒",
            exp.seconds <= EXPORT_TARGET_S and exp.rows == 10_000,
        ),
        (
            "(c) 导出峰值内存随行数",
            f"{sizes} 行：{series} MiB",
            f"{FLAT_FROM:,} 行起持平（波动 ≤ {round((FLAT_TOLERANCE - 1) * 100)}%）",
            flat_ok,
        ),
    ]


def render(r: Results) -> str:
    out = [f"### 结果（{time.strftime('%Y-%m-%d %H:%M')}）", ""]
    env = [*r.machine.items(), ("测试前后负载（1 分钟平均）", f"{r.load_before:.2f} → {r.load_after:.2f}")]
    out += ["运行环境：", "", report.table([["项目", "值"], *([k, v] for k, v in env)]), ""]
    demo = f"，生成用时 {r.demo_seconds:.1f} 秒" if r.demo_seconds is not None else ""
    out += [f"数据：`demo --scale district`，区划 {r.areas} 个，企业 {r.enterprises} 家{demo}。", ""]
    out += [
        report.table(
            [
                ["指标", "结果", "目标", "结论"],
                *([a, b, c, report.verdict(ok)] for a, b, c, ok in summary_rows(r)),
            ]
        ),
        "",
    ]
    out += ["#### (b) 列表页明细（进程内 django.test.Client，含中间件、会话保存与模板渲染）", ""]
    rows = [["用户", "查询", "匹配企业", "每次请求SQL数", "中位数 ms", "p95 ms", "最大 ms"]]
    for x in r.lists + [_after(x) for x in r.lists_after]:
        rows.append(
            [
                x.who,
                f"{x.label}" + (f" `?{x.query}`" if x.query else ""),
                str(x.rows),
                str(x.queries),
                f"{x.timing.median_ms:.1f}",
                f"{x.timing.p95_ms:.1f}",
                f"{x.timing.max_ms:.1f}",
            ]
        )
    out += [report.table(rows), ""]
    out += ["#### (c) 导出内存（tracemalloc 记录的 Python 峰值，含生成 xlsx 的全过程）", ""]
    rows = [["行数", "方式", "峰值内存 MiB", "文件 KiB"]]
    rows += [[str(m.rows), m.via, f"{m.peak_mib:.1f}", f"{m.size_kib:.0f}"] for m in r.memory]
    out += [report.table(rows), ""]
    if r.export_time_after:
        out += [f"导入后导出 {r.export_time_after.rows} 行：{r.export_time_after.seconds:.2f} 秒。", ""]
    imp = r.imported
    write = imp.seconds - imp.read_seconds - imp.check_seconds
    out += [
        "#### (a) 导入耗时构成",
        "",
        report.table(
            [
                ["阶段", "秒"],
                ["读取 xlsx（imports.read）", f"{imp.read_seconds:.2f}"],
                ["逐行校验（imports.check_rows，批量查询）", f"{imp.check_seconds:.2f}"],
                ["写入、审计记录及其余（= 总计 − 前两项，约）", f"{write:.2f}"],
                ["总计（POST 导入页面）", f"{imp.seconds:.2f}"],
            ]
        ),
        "",
        f"文件 {imp.file_kib:.0f} KiB，本次请求共 {imp.queries} 条 SQL。",
        "",
    ]
    index = "是" if INDEX_NAME in r.explain else "否"
    out += [
        f"#### 街道列表主查询的 EXPLAIN ANALYZE（使用 area_path 前缀索引 {INDEX_NAME}：{index}）",
        "",
        "```",
        r.explain.strip(),
        "```",
        "",
        "#### 全区列表主查询的 EXPLAIN ANALYZE（匹配全部行：顺序扫描 + top-N 排序）",
        "",
        "```",
        r.explain_district.strip(),
        "```",
        "",
    ]
    out += ["#### 街道列表页一次请求的全部 SQL", "", "```", *r.street_sql, "```"]
    return "\n".join(out)


def _after(x: list_bench.ListResult) -> list_bench.ListResult:
    return dataclasses.replace(x, who=x.who + "，导入后")

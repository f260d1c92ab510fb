"""fugong benchmark, issue 3: the command page and the evening summary at district scale.

Drops and recreates the PostgreSQL database ``fugong_bench3`` on 127.0.0.1:5432, migrates it and
builds ``demo --scale district`` (10,000 enterprises, about 1,100 areas, 30 days of daily reports),
then measures in-process with django.test.Client, DEBUG off and persistent connections:

  (a) the command page (``resumption:command``), server time median and p95 over REPEAT requests,
      for the district leader and for one street officer, with the SQL statements per request
      (target p95 ≤ 200 ms)
  (b) the evening summary job (``manage.py evening_summary``: snapshot, district and every street,
      stored results) for the whole district, run twice as cron may (target ≤ 10 s)

Run: ``.venv/bin/python bench/resumption_bench.py [--reuse] [--record]``. It is a separate entry point
from ``bench/run_all.py`` (issue 2's benchmark), with its own database.
"""

import argparse
import io
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOST, PORT, USER, NAME = "127.0.0.1", 5432, "postgres", "fugong_bench3"
URL = f"postgres://{USER}@{HOST}:{PORT}/{NAME}"
WARMUP = 5
REPEAT = 100
PAGE_TARGET_MS = 200
JOB_TARGET_S = 10
USERS = {"区级领导（全区）": "leader", "街道干部（天生街道）": "tiansheng"}
README = Path(__file__).with_name("README.md")
START, END = "<!-- resumption-results:start -->", "<!-- resumption-results:end -->"


def say(text: str = "") -> None:
    print(text, flush=True)


def recreate() -> None:
    import psycopg

    with psycopg.connect(host=HOST, port=PORT, user=USER, dbname="postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {NAME}")


def configure() -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "fugong.settings",
            "DATABASE_URL": URL,
            "DJANGO_DEBUG": "0",
            "DB_CONN_MAX_AGE": "600",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()


def fill() -> float:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    out = io.StringIO()
    call_command("demo", scale="district", seed=2020, stdout=out)
    seconds = time.perf_counter() - started
    say("\n".join(line for line in out.getvalue().splitlines()[:12]))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return seconds


def data_sizes() -> dict[str, int]:
    from fugong.areas.models import Area
    from fugong.enterprises.models import Enterprise
    from fugong.resumption.models import DailyReport, DailyTally, Filing, StatusTally

    return {
        "企业": Enterprise.objects.count(),
        "区划节点": Area.objects.count(),
        "企业日报": DailyReport.objects.count(),
        "日报天数": DailyReport.objects.values("date").distinct().count(),
        "复工备案": Filing.objects.count(),
        "StatusTally 行": StatusTally.objects.count(),
        "DailyTally 行": DailyTally.objects.count(),
    }


def wait_for_command_page(minutes: int) -> bool:
    """The command page is another part of issue 3: wait for its URL to resolve."""
    from django.urls import NoReverseMatch, clear_url_caches, reverse

    deadline = time.monotonic() + minutes * 60
    while True:
        try:
            reverse("resumption:command")
            return True
        except NoReverseMatch:
            if time.monotonic() > deadline:
                return False
            say("resumption:command 尚未就绪，60 秒后重试 …")
            time.sleep(60)
            clear_url_caches()


def percentile95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[94]


def measure_page(username: str) -> dict:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from timing import QueryCounter

    from fugong.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    url = reverse("resumption:command")
    for _ in range(WARMUP):
        assert client.get(url).status_code == 200
    with QueryCounter(connection) as counter:
        client.get(url)
    samples = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200
    return {
        "median": statistics.median(samples) * 1000,
        "p95": percentile95(samples) * 1000,
        "max": max(samples) * 1000,
        "queries": counter.count,
    }


def measure_readers(username: str) -> dict:
    """Fallback when the page is not there: the reads the page is built from, timed directly."""
    from fugong.accounts.models import User
    from fugong.areas.models import Area
    from fugong.resumption import rates

    user = User.objects.get(username=username)
    area = user.scope_area
    children = list(Area.objects.filter(parent=area).order_by("sort_order", "path"))
    samples = []
    for i in range(WARMUP + REPEAT):
        started = time.perf_counter()
        rates.figures_for([area, *children])
        rates.trend(area, days=30)
        rates.breakdown(area, by="category")
        if i >= WARMUP:
            samples.append(time.perf_counter() - started)
    return {
        "median": statistics.median(samples) * 1000,
        "p95": percentile95(samples) * 1000,
        "max": max(samples) * 1000,
        "queries": None,
    }


def measure_job() -> list[dict]:
    from django.core.management import call_command
    from django.utils import timezone

    from fugong.resumption.models import SummaryRun

    runs = []
    for label in ("首次运行", "再次运行（覆盖当日结果）"):
        started = time.perf_counter()
        call_command("evening_summary", stdout=io.StringIO())
        seconds = time.perf_counter() - started
        day = SummaryRun.objects.filter(date=timezone.localdate())
        runs.append(
            {
                "label": label,
                "seconds": seconds,
                "areas": day.count(),
                "done": day.filter(status=SummaryRun.Status.DONE).count(),
                "rows": sum(day.values_list("row_count", flat=True)),
            }
        )
    return runs


def render(
    machine: dict,
    sizes: dict,
    demo_seconds: float | None,
    pages: dict,
    page_kind: str,
    job: list[dict],
    loads: tuple[float, float],
) -> tuple[str, bool]:
    import report

    lines = [
        f"测于 {time.strftime('%Y-%m-%d %H:%M')}。机器：" + "；".join(f"{k} {v}" for k, v in machine.items()),
        "",
        "数据："
        + "，".join(f"{k} {v:,}" for k, v in sizes.items())
        + (f"；生成演示数据（含复工数据）用时 {demo_seconds:.0f} 秒" if demo_seconds else ""),
        "",
    ]
    ok = True
    rows = [["项目", "中位数", "p95", "最大", "SQL 条数", "目标", "结论"]]
    for who, m in pages.items():
        met = m["p95"] <= PAGE_TARGET_MS
        ok &= met
        rows.append(
            [
                f"(a) {page_kind} · {who}",
                f"{m['median']:.0f} ms",
                f"{m['p95']:.0f} ms",
                f"{m['max']:.0f} ms",
                str(m["queries"] if m["queries"] is not None else "—"),
                f"p95 ≤ {PAGE_TARGET_MS} ms",
                report.verdict(met),
            ]
        )
    for run in job:
        met = run["seconds"] <= JOB_TARGET_S and run["done"] == run["areas"]
        ok &= met
        rows.append(
            [
                f"(b) 晚间日报 · {run['label']}（{run['areas']} 个辖区，{run['rows']} 行）",
                f"{run['seconds']:.1f} s",
                "",
                "",
                "",
                f"≤ {JOB_TARGET_S} s",
                report.verdict(met),
            ]
        )
    lines += [
        report.table(rows),
        "",
        f"每项请求预热 {WARMUP} 次后计时 {REPEAT} 次。测试前后 1 分钟平均负载：{loads[0]:.2f} / {loads[1]:.2f}。",
    ]
    return "\n".join(lines), ok


def record(markdown: str) -> None:
    import re

    text = README.read_text(encoding="utf-8")
    block = f"{START}\n{markdown.strip()}\n{END}"
    if START in text:
        text = re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    README.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description="fugong 基准（issue 3）：指挥部驾驶舱与晚间日报")
    parser.add_argument("--reuse", action="store_true", help=f"沿用已有的 {NAME} 数据库（不重建）")
    parser.add_argument("--record", action="store_true", help="把结果写入 bench/README.md")
    parser.add_argument("--wait-minutes", type=int, default=60, help="等待驾驶舱页面就绪的最长分钟数")
    args = parser.parse_args()
    if not args.reuse:
        say(f"重建数据库 {NAME} …")
        recreate()
    configure()
    import machine
    from django.db import connection

    demo_seconds = None if args.reuse else fill()
    sizes = data_sizes()
    say("数据：" + "，".join(f"{k} {v:,}" for k, v in sizes.items()))
    loads = [machine.load()]
    page = wait_for_command_page(args.wait_minutes)
    measure = measure_page if page else measure_readers
    kind = (
        "驾驶舱页面 GET resumption:command"
        if page
        else "驾驶舱读数（页面未就绪：figures_for + trend + breakdown）"
    )
    pages = {who: measure(username) for who, username in USERS.items()}
    job = measure_job()
    loads.append(machine.load())
    markdown, ok = render(machine.describe(connection), sizes, demo_seconds, pages, kind, job, tuple(loads))
    say()
    say(markdown)
    if args.record:
        record(markdown)
        say("结果已写入 bench/README.md。")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

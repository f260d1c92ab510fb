"""fugong benchmark, issue 4: the problem ledger at 100,000 problems.

Drops and recreates the PostgreSQL database ``fugong_bench4`` on 127.0.0.1:5432, migrates it, builds
``demo --scale district`` and the default routing rules, then bulk-inserts 100,000 problems (every
category, status and due date across the district) and 50,000 inspections (supervision), and
measures in-process with django.test.Client, DEBUG off and persistent connections:

  (a) the ledger list page (``ledger:problem_list``) and
  (b) the overdue count (``GET /api/v1/problems/overdue/count``)

for one street officer and for the district leader: server time median and p95 over REPEAT requests,
SQL statements per request, and EXPLAIN ANALYZE of the list's page and count queries (target p95 ≤ 150 ms).

Run: ``.venv/bin/python bench/ledger_bench.py [--reuse] [--record]``.
"""

import argparse
import datetime as dt
import io
import os
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

HOST, PORT, USER, NAME = "127.0.0.1", 5432, "postgres", "fugong_bench4"
URL = f"postgres://{USER}@{HOST}:{PORT}/{NAME}"
PROBLEMS, INSPECTIONS = 100_000, 50_000
WARMUP, REPEAT = 5, 60
TARGET_MS = 150
USERS = {"街道干部（天生街道）": "tiansheng", "区级领导（全区）": "leader"}
README = Path(__file__).with_name("README.md")
START, END = "<!-- ledger-results:start -->", "<!-- ledger-results:end -->"


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


def build_demo() -> float:
    from django.core.management import call_command

    from fugong.ledger.services import routing_seed_defaults

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("demo", scale="district", seed=2020, stdout=io.StringIO())
    routing_seed_defaults()
    return time.perf_counter() - started


def insert_problems(rng: random.Random) -> float:
    """100,000 problems by bulk_create; created times over the last 60 days, due dates from the rules."""
    from django.utils import timezone

    from fugong.areas.models import Area
    from fugong.enterprises.models import Enterprise
    from fugong.ledger import rules
    from fugong.ledger.choices import Channel, ProblemCategory, ProblemStatus
    from fugong.ledger.models import Problem, RoutingRule

    started = time.perf_counter()
    for name in ("created_at", "updated_at"):  # keep the generated times
        field = Problem._meta.get_field(name)
        field.auto_now = field.auto_now_add = False
    streets = {a.path: a.pk for a in Area.objects.filter(depth=1)}
    routes = {r.category: r.department_id for r in RoutingRule.objects.filter(area_path="")}
    firms = list(Enterprise.objects.values_list("pk", "area_path", "category"))
    statuses = (
        [ProblemStatus.OPEN] * 15
        + [ProblemStatus.IN_PROGRESS] * 15
        + [ProblemStatus.ANSWERED] * 15
        + [ProblemStatus.CONFIRMED] * 50
        + [ProblemStatus.REOPENED] * 5
    )
    now = timezone.now()
    batch = []
    for i in range(PROBLEMS):
        pk, path, ent_category = rng.choice(firms)
        category = rng.choice(ProblemCategory.values)
        green = rng.random() < 0.1
        days = rules.effective_days(rules.due_days(category), green_channel=green)
        created = now - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 60))
        status = rng.choice(statuses)
        street_path = path[: path.index("/", path.index("/", 1) + 1) + 1]
        row = Problem(
            enterprise_id=pk,
            area_path=path,
            enterprise_category=ent_category,
            street_id=streets[street_path],
            category=category,
            title=f"{ProblemCategory(category).label}诉求{i}",
            description="演示数据",
            channel=rng.choice(Channel.values),
            green_channel=green,
            status=status,
            department_id=routes.get(category),
            due_days=days,
            due_at=rules.due_at(created, days),
            created_at=created,
            updated_at=created,
        )
        if status in (ProblemStatus.ANSWERED, ProblemStatus.CONFIRMED):
            row.answer, row.answered_at = "已办理", created + dt.timedelta(hours=rng.randint(2, 200))
        if status == ProblemStatus.CONFIRMED:
            row.rating, row.closed_at = (
                rng.randint(2, 5),
                row.answered_at + dt.timedelta(hours=rng.randint(1, 48)),
            )
            row.close_seconds = int((row.closed_at - created).total_seconds())
        batch.append(row)
        if len(batch) == 5000:
            Problem.objects.bulk_create(batch)
            batch = []
    Problem.objects.bulk_create(batch)
    return time.perf_counter() - started


def insert_inspections(rng: random.Random) -> tuple[float, int]:
    try:
        from fugong.supervision.models import Inspection
    except ImportError:
        return 0.0, 0
    from django.utils import timezone

    from fugong.accounts.models import User
    from fugong.enterprises.models import Enterprise

    started = time.perf_counter()
    inspector = User.objects.get(username="tiansheng")
    firms = list(Enterprise.objects.values_list("pk", "area_path"))
    today = timezone.localdate()
    rows = []
    for _ in range(INSPECTIONS):
        pk, path = rng.choice(firms)
        rows.append(
            Inspection(
                enterprise_id=pk,
                area_path=path,
                date=today - dt.timedelta(days=rng.randint(0, 40)),
                inspector=inspector,
                note="无异常",
            )
        )
    Inspection.objects.bulk_create(rows, batch_size=5000)
    return time.perf_counter() - started, Inspection.objects.count()


def percentile95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[94]


def measure(username: str, url: str) -> dict:
    from django.db import connection
    from django.test import Client
    from timing import QueryCounter

    from fugong.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    for _ in range(WARMUP):
        assert client.get(url).status_code == 200
    with QueryCounter(connection) as counter:
        response = client.get(url)
    samples = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200
    return {
        "median": statistics.median(samples) * 1000,
        "p95": percentile95(samples) * 1000,
        "queries": counter.count,
        "body": response.content[:200],
    }


def _explain_count(qs) -> str:
    """EXPLAIN ANALYZE of ``SELECT COUNT(*)`` over ``qs``, as the paginator and the overdue count run it."""
    from django.db import connection

    sql, params = qs.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        # sql is the ORM's own, with its parameters bound separately
        cursor.execute(f"EXPLAIN ANALYZE SELECT COUNT(*) FROM ({sql}) AS counted", params)  # noqa: S608
        return "\n".join(row[0] for row in cursor.fetchall())


def explain(username: str) -> str:
    from fugong.accounts.models import User
    from fugong.ledger import selectors

    user = User.objects.get(username=username)
    qs = selectors.problem_list(user=user, f=selectors.ProblemFilter())
    page = qs[:50].explain(analyze=True)
    count = _explain_count(selectors.problem_queryset(user=user))
    overdue = _explain_count(selectors.problem_queryset(user=user).filter(selectors.overdue_q()))
    return f"-- 列表第一页\n{page}\n\n-- 列表计数\n{count}\n\n-- 超期计数\n{overdue}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reuse", action="store_true", help="keep the database of the last run")
    parser.add_argument("--record", action="store_true", help="write the results into bench/README.md")
    args = parser.parse_args()
    if not args.reuse:
        recreate()
    configure()
    from django.db import connection
    from machine import describe, load

    from fugong.ledger.models import Problem

    load_before = load()
    rng = random.Random(2020)
    timings = {}
    if not args.reuse:
        timings["demo"] = build_demo()
        timings["problems"] = insert_problems(rng)
        timings["inspections"], inspections = insert_inspections(rng)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        from fugong.supervision.models import Inspection

        inspections = Inspection.objects.count()
    problems = Problem.objects.count()
    say(
        f"诉求 {problems:,}，检查 {inspections:,}；" + "，".join(f"{k} {v:.0f} s" for k, v in timings.items())
    )
    results = []
    for label, username in USERS.items():
        for what, url in (
            ("诉求列表页 /ledger/", "/ledger/"),
            ("超期计数 /api/v1/problems/overdue/count", "/api/v1/problems/overdue/count"),
        ):
            r = measure(username, url)
            verdict = "达标" if r["p95"] <= TARGET_MS else "未达标"
            results.append((label, what, r, verdict))
            say(
                f"{label} {what}: 中位数 {r['median']:.1f} ms, p95 {r['p95']:.1f} ms, SQL {r['queries']} 条, {verdict}"
            )
    plans = {label: explain(username) for label, username in USERS.items()}
    for label, plan in plans.items():
        say(f"\nEXPLAIN ANALYZE（{label}）\n{plan}")
    if args.record:
        record(describe(connection), problems, inspections, timings, results, plans, load_before, load())


def record(machine, problems, inspections, timings, results, plans, load_before, load_after) -> None:
    from django.utils import timezone

    lines = [
        f"测于 {timezone.localtime():%Y-%m-%d %H:%M}。机器："
        + "；".join(f"{k} {v}" for k, v in machine.items()),
        "",
        f"数据：演示区（企业 10,000）+ 企业诉求 {problems:,} 条 + 检查记录 {inspections:,} 条"
        + ("；" + "，".join(f"{k} {v:.0f} 秒" for k, v in timings.items()) if timings else ""),
        "",
        "| 用户 | 请求 | 中位数 | p95 | SQL 条数 | 目标 | 结论 |",
        "| --- | --- | ---: | ---: | ---: | --- | --- |",
    ]
    for label, what, r, verdict in results:
        lines.append(
            f"| {label} | {what} | {r['median']:.1f} ms | {r['p95']:.1f} ms | {r['queries']} "
            f"| p95 ≤ {TARGET_MS} ms | {verdict} |"
        )
    lines += [
        "",
        f"每项预热 {WARMUP} 次后计时 {REPEAT} 次。前后 1 分钟平均负载：{load_before:.2f} / {load_after:.2f}。",
        "",
    ]
    for label, plan in plans.items():
        lines += [f"EXPLAIN ANALYZE（{label}）：", "", "```", plan, "```", ""]
    text = README.read_text(encoding="utf-8")
    block = f"{START}\n" + "\n".join(lines).strip() + f"\n{END}"
    text = text[: text.index(START)] + block + text[text.index(END) + len(END) :] if START in text else text
    README.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

"""fugong benchmark, issue 5: release notices (解除隔离通知书) — issue, bulk print, verification.

Drops and recreates the PostgreSQL database ``fugong_bench_notice`` on 127.0.0.1:5432, migrates it and
builds ``demo --scale small``. Then, through the real services (``fugong/quarantine/services/``), as
the demo community worker ``community``: registers RELEASES returnees from the demo's key area
(浙江省温州市) who arrived 15 days ago, sets their measure by hand to 14 days of home quarantine
(``decision_change``: the rule set in force gives key areas 7 days), issues each order starting on
the arrival day and releases it (``order_release``), as ``tests/quarantine/notice_helpers.released``
does. Measures, in-process, DEBUG off, persistent connections:

  (1) issuing one notice: ``order_release``, which renders the PDF, stores it and audits it in the
      release's transaction — median/min/max over the first 10 releases, and over the rest;
  (2) the bulk print of all RELEASES notices (``services.notices.notice_print``: one PDF, one A4 page
      each, re-rendered from the stored content) — seconds, pages, bytes; PRINTS runs;
  (3) the public verification page (the QR link, ``/quarantine/verify/<number>/<code>/``) through
      django.test.Client, no login — p50/p95 over VERIFY requests, one per notice.

The notices' PDFs are stored under a temporary MEDIA_ROOT, removed at the end.

Run: ``.venv/bin/python bench/notice_bench.py [--record]`` (or ``make bench-notices``); a few minutes.
"""

import argparse
import datetime as dt
import io
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

HOST, PORT, USER, NAME = "127.0.0.1", 5432, "postgres", "fugong_bench_notice"
URL = f"postgres://{USER}@{HOST}:{PORT}/{NAME}"
RELEASES = 200
FIRST = 10
PRINTS = 3
VERIFY = 200
WARMUP = 5
DAYS = 14
ORIGIN = ("浙江省", "温州市")  # the demo's key area (fugong/demo/sensors.py)
BASE = "http://testserver/"
WORKER = "community"
README = Path(__file__).with_name("README.md")
START, END = "<!-- notice-results:start -->", "<!-- notice-results:end -->"


def say(text: str = "") -> None:
    print(text, flush=True)


def recreate() -> None:
    import psycopg

    with psycopg.connect(host=HOST, port=PORT, user=USER, dbname="postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {NAME}")


def configure(media: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "fugong.settings",
            "DATABASE_URL": URL,
            "DJANGO_DEBUG": "0",
            "DB_CONN_MAX_AGE": "600",
            "LOG_LEVEL": "WARNING",
            "MEDIA_ROOT": media,
            "FUGONG_PUBLIC_URL": "",
        }
    )
    import django

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()


def build() -> float:
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("demo", scale="small", seed=2020, stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def ms(samples: list[float]) -> dict:
    return {
        "median": statistics.median(samples) * 1000,
        "min": min(samples) * 1000,
        "max": max(samples) * 1000,
    }


def release_all() -> dict:
    """RELEASES home quarantines of the community worker, issued 15 days ago and released today; only
    ``order_release`` (with its notice) is timed."""
    from django.utils import timezone

    from fugong.accounts.models import User
    from fugong.core import fake
    from fugong.quarantine import services
    from fugong.quarantine.models import ReleaseNotice

    worker = User.objects.get(username=WORKER)
    today = timezone.localdate()
    arrival = today - dt.timedelta(days=DAYS + 1)
    samples, orders = [], []
    setup = time.perf_counter()
    for i in range(RELEASES):
        returnee = services.returnee_register(
            actor=worker,
            id_number=fake.id_number(20_000 + i, dt.date(1980, 1, 1) + dt.timedelta(days=i * 37)),
            name=f"解除{i:03d}",
            phone=fake.mobile(80_000 + i),
            origin_province=ORIGIN[0],
            origin_city=ORIGIN[1],
            arrival_date=arrival,
            transport="train",
            address=f"天生路{i + 1}号1栋1单元101",
            destination_id=worker.scope_area_id,
        )
        services.decision_change(
            actor=worker, returnee_id=returnee.pk, measure="home", days=DAYS, reason="基准测试"
        )
        order = services.order_issue(actor=worker, returnee_id=returnee.pk, start_date=arrival)
        started = time.perf_counter()
        order = services.order_release(actor=worker, order_id=order.pk, base_url=BASE)
        samples.append(time.perf_counter() - started)
        orders.append(order.pk)
        if (i + 1) % 50 == 0:
            say(f"  released {i + 1}/{RELEASES}")
    total = time.perf_counter() - setup
    notices = ReleaseNotice.objects.filter(order_id__in=orders)
    sizes = sorted(notices.values_list("size", flat=True))
    kinds = set(notices.values_list("content__kind", flat=True))
    return {
        "orders": orders,
        "first": ms(samples[:FIRST]),
        "rest": ms(samples[FIRST:]),
        "all": ms(samples),
        "notices": notices.count(),
        "size": statistics.median(sizes),
        "kinds": kinds,
        "total": total,
        "worker": worker,
    }


def bulk_print(worker, orders: list[int]) -> dict:
    from pypdf import PdfReader

    from fugong.quarantine.services import notices as notice_services

    runs = []
    for _ in range(PRINTS):
        started = time.perf_counter()
        data, count = notice_services.notice_print(actor=worker, order_ids=orders)
        runs.append(time.perf_counter() - started)
    pages = len(PdfReader(io.BytesIO(data)).pages)
    return {
        "runs": runs,
        "median": statistics.median(runs),
        "count": count,
        "pages": pages,
        "bytes": len(data),
    }


def verification() -> dict:
    from django.db import connection
    from django.test import Client
    from timing import QueryCounter

    from fugong.quarantine.models import ReleaseNotice

    paths = [
        url.removeprefix(BASE.rstrip("/"))
        for url in ReleaseNotice.objects.order_by("number").values_list("verify_url", flat=True)
    ]
    client = Client()
    for path in paths[:WARMUP]:
        assert client.get(path).status_code == 200
    with QueryCounter(connection) as counter:
        client.get(paths[0])
    samples, statuses = [], {}
    for i in range(VERIFY):
        started = time.perf_counter()
        response = client.get(paths[i % len(paths)])
        samples.append(time.perf_counter() - started)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    genuine = "真实有效" in response.content.decode()
    bad = client.get(paths[0][:-3] + "AAA/")  # a changed code must fail
    samples.sort()
    return {
        "p50": statistics.median(samples) * 1000,
        "p95": statistics.quantiles(samples, n=100, method="inclusive")[94] * 1000,
        "max": samples[-1] * 1000,
        "statuses": statuses,
        "queries": counter.count,
        "genuine": genuine,
        "tampered": bad.status_code,
        "example": paths[0],
    }


def report(machine: dict, built: float, rel: dict, pr: dict, ver: dict, loads: tuple[float, float]) -> str:
    first, rest = rel["first"], rel["rest"]
    statuses = ", ".join(f"{code}: {n}" for code, n in sorted(ver["statuses"].items()))
    lines = [
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · `bench/notice_bench.py` · load average "
        f"{loads[0]:.2f} at start, {loads[1]:.2f} at end",
        "",
        "| machine | |",
        "| --- | --- |",
        *[f"| {k} | {v} |" for k, v in machine.items()],
        "",
        f"Data: `demo --scale small` (built and migrated in {built:.0f} s) + {RELEASES} home quarantines of "
        f"the community worker `{WORKER}` ({DAYS} days, started {DAYS + 1} days ago), released through "
        f"`services.order_release`, which issued {rel['notices']} notices (kind: {', '.join(sorted(rel['kinds']))}). "
        "In-process, PostgreSQL, DEBUG off, persistent connections.",
        "",
        "| what | time | output |",
        "| --- | --- | --- |",
        f"| (1) issue one notice (`order_release`: release, content, HMAC, PDF, store, audit), first {FIRST} "
        f"| median {first['median'] / 1000:.2f} s (min {first['min'] / 1000:.2f}, max {first['max'] / 1000:.2f}) "
        f"| one A4 page, median {rel['size'] / 1024:.0f} KiB |",
        f"| (1) the same, the other {RELEASES - FIRST} "
        f"| median {rest['median'] / 1000:.2f} s (min {rest['min'] / 1000:.2f}, max {rest['max'] / 1000:.2f}) | |",
        f"| (2) bulk print of {pr['count']} notices (`services.notices.notice_print`: one PDF, one page each), "
        f"median of {PRINTS} | {pr['median']:.2f} s ({', '.join(f'{s:.2f}' for s in pr['runs'])}); "
        f"{pr['median'] / pr['count'] * 1000:.0f} ms a page "
        f"| {pr['pages']} pages, {pr['bytes'] / 1024 / 1024:.2f} MiB ({pr['bytes']:,} bytes) |",
        f"| (3) verification page `GET /quarantine/verify/<number>/<code>/` (django.test.Client, no login), "
        f"{VERIFY} requests | p50 {ver['p50']:.1f} ms, p95 {ver['p95']:.1f} ms (max {ver['max']:.1f}) "
        f"| {statuses}; {ver['queries']} SQL per request |",
        "",
        f"Setting up and releasing all {RELEASES} (register, decision, order, release) took {rel['total']:.0f} s. "
        f"The verification page said 真实有效: {'yes' if ver['genuine'] else 'NO'}; with a changed code it "
        f"answered {ver['tampered']}.",
    ]
    return "\n".join(lines)


def record(text: str) -> None:
    body = README.read_text(encoding="utf-8")
    block = f"{START}\n{text}\n{END}"
    if START in body:
        body = re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _m: block, body, flags=re.S)
    else:
        body = body.rstrip() + (
            "\n\n## Issue 5: release notices\n\n"
            "Run `.venv/bin/python bench/notice_bench.py --record` (or `make bench-notices`).\n\n"
            + block
            + "\n"
        )
    README.write_text(body, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description="fugong benchmark (issue 5): release notices")
    parser.add_argument("--record", action="store_true", help="write the results into bench/README.md")
    args = parser.parse_args()
    from machine import describe, load

    loads = [load()]
    media = tempfile.mkdtemp(prefix="fugong-notice-bench-")
    try:
        say(f"recreating {NAME}")
        recreate()
        configure(media)
        from django.db import connection

        built = build()
        say(f"  demo --scale small in {built:.0f} s")
        rel = release_all()
        say(
            f"(1) issue one notice: first {FIRST} median {rel['first']['median']:.0f} ms "
            f"(min {rel['first']['min']:.0f}, max {rel['first']['max']:.0f}); rest median "
            f"{rel['rest']['median']:.0f} ms (min {rel['rest']['min']:.0f}, max {rel['rest']['max']:.0f})"
        )
        pr = bulk_print(rel["worker"], rel["orders"])
        say(f"(2) bulk print: {pr['median']:.2f} s, {pr['pages']} pages, {pr['bytes']:,} bytes")
        ver = verification()
        say(f"(3) verification: p50 {ver['p50']:.1f} ms, p95 {ver['p95']:.1f} ms, statuses {ver['statuses']}")
        loads.append(load())
        text = report(describe(connection), built, rel, pr, ver, tuple(loads))
    finally:
        shutil.rmtree(media, ignore_errors=True)
    say()
    say(text)
    if args.record:
        record(text)
        say("recorded in bench/README.md")
    ok = rel["notices"] == RELEASES and pr["pages"] == RELEASES and ver["statuses"] == {200: VERIFY}
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""fugong benchmark: import, list and export of the enterprise registry at district scale.

Drops and recreates the PostgreSQL database ``fugong_bench`` on 127.0.0.1:5432, migrates it, builds
``demo --scale district`` (10,000 enterprises), then measures in-process with django.test.Client:

  (a) import of 10,000 new enterprises from xlsx through the import page  (target ≤ 10 s)
  (b) the enterprise list page, median and p95 server time, one street and the whole district
      (target p95 ≤ 150 ms), with queries per request and EXPLAIN ANALYZE of the street's list
  (c) export of 10,000 rows (target ≤ 5 s) and peak Python memory at 2,500 / 5,000 / 10,000 rows

Run with ``make bench``; ``--record`` also writes the results into bench/README.md.
"""

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import database  # noqa: E402 — after the path is set


def configure() -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "fugong.settings",
            "DATABASE_URL": database.URL,
            "DJANGO_DEBUG": "0",  # as in production: no query log kept in memory
            "DB_CONN_MAX_AGE": "600",  # persistent connections, as gunicorn runs with in production
            "LOG_LEVEL": "WARNING",  # one log line per request would flood the report
        }
    )
    import django

    warnings.filterwarnings("ignore", message="No directory at")  # WhiteNoise: static files not collected
    django.setup()


def wait_until_quiet(seconds: int) -> None:
    limit = (os.cpu_count() or 1) / 2
    deadline = time.monotonic() + seconds
    while os.getloadavg()[0] > limit and time.monotonic() < deadline:
        time.sleep(5)
    load = os.getloadavg()[0]
    if load > limit:
        say(f"注意：机器正忙（1 分钟平均负载 {load:.2f}，{os.cpu_count()} 核），测得的时间会偏慢。")


def say(text: str = "") -> None:
    print(text, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description="fugong 性能基准（PostgreSQL，全区规模数据）")
    parser.add_argument("--record", action="store_true", help="把结果写入 bench/README.md")
    parser.add_argument("--reuse", action="store_true", help="沿用已有的 fugong_bench 数据库（不重建）")
    parser.add_argument(
        "--wait-quiet",
        type=int,
        default=0,
        metavar="秒",
        help="开始前最多等待这么多秒，直到机器空闲（1 分钟平均负载低于核数的一半）",
    )
    args = parser.parse_args()
    wait_until_quiet(args.wait_quiet)
    started = time.perf_counter()
    if not args.reuse:
        say(f"重建数据库 {database.NAME} …")
        database.recreate()
    configure()
    import stages

    results = stages.run_all(rebuild=not args.reuse, say=say)
    markdown = stages.render(results)
    say()
    say(markdown)
    say()
    say(f"基准测试总用时 {time.perf_counter() - started:.0f} 秒。")
    if args.record:
        import report

        report.record(markdown)
        say("结果已写入 bench/README.md。")
    if not results.all_met:
        say("有指标未达标，见上表。")
    return 0 if results.all_met else 1


if __name__ == "__main__":
    sys.exit(main())

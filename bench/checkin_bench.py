"""fugong benchmark, issue 5 item 9: the morning wave of health check-ins under gunicorn on PostgreSQL.

Drops and recreates the PostgreSQL database ``fugong_bench5`` on 127.0.0.1:5432, migrates it, builds
``demo --scale small`` and bulk-creates 200,000 persons on the staff lists of the demo enterprises;
60,000 of them get an employee account with a bearer token, bound to their person (as after
identifying once through the QR page). Then, in one run:

  1. starts gunicorn with the repository's gunicorn.conf.py (5 workers × 2 threads on 2 cores),
     FUGONG_ENV=production, DEBUG off, a test secret, ALLOWED_HOSTS=127.0.0.1, persistent connections;
  2. in ROUNDS interleaved pairs (so both sides see the same minutes of a shared VM): (a) drives
     ``GET /healthz`` (a bare view with one ``SELECT 1``) with wrk on loopback, then (b) drives
     ``POST /api/v1/checkins``, every request a distinct person (its own bearer token, last used the
     day before, as on a morning) with its own idempotency key, same duration and connections;
     prints requests/s and the CPU per request (gunicorn + PostgreSQL, from /proc) of both, the
     median ratio (target ≥ 0.5), check-ins/s (target ≥ 300) and errors (target 0), and counts the
     rows written;
  3. fills ``checkins_checkin`` to 6,000,000 rows (200,000 persons × 30 days, generated server-side
     with one INSERT … SELECT generate_series) and times ``selectors.person_checkins`` — the query
     of the person file page — for a street officer over REPEAT random persons: p50/p95 (target
     p95 ≤ 150 ms), with its EXPLAIN ANALYZE.

Run: ``.venv/bin/python bench/checkin_bench.py [--record] [--duration 20] [--rounds 3] [--skip-6m] [--reuse]``.
Needs wrk (``apt-get install -y wrk``).
"""

import argparse
import datetime as dt
import hashlib
import io
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

HOST, PORT, USER, NAME = "127.0.0.1", 5432, "postgres", "fugong_bench5"
URL = f"postgres://{USER}@{HOST}:{PORT}/{NAME}"
PERSONS, ACCOUNTS, DAYS = 200_000, 60_000, 30
BIND = "127.0.0.1:8765"
SECRET = "bench-not-a-secret-" + "x" * 40
TOKEN_FMT = "benchtok-{:06d}-3b1f9c"  # deterministic raw tokens, so wrk's Lua can rebuild them
REPEAT = 300
README = Path(__file__).with_name("README.md")
START, END = "<!-- checkin-results:start -->", "<!-- checkin-results:end -->"

LUA = r"""
local counter = 0
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
function init(args)
  stride = tonumber(args[1])
  base = tonumber(args[2] or 0) + tid * stride
end
request = function()
  local n = base + counter
  counter = counter + 1
  local key = string.format("00000000-0000-4000-8000-%012d", n)
  local body = string.format('{"temperature": 36.%d, "symptom": "none", "whereabouts": "公司"}', n % 8)
  local headers = {}
  headers["Content-Type"] = "application/json"
  headers["Authorization"] = string.format("Bearer benchtok-%06d-3b1f9c", n)
  headers["Idempotency-Key"] = key
  return wrk.format("POST", "/api/v1/checkins", headers, body)
end
"""


def say(text: str = "") -> None:
    print(text, flush=True)


def recreate() -> None:
    import psycopg

    with psycopg.connect(host=HOST, port=PORT, user=USER, dbname="postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {NAME}")


def server_env() -> dict:
    return {
        "DJANGO_SETTINGS_MODULE": "fugong.settings",
        "DATABASE_URL": URL,
        "FUGONG_ENV": "production",
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DB_CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
    }


def configure() -> None:
    os.environ.update(server_env())
    import django

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()


def build() -> dict:
    """demo --scale small, 200,000 persons on the staff lists, 60,000 bound employee accounts."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from fugong.accounts.models import ApiToken, User
    from fugong.checkins.models import CheckinIdentity
    from fugong.core import fake
    from fugong.core.access import Role
    from fugong.enterprises.models import Enterprise
    from fugong.health.models import Employment, Person

    timings = {}
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("demo", scale="small", seed=2020, stdout=io.StringIO())
    timings["demo"] = time.perf_counter() - t
    t = time.perf_counter()
    firms = list(Enterprise.objects.values_list("pk", "area_id", "area_path"))
    birth = dt.date(1980, 1, 1)
    for start in range(0, PERSONS, 10_000):
        Person.objects.bulk_create(
            [
                Person(
                    id_number=fake.id_number(i, birth + dt.timedelta(days=i // 1000), region="500108"),
                    name=f"打卡员工{i}",
                    area_id=firms[i % len(firms)][1],
                    area_path=firms[i % len(firms)][2],
                )
                for i in range(start, min(start + 10_000, PERSONS))
            ],
            batch_size=5_000,
        )
    persons = list(
        Person.objects.filter(name__startswith="打卡员工").order_by("pk").values_list("pk", flat=True)
    )
    Employment.objects.bulk_create(
        [Employment(person_id=p, enterprise_id=firms[i % len(firms)][0]) for i, p in enumerate(persons)],
        batch_size=10_000,
    )
    timings["persons"] = time.perf_counter() - t
    t = time.perf_counter()
    now = timezone.now()
    users = [
        User(
            username=f"bench{i:06d}",
            password="!",
            full_name=f"打卡员工{i}",
            role=Role.EMPLOYEE,
            scope_enterprise_id=firms[i % len(firms)][0],
            scope_path=firms[i % len(firms)][2],
        )
        for i in range(ACCOUNTS)
    ]
    User.objects.bulk_create(users, batch_size=5_000)
    users = dict(User.objects.filter(username__startswith="bench").values_list("username", "pk"))
    ApiToken.objects.bulk_create(
        [
            ApiToken(
                user_id=users[f"bench{i:06d}"],
                key_hash=hashlib.sha256(TOKEN_FMT.format(i).encode()).hexdigest(),
                prefix=TOKEN_FMT.format(i)[:8],
                expires_at=now + dt.timedelta(days=30),
                last_used_at=now,
            )
            for i in range(ACCOUNTS)
        ],
        batch_size=5_000,
    )
    CheckinIdentity.objects.bulk_create(
        [
            CheckinIdentity(
                user_id=users[f"bench{i:06d}"], person_id=persons[i], enterprise_id=firms[i % len(firms)][0]
            )
            for i in range(ACCOUNTS)
        ],
        batch_size=5_000,
    )
    timings["accounts"] = time.perf_counter() - t
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return timings


def start_server(log) -> subprocess.Popen:
    env = {**os.environ, **server_env(), "GUNICORN_BIND": BIND}
    proc = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "fugong.wsgi:application", "-c", str(ROOT / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://{BIND}/healthz", timeout=1).read()
            return proc
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def stop_server(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def wrk(
    path: str,
    duration: int,
    connections: int,
    threads: int,
    script: str | None = None,
    stride: int = 0,
    offset: int = 0,
) -> dict:
    cmd = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{duration}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    if script:
        cmd += ["-s", script]
    cmd.append(f"http://{BIND}{path}")
    if script:
        cmd += ["--", str(stride), str(offset)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out)
    p50 = re.search(r"50%\s+([\d.]+\w+)", out)
    return {
        "rps": rps,
        "total": total,
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(int(x) for x in sock.groups()) if sock else 0,
        "p50": p50.group(1) if p50 else "?",
        "p99": p99.group(1) if p99 else "?",
        "raw": out,
    }


HZ = os.sysconf("SC_CLK_TCK")


def cpu_seconds(session: int) -> dict:
    """CPU seconds used so far by the server (gunicorn's session) and by PostgreSQL's processes."""
    used = {"server": 0.0, "postgres": 0.0}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        seconds = (int(fields[11]) + int(fields[12])) / HZ
        if int(fields[3]) == session:  # field 6 of stat: the session id
            used["server"] += seconds
        elif comm.startswith("postgres"):
            used["postgres"] += seconds
    return used


def measured(proc, path: str, duration: int, connections: int, threads: int, **kw) -> dict:
    """One wrk phase, with the CPU the server and PostgreSQL spent on it per request."""
    before = cpu_seconds(proc.pid)
    result = wrk(path, duration, connections, threads, **kw)
    after = cpu_seconds(proc.pid)
    for k in before:
        result[f"cpu_{k}"] = (after[k] - before[k]) / max(result["total"], 1) * 1000  # ms per request
    result["cpu"] = result["cpu_server"] + result["cpu_postgres"]
    return result


def throughput(duration: int, connections: int, threads: int, rounds: int) -> dict:
    """``rounds`` pairs of (bare, check-ins), interleaved, so that both see the same minutes of this
    shared VM; every check-in round takes persons no earlier round used."""
    from fugong.checkins.models import Checkin

    log = tempfile.NamedTemporaryFile("w", prefix="checkin-bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
    proc = start_server(log)
    pairs = []
    try:
        wrk("/healthz", 3, connections, threads)  # warm every worker's connection
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(LUA)
        script = Path(handle.name)
        per_round = ACCOUNTS // rounds
        stride = per_round // threads
        before = Checkin.objects.count()
        for r in range(rounds):
            bare = measured(proc, "/healthz", duration, connections, threads)
            api = measured(
                proc,
                "/api/v1/checkins",
                duration,
                connections,
                threads,
                script=str(script),
                stride=stride,
                offset=r * per_round,
            )
            if api["total"] > per_round:
                say(
                    f"警告：第 {r + 1} 轮请求数 {api['total']} 超过本轮账号数 {per_round}，部分请求为重复打卡"
                )
            pairs.append({"bare": bare, "api": api, "ratio": api["rps"] / bare["rps"]})
            say(
                f"  round {r + 1}: bare {bare['rps']:.0f}/s, check-ins {api['rps']:.0f}/s, "
                f"ratio {pairs[-1]['ratio']:.2f}; CPU/request {bare['cpu']:.2f} vs {api['cpu']:.2f} ms "
                f"(gunicorn {bare['cpu_server']:.2f} vs {api['cpu_server']:.2f}, "
                f"PostgreSQL {bare['cpu_postgres']:.2f} vs {api['cpu_postgres']:.2f})"
            )
        rows = Checkin.objects.count() - before
        script.unlink()
    finally:
        stop_server(proc)
        log.close()
    middle = sorted(pairs, key=lambda p: p["ratio"])[
        (len(pairs) - 1) // 2
    ]  # the lower middle of an even count
    return {"pairs": pairs, "median": middle, "rows": rows, "table": before, "log": log.name}


def fill_6m() -> float | None:
    """200,000 persons × 30 past days = 6,000,000 narrow rows, generated inside PostgreSQL."""
    from django.db import connection

    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM checkins_checkin")
        have = cursor.fetchone()[0]
        if have >= PERSONS * DAYS:  # --reuse of a database an earlier run filled
            say(f"  check-in rows: {have:,} (filled by an earlier run)")
            return None
        cursor.execute(
            """
            INSERT INTO checkins_checkin (person_id, enterprise_id, day, slot, temperature, symptom, risk_contact,
                                          whereabouts, abnormal, submitted_at, key)
            SELECT e.person_id, e.enterprise_id, current_date - d, 0,
                   36.0 + ((e.person_id + d) %% 9) / 10.0, 'none', false, '公司', false,
                   (current_date - d) + time '07:30' + (e.person_id %% 5400) * interval '1 second',
                   md5(e.person_id::text || '-' || d::text)::uuid
            FROM health_employment e CROSS JOIN generate_series(1, %s) AS d
            WHERE e.person_id IN (SELECT id FROM health_person WHERE name LIKE '打卡员工%%')
        """,
            [DAYS],
        )
        cursor.execute("VACUUM ANALYZE checkins_checkin")
        cursor.execute("SELECT count(*) FROM checkins_checkin")
        total = cursor.fetchone()[0]
    say(f"  check-in rows: {have:,} → {total:,}")
    return time.perf_counter() - t


def person_file(rng: random.Random) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from fugong.accounts.models import User
    from fugong.checkins import selectors
    from fugong.checkins.models import Checkin
    from fugong.health.models import Person

    officer = User.objects.filter(role="street_officer").order_by("pk").first()
    visible = list(
        Person.objects.filter(
            name__startswith="打卡员工", area_path__startswith=officer.scope_path
        ).values_list("pk", flat=True)[:50_000]
    )
    sample = [rng.choice(visible) for _ in range(REPEAT)]
    for p in sample[:10]:
        selectors.person_checkins(user=officer, person=p)
    times, counts = [], []
    for p in sample:
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            rows = selectors.person_checkins(user=officer, person=p)
            times.append((time.perf_counter() - t) * 1000)
        counts.append(len(rows))
    qs = (
        Checkin.objects.visible_to(officer)
        .filter(person_id=sample[0])
        .select_related("enterprise")
        .order_by("-day", "-slot")[:30]
    )
    plan = qs.explain(analyze=True)
    times.sort()
    return {
        "p50": statistics.median(times),
        "p95": times[int(len(times) * 0.95) - 1],
        "max": times[-1],
        "rows": statistics.median(counts),
        "queries": len(ctx.captured_queries),
        "plan": plan,
        "officer": officer.username,
    }


def report(machine: dict, timings: dict, tp: dict, pf: dict | None, args) -> str:
    pairs = tp["pairs"]
    ratio = tp["median"]["ratio"]
    apis = [p["api"] for p in pairs]
    sustained = statistics.median(a["rps"] for a in apis)
    requests = sum(a["total"] for a in apis)
    errors = sum(p[k]["non2xx"] + p[k]["socket_errors"] for p in pairs for k in ("bare", "api"))
    cpu_bare = statistics.median(p["bare"]["cpu"] for p in pairs)
    cpu_api = statistics.median(p["api"]["cpu"] for p in pairs)
    lines = [
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · `bench/checkin_bench.py` · load average at start "
        f"{timings['load']:.2f}",
        "",
        "| machine | |",
        "| --- | --- |",
        *[f"| {k} | {v} |" for k, v in machine.items()],
        "",
        f"Server: gunicorn with `gunicorn.conf.py` (gthread, 5 workers × 2 threads), FUGONG_ENV=production, "
        f"DEBUG off, DB_CONN_MAX_AGE=600. Load: wrk on loopback, {args.threads} threads, {args.connections} "
        f"connections, {args.rounds} interleaved rounds of (a) then (b), {args.duration} s each. Data: demo small + "
        f"200,000 persons on staff lists, 60,000 bound employee accounts with bearer tokens last used the day "
        f"before (each check-in request a distinct person); the check-in table held {tp['table']:,} rows when "
        f"the rounds began. CPU: what gunicorn's processes and PostgreSQL's used during the phase (/proc), "
        f"per request.",
        "",
        "| round | endpoint | requests/s | requests | p50 | p99 | non-2xx | socket errors | CPU/request | ratio |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for n, p in enumerate(pairs, 1):
        for label, r, ratio_cell in (
            ("(a) `GET /healthz` (bare: one `SELECT 1`)", p["bare"], ""),
            ("(b) `POST /api/v1/checkins`", p["api"], f"{p['ratio']:.2f}"),
        ):
            lines.append(
                f"| {n} | {label} | {r['rps']:.0f} | {r['total']} | {r['p50']} | {r['p99']} | {r['non2xx']} | "
                f"{r['socket_errors']} | {r['cpu']:.2f} ms | {ratio_cell} |"
            )
    each = ", ".join(f"{p['ratio']:.2f}" for p in pairs)
    lines += [
        "",
        f"- **ratio (b)/(a), median of the rounds: {ratio:.2f}** (target ≥ 0.5) — {'met' if ratio >= 0.5 else 'NOT met'}"
        f" (rounds: {each}); by CPU per request, median "
        f"{cpu_bare:.2f} ms / {cpu_api:.2f} ms = {cpu_bare / cpu_api:.2f}",
        f"- **sustained check-ins/s, median of the rounds: {sustained:.0f}** (target ≥ 300) — "
        f"{'met' if sustained >= 300 else 'NOT met'}; rows written {tp['rows']} for {requests} requests",
        f"- **errors: {errors}** (target 0)",
    ]
    if pf:
        fill = "filled by an earlier run" if timings["fill"] is None else f"filled in {timings['fill']:.0f} s"
        lines += [
            "",
            f"Person file with 6,000,000 check-in rows ({fill}, server-side INSERT … "
            f"SELECT generate_series): `selectors.person_checkins` as street officer `{pf['officer']}`, "
            f"{REPEAT} random persons: **p50 {pf['p50']:.1f} ms, p95 {pf['p95']:.1f} ms** (target ≤ 150), "
            f"max {pf['max']:.1f} ms, {pf['queries']} query, {pf['rows']:.0f} rows each.",
            "",
            "```",
            pf["plan"],
            "```",
        ]
    else:
        lines += ["", "6,000,000-row person-file timing skipped in this run (--skip-6m)."]
    return "\n".join(lines)


def record(text: str) -> None:
    body = README.read_text()
    block = f"{START}\n{text}\n{END}"
    if START in body:
        body = re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _m: block, body, flags=re.S)
    else:
        body += (
            "\n## Issue 5: health check-ins, the morning wave (`bench/checkin_bench.py`)\n\n"
            "Run `.venv/bin/python bench/checkin_bench.py --record` (needs `wrk`). Every check-in request is "
            "a distinct person with its own bearer token and idempotency key; the bare endpoint is "
            "`/healthz` on the same server in the same run.\n\n" + block + "\n"
        )
    README.write_text(body)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--record", action="store_true")
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved (bare, check-ins) pairs; median ratio"
    )
    parser.add_argument("--skip-6m", action="store_true")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database of an earlier run (today's check-ins are deleted)",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install -y wrk")
    from machine import describe, load

    timings = {"load": load()}
    if args.reuse:
        configure()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM checkins_alert WHERE day = current_date")
            cursor.execute("DELETE FROM checkins_checkin WHERE day = current_date")
            cursor.execute("VACUUM ANALYZE checkins_checkin")
        timings.update(demo=0, persons=0, accounts=0)
    else:
        say(f"recreating {NAME}")
        recreate()
        configure()
        from django.db import connection

        timings.update(build())
    say(
        f"  built in {timings['demo']:.0f} s (demo) + {timings['persons']:.0f} s (persons) + "
        f"{timings['accounts']:.0f} s (accounts)"
    )
    with connection.cursor() as cursor:  # as on a morning: every token was last used yesterday
        cursor.execute("UPDATE accounts_apitoken SET last_used_at = now() - interval '1 day'")
        # … and the setup's own dead rows and dirty pages are not left for the rounds to pay for
        cursor.execute("VACUUM ANALYZE accounts_apitoken")
        cursor.execute("CHECKPOINT")
    tp = throughput(args.duration, args.connections, args.threads, args.rounds)
    say(f"ratio, median of {args.rounds} rounds: {tp['median']['ratio']:.2f} (target ≥ 0.5)")
    pf = None
    if not args.skip_6m:
        timings["fill"] = fill_6m()
        pf = person_file(random.Random(5))
        say(f"person file p50 {pf['p50']:.1f} ms p95 {pf['p95']:.1f} ms")
    text = report(describe(connection), timings, tp, pf, args)
    say(text)
    if args.record:
        record(text)


if __name__ == "__main__":
    main()

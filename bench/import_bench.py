"""(a) Import of 10,000 new enterprises from an xlsx through the real import page."""

import io
import random
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from timing import QueryCounter, timed

# Credit codes and phones of the benchmark rows: clear of the demo (100,000+) and the tests (9,000+).
CREDIT_SEQ_START = 1_000_000
PHONE_SEQ_START = 8_000_000


@dataclass
class ImportRun:
    rows: int
    file_kib: float
    seconds: float
    status: int
    created: int
    queries: int
    read_seconds: float
    check_seconds: float


def template_headers(client: Client) -> list[str]:
    """The header row of the page's own import template (required columns end with *)."""
    response = client.get(reverse("enterprises:import_template"))
    assert response.status_code == 200, response.status_code
    data = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    header = next(sheet.iter_rows(values_only=True))
    return [str(h).rstrip("*＊ ") for h in header if h]


def make_rows(n: int, seed: int = 10) -> list[dict]:
    """``n`` new, valid enterprises spread over every community and village of the district."""
    from fugong.areas.models import Area
    from fugong.core import fake
    from fugong.demo import registry
    from fugong.enterprises.choices import Category

    rng = random.Random(seed)
    areas = list(
        Area.objects.filter(kind__in=["community", "village"]).order_by("code").values_list("code", "name")
    )
    total = sum(p.district for p in registry.PROFILES.values())
    rows = []
    for category, profile in registry.PROFILES.items():
        for _ in range(round(n * profile.district / total)):
            i = len(rows)
            seq = CREDIT_SEQ_START + i
            code, area_name = rng.choice(areas)
            headcount, local = registry.headcounts(rng, profile)
            rows.append(
                {
                    "统一社会信用代码": fake.credit_code(seq, kind=profile.kind),
                    "企业名称": fake.company_name(rng, category, seq),
                    "法定代表人": fake.person_name(rng),
                    "法定代表人电话": fake.mobile(PHONE_SEQ_START + 2 * i),
                    "联系人": fake.person_name(rng),
                    "联系人电话": fake.mobile(PHONE_SEQ_START + 2 * i + 1),
                    "区域编码": code,
                    "地址": f"北碚区{area_name}{rng.randint(1, 300)}号",
                    "企业类别": str(Category(category).label),
                    "行业门类": profile.industries[seq % len(profile.industries)],
                    "职工总数": headcount,
                    "本地职工数": local,
                    "应急保供": "否",
                    "重点产业": "是" if category == "above_scale" and rng.random() < 0.3 else "否",
                }
            )
    return rows[:n]


def make_xlsx(headers: list[str], rows: list[dict]) -> bytes:
    unknown = [h for h in headers if h not in rows[0]]
    if unknown:
        raise SystemExit(
            f"导入模板中有基准程序不认识的列：{'、'.join(unknown)}，请更新 bench/import_bench.py"
        )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("企业名录")
    sheet.append(headers)
    for row in rows:
        sheet.append([row[h] for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def breakdown(user, data: bytes) -> tuple[float, float]:
    """Seconds to read the file and to check its rows (no writes): where the import's time goes."""
    from fugong.enterprises import imports

    read_s, rows = timed(lambda: imports.read(SimpleUploadedFile("bench.xlsx", data)))
    check_s, plan = timed(lambda: imports.check_rows(user=user, rows=rows))
    assert not plan.errors, plan.errors[:5]
    return read_s, check_s


def run(user, n: int) -> ImportRun:
    from fugong.enterprises.models import Enterprise

    client = Client()
    client.force_login(user)
    data = make_xlsx(template_headers(client), make_rows(n))
    read_s, check_s = breakdown(user, data)
    before = Enterprise.objects.count()
    upload = SimpleUploadedFile(
        "企业名录-基准.xlsx",
        data,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    with QueryCounter(connection) as counter:
        seconds, response = timed(lambda: client.post(reverse("enterprises:import"), {"file": upload}))
    created = Enterprise.objects.count() - before
    return ImportRun(
        rows=n,
        file_kib=len(data) / 1024,
        seconds=seconds,
        status=response.status_code,
        created=created,
        queries=counter.count,
        read_seconds=read_s,
        check_seconds=check_s,
    )

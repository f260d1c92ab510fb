"""(c) Export of the enterprise list to xlsx: time, and peak Python memory as rows grow."""

import gc
import io
import tracemalloc
from dataclasses import dataclass

from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from timing import consume, timed

HEADER_ROWS = 2  # the watermark line and the header row


@dataclass
class ExportRun:
    rows: int
    seconds: float | None
    peak_mib: float | None
    size_kib: float | None = None
    via: str = "页面"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_time(user, query: str = "") -> ExportRun:
    """GET enterprises:export as the user would, read the file to the end, check its row count."""
    client = _client(user)
    url = reverse("enterprises:export") + (f"?{query}" if query else "")
    client.get(url)  # warm-up: templates, code paths, database caches
    seconds, response = timed(lambda: client.get(url))
    assert response.status_code == 200, response.status_code
    data = b"".join(response.streaming_content)
    response.close()
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    rows = sum(1 for _ in sheet.iter_rows(values_only=True)) - HEADER_ROWS
    return ExportRun(rows=rows, seconds=seconds, peak_mib=None, size_kib=len(data) / 1024)


def page_memory(user, query: str = "") -> ExportRun:
    client = _client(user)
    url = reverse("enterprises:export") + (f"?{query}" if query else "")
    gc.collect()
    tracemalloc.start()
    try:
        response = client.get(url)
        size = consume(response)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    rows = _matching(user, query)
    return ExportRun(rows=rows, seconds=None, peak_mib=peak / 2**20, size_kib=size / 1024)


def function_memory(user, rows: int) -> ExportRun:
    """The page's export code on the first ``rows`` rows of the user's list (same query, a LIMIT)."""
    from fugong.enterprises import exports, selectors

    f = selectors.enterprise_filter(user=user, params=QueryDict(""), request=None)
    queryset = selectors.stable_order(f.qs)[:rows]
    gc.collect()
    tracemalloc.start()
    try:
        response = exports.enterprise_export(user=user, queryset=queryset, full=False)
        size = consume(response)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return ExportRun(rows=rows, seconds=None, peak_mib=peak / 2**20, size_kib=size / 1024, via="导出函数")


def function_time(user, rows: int) -> float:
    from fugong.enterprises import exports, selectors

    f = selectors.enterprise_filter(user=user, params=QueryDict(""), request=None)
    queryset = selectors.stable_order(f.qs)[:rows]
    seconds, response = timed(
        lambda: consume(exports.enterprise_export(user=user, queryset=queryset, full=False))
    )
    return seconds


def _matching(user, query: str) -> int:
    from fugong.enterprises import selectors

    return selectors.enterprise_filter(user=user, params=QueryDict(query), request=None).qs.count()

"""(b) The enterprise list page: server time per request for one street and for the whole district."""

from dataclasses import dataclass

from django.db import connection, reset_queries
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from timing import QueryCounter, Timing, timed

WARMUP = 5
REPEAT = 100


@dataclass
class ListResult:
    who: str
    label: str
    query: str
    rows: int
    queries: int
    timing: Timing


def cases() -> list[tuple[str, str]]:
    """Typical query strings; page 20 falls back to the last page for a scope with fewer pages."""
    return [
        ("无筛选", ""),
        ("按类别（规上工业）", "category=above_scale"),
        ("搜索（名称含“商贸”）", "q=商贸"),
        ("第 20 页", "page=20"),
        ("按职工总数倒序", "sort=-headcount"),
        ("按类别+排序+翻页", "category=commerce&sort=name&page=3"),
    ]


def measure(user, who: str, only: tuple[str, ...] | None = None) -> list[ListResult]:
    """Time every case REPEAT times, in interleaved rounds so a burst of load elsewhere on the
    machine spreads over all cases instead of landing on one."""
    client = Client()
    client.force_login(user)
    url = reverse("enterprises:list")
    chosen = [(label, query) for label, query in cases() if only is None or query in only]
    targets = [f"{url}?{query}" if query else url for _, query in chosen]
    counts = []
    for target in targets:
        for _ in range(WARMUP):
            assert client.get(target).status_code == 200
        with QueryCounter(connection) as counter:
            client.get(target)
        counts.append(counter.count)
    samples: list[list[float]] = [[] for _ in targets]
    for _ in range(REPEAT):
        for i, target in enumerate(targets):
            seconds, response = timed(lambda t=target: client.get(t))
            assert response.status_code == 200, (target, response.status_code)
            samples[i].append(seconds)
    return [
        ListResult(who, label, query, matching_rows(user, query), counts[i], Timing(samples[i]))
        for i, (label, query) in enumerate(chosen)
    ]


def matching_rows(user, query: str) -> int:
    from fugong.enterprises import selectors

    return selectors.enterprise_filter(user=user, params=QueryDict(query), request=None).qs.count()


def query_log(user, query: str = "") -> list[str]:
    """The SQL of one list request, for the report."""
    client = Client()
    client.force_login(user)
    client.get(reverse("enterprises:list"))
    reset_queries()  # the request_started signal clears the log too; start from an empty one
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("enterprises:list") + (f"?{query}" if query else ""))
    return [q["sql"] for q in captured.captured_queries]


def explain_list(user) -> str:
    """EXPLAIN ANALYZE of the first page of the user's list, built exactly as the view builds it."""
    from fugong.enterprises import selectors

    f = selectors.enterprise_filter(user=user, params=QueryDict(""), request=None)
    return selectors.stable_order(f.qs)[:50].explain(analyze=True, buffers=True)

"""Crawl the small demo as every demo account: every page a link leads to answers, in Chinese.

Given the small demo and one of its accounts (DEMO_ACCOUNTS, so a new demo role is crawled too),
when the crawl starts at the home page and the navigation's entries and follows every same-site
link (``<a href>`` and ``hx-get``) breadth-first, GET only, then no page answers 5xx, no link
refuses the account it was shown to (4xx), every HTML page has Chinese in its content, every
navigation entry opened with 200, the crawl reached at least the routes measured for the account
(MIN_ROUTES), and it wrote nothing to the audit trail (following links changes no record).

To stay fast but open every kind of page it opens at most PER_ROUTE addresses of one route (three
enterprise pages, not three hundred). Downloads (xlsx, pdf) are read to their end and must answer
below 500; they are not HTML, so they need no Chinese. Every failure is collected and reported
together: account, address, status, the page that linked to it and, for a 500, the exception.
"""

import re
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import Resolver404, resolve

from fugong.accounts.models import User
from fugong.core.models import AuditEntry
from fugong.core.navigation import nav_for
from fugong.demo.catalog import DEMO_ACCOUNTS

PER_ROUTE = 3  # addresses opened per route name
# Routes a link may point to that the crawl never opens: they sign out or switch the language
# (both are POST forms today; listed so that a GET link to them could not end the session).
NEVER_FOLLOW = {"accounts:logout", "set_language"}
# Distinct routes each account's crawl opened on the small demo when this was written: a floor, so
# that a page dropping its links (or the demo losing its data) fails here. Other accounts: their menu.
MIN_ROUTES = {
    "sysadmin": 94,
    "leader": 35,
    "jxw": 41,
    "tiansheng": 84,
    "chaoyang": 72,  # its people pages are staff views (edit, merge are the home chain's: health.policies)
    "community": 51,  # no 现场检查 on the industrial firms it sees: it inspects only small businesses
    "grid": 44,  # like chaoyang: the staff it sees live outside its grid (no edit, merge)
    "commissioner": 30,
    "medic": 24,
    "site": 4,
    "ent_admin": 31,
    "employee": 3,
    "guard": 2,
    "resident": 3,
}
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
MAIN = re.compile(r"<main\b[^>]*>(.*)</main>", re.S)
REDIRECTS = {301, 302, 303, 307, 308}


class Links(HTMLParser):
    """A page's ``<a href>`` targets and ``hx-get`` targets (the latter fetched as HTMX does)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.targets: list[tuple[str, bool]] = []  # (href, fetched by HTMX)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.targets.append((attrs["href"], False))
        if attrs.get("hx-get"):
            self.targets.append((attrs["hx-get"], True))


def same_site(href: str, base: str) -> str | None:
    """The path and query of a link on this site, or None (anchors, mail, other hosts)."""
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urlsplit(urljoin(f"http://testserver{base}", href))
    if parts.scheme not in ("http", "https") or parts.hostname not in ("testserver", "localhost"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def route_of(url: str) -> str:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return "<no route>"  # opened all the same: a dead link answers 404


def cause(response) -> str:
    """The exception behind a 500 and the project's innermost frame: where to look first."""
    if not getattr(response, "exc_info", None):
        return "no exception raised"
    _type, exc, tb = response.exc_info
    ours = [
        f for f in traceback.extract_tb(tb) if "/fugong/" in f.filename and "-packages/" not in f.filename
    ]
    at = f" at {ours[-1].filename.rsplit('/fugong/', 1)[-1]}:{ours[-1].lineno}" if ours else ""
    return f"{type(exc).__name__}: {exc}{at}"


@dataclass
class Crawl:
    username: str
    client: Client
    opened: dict[str, int] = field(default_factory=dict)  # address → status
    per_route: dict[str, set[str]] = field(default_factory=dict)  # route → addresses queued
    failures: list[str] = field(default_factory=list)
    queue: deque = field(default_factory=deque)  # (address, linked from, fetched by HTMX)

    def enqueue(self, url: str, source: str, htmx: bool = False, redirected: bool = False) -> None:
        """Queue a link once; past PER_ROUTE addresses of its route only where a redirect leads
        (that is the rest of opening a page already chosen)."""
        route = route_of(url)
        seen = self.per_route.setdefault(route, set())
        if route in NEVER_FOLLOW or url in seen or (len(seen) >= PER_ROUTE and not redirected):
            return
        seen.add(url)
        self.queue.append((url, source, htmx))

    def run(self, starts: list[str]) -> None:
        for url in starts:
            self.enqueue(url, "the menu")
        while self.queue:
            self.open(*self.queue.popleft())

    def open(self, url: str, source: str, htmx: bool) -> None:
        response = self.client.get(url, headers={"HX-Request": "true"} if htmx else {})
        body = b"".join(response.streaming_content) if response.streaming else response.content
        status = self.opened[url] = response.status_code
        where = f"{self.username} GET {url} → {status} (linked from {source})"
        if status >= 500:
            self.failures.append(f"{where}: {cause(response)}")
        elif status >= 400:  # a link the page shows that refuses the account it was shown to
            self.failures.append(f"{where}: the link refuses the account that was shown it")
        elif status in REDIRECTS:
            target = same_site(response["Location"], url)
            if target:
                self.enqueue(target, url, redirected=True)
        elif response.get("Content-Type", "").startswith("text/html") and body:
            self.read(url, body.decode(response.charset or "utf-8", "replace"), where)

    def read(self, url: str, html: str, where: str) -> None:
        content = MAIN.search(html)  # every full page has Chinese in its menu: judge the content
        if not CJK.search(content.group(1) if content else html):
            self.failures.append(f"{where}: no Chinese on the page")
        links = Links()
        links.feed(html)
        for href, htmx in links.targets:
            target = same_site(href, url)
            if target:
                self.enqueue(target, url, htmx)

    def routes(self) -> set[str]:
        return {route for route, urls in self.per_route.items() if urls & self.opened.keys()}


@pytest.fixture
def crawled(demo, db):
    return demo


@pytest.mark.parametrize("username", [a.username for a in DEMO_ACCOUNTS])
def test_every_linked_page_answers_in_chinese(crawled, username):
    user = User.objects.get(username=username)
    client = Client(raise_request_exception=False)  # every 500 is collected, not only the first
    client.force_login(user)
    menu = [item["url"] for item in nav_for(user, "/")]
    crawl = Crawl(username, client)

    audited = AuditEntry.objects.count()
    started, cpu = time.perf_counter(), time.process_time()
    crawl.run(["/", *menu])
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu

    routes = crawl.routes()
    print(f"\n{username}: {len(crawl.opened)} pages, {len(routes)} routes, {seconds:.1f} s ({cpu:.1f} s CPU)")
    if crawl.failures:
        pytest.fail("\n".join(crawl.failures), pytrace=False)
    assert {url: crawl.opened.get(url) for url in menu} == dict.fromkeys(menu, 200)
    assert len(routes) >= MIN_ROUTES.get(username, len(menu)), sorted(routes)
    assert AuditEntry.objects.count() == audited  # following links changed nothing


class PagesClient:
    """Canned pages instead of the site, to check the crawl itself; remembers how each was asked."""

    def __init__(self, pages: dict):
        self.pages, self.asked = pages, {}

    def get(self, url, headers=None):
        assert url in self.pages, f"the crawl opened {url}"
        self.asked[url] = dict(headers or {})
        return self.pages[url]


def html(main: str) -> HttpResponse:
    return HttpResponse(f"<title>复工复产平台</title><nav><a href='/'>工作台</a></nav><main>{main}</main>")


def test_the_crawl_reports_every_failure_with_the_page_that_linked_to_it():
    details = "".join(f'<a href="/enterprises/{n}/">企业{n}</a>' for n in range(1, 5))
    pages = {
        "/": html(
            '<a href="/enterprises/">名录</a><a href="/people/">档案</a><a href="/accounts/logout/">退出</a>'
            '<a href="https://example.com/">外站</a><a href="#top">顶部</a><a href="mailto:a@b.cn">信</a>'
            '<a href="/enterprises/export.xlsx">导出</a><div hx-get="/nav/badges/"></div>' + details
        ),
        "/enterprises/": HttpResponse("Server Error", status=500),
        "/people/": html("<p>Persons</p>"),
        "/enterprises/export.xlsx": HttpResponse(b"PK\x03\x04", content_type="application/vnd.ms-excel"),
        "/nav/badges/": HttpResponse(status=204),
        "/enterprises/1/": html("企业一"),
        "/enterprises/2/": HttpResponse(status=302, headers={"Location": "/enterprises/9/"}),
        "/enterprises/3/": html("企业三"),
        "/enterprises/9/": HttpResponse("<main>不存在</main>", status=404),
    }
    client = PagesClient(pages)
    crawl = Crawl("tester", client)

    crawl.run(["/"])

    assert crawl.failures == [
        "tester GET /enterprises/ → 500 (linked from /): no exception raised",
        "tester GET /people/ → 200 (linked from /): no Chinese on the page",
        "tester GET /enterprises/9/ → 404 (linked from /enterprises/2/): "
        "the link refuses the account that was shown it",
    ]
    # Three addresses of a route (and where one redirects to), never the sign-out link.
    assert set(client.asked) == set(pages)
    assert client.asked["/nav/badges/"] == {"HX-Request": "true"} and client.asked["/"] == {}
    assert {"enterprises:detail", "enterprises:export", "core:nav_badges"} <= crawl.routes()

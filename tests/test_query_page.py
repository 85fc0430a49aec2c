"""The query page of ``kg serve``: YASGUI from the package, the graph's prefixes, the named queries, offline.

The fast tests read the page and its assets over HTTP; the browser tests (``slow``) drive
Debian's ``/usr/bin/chromium`` through Playwright against a server on 127.0.0.1, with every
request that is not to that server's origin aborted and recorded, and every Content-Security-Policy
violation recorded: they run a named query, sort its table and download it as CSV.
"""

from __future__ import annotations

import base64
import csv
import fnmatch
import hashlib
import io
import json
import re
import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from kg.query import Store, named_queries
from kg.query_page import ASSETS, POLICY, STYLE_HASHES, examples
from kg.serve import make_server
from kg.sparql_text import PREFIXES

ROOT = Path(__file__).resolve().parents[1]
GRAPH = ROOT / "output" / "graph.ttl"
STATIC = ROOT / "kg" / "static"
TIMEOUT = 10


def fetch(origin: str, path: str, method: str = "GET", body: str | None = None) -> tuple[int, dict[str, str], bytes]:
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(origin)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"} if body else {}
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.headers), response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def origin() -> Iterator[str]:
    server = make_server(Store(GRAPH), workers=2)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.url.removesuffix("/sparql")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(TIMEOUT)


def page_config(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="govkg-config">(.*?)</script>', page, re.S).group(1))


def run(origin: str, query: str) -> dict:
    status, _, body = fetch(origin, "/sparql", "POST", urlencode({"query": query}))
    assert status == 200, body
    return json.loads(body)


# -- the page and its assets, over HTTP ------------------------------------------


def test_the_page_references_only_assets_of_this_server(origin: str) -> None:
    status, headers, body = fetch(origin, "/")
    page = body.decode("utf-8")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    references = re.findall(r"""\b(?:src|href)\s*=\s*["']?([^"'\s>]+)""", page, re.I)
    assert sorted(references) == sorted(ASSETS), references
    assert not re.search(r"https?:|//[a-z]|@import|url\(", re.sub(r"<code title=\"[^\"]*\">", "", page).split('id="govkg-config">')[0], re.I)
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, re.S)
    assert [attrs for attrs, text in scripts if text.strip()] == [' type="application/json" id="govkg-config"']


def test_the_pages_policy_allows_this_server_only_and_no_inline_script_or_eval(origin: str) -> None:
    _, headers, _ = fetch(origin, "/")
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert headers["Content-Security-Policy"] == POLICY
    assert policy["default-src"] == "'none'" and policy["script-src"] == "'self'" and policy["connect-src"] == "'self'"
    assert policy["style-src"] == "'self' " + " ".join(f"'{h}'" for h in STYLE_HASHES)
    assert "unsafe" not in POLICY and "*" not in POLICY and "http" not in POLICY


@pytest.mark.parametrize("path", sorted(ASSETS))
def test_each_asset_is_served_from_the_package_with_its_media_type(origin: str, path: str) -> None:
    status, headers, body = fetch(origin, path)
    name, media_type = ASSETS[path]
    assert status == 200 and headers["Content-Type"] == media_type and headers["X-Content-Type-Options"] == "nosniff"
    assert body == (STATIC / name).read_bytes()


@pytest.mark.parametrize("path", ["/static/", "/static/yasgui/", "/static/yasgui/LICENSE", "/static/yasgui/yasgui.min.js.map",
                                  "/static/../serve.py", "/static/yasgui/../../serve.py", "/static/%2e%2e/serve.py"])
def test_nothing_else_is_served_from_the_package(origin: str, path: str) -> None:
    assert fetch(origin, path)[0] == 404


def test_the_shipped_yasgui_loads_nothing_from_elsewhere_by_itself() -> None:
    script = (STATIC / "yasgui" / "yasgui.min.js").read_text(encoding="utf-8")
    style = (STATIC / "yasgui" / "yasgui.min.css").read_text(encoding="utf-8")
    assert "sourceMappingURL" not in script and "url(" not in style and "@import" not in style
    assert "prefixCcApi:null" in script  # the prefix list is the bundled one unless a page asks prefix.cc
    version = (STATIC / "yasgui" / "VERSION").read_text(encoding="utf-8").strip()
    assert f"**{version}**" in (STATIC / "yasgui" / "README.md").read_text(encoding="utf-8")
    assert "MIT License" in (STATIC / "yasgui" / "LICENSE").read_text(encoding="utf-8")


def test_the_inline_styles_the_policy_allows_are_those_yasgui_injects() -> None:
    """YASGUI's column resizer adds two <style> elements; an update that changes them must update STYLE_HASHES."""
    script = (STATIC / "yasgui" / "yasgui.min.js").read_text(encoding="utf-8")
    grips = re.search(r"createStyle\(a,`([^`]*)`\)", script).group(1)
    drag_cursor = re.search(r"dragCursor:`([^`]*)`", script).group(1)
    texts = [grips, f"*{{cursor:{drag_cursor}!important}}"]
    found = tuple("sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() for text in texts)
    assert found == STYLE_HASHES, f"set STYLE_HASHES in kg/query_page.py to {found}"
    assert script.count("createElement(`style`)") == 1


def test_a_wheel_carries_the_assets() -> None:
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]["kg"]
    shipped = [f"static/{name}" for name, _ in ASSETS.values()] + ["templates/sparql.html", "static/yasgui/LICENSE"]
    assert [path for path in shipped if not any(fnmatch.fnmatch(path, p) for p in patterns)] == []


def test_the_page_is_configured_with_the_prefixes_and_the_named_queries(origin: str) -> None:
    page = fetch(origin, "/")[2].decode("utf-8")
    config = page_config(page)
    assert config["endpoint"] == "/sparql" and config["prefixes"] == PREFIXES
    assert [example["name"] for example in config["examples"]] == list(named_queries())
    assert all(f">{name}:</code>" in page for name in PREFIXES)


def test_every_example_runs_as_it_is_and_those_with_parameters_have_their_sample_bound(origin: str) -> None:
    for example in examples():
        answer = run(origin, example["query"])
        assert "results" in answer, example["name"]
        if named_queries()[example["name"]].params:
            assert "VALUES" in example["query"], example["name"]
    answered = {e["name"] for e in examples() if run(origin, e["query"])["results"]["bindings"]}
    assert {"evidence", "mentions", "posts-in", "sub-units"} <= answered  # the seeds hold these samples (not 杨帆)


# -- in Chromium, offline ---------------------------------------------------------------


class Browser:
    """A Chromium page that may reach ``origin`` only: what it requested, what was blocked, what went wrong."""

    def __init__(self, context: object, origin: str) -> None:
        self.origin = origin
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.errors: list[str] = []
        context.route("**/*", self._route)
        self.page = context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.add_init_script("document.addEventListener('securitypolicyviolation', (e) => "
                                  "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))")

    def _route(self, route: object) -> None:
        url = route.request.url
        if url.startswith(self.origin + "/") or url.startswith(f"blob:{self.origin}/"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def settled_column(self, name: str, done: Callable[[list[str]], bool], seconds: float = 5.0) -> list[str]:
        """The column once ``done`` holds for it (a click re-sorts the table a moment later), or as it is then."""
        deadline = time.monotonic() + seconds
        values = self.column(name)
        while not done(values) and time.monotonic() < deadline:
            self.page.wait_for_timeout(50)
            values = self.column(name)
        return values

    def column(self, name: str) -> list[str]:
        return self.page.evaluate("""(name) => {
            const table = document.querySelector(".tabPanel.active .yasr table.dataTable");
            const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
            const index = heads.indexOf(name);
            return [...table.querySelectorAll("tbody tr")].map((tr) => tr.children[index].textContent.trim());
        }""", name)


@pytest.fixture(scope="module")
def chromium(chromium_executable: Path) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    from benchmarks.view_load import CHROMIUM_FLAGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium_executable), headless=True, args=list(CHROMIUM_FLAGS))
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser(chromium: object, origin: str) -> Iterator[Browser]:
    context = chromium.new_context(accept_downloads=True, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(30_000)
    try:
        yield Browser(context, origin)
    finally:
        context.close()


def literal(text: str) -> str:
    """A table cell's text as the value it shows: "杨帆"@zh -> 杨帆."""
    return re.sub(r'^"(.*)"(?:@[a-z-]+)?$', r"\1", text)


@pytest.mark.slow
def test_a_named_query_runs_sorts_and_downloads_offline(browser: Browser, origin: str) -> None:
    page = browser.page
    page.goto(origin + "/")
    page.wait_for_function("window.govkg && window.govkg.ready")
    example = next(e for e in examples() if e["name"] == "officials")
    expected = run(origin, example["query"])
    rows = expected["results"]["bindings"]
    assert len(rows) > 1

    page.select_option("#examples", label=f"officials — {example['description']}")
    page.wait_for_function("document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue().includes('org:Membership')")
    assert page.inner_text(".tab.active").strip().startswith("officials")
    page.click(".tabPanel.active .yasqe_queryButton")
    page.wait_for_selector(".tabPanel.active .yasr table.dataTable tbody tr td")

    people = sorted(literal(cell) for cell in browser.column("person"))
    assert people == sorted(row["person"]["value"] for row in rows)
    assert "钟平熊" in people

    page.click(".tabPanel.active .yasr table.dataTable thead th:has-text('articles')")
    ascending = browser.settled_column("articles", lambda values: values == sorted(values))
    page.click(".tabPanel.active .yasr table.dataTable thead th:has-text('articles')")
    descending = browser.settled_column("articles", lambda values: values == sorted(values, reverse=True) and values != ascending)
    assert ascending == sorted(ascending) and descending == sorted(ascending, reverse=True) and ascending != descending

    with page.expect_download() as download:
        page.click(".tabPanel.active .yasr .yasr_downloadIcon")
    table = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert table[0] == expected["head"]["vars"]
    assert sorted(line[0] for line in table[1:]) == sorted(row["person"]["value"] for row in rows)

    assert browser.blocked == [] and browser.errors == []
    assert browser.requests and all(url.startswith(origin + "/") or url.startswith(f"blob:{origin}/") for url in browser.requests)
    assert f"{origin}/sparql" in browser.requests


@pytest.mark.slow
def test_the_default_query_runs_without_prefix_lines_and_completion_offers_the_graphs_prefixes(browser: Browser, origin: str) -> None:
    page = browser.page
    page.goto(origin + "/")
    page.wait_for_function("window.govkg && window.govkg.ready")
    text = page.evaluate("document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue()")
    assert not re.search(r"^PREFIX", text, re.M | re.I) and "govkg:articleCount" in text
    page.click(".tabPanel.active .yasqe_queryButton")
    page.wait_for_selector(".tabPanel.active .yasr table.dataTable tbody tr td")
    assert len(browser.column("label")) > 10
    assert page.evaluate("window.govkg.yasgui.getTab().getYasqe().config.autocompleters") == ["govkg-prefixes", "variables"]
    page.evaluate("""() => { const yasqe = window.govkg.yasgui.getTab().getYasqe();
                            yasqe.setValue("SELECT * WHERE { ?s a "); yasqe.focus(); yasqe.setCursor(yasqe.lastLine(), 99); }""")
    page.keyboard.type("govkg:")  # a prefix only the graph has: the stock list would not know it
    page.wait_for_function("window.govkg.yasgui.getTab().getYasqe().getValue().includes('PREFIX govkg: <https://w3id.org/govkg/ontology#>')")
    assert browser.blocked == [] and browser.errors == []
    assert all(url.startswith(origin + "/") for url in browser.requests)

"""The interactive view: page data, `kg view`, and the page itself in headless Chromium, offline.

The browser tests drive Debian's ``/usr/bin/chromium`` through Playwright (no
browser is downloaded) with a fresh profile and every request that is not
``file://`` aborted and recorded; they are skipped, with the reason, when
Chromium or Playwright is missing (``chromium_executable`` in ``conftest.py``;
``.ci/run`` installs both and fails instead of skipping). They, the notebook
and the graphs above 500 nodes (the frozen layout, the 5,000-node cap) are
``slow``.
"""

from __future__ import annotations

import importlib.util
import json
import re
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from benchmarks.view_load import PAGE_DATA, PAGE_REST, offline_context, page_json, synthetic_extractions, synthetic_graph
from kg import record_io
from kg.cli import main
from kg.errors import KgError
from kg.graph import build_graph
from kg.records import Article, Entity, Evidence, Extraction, Relation
from kg.view import (COLOURS, FREEZE_ABOVE, SHAPES, frozen_layout, load_graph, neighbourhood, page_data, read_extractions,
                     render_html, vis_network_js)
from kg.view_pack import join, unpack

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "output"
EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def seeds() -> nx.MultiDiGraph:
    """The seeds' graph, rebuilt from the committed build (output/extractions.jsonl)."""
    return load_graph(OUTPUT)


def _evil_graph() -> nx.MultiDiGraph:
    """One article whose names, alias and sentence are markup."""
    sentence = f"{EVIL}获评“<b>全国</b>模范”。"
    evidence = Evidence("evil.txt", 0, len(sentence), sentence, "award.verb")
    article = Article("evil.txt", sentence, "evil.txt", title="<script>alert(2)</script>标题", date="2021-01-01")
    return build_graph([Extraction(article, (
        Entity("ORG", EVIL, ("<svg onload=alert(3)>",)),
        Entity("HONOUR", "<b>全国</b>模范"),
    ), (Relation("AWARD", (("recipient", EVIL), ("honour", "<b>全国</b>模范"), ("year", "2021")), evidence),))])


# -- page data ----------------------------------------------------------------------------


@pytest.mark.parametrize(("relation", "args", "label"), [
    ("POST", (("person", "阳建"), ("org", "醴陵市委"), ("title", "副书记")), "任职 副书记"),
    ("AWARD", (("recipient", "钟平熊"), ("honour", "全国优秀人民警察"), ("year", "2021")), "获评 2021"),
    ("RUNS", (("org", "天元区公安局"), ("programme", "雪亮工程")), "开展"),
    ("PART_OF", (("child", "天元区委政法委"), ("parent", "天元区委")), "隶属"),
    ("AUTHOR", (("person", "周圆"), ("role", "reporter")), "撰稿 记者"),
])
def test_edges_are_labelled_by_relation(relation: str, args: tuple, label: str) -> None:
    names = [v for f, v in args if f not in ("title", "year", "role")]
    kinds = {"person": "PER", "org": "ORG", "recipient": "PER", "honour": "HONOUR", "programme": "PROGRAMME",
             "child": "ORG", "parent": "ORG"}
    entities = tuple(Entity(kinds[f], v) for f, v in args if v in names)
    evidence = Evidence("a.txt", 0, 10, "一句话。", "rule")
    graph = build_graph([Extraction(Article("a.txt", "", "a.txt", title="标题"), entities, (Relation(relation, args, evidence),))])
    data = page_data(graph)
    assert [e["label"] for e in data["edges"]] == [label]


def test_nodes_are_coloured_shaped_and_sized_by_type_and_degree(seeds: nx.MultiDiGraph) -> None:
    data = page_data(seeds)
    assert len(data["nodes"]) == seeds.number_of_nodes() and len(data["edges"]) == seeds.number_of_edges()
    degree = dict(seeds.degree())
    for node in data["nodes"]:
        kind = seeds.nodes[node["id"]]["type"]
        assert (node["color"], node["shape"]) == (COLOURS[kind], SHAPES[kind])
    sizes = sorted((degree[n["id"]], n["size"]) for n in data["nodes"])
    assert all(a[1] <= b[1] for a, b in zip(sizes, sizes[1:])) and sizes[0][1] < sizes[-1][1]
    assert [t["count"] for t in data["types"]] == [Counter(d["type"] for _, d in seeds.nodes(data=True))[t["type"]] for t in data["types"]]


def test_tooltips_carry_aliases_posts_and_up_to_three_sentences_with_their_article(seeds: nx.MultiDiGraph) -> None:
    info = page_data(seeds)["info"]
    office = info["org:天元区委政法委"]
    assert office["name"] == "天元区委政法委" and "区委政法委" in office["aliases"]
    assert 1 <= len(office["evidence"]) <= 3 and office["more"] > 0
    sentence, article = office["evidence"][0]
    assert sentence and "(000_fa77a8a22d1f7229.txt)" in article
    assert {"醴陵市委 副书记", "醴陵市委政法委 书记"} <= set(info["per:阳建"]["posts"])
    assert "阳建 副书记" in info["org:醴陵市委"]["posts"]


def test_markup_in_names_never_reaches_the_page_as_markup() -> None:
    page = render_html(_evil_graph(), focus=f"org:{EVIL}", title=f"govkg: {EVIL}").replace(vis_network_js(), "")  # the rest is ours
    assert "<img" not in page and "<svg" not in page and "<b>" not in page and "<script>alert" not in page
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in page
    own = page[page.index("<body>"):]
    assert "innerHTML" not in own and "insertAdjacentHTML" not in own and "document.write" not in own


def test_the_page_is_self_contained() -> None:
    page = render_html(_evil_graph())
    assert "new vis.Network" in page and "<link" not in page
    assert not re.search(r"<script[^>]+src=", page) and not re.search(r"""(src|href)=["']?(https?:)?//""", page)


def test_the_same_graph_gives_the_same_page_and_the_build_page_is_rebuilt_exactly(seeds: nx.MultiDiGraph) -> None:
    assert render_html(seeds) == render_html(load_graph(OUTPUT / "extractions.jsonl"))
    assert render_html(seeds) == (OUTPUT / "graph.html").read_text(encoding="utf-8")


def test_records_read_back_from_jsonl_rebuild_the_same_graph(tmp_path: Path) -> None:
    extractions = synthetic_extractions(200, seed=3)
    graph = build_graph(extractions)
    path = tmp_path / "extractions.jsonl"
    path.write_text("".join(record_io.dumps(e) + "\n" for e in extractions), encoding="utf-8")
    again = build_graph(read_extractions(path))
    assert sorted(graph.nodes(data=True), key=str) == sorted(again.nodes(data=True), key=str)
    assert render_html(graph) == render_html(again)


def test_reading_a_missing_or_broken_build_says_which_file(tmp_path: Path) -> None:
    with pytest.raises(KgError, match="extractions.jsonl: no such file"):
        read_extractions(tmp_path)
    (tmp_path / "extractions.jsonl").write_text('{"doc": "a.txt"}\n', encoding="utf-8")
    with pytest.raises(KgError, match="line 1: not an extraction record"):
        read_extractions(tmp_path)


# -- layout ---------------------------------------------------------------------------


@pytest.mark.slow
def test_small_graphs_use_physics_and_large_ones_a_frozen_layout(seeds: nx.MultiDiGraph) -> None:
    assert seeds.number_of_nodes() <= FREEZE_ABOVE
    small = page_data(seeds)
    assert not small["frozen"] and all("x" not in n for n in small["nodes"])
    large = page_data(synthetic_graph(FREEZE_ABOVE + 1))
    assert large["frozen"] and all(isinstance(n["x"], int) and isinstance(n["y"], int) for n in large["nodes"])


@pytest.mark.slow
def test_the_frozen_layout_is_deterministic_and_spreads_the_nodes() -> None:
    graph = nx.Graph(synthetic_graph(800))
    first = frozen_layout(graph)
    assert first == frozen_layout(graph)
    assert len(set(first.values())) == len(first)
    xs = sorted(x for x, _ in first.values())
    assert xs[-1] - xs[0] > 1000


def test_communities_laid_out_together_land_where_each_would_alone() -> None:
    from kg.view_overview import ALL_PAIRS_UP_TO, frozen_layouts

    sizes = (1, 3, 12, ALL_PAIRS_UP_TO, ALL_PAIRS_UP_TO + 1, 5)  # the one over the limit is laid out on its own
    graphs = [nx.relabel_nodes(nx.gnm_random_graph(n, 2 * n, seed=n), {i: f"per:{n}-{i}" for i in range(n)}) for n in sizes]
    together = frozen_layouts(graphs, iterations=30)
    assert together == [frozen_layout(graph, iterations=30) for graph in graphs]
    assert [len(layout) for layout in together] == list(sizes)


@pytest.mark.slow
def test_a_5000_node_graph_renders_in_bounded_time() -> None:
    graph = synthetic_graph(5000)
    started = time.perf_counter()
    page = render_html(graph, overview_page=False)
    assert time.perf_counter() - started < 60
    assert '"frozen":true' in page


# -- focusing and `kg view` ------------------------------------------------------------------


def test_the_neighbourhood_of_an_entity_is_found_by_name_or_alias(seeds: nx.MultiDiGraph) -> None:
    sub, centre = neighbourhood(seeds, "区委政法委", depth=1)
    assert centre == "org:天元区委政法委"
    assert {"org:天元区委", "programme:防范邪教宣传周"} <= set(sub)
    assert set(sub) == {centre, *nx.all_neighbors(seeds, centre)}
    deeper, _ = neighbourhood(seeds, "天元区委政法委", depth=2)
    assert set(sub) < set(deeper)


def test_an_unknown_or_ambiguous_name_is_a_clear_error(seeds: nx.MultiDiGraph) -> None:
    with pytest.raises(KgError, match="no entity is named '公安'.*org:天元区公安局"):
        neighbourhood(seeds, "公安")
    article = Article("a.txt", "", "a.txt")
    twice = build_graph([Extraction(article, (Entity("ORG", "醴陵"), Entity("PLACE", "醴陵")))])
    with pytest.raises(KgError, match="names 2 entities; give one of: org:醴陵, place:醴陵"):
        neighbourhood(twice, "醴陵")
    assert neighbourhood(twice, "place:醴陵")[1] == "place:醴陵"


def test_kg_view_writes_the_neighbourhood_page(tmp_path: Path) -> None:
    out = tmp_path / "zfw.html"
    result = CliRunner().invoke(main, ["view", str(OUTPUT), "--focus", "天元区委政法委", "--depth", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "nodes" in result.output and out.is_file()
    assert '"focus":"org:天元区委政法委"' in out.read_text(encoding="utf-8")
    whole = tmp_path / "all.html"
    assert CliRunner().invoke(main, ["view", str(OUTPUT / "extractions.jsonl"), "--out", str(whole)]).exit_code == 0
    assert whole.read_text(encoding="utf-8") == (OUTPUT / "graph.html").read_text(encoding="utf-8")
    missing = CliRunner().invoke(main, ["view", str(OUTPUT), "--focus", "没有这个名字", "--out", str(tmp_path / "x.html")])
    assert missing.exit_code != 0 and "没有这个名字" in missing.output and not (tmp_path / "x.html").exists()


# -- dates and careers -----------------------------------------------------------------------

#: real sentences with dates: 杨帆 seen as deputy in 2019, appointed head on 2021-03-02 (replacing 李刚) and
#: reported as former head in 2024; two 李明华 in two cities in 2023; 王建国 in an undated article
DATED = [
    {"id": "pd-0", "title": "郫都区活动", "date": "2019-04-01", "source": "成都日报", "text": "郫都区公安局副局长杨帆出席活动。"},
    {"id": "pd-1", "title": "郫都区人大常委会任免", "date": "2021-03-05", "source": "成都日报",
     "text": "3月2日，郫都区人大常委会会议任命杨帆为郫都区公安局局长，免去李刚的郫都区公安局局长职务。"},
    {"id": "cd-1", "title": "成都警方通报", "date": "2023-06-01", "source": "成都日报", "text": "成都市公安局局长李明华出席会议并讲话。"},
    {"id": "fs-1", "title": "佛山警方部署", "date": "2023-07-01", "source": "佛山日报", "text": "佛山市公安局副局长李明华主持会议。"},
    {"id": "pd-2", "title": "纪律审查", "date": "2024-05-10", "source": "成都日报", "text": "郫都区公安局原局长杨帆接受纪律审查和监察调查。"},
    {"id": "nd-1", "title": "株洲会议", "source": "株洲日报", "text": "株洲市公安局局长王建国出席会议。"},
]


@pytest.fixture(scope="module")
def dated_build(news_build) -> Path:
    return news_build(DATED, "dated")


def test_time_spans_read_partial_dates_as_the_days_they_can_mean() -> None:
    from kg.view_time import first_day, last_day, merged, page_spans

    assert [first_day(d) for d in ("2023", "2023-06", "2023-06-05")] == ["2023-01-01", "2023-06-01", "2023-06-05"]
    assert [last_day(d) for d in ("2023", "2023-06", "2023-06-05")] == ["2023-12-31", "2023-06-31", "2023-06-05"]
    assert merged([("2021-01-01", "2021-06-01"), ("2021-03-01", "2021-09-01"), ("2022-01-01", "2022-01-01")]) == [
        ("2021-01-01", "2021-09-01"), ("2022-01-01", "2022-01-01")]
    assert page_spans([("2022-01-01", "2022-01-01"), ("2020-01-01", "2020-12-31")]) == [["2020-01-01", "2020-12-31"], "2022-01-01"]


def test_posts_are_dated_by_their_spells_and_a_person_carries_the_career(dated_build: Path) -> None:
    data = page_data(load_graph(dated_build))
    info, edges = data["info"], data["edgeInfo"].values()
    assert info["per:杨帆"]["career"] == [["current", "副局长", "郫都区公安局", "", "", "2019-04-01", "2019-04-01"],
                                          ["former", "局长", "郫都区公安局", "2021-03-02", "2024-05-10", "2021-03-05", "2024-05-10"]]
    assert info["per:王建国"]["career"] == [["current", "局长", "株洲市公安局", "", "", "", ""]]
    assert "career" not in info["org:郫都区公安局"]
    head = {e["label"]: e["when"] for e in edges if e["from"] == "杨帆" and e["relation"] == "POST"}
    assert head == {"任职 局长": [["2021-03-02", "2024-05-10"]], "任职 副局长": ["2019-04-01"]}  # the spell, not the articles
    assert [e["when"] for e in edges if e["relation"] == "DISCIPLINE"] == [["2024-05-10"]]  # the article's date
    assert info["per:杨帆"]["when"] == ["2019-04-01", ["2021-03-02", "2024-05-10"]]  # its articles and its edges
    assert info["article:nd-1"]["when"] == [] and info["per:王建国"]["when"] == []
    assert {"李明华@成都市", "李明华@佛山市"} <= {n.partition(":")[2] for n in info}  # told apart, as the build does


def test_kg_view_of_a_build_makes_the_same_persons_and_careers_as_the_build(dated_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "view.html"
    assert CliRunner().invoke(main, ["view", str(dated_build), "--out", str(out)]).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert page == (dated_build / "graph.html").read_text(encoding="utf-8")
    assert 'min="2019-04-01" max="2024-05-10"' in page
    focus = tmp_path / "focus.html"
    assert CliRunner().invoke(main, ["view", str(dated_build), "--focus", "杨帆", "--depth", "1", "--out", str(focus)]).exit_code == 0
    assert '"career":[["current","副局长","郫都区公安局"' in focus.read_text(encoding="utf-8")


def test_kg_view_takes_the_builds_decisions_on_who_is_who(dated_build: Path, tmp_path: Path) -> None:
    decisions = tmp_path / "identities.csv"
    decisions.write_text("name,key,decision,other\n李明华,成都市,same,佛山市\n", encoding="utf-8")
    out = tmp_path / "joined.html"
    result = CliRunner().invoke(main, ["view", str(dated_build), "--identities", str(decisions), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert '"per:李明华"' in page and "李明华@成都市" not in page
    assert '"career":[["current","局长","成都市公安局","","","2023-06-01","2023-06-01"],' \
           '["current","副局长","佛山市公安局","","","2023-07-01","2023-07-01"]]' in page
    bad = tmp_path / "bad.csv"
    bad.write_text("name,key,decision,other\n李明华,成都市,maybe,佛山市\n", encoding="utf-8")
    refused = CliRunner().invoke(main, ["view", str(dated_build), "--identities", str(bad), "--out", str(tmp_path / "x.html")])
    assert refused.exit_code != 0 and "bad.csv:2" in refused.output


# -- in the browser ------------------------------------------------------------------------


class Session:
    """One page of an offline Chromium, with what it requested, logged and raised."""

    def __init__(self, context: object, blocked: list[str]) -> None:
        self.page = context.new_page()
        self.blocked = blocked
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def open(self, path: Path, *, timeout: float = 60_000) -> None:
        self.page.goto(path.as_uri())
        self.page.wait_for_function("window.govkg && window.govkg.settled", timeout=timeout)

    def js(self, expression: str, arg: object = None) -> object:
        return self.page.evaluate(expression, arg)

    def node_point(self, node: str) -> tuple[float, float]:
        """Where a node is on the screen."""
        return tuple(self.js("""(id) => { const n = govkg.network, p = n.canvasToDOM(n.getPosition(id));
                                  const box = document.getElementById("graph").getBoundingClientRect();
                                  return [box.left + p.x, box.top + p.y]; }""", node))

    def assert_offline_and_clean(self, path: Path) -> None:
        assert self.requests == [path.as_uri()], self.requests
        assert not self.blocked and not self.failed and not self.errors and not self.dialogs


@pytest.fixture(scope="module")
def chromium(chromium_executable: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, list[str]]]:
    """A headless Chromium with a fresh profile that may load file:// URLs only."""
    with offline_context(tmp_path_factory.mktemp("chromium-profile"), args=("--headless",)) as (context, blocked):
        context.set_default_timeout(30_000)
        yield context, blocked


@pytest.fixture
def browser(chromium: tuple[object, list[str]]) -> Iterator[Session]:
    context, blocked = chromium
    blocked.clear()
    session = Session(context, blocked)
    yield session
    session.page.close()


@pytest.fixture(scope="module")
def seeds_page(seeds: nx.MultiDiGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("view") / "graph.html"
    path.write_text(render_html(seeds), encoding="utf-8")
    return path


@pytest.mark.slow
def test_the_harness_sees_and_blocks_a_request_to_another_host(browser: Session, tmp_path: Path) -> None:
    page = tmp_path / "leak.html"
    page.write_text('<!DOCTYPE html><img src="https://example.org/x.png"><script>window.govkg = {ready: true, settled: true}</script>', encoding="utf-8")
    browser.open(page)
    for _ in range(50):
        if browser.failed:
            break
        browser.page.wait_for_timeout(100)
    assert browser.blocked == ["https://example.org/x.png"] and browser.failed == ["https://example.org/x.png"]


@pytest.mark.slow
def test_the_seeds_page_draws_every_node_and_edge_offline(browser: Session, seeds: nx.MultiDiGraph, seeds_page: Path) -> None:
    browser.open(seeds_page)
    assert browser.js("govkg.drawn()") == {"nodes": seeds.number_of_nodes(), "edges": seeds.number_of_edges()}
    assert browser.js("govkg.network.physics.options.enabled") is False  # stabilised, then stopped
    colours = browser.js("""() => Object.values(govkg.network.body.nodes).map((n) =>
                              [n.id, n.options.color.background, n.options.shape])""")
    assert len(colours) == seeds.number_of_nodes()
    for node, colour, shape in colours:
        kind = seeds.nodes[node]["type"]
        assert (colour, shape) == (COLOURS[kind], SHAPES[kind]), node
    legend = browser.js("""[...document.querySelectorAll('#types label')].map((l) =>
                             [l.querySelector('input').dataset.type, getComputedStyle(l.querySelector('.glyph')).color])""")
    assert [kind for kind, _ in legend] == list(COLOURS)
    for kind, colour in legend:
        assert colour == "rgb({}, {}, {})".format(*(int(COLOURS[kind][i : i + 2], 16) for i in (1, 3, 5)))
    browser.assert_offline_and_clean(seeds_page)


@pytest.mark.slow
def test_the_canvas_shows_each_type_in_its_colour(browser: Session, seeds: nx.MultiDiGraph, seeds_page: Path) -> None:
    browser.open(seeds_page)
    for kind in ("PER", "ORG", "PLACE", "PROGRAMME"):
        node = max((n for n, d in seeds.nodes(data=True) if d["type"] == kind), key=lambda n: (seeds.degree(n), n))
        x, y = browser.node_point(node)
        pixel = browser.js("""([x, y]) => { const c = document.querySelector('#graph canvas'); const box = c.getBoundingClientRect();
                               const r = c.width / box.width;
                               return [...c.getContext('2d').getImageData((x - box.left) * r, (y - box.top) * r, 1, 1).data]; }""", [x, y])
        expected = [int(COLOURS[kind][i : i + 2], 16) for i in (1, 3, 5)]
        assert all(abs(a - b) <= 40 for a, b in zip(pixel[:3], expected)), (kind, node, pixel)


@pytest.mark.slow
def test_search_finds_a_node_by_alias_and_focuses_it(browser: Session, seeds: nx.MultiDiGraph, seeds_page: Path) -> None:
    browser.open(seeds_page)
    browser.page.fill("#query", "区委政法委")
    browser.page.press("#query", "Enter")
    assert browser.js("govkg.network.getSelectedNodes()") == ["org:天元区委政法委"]
    browser.page.wait_for_function("""() => {  // the focus animation ends on the node
        const view = govkg.network.getViewPosition(), node = govkg.network.getPosition('org:天元区委政法委');
        return Math.abs(view.x - node.x) < 1 && Math.abs(view.y - node.y) < 1 && govkg.network.getScale() > 1.199; }""",
        timeout=10_000)
    assert set(browser.js("govkg.highlighted()")) == {"org:天元区委政法委", *nx.all_neighbors(seeds, "org:天元区委政法委")}
    assert browser.page.inner_text("#details .name") == "天元区委政法委"
    browser.page.fill("#query", "没有这个名字")
    browser.page.press("#query", "Enter")
    assert "No node is named" in browser.page.inner_text("#search-result")
    browser.assert_offline_and_clean(seeds_page)


@pytest.mark.slow
def test_type_and_relation_checkboxes_hide_and_show(browser: Session, seeds: nx.MultiDiGraph, seeds_page: Path) -> None:
    browser.open(seeds_page)
    programmes = {n for n, d in seeds.nodes(data=True) if d["type"] == "PROGRAMME"}
    touching = sum(1 for s, t in seeds.edges() if s in programmes or t in programmes)
    browser.page.uncheck('input[data-type="PROGRAMME"]')
    assert browser.js("govkg.drawn()") == {"nodes": seeds.number_of_nodes() - len(programmes), "edges": seeds.number_of_edges() - touching}
    browser.page.check('input[data-type="PROGRAMME"]')
    assert browser.js("govkg.drawn()") == {"nodes": seeds.number_of_nodes(), "edges": seeds.number_of_edges()}
    posts = sum(1 for _, _, d in seeds.edges(data=True) if d["relation"] == "POST")
    browser.page.uncheck('input[data-relation="POST"]')
    assert browser.js("govkg.drawn()") == {"nodes": seeds.number_of_nodes(), "edges": seeds.number_of_edges() - posts}
    browser.assert_offline_and_clean(seeds_page)


@pytest.mark.slow
def test_clicking_a_node_highlights_its_neighbourhood(browser: Session, seeds: nx.MultiDiGraph, seeds_page: Path) -> None:
    browser.open(seeds_page)
    hub = "org:天元区公安局"
    far = min((n for n in seeds if seeds.degree(n) == 0), key=lambda n: -sum(
        (a - b) ** 2 for a, b in zip(browser.node_point(n), browser.node_point(hub))))
    pixel = """([x, y]) => { const c = document.querySelector('#graph canvas'); const box = c.getBoundingClientRect();
                const r = c.width / box.width; return [...c.getContext('2d').getImageData((x - box.left) * r, (y - box.top) * r, 1, 1).data]; }"""
    before = browser.js(pixel, list(browser.node_point(far)))
    browser.page.mouse.click(*browser.node_point(hub))
    browser.page.wait_for_timeout(100)
    assert browser.js("govkg.network.getSelectedNodes()") == [hub]
    assert set(browser.js("govkg.highlighted()")) == {hub, *nx.all_neighbors(seeds, hub)}
    after = browser.js(pixel, list(browser.node_point(far)))
    assert sum(after[:3]) > sum(before[:3]) + 150  # veiled: much lighter
    browser.page.keyboard.press("Escape")
    assert browser.js("govkg.highlighted()") == []
    browser.assert_offline_and_clean(seeds_page)


@pytest.mark.slow
def test_markup_in_a_name_shows_as_text_in_the_tooltip(browser: Session, tmp_path: Path) -> None:
    page = tmp_path / "evil.html"
    page.write_text(render_html(_evil_graph()), encoding="utf-8")
    browser.open(page)
    browser.page.mouse.move(*browser.node_point(f"org:{EVIL}"))
    browser.page.wait_for_selector("#tooltip:not([hidden])")
    text = browser.page.inner_text("#tooltip")
    assert EVIL in text and "<svg onload=alert(3)>" in text and "<b>全国</b>模范" in text and "<script>alert(2)</script>标题" in text
    assert browser.js("document.querySelectorAll('img, svg, b, #tooltip script').length") == 0
    browser.page.fill("#query", "<svg onload=alert(3)>")
    browser.page.press("#query", "Enter")
    assert browser.js("govkg.network.getSelectedNodes()") == [f"org:{EVIL}"]
    assert EVIL in browser.page.inner_text("#details")
    browser.page.wait_for_timeout(300)
    assert browser.dialogs == []
    browser.assert_offline_and_clean(page)


@pytest.mark.slow
def test_a_focused_page_opens_on_its_entity(browser: Session, tmp_path: Path) -> None:
    out = tmp_path / "focus.html"
    assert CliRunner().invoke(main, ["view", str(OUTPUT), "--focus", "醴陵市委", "--depth", "1", "--out", str(out)]).exit_code == 0
    browser.open(out)
    assert browser.js("govkg.network.getSelectedNodes()") == ["org:醴陵市委"]
    assert "醴陵市委" in browser.page.inner_text("#details")
    browser.assert_offline_and_clean(out)


@pytest.mark.slow
def test_a_5000_node_graph_opens_and_stays_responsive(browser: Session, tmp_path: Path) -> None:
    graph = synthetic_graph(5000)
    page = tmp_path / "large.html"
    page.write_text(render_html(graph, overview_page=False), encoding="utf-8")  # the capped page (the overview is tested below)
    started = time.perf_counter()
    browser.open(page, timeout=30_000)
    assert time.perf_counter() - started < 30
    assert browser.js("govkg.drawn()") == {"nodes": 5000, "edges": graph.number_of_edges()}
    hub = max(graph, key=lambda n: (graph.degree(n), n))
    took = browser.js("""async (name) => {
        const t = performance.now();
        document.getElementById('query').value = name;
        document.getElementById('search').requestSubmit();
        await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
        return performance.now() - t; }""", graph.nodes[hub]["label"])
    assert browser.js("govkg.network.getSelectedNodes()") == [hub]
    assert took < 3000
    browser.assert_offline_and_clean(page)


# -- the notebook ------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("nbclient") is None or importlib.util.find_spec("ipykernel") is None,
                    reason="needs nbclient and ipykernel (pip install -e '.[test]')")
def test_the_notebook_runs_end_to_end() -> None:
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(ROOT / "notebooks" / "explore.ipynb", as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), "commit the notebook without outputs"
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    outputs = "\n".join(json.dumps(o, ensure_ascii=False) for cell in notebook.cells for o in cell.get("outputs", []))
    assert '"output_type": "error"' not in outputs
    for expected in ("5 articles", "钟平熊", "雪亮工程", "全国优秀人民警察", "天元区公安局", "iframe srcdoc"):
        assert expected in outputs, expected



@pytest.mark.slow
def test_a_graph_above_the_cap_shows_its_most_connected_nodes_and_says_so() -> None:
    import networkx as nx

    from kg.view import MAX_VIEW_NODES, most_connected, render_html

    big = nx.MultiDiGraph()
    for i in range(MAX_VIEW_NODES + 50):
        big.add_node(f"org:机构{i}", type="ORG", label=f"机构{i}", aliases=[], articles=["a.txt"])
    for i in range(1, 60):
        big.add_edge("org:机构0", f"org:机构{i}", key="PART_OF", relation="PART_OF", evidence=[])
    shown = most_connected(big)
    assert shown.number_of_nodes() == MAX_VIEW_NODES and "org:机构0" in shown
    assert f"most connected of {MAX_VIEW_NODES + 50} nodes" in render_html(big, overview_page=False)


def test_a_graph_with_too_many_edges_keeps_every_nodes_strongest_then_the_heaviest() -> None:
    import networkx as nx

    from kg.view import most_connected

    hub = nx.MultiDiGraph()
    for i in range(40):
        hub.add_node(f"org:机构{i}", type="ORG", label=f"机构{i}", aliases=[], articles=["a.txt"])
    for i in range(1, 40):  # a star of light edges, and a clique of heavy ones among the first ten
        hub.add_edge("org:机构0", f"org:机构{i}", key="PART_OF", relation="PART_OF", evidence=[], weight=1)
    for i in range(1, 10):
        for j in range(i + 1, 10):
            hub.add_edge(f"org:机构{i}", f"org:机构{j}", key="RUNS", relation="RUNS", evidence=[], weight=5)
    shown = most_connected(hub, limit=40, edge_limit=70)
    assert shown.number_of_edges() == 70 and shown.number_of_nodes() == 40
    assert all(shown.degree(node) > 0 for node in shown)  # every leaf keeps its one, light, edge
    dropped = set(hub.edges(keys=True)) - set(shown.edges(keys=True))
    assert len(dropped) == 5 and all(hub.edges[edge]["weight"] == 1 for edge in dropped)


@pytest.mark.slow
def test_a_large_page_draws_edge_labels_only_for_the_highlighted_neighbourhood() -> None:
    import networkx as nx

    from kg.view import FREEZE_ABOVE, page_data

    big = nx.MultiDiGraph()
    for i in range(FREEZE_ABOVE + 1):
        big.add_node(f"org:机构{i}", type="ORG", label=f"机构{i}", aliases=[], articles=["a.txt"])
        if i:
            big.add_edge("org:机构0", f"org:机构{i}", key="PART_OF", relation="PART_OF", evidence=[])
    data = page_data(big)
    assert data["frozen"] and not any("label" in edge for edge in data["edges"])
    assert {info["label"] for info in data["edgeInfo"].values()} == {"隶属"}


def _drawn(browser: Session) -> tuple[set[str], set[tuple[str, str, str]]]:
    """The ids of the drawn nodes and the (from, to, label) of the drawn edges."""
    nodes, edges = browser.js("""() => [govkg.network.body.nodeIndices, govkg.network.body.edgeIndices.map((e) =>
                                 [govkg.edgeInfo[e].from, govkg.edgeInfo[e].to, govkg.edgeInfo[e].label])]""")
    return set(nodes), {tuple(e) for e in edges}


@pytest.mark.slow
def test_the_date_range_draws_what_its_dates_overlap_and_undated_items_until_hidden(browser: Session, dated_build: Path) -> None:
    page = dated_build / "graph.html"
    browser.open(page)
    everything = _drawn(browser)
    assert len(everything[0]) == 16 and browser.page.inner_text("#date-extent") == "dated 2019-04-01 – 2024-05-10"
    browser.page.fill("#date-from", "2022-01-01")
    browser.page.fill("#date-to", "2022-12-31")
    undated_nodes = {"article:nd-1", "org:株洲市公安局", "per:王建国"}
    nodes, edges = _drawn(browser)
    # 杨帆 was head of 郫都区公安局 from 2021-03-02 to 2024-05-10: the spell overlaps 2022, though no article is of 2022
    assert nodes == {"per:杨帆", "org:郫都区公安局", *undated_nodes}
    assert edges == {("杨帆", "郫都区公安局", "任职 局长"), ("王建国", "株洲市公安局", "任职 局长")}
    assert browser.page.inner_text("#date-shown") == "5 of 16 nodes, 3 of 8 edges drawn"  # the spell's two edges (dated, undated)
    browser.page.check("#undated")
    assert _drawn(browser) == ({"per:杨帆", "org:郫都区公安局"}, {("杨帆", "郫都区公安局", "任职 局长")})
    browser.page.fill("#date-from", "2023-06-01")
    browser.page.fill("#date-to", "2023-06-30")
    nodes, edges = _drawn(browser)
    assert nodes == {"article:cd-1", "org:成都市公安局", "per:李明华@成都市", "per:杨帆", "org:郫都区公安局"}
    assert edges == {("李明华", "成都市公安局", "任职 局长"), ("杨帆", "郫都区公安局", "任职 局长")}
    browser.page.fill("#date-from", "")
    browser.page.fill("#date-to", "2019-12-31")  # one end open
    assert _drawn(browser)[0] == {"article:pd-0", "per:杨帆", "org:郫都区公安局"}
    browser.page.click("#all-dates")
    assert _drawn(browser) == everything and browser.page.inner_text("#date-shown") == ""
    browser.assert_offline_and_clean(page)


@pytest.mark.slow
def test_searching_a_node_the_dates_hide_shows_everything_again(browser: Session, dated_build: Path) -> None:
    page = dated_build / "graph.html"
    browser.open(page)
    browser.js("govkg.setDates('2023-01-01', '2023-12-31', true)")
    browser.page.fill("#query", "王建国")
    browser.page.press("#query", "Enter")
    assert browser.js("govkg.network.getSelectedNodes()") == ["per:王建国"]
    assert browser.page.input_value("#date-from") == "" and not browser.page.is_checked("#undated")
    assert len(_drawn(browser)[0]) == 16
    browser.assert_offline_and_clean(page)


@pytest.mark.slow
def test_a_persons_card_shows_the_career_in_time_order_on_one_axis(browser: Session, dated_build: Path) -> None:
    page = dated_build / "graph.html"
    browser.open(page)
    browser.page.mouse.click(*browser.node_point("per:杨帆"))
    browser.page.wait_for_selector("#details:not([hidden]) .career")
    assert browser.page.inner_text("#details .career .axis").split() == ["2019-04-01", "2024-05-10"]
    assert [t.strip() for t in browser.page.locator("#details .career .spell").all_inner_texts()] == [
        "seen 2019-04-01 · current · 副局长 · 郫都区公安局",
        "2021-03-02 – 2024-05-10 · former · 局长 · 郫都区公安局",
    ]
    bars = browser.js("""[...document.querySelectorAll('#details .career .spell')].map((row) => {
        const r = row.querySelector('svg.bar').getBoundingClientRect(), b = row.querySelectorAll('svg.bar rect')[1].getBoundingClientRect();
        return [(b.left - r.left) / r.width, (b.right - r.left) / r.width]; })""")
    assert bars[0][0] == pytest.approx(0, abs=0.01) and bars[0][1] < 0.05  # one day, at the start of the axis
    assert bars[1][0] == pytest.approx(701 / 1866, abs=0.01) and bars[1][1] == pytest.approx(1, abs=0.01)  # 2021-03-02 to the end
    browser.js("govkg.select('per:王建国')")
    assert browser.page.inner_text("#details .career .spell").strip() == "undated · current · 局长 · 株洲市公安局"
    assert browser.js("document.querySelectorAll('#details .career svg').length") == 0
    browser.js("govkg.select('org:郫都区公安局')")
    assert browser.js("document.querySelectorAll('#details .career').length") == 0
    browser.assert_offline_and_clean(page)


# -- the overview of a large graph ------------------------------------------------------------------


@pytest.fixture(scope="module")
def overview_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated graph of some 1,100 entities (above ``OVERVIEW_ABOVE``), with its persons' same-sentence ties."""
    from kg.identity import Identities
    from kg.networks import people_ties

    extractions = synthetic_extractions(1200)
    graph = build_graph(extractions)
    page = tmp_path_factory.mktemp("overview") / "graph.html"
    page.write_text(render_html(graph, ties=people_ties(extractions, [], Identities())), encoding="utf-8")
    return page


def test_the_overview_draws_the_persons_ties_and_leaves_the_graph_as_it_was() -> None:
    from kg.identity import Identities
    from kg.networks import people_ties

    extractions = synthetic_extractions(1200)
    graph = build_graph(extractions)
    ties = people_ties(extractions, [], Identities())
    before = [(a, b, key, dict(data)) for a, b, key, data in graph.edges(keys=True, data=True)]
    page = render_html(graph, ties=ties)
    assert ties and '"SAME_SENTENCE"' in page  # the ties are edges of the page
    assert [(a, b, key, dict(data)) for a, b, key, data in graph.edges(keys=True, data=True)] == before


DRAWN = """() => { const n = govkg.network, linked = new Set();
    govkg.edges.forEach((e) => { linked.add(e.from); linked.add(e.to); });
    const ids = n.body.nodeIndices.filter((id) => !govkg.isCluster(id));
    return { ids, unlinked: ids.filter((id) => !linked.has(id)), clusters: n.body.nodeIndices.filter((id) => govkg.isCluster(id)) }; }"""


@pytest.mark.slow
def test_a_large_graph_opens_on_labelled_communities_without_isolated_entities(browser: Session, overview_page: Path) -> None:
    from kg.view_overview import CLUSTER_MIN, OVERVIEW_ABOVE

    browser.open(overview_page)
    overview = browser.js("govkg.overview")
    assert overview["drawn"] > OVERVIEW_ABOVE / 2 and overview["isolated"] > 0
    assert f"{overview['isolated']} isolated entities" in browser.page.inner_text("#counts")
    drawn = browser.js(DRAWN)
    assert drawn["unlinked"] == [] and not set(drawn["ids"]) & set(overview["reserve"])  # no isolated entity drawn
    assert not any(i.startswith("article:") for i in drawn["ids"]) and not browser.page.is_checked('input[data-type="ARTICLE"]')
    clusters = [c for c in overview["communities"] if c["cluster"]]
    assert sorted(drawn["clusters"]) == sorted(c["id"] for c in clusters) and clusters
    names = browser.js("Object.fromEntries(Object.entries(govkg.info).map(([k, v]) => [k, v.name]))")
    for c in clusters:  # each labelled by its most central names
        assert len(c["members"]) >= CLUSTER_MIN and c["label"].startswith(" · ".join(names[m] for m in c["members"][:3]))
    biggest = clusters[0]
    browser.page.mouse.click(*browser.node_point(biggest["id"]))  # clicking a community opens it
    assert not browser.js(f"govkg.isCluster('{biggest['id']}')")
    assert set(biggest["members"]) <= set(browser.js(DRAWN)["ids"])
    browser.assert_offline_and_clean(overview_page)


@pytest.mark.slow
def test_searching_the_overview_lands_in_a_neighbourhood_or_shows_an_isolated_entity_with_its_article(
        browser: Session, overview_page: Path) -> None:
    browser.open(overview_page)
    overview = browser.js("govkg.overview")
    closed = [c for c in overview["communities"] if c["cluster"] and any(m.startswith("per:") for m in c["members"])][-1]
    person = next(m for m in closed["members"] if m.startswith("per:"))
    browser.page.fill("#query", browser.js(f"govkg.info['{person}'].name"))
    browser.page.press("#query", "Enter")
    assert browser.js("govkg.network.getSelectedNodes()") == [person]
    assert not browser.js(f"govkg.isCluster('{closed['id']}')")  # its community opened
    neighbours = browser.js(f"govkg.network.getConnectedNodes('{person}')")
    assert neighbours and set(browser.js("govkg.highlighted()")) == {person, *neighbours}
    loner = overview["reserve"][0]
    browser.js(f"govkg.focusNode('{loner}')")
    assert browser.js("govkg.network.getSelectedNodes()") == [loner]
    assert {loner, overview["firstArticle"][loner]} <= set(browser.js(DRAWN)["ids"])
    browser.assert_offline_and_clean(overview_page)


@pytest.mark.slow
def test_the_date_range_changes_what_the_overview_draws(browser: Session, overview_page: Path) -> None:
    browser.open(overview_page)
    everything = browser.js("govkg.drawn()")
    browser.js("govkg.setDates('2021-03-01', '2021-03-31', true)")
    march = browser.js("govkg.drawn()")
    assert 0 < march["nodes"] < everything["nodes"]
    browser.js("govkg.setDates('', '', false)")
    assert browser.js("govkg.drawn()") == everything


@pytest.mark.slow
def test_the_overview_answers_what_it_left_for_when_idle_if_asked_first(browser: Session, overview_page: Path) -> None:
    """The page never idle: the first search parses the cards, opens the community and shows the labels."""
    data = page_json(overview_page.read_text(encoding="utf-8"))
    closed = next(c for c in data["overview"]["communities"] if c["cluster"] and any(m.startswith("per:") for m in c["members"]))
    person = next(m for m in closed["members"] if m.startswith("per:"))
    browser.page.add_init_script("window.requestIdleCallback = () => 0;")
    browser.page.goto(overview_page.as_uri())
    browser.page.wait_for_function("window.govkg && window.govkg.ready")
    labelled = "() => govkg.nodes.get().filter((n) => !govkg.isCluster(n.id) && n.label === undefined).length"
    assert not browser.js("govkg.settled") and browser.js(labelled) > 0  # labels left out while far out
    browser.page.fill("#query", data["info"][person]["name"])
    browser.page.press("#query", "Enter")
    assert browser.js("govkg.network.getSelectedNodes()") == [person] and not browser.js(f"govkg.isCluster('{closed['id']}')")
    browser.page.wait_for_function(f"({labelled})() === 0")  # zoomed in: every drawn node labelled
    assert browser.js(f"govkg.nodes.get('{person}').label") == data["info"][person]["name"]
    browser.assert_offline_and_clean(overview_page)


def _in_range(when: list, start: str, end: str, hide_undated: bool) -> bool:
    """Whether an item dated by the spans ``when`` is drawn for the dates ``start`` to ``end`` (the page's rule)."""
    if not when:
        return not hide_undated
    return any(start <= s <= end if isinstance(s, str) else s[0] <= end and s[1] >= start for s in when)


@pytest.mark.slow
def test_a_reader_opens_a_community_finds_a_person_and_narrows_the_dates(browser: Session, overview_page: Path) -> None:
    browser.open(overview_page)
    overview, info = browser.js("govkg.overview"), browser.js("govkg.info")
    closed = [c for c in overview["communities"] if c["cluster"]]
    start = browser.js(DRAWN)
    # a click on a community draws its members in its place, each tied to another
    biggest = closed[0]
    browser.page.mouse.click(*browser.node_point(biggest["id"]))
    opened = browser.js(DRAWN)
    assert set(opened["ids"]) == set(start["ids"]) | set(biggest["members"]) and opened["unlinked"] == []
    assert set(opened["clusters"]) == set(start["clusters"]) - {biggest["id"]}
    assert browser.page.inner_text("#status").startswith(f"Opened the community of {len(biggest['members'])}")
    # typing a person's name finds them in their community, opened, their neighbourhood highlighted
    other = next(c for c in closed[1:] if any(m.startswith("per:") for m in c["members"]))
    person = next(m for m in other["members"] if m.startswith("per:"))
    browser.page.fill("#query", info[person]["name"])
    browser.page.press("#query", "Enter")
    assert browser.js("govkg.network.getSelectedNodes()") == [person]
    assert browser.page.inner_text("#search-result").endswith(f"{info[person]['name']}.")
    found = browser.js(DRAWN)
    assert set(found["ids"]) == set(opened["ids"]) | set(other["members"]) and other["id"] not in found["clusters"]
    assert set(browser.js("govkg.highlighted()")) == {person, *browser.js(f"govkg.network.getConnectedNodes('{person}')")}
    # a date range draws the entities it overlaps, and each closed community with such a member
    browser.page.fill("#date-from", "2021-03-01")
    browser.page.fill("#date-to", "2021-03-31")
    browser.page.check("#undated")
    march = browser.js(DRAWN)
    expected = {n for n in found["ids"] if _in_range(info[n]["when"], "2021-03-01", "2021-03-31", True)}
    assert set(march["ids"]) == expected and 0 < len(expected) < len(found["ids"])
    assert set(march["clusters"]) == {c["id"] for c in closed if c["id"] in found["clusters"] and any(
        _in_range(info[m]["when"], "2021-03-01", "2021-03-31", True) for m in c["members"])}
    drawn = browser.js("govkg.drawn()")
    assert browser.page.inner_text("#date-shown").startswith(f"{drawn['nodes']} of ")
    browser.page.click("#all-dates")
    assert browser.js(DRAWN) == found and browser.page.inner_text("#date-shown") == ""
    browser.assert_offline_and_clean(overview_page)


@pytest.mark.slow
def test_the_overview_page_unpacks_its_data_as_it_was_made(browser: Session, overview_page: Path) -> None:
    text = overview_page.read_text(encoding="utf-8")
    load, rest = (json.loads(block.search(text).group(1)) for block in (PAGE_DATA, PAGE_REST))
    assert "packed" in load and "info" not in load and "info" in rest  # the cards are parsed after the first draw
    packed = join(load, rest)
    made = unpack(packed)
    browser.open(overview_page)
    page = browser.js("({info: govkg.info, edgeInfo: govkg.edgeInfo, nodes: govkg.nodes.get()})")
    strings = packed["strings"]
    for card in (*page["info"].values(), *page["edgeInfo"].values()):  # the page reads shared strings when it shows them
        card["evidence"] = [[strings[s], strings[a]] for s, a in card["evidence"]]
        if "articles" in card:
            card["articles"] = [strings[t] for t in card["articles"]]
    assert page["info"] == made["info"]
    assert {key: page["edgeInfo"][key] for key in made["edgeInfo"]} == made["edgeInfo"]
    drawn = {n["id"]: n for n in page["nodes"]}
    assert all({key: drawn[n["id"]][key] for key in n} == n for n in made["nodes"])


def test_the_load_report_replaces_what_it_measured_and_keeps_what_was_written_by_hand(tmp_path: Path) -> None:
    from benchmarks.view_load import BUILT, SYNTHETIC, write_doc

    out = tmp_path / "view.md"
    out.write_text("# old\n\n## Synthetic graphs\n\nsizes\n\n## Built pages\n\nold table\n\n## Columns\n\nold columns\n\n"
                   "## Notes\n\nby hand\n", encoding="utf-8")
    write_doc(out, {BUILT: "## Built pages\n\nnew table\n"})
    text = out.read_text(encoding="utf-8")
    assert "new table" in text and "old table" not in text and "old columns" not in text and text.count("## Columns") == 1
    assert text.index(f"## {SYNTHETIC}\n\nsizes") < text.index("new table") < text.index("## Columns") < text.index("## Notes\n\nby hand")


def _slug(heading: str) -> str:
    """GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_the_readmes_links_into_the_view_notes_name_their_headings() -> None:
    anchors = set(re.findall(r"\(docs/view\.md#([^)]+)\)", (ROOT / "README.md").read_text(encoding="utf-8")))
    headings = {_slug(h) for h in re.findall(r"^#{1,6} (.+)$", (ROOT / "docs" / "view.md").read_text(encoding="utf-8"), re.M)}
    assert anchors and anchors <= headings, anchors - headings


@pytest.mark.slow
def test_an_overview_page_does_not_change_with_the_string_hashing_of_the_process() -> None:
    import os
    import subprocess
    import sys

    # more isolated entities than tied ones, as in real news: networkx then lists a sub-graph's nodes in set order
    script = ("import sys; from benchmarks.view_load import synthetic_extractions; from kg.graph import build_graph; "
              "from kg.view import render_html; g = build_graph(synthetic_extractions(1200)); "
              "[g.add_node(f'org:孤立{i}', type='ORG', label=f'孤立{i}', aliases=[], articles=['00001.txt']) for i in range(3000)]; "
              "sys.stdout.write(render_html(g))")
    pages = {subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONHASHSEED": seed}, cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout for seed in ("1", "2", "3")}
    assert len(pages) == 1

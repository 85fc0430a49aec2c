"""Benchmark the interactive view (``graph.html``) in headless Chromium: load time and responsiveness.

The graphs are synthetic but built the way a real build is: per-article
extraction records (articles, persons, organisations, places, programmes,
honours; POST, RUNS, AWARD, PART_OF and AUTHOR relations with evidence
sentences) merged by ``kg.graph.build_graph``. Every entity appears in one
article and popular ones in many more (Zipf-like), so the degrees are skewed
as in news: a few hubs, many leaves. Same size and seed, same graph.

Each page is rendered with ``kg.view.render_html`` (graphs above
``kg.view.FREEZE_ABOVE`` nodes get the precomputed, frozen layout), opened
from a file in Chromium (``/usr/bin/chromium``, a fresh profile, every
request that is not ``file://`` aborted), and timed ``--runs`` times:

- ready: from navigation start to the layout being final (physics stabilised
  and stopped, or the first draw of a frozen layout);
- settled: from navigation start to the end of what the page leaves until it
  is idle after ready (the search index; on an overview also its cards and the
  labels of nodes drawn too far out to show them); the other timings start
  once it has settled;
- search + focus: a name typed in the search box and submitted, until two
  animation frames later (the page has selected, highlighted and drawn it;
  large graphs jump there without an animation);
- type filter: one entity type unticked, until two frames later;
- redraw: one full synchronous redraw of the canvas, zoomed in on the found
  node, once everything has settled (what each frame of a pan costs).

``--page`` times pages that were already built (a build's ``graph.html``)
the same way; the name searched is that of the page's most connected ORG
node, read from the data the page embeds. Medians are printed as tables and
written to ``docs/view.md``: one section for the synthetic graphs, one for
built pages; a run that measures one kind keeps the other's section of the
file as it was.

    python benchmarks/view_load.py                          # 500 and 5,000 nodes, 5 runs
    python benchmarks/view_load.py --sizes 500 --runs 3 --out /tmp/view.md
    python benchmarks/view_load.py --page output/graph.html --runs 3
    python benchmarks/view_load.py --page before.html after.html --runs 5 --interleave --out /tmp/compare.md
    python benchmarks/view_load.py --screenshot output/graph.html docs/graph.png
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import random
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.graph import build_graph  # noqa: E402
from kg.records import Article, Entity, Evidence, Extraction, Mention, Relation  # noqa: E402
from kg.view import FREEZE_ABOVE, MAX_VIEW_NODES, render_html  # noqa: E402
from kg.view_pack import join, unpack  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
#: the flags of a quiet, offline headless Chromium
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
#: share of entity nodes by type (articles are one node in twelve)
MIX = {"PER": 0.27, "ORG": 0.33, "PLACE": 0.08, "PROGRAMME": 0.20, "HONOUR": 0.12}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建国华明军平伟芳娜敏静丽强磊洋艳勇杰娟涛超秀英霞刚桂兰红玉峰志海波宏文斌鹏辉春燕凤云飞亮"
PLACES = "株洲 湘潭 长沙 衡阳 岳阳 常德 益阳 郴州 永州 怀化 娄底 邵阳 醴陵 攸县 茶陵 炎陵 天元 芦淞 荷塘 石峰 渌口".split()
ORG_HEADS = ["公安局", "司法局", "人民法院", "人民检察院", "委政法委", "综治中心", "派出所", "司法所", "社区", "街道办事处", "平安办", "信访局"]
PROGRAMME_HEADS = ["专项行动", "工程", "攻坚", "示范创建", "宣传周", "网格化管理", "平安建设", "扫黑除恶"]
HONOUR_HEADS = ["先进集体", "模范司法所", "优秀人民警察", "平安示范县", "最佳案例", "楷模"]


def _names(kind: str, count: int, rng: random.Random) -> list[str]:
    """``count`` distinct, realistic-looking names of one type."""
    names: set[str] = set()
    while len(names) < count:
        number = len(names)
        if kind == "PER":
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
            name = name if name not in names else f"{name}{number}"
        elif kind == "ORG":
            name = f"{rng.choice(PLACES)}{number}{rng.choice(ORG_HEADS)}"
        elif kind == "PLACE":
            name = f"{rng.choice(PLACES)}{number}{rng.choice('区县镇乡村')}"
        elif kind == "PROGRAMME":
            name = f"“{number}”{rng.choice(PROGRAMME_HEADS)}"
        else:
            name = f"全国{number}{rng.choice(HONOUR_HEADS)}"
        names.add(name)
    return sorted(names)


def synthetic_extractions(nodes: int, *, seed: int = 1) -> list[Extraction]:
    """Extraction records whose merged graph has exactly ``nodes`` nodes."""
    rng = random.Random(seed)
    articles = max(1, nodes // 12)
    entities = nodes - articles
    counts = {kind: int(entities * share) for kind, share in MIX.items()}
    counts["ORG"] += entities - sum(counts.values())
    pool = [(kind, name) for kind in MIX for name in _names(kind, counts[kind], rng)]
    rng.shuffle(pool)
    members: list[list[tuple[str, str]]] = [[] for _ in range(articles)]
    for number, entity in enumerate(pool):  # every entity in one article
        members[number % articles].append(entity)
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(pool))]
    for group in members:  # popular entities in many
        group.extend(rng.choices(pool, weights=weights, k=rng.randint(3, 9)))
    out = []
    for number, group in enumerate(members):
        doc = f"{number:05d}.txt"
        group = sorted(set(group))
        by_type = {kind: [name for k, name in group if k == kind] for kind in MIX}
        relations: list[Relation] = []

        def relate(kind: str, args: tuple[tuple[str, str], ...], rule: str) -> None:
            names = [value for field, value in args if field not in ("title", "year", "role")]
            sentence = f"据报道,{names[0]}{'、'.join(names[1:]) or ''}在{PLACES[number % len(PLACES)]}开展工作,取得明显成效。"
            start = 40 * len(relations)
            relations.append(Relation(kind, args, Evidence(doc, start, start + len(sentence), sentence, rule)))

        orgs, people = by_type["ORG"], by_type["PER"]
        for person in people:
            if orgs and rng.random() < 0.6:
                relate("POST", (("person", person), ("org", rng.choice(orgs)), ("title", rng.choice(["书记", "副书记", "局长", "所长", "主任"]))),
                       "post.title_name")
        for org in orgs:
            if by_type["PROGRAMME"] and rng.random() < 0.7:
                relate("RUNS", (("org", org), ("programme", rng.choice(by_type["PROGRAMME"]))), "runs.verb")
            parents = [o for o in orgs if o != org] + by_type["PLACE"]
            if parents and rng.random() < 0.4:
                relate("PART_OF", (("child", org), ("parent", rng.choice(parents))), "part_of.chain")
        for honour in by_type["HONOUR"]:
            if orgs or people:
                relate("AWARD", (("recipient", rng.choice(orgs + people)), ("honour", honour), ("year", str(rng.randint(2015, 2022)))),
                       "award.verb")
        if people:
            relate("AUTHOR", (("person", people[0]), ("role", "reporter")), "byline")
        ents = tuple(Entity(kind, name, (name[:2],) if kind == "ORG" and rng.random() < 0.2 else (),
                            (Mention(kind, name, 0, len(name), "synthetic"),)) for kind, name in group)
        article = Article(doc, "", f"synthetic/{doc}", title=f"第{number}篇 平安建设综合报道", newspaper="株洲日报",
                          date=f"2021-{1 + number % 12:02d}-{1 + number % 28:02d}")
        out.append(Extraction(article, ents, tuple(relations)))
    return out


def synthetic_graph(nodes: int, *, seed: int = 1) -> nx.MultiDiGraph:
    """A govkg graph of exactly ``nodes`` nodes (see ``synthetic_extractions``)."""
    graph = build_graph(synthetic_extractions(nodes, seed=seed))
    assert graph.number_of_nodes() == nodes, (graph.number_of_nodes(), nodes)
    return graph


# -- the browser ---------------------------------------------------------------------------------


@contextlib.contextmanager
def offline_context(profile: str | Path, *, width: int = 1400, height: int = 900,
                    args: tuple[str, ...] = ()) -> Iterator[tuple[object, list[str]]]:
    """Headless Chromium on the profile folder ``profile``, allowed to load ``file://`` only; yields
    (browser context, the URLs it blocked)."""
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []

    def route(r: object) -> None:
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(str(profile), executable_path=str(CHROMIUM), headless=True,
                                                                 args=[*args, *CHROMIUM_FLAGS],
                                                                 viewport={"width": width, "height": height})
        try:
            context.route("**/*", route)
            yield context, blocked
        finally:
            context.close()


@contextlib.contextmanager
def offline_page(*, width: int = 1400, height: int = 900) -> Iterator[tuple[object, list[str]]]:
    """A page of a fresh headless Chromium profile that may load ``file://`` only; yields (page, blocked URLs)."""
    with tempfile.TemporaryDirectory(prefix="govkg-chromium-") as profile, \
            offline_context(profile, width=width, height=height) as (context, blocked):
        yield (context.pages[0] if context.pages else context.new_page()), blocked


MEASURE = """async ({name, type}) => {
  const frames = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const settle = () => new Promise((done) => setTimeout(done, 600));
  const g = window.govkg;
  let t = performance.now();
  document.getElementById("query").value = name;
  document.getElementById("search").requestSubmit();
  await frames();
  const search = performance.now() - t;
  const focused = g.network.getSelectedNodes()[0];
  await settle();
  const box = document.querySelector(`input[data-type="${type}"]`);
  t = performance.now();
  box.click();
  await frames();
  const filter = performance.now() - t;
  box.click();
  await frames();
  await settle();
  t = performance.now();
  g.network.redraw();
  const redraw = performance.now() - t;
  let community = null;  // the overview: open its biggest closed community
  const closed = g.overview ? g.overview.communities.filter((c) => g.isCluster(c.id)) : [];
  if (closed.length) {
    t = performance.now();
    g.openCommunity(closed[0].id);
    await frames();
    community = performance.now() - t;
  }
  return {search, filter, redraw, focused, community};
}"""


def measure(path: Path, *, name: str, runs: int) -> dict[str, float]:
    """Median timings (ms) of ``runs`` fresh page loads of ``path``."""
    samples: dict[str, list[float]] = {"ready": [], "settled": [], "search": [], "filter": [], "redraw": []}
    for _ in range(runs):
        with offline_page() as (page, blocked):
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(path.as_uri())
            page.wait_for_function("window.govkg && window.govkg.ready && window.govkg.settled !== false", timeout=120_000)
            samples["ready"].append(page.evaluate("window.govkg.readyMs"))
            samples["settled"].append(page.evaluate("window.govkg.settledMs || window.govkg.readyMs"))  # a page before settledMs
            result = page.evaluate(MEASURE, {"name": name, "type": "PROGRAMME"})
            if errors or blocked or not result["focused"]:
                raise RuntimeError(f"{path}: console errors {errors}, blocked {blocked}, focused {result['focused']}")
            for key in ("search", "filter", "redraw", "community"):
                if result[key] is not None:
                    samples.setdefault(key, []).append(result[key])
    return {key: statistics.median(values) for key, values in samples.items()}


def screenshot(page_path: Path, png: Path, *, hover: str | None = None) -> None:
    """Save a 1400×900 screenshot of a page once its layout is final, optionally with ``hover``'s tooltip open."""
    with offline_page() as (page, _):
        page.goto(page_path.resolve().as_uri())
        page.wait_for_function("window.govkg && window.govkg.ready", timeout=120_000)
        page.wait_for_timeout(300)
        if hover:
            point = page.evaluate("""(id) => { const n = govkg.network; const p = n.canvasToDOM(n.getPosition(id));
                                       const box = document.getElementById('graph').getBoundingClientRect();
                                       return [box.left + p.x, box.top + p.y]; }""", hover)
            page.mouse.move(*point)
            page.wait_for_selector("#tooltip:not([hidden])")
        page.screenshot(path=str(png))


# -- built pages ---------------------------------------------------------------------------------

#: the JSON data that ``kg.view.render_html`` embeds in a page
PAGE_DATA = re.compile(r'<script id="graph-data" type="application/json">(.*?)</script>', re.S)
#: the rest of an overview's data, in a block of its own (``kg.view_pack.split``)
PAGE_REST = re.compile(r'<script id="graph-rest" type="application/json">(.*?)</script>', re.S)
#: the page's count line when it shows only the most connected nodes of a larger graph
PAGE_TOTAL = re.compile(r"most connected of (\d+) nodes")


def page_json(text: str) -> dict:
    """The data a page embeds (``kg.view.render_html``), unpacked and in one piece."""
    data = json.loads(PAGE_DATA.search(text).group(1))
    rest = PAGE_REST.search(text)
    data = join(data, json.loads(rest.group(1))) if rest else data
    return unpack(data) if "packed" in data else data


def page_summary(path: Path) -> dict[str, object]:
    """What a built page shows, read from its embedded data: nodes, edges, layout, the nodes of the whole graph, and
    the name to search (its most connected ORG node by degree in the page, ties by id; any node when it has no ORG)."""
    text = path.read_text(encoding="utf-8")
    match = PAGE_DATA.search(text)
    if not match:
        raise ValueError(f"{path}: no graph data in it (not a page written by kg.view.render_html)")
    data = page_json(text)
    info = data["info"]
    if not info:
        raise ValueError(f"{path}: the page shows no node")
    hub = max(info, key=lambda node: (info[node]["type"] == "ORG", info[node]["degree"], node))
    total = PAGE_TOTAL.search(text)
    return {"nodes": len(data["nodes"]), "edges": len(data["edges"]), "frozen": bool(data["frozen"]),
            "total": int(total.group(1)) if total else len(info) + data.get("overview", {}).get("leftOut", 0),
            "name": info[hub]["name"],
            "megabytes": len(text.encode()) / 1e6}


def measure_pages(paths: list[Path], *, runs: int, interleave: bool = False) -> list[dict[str, object]]:
    """One row per built page: its summary and its median timings. ``interleave`` loads the pages in turn, one load
    of each per round, so that a change in the machine's load falls on all of them alike (to compare pages)."""
    rows = [{"page": str(path), **page_summary(path)} for path in paths]
    samples: list[dict[str, list[float]]] = [{} for _ in paths]
    for _ in range(runs if interleave else 1):
        for path, row, sample in zip(paths, rows, samples):
            for key, value in measure(path.resolve(), name=row["name"], runs=1 if interleave else runs).items():
                sample.setdefault(key, []).append(value)
    for path, row, sample in zip(paths, rows, samples):
        row["timings"] = {key: statistics.median(values) for key, values in sample.items()}
        print(f"{path}: {row['nodes']} nodes, {row['edges']} edges, searched {row['name']}: {row['timings']}", file=sys.stderr)
    return rows


def measure_synthetic(sizes: list[int], *, runs: int) -> list[dict[str, object]]:
    """One row per synthetic graph size: render time, page size and median timings."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="govkg-view-") as folder:
        for size in sizes:
            graph = synthetic_graph(size)
            started = time.perf_counter()
            page = render_html(graph)
            render_ms = (time.perf_counter() - started) * 1000
            path = Path(folder) / f"graph-{size}.html"
            path.write_text(page, encoding="utf-8")
            hub = max(graph.nodes, key=lambda n: (graph.degree(n), n) if graph.nodes[n]["type"] == "ORG" else (-1, n))
            timings = measure(path, name=graph.nodes[hub]["label"], runs=runs)
            rows.append({"nodes": size, "edges": graph.number_of_edges(), "frozen": size > FREEZE_ABOVE,
                         "megabytes": len(page.encode()) / 1e6, "render_ms": render_ms, "timings": timings})
            print(f"{size} nodes: {timings}", file=sys.stderr)
    return rows


# -- the report ---------------------------------------------------------------------------------

SYNTHETIC = "Synthetic graphs"
BUILT = "Built pages"
COLUMNS = "Columns"


def _layout(frozen: bool) -> str:
    return "frozen (Python)" if frozen else "physics, then stopped"


def _timing_cells(t: dict[str, float]) -> str:
    community = f"{t['community']:,.0f} ms" if "community" in t else "–"
    return f"{t['ready']:,.0f} ms | {t['settled']:,.0f} ms | {t['search']:,.0f} ms | {community} | {t['filter']:,.0f} ms | {t['redraw']:,.0f} ms |"


def synthetic_table(rows: list[dict]) -> str:
    """The Markdown table of ``measure_synthetic``'s rows."""
    header = ["nodes", "edges", "layout", "page MB", "render (Python)", "ready", "settled", "search + focus", "open a community", "type filter",
              "redraw"]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for r in rows:
        lines.append(f"| {r['nodes']:,} | {r['edges']:,} | {_layout(r['frozen'])} | {r['megabytes']:.1f} | "
                     f"{r['render_ms']:,.0f} ms | {_timing_cells(r['timings'])}")
    return "\n".join(lines)


def page_table(rows: list[dict]) -> str:
    """The Markdown table of ``measure_pages``' rows."""
    header = ["page", "nodes shown", "of", "edges shown", "layout", "page MB", "name searched", "ready", "settled", "search + focus",
              "open a community", "type filter", "redraw"]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for r in rows:
        lines.append(f"| `{r['page']}` | {r['nodes']:,} | {r['total']:,} | {r['edges']:,} | {_layout(r['frozen'])} | "
                     f"{r['megabytes']:.1f} | {r['name']} | {_timing_cells(r['timings'])}")
    return "\n".join(lines)


def _environment() -> str:
    return (f"{_chromium_version()}, headless, software rendering (`--disable-gpu`), {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}")


def _section(title: str, command: str, runs: int, what: str, table: str) -> str:
    return (f"## {title}\n\n`{command}` on {dt.date.today().isoformat()}: {_environment()}. Medians of {runs} fresh "
            f"page loads {what}.\n\n{table}\n")


def _sections(text: str) -> dict[str, str]:
    """The ``## `` sections of a Markdown document, by heading."""
    parts = re.split(r"^(?=## )", text, flags=re.M)
    return {part.splitlines()[0][3:].strip(): part.rstrip() + "\n" for part in parts if part.startswith("## ")}


def write_doc(out: Path, sections: dict[str, str]) -> None:
    """Write ``docs/view.md`` with the ``sections`` just measured and, for the kinds not measured, the sections
    already in ``out``; the other sections of ``out`` (written by hand) follow the columns' unchanged."""
    old = _sections(out.read_text(encoding="utf-8")) if out.exists() else {}
    kept = [sections.get(title) or old.get(title) for title in (SYNTHETIC, BUILT)]
    others = [text for title, text in old.items() if title not in (SYNTHETIC, BUILT, COLUMNS)]
    doc = f"""# The interactive view: load time and responsiveness

Pages opened from a file in headless Chromium and timed by `benchmarks/view_load.py`. Above {FREEZE_ABOVE:,} nodes
the layout is computed once in Python and frozen; below, the browser runs physics until it stabilises and then stops it.

{chr(10).join(filter(None, kept))}
## {COLUMNS}

- *render (Python)*: `kg.view.render_html`, including the frozen layout where there is one (run once).
- *nodes shown*, *of*, *edges shown*: what a built page draws at load, and the nodes of its whole graph (a capped
  page shows the {MAX_VIEW_NODES:,} most connected). On an overview page the nodes at load are its communities and
  the entities of communities too small to close; its edges are those it carries, drawn once both ends are.
- *name searched*: a built page's most connected ORG node (read from the data embedded in the page).
- *ready*: navigation start to the final layout (physics stopped, or the first draw of a frozen layout).
- *settled*: navigation start to the end of what the page leaves until it is idle after ready: the search index,
  and on an overview its cards, the rest of its data and the labels of nodes drawn too far out to show them. The
  timings after it start once the page has settled (an action before then makes what it needs itself).
- *search + focus*: submit a name in the search box until two animation frames later (selected, neighbourhood
  highlighted, zoomed in and drawn). On a large graph this includes the first draw with labels, when the
  browser measures every label once.
- *open a community*: on an overview page (`kg/view_overview.py`), open its biggest closed community
  (`govkg.openCommunity`) until two frames later; "–" on a page without communities.
- *type filter*: untick one entity type (PROGRAMME) until two frames later.
- *redraw*: one full synchronous redraw of the canvas zoomed in on the found node, once the page has
  settled (what each frame of a pan costs).
{"".join(chr(10) + text for text in others)}"""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(doc, encoding="utf-8")


def _chromium_version() -> str:
    try:
        return subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", help="synthetic graph sizes (default: 500 5000, none with --page)")
    parser.add_argument("--page", type=Path, nargs="+", default=[], metavar="PATH", help="built pages to time (a build's graph.html)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--interleave", action="store_true", help="with --page: load the pages in turn, one load each per round")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "view.md")
    parser.add_argument("--screenshot", nargs=2, type=Path, metavar=("PAGE", "PNG"), help="only save a screenshot of PAGE")
    parser.add_argument("--hover", help="with --screenshot: the node id whose tooltip is open")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        parser.error(f"{CHROMIUM} is missing (apt-get install chromium)")
    if args.screenshot:
        screenshot(*args.screenshot, hover=args.hover)
        print(f"wrote {args.screenshot[1]}")
        return 0
    missing = [str(path) for path in args.page if not path.is_file()]
    if missing:
        parser.error(f"no such page: {', '.join(missing)}")
    sizes = args.sizes if args.sizes is not None else ([] if args.page else [500, 5000])
    command = "python benchmarks/view_load.py" + "".join(" " + shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv))
    sections = {}
    if sizes:
        table = synthetic_table(measure_synthetic(sizes, runs=args.runs))
        print(table)
        sections[SYNTHETIC] = _section(SYNTHETIC, command, args.runs, "per size; synthetic graphs shaped like news "
                                       "(see the script's docstring)", table)
    if args.page:
        table = page_table(measure_pages(args.page, runs=args.runs, interleave=args.interleave))
        print(table)
        sections[BUILT] = _section(BUILT, command, args.runs, "per page; pages written by a build (`graph.html`)", table)
    write_doc(args.out, sections)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

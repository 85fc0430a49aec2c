"""The focus panel of a ``kg view --focus`` page (kg/view_focus.py): a person's posts over time, bodies and
co-members; a body's units, office-holders over time and programmes. The browser test is ``slow`` and drives
``/usr/bin/chromium`` offline, as tests/test_view.py does."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.careers import Observation, Spell
from kg.cli import main
from kg.view import load_graph, neighbourhood, render_html
from kg.view_focus import focus_panel, focus_panel_html

EVIL = "<img src=x onerror=alert(1)>"
NEWS = [
    {"id": "pd-1", "date": "2021-03-05", "title": "任免", "source": "成都日报",
     "text": "3月2日，郫都区人大常委会会议任命杨帆为郫都区公安局局长，免去李刚的郫都区公安局局长职务。"},
    {"id": "pd-2", "date": "2022-01-10", "title": "会议", "source": "成都日报",
     "text": "郫都区公安局副局长王刚出席会议。郫都区公安局犀浦派出所所长赵磊介绍情况。"},
    {"id": "pd-3", "date": "2024-05-10", "title": "纪律审查", "source": "成都日报", "text": "郫都区公安局原局长杨帆接受纪律审查和监察调查。"},
    {"id": "pd-4", "date": "2023-02-01", "title": "工作", "source": "成都日报", "text": "郫都区公安局开展“净网行动”专项行动。"},
]


@pytest.fixture(scope="module")
def build_dir(news_build) -> Path:
    return news_build(NEWS, "focus")


@pytest.fixture(scope="module")
def graph(build_dir: Path) -> nx.MultiDiGraph:
    return load_graph(build_dir)


def _panel(graph: nx.MultiDiGraph, name: str) -> dict:
    sub, centre = neighbourhood(graph, name)
    return focus_panel(sub, centre)


def test_a_persons_panel_has_their_posts_over_time_their_bodies_and_who_else_held_posts_there(graph: nx.MultiDiGraph) -> None:
    panel = _panel(graph, "杨帆")
    assert (panel["kind"], panel["id"], panel["name"]) == ("PER", "per:杨帆", "杨帆")
    assert panel["career"] == [{"status": "former", "title": "局长", "body": "郫都区公安局", "bodyId": "org:郫都区公安局",
                                "dates": "2021-03-02 – 2024-05-10"}]
    [body] = panel["bodies"]
    assert (body["id"], body["name"], body["titles"]) == ("org:郫都区公安局", "郫都区公安局", ["局长"])
    assert [(h["name"], h["title"], h["status"], h["dates"]) for h in body["others"]] == [
        ("李刚", "局长", "removed", "? – 2021-03-02"), ("王刚", "副局长", "current", "seen 2022-01-10")]
    assert all(h["id"] == f"per:{h['name']}" for h in body["others"])


def test_a_bodys_panel_has_its_units_its_office_holders_over_time_and_its_programmes(graph: nx.MultiDiGraph) -> None:
    panel = _panel(graph, "郫都区公安局")
    assert (panel["kind"], panel["id"]) == ("ORG", "org:郫都区公安局")
    assert panel["units"] == [{"id": "org:犀浦派出所", "name": "犀浦派出所", "units": []}]
    assert [(h["name"], h["title"], h["dates"]) for h in panel["holders"]] == [
        ("李刚", "局长", "? – 2021-03-02"), ("杨帆", "局长", "2021-03-02 – 2024-05-10"), ("王刚", "副局长", "seen 2022-01-10")]
    assert panel["programmes"] == [{"id": "programme:净网行动", "name": "净网行动"}]
    assert _panel(graph, "org:郫都区公安局") == panel  # by id as by name


def test_units_go_two_levels_down_and_no_further() -> None:
    graph = nx.MultiDiGraph()
    for name in ("局", "处", "科", "组"):
        graph.add_node(f"org:{name}", type="ORG", label=name, aliases=[], articles=[])
    for child, parent in (("处", "局"), ("科", "处"), ("组", "科")):
        graph.add_edge(f"org:{child}", f"org:{parent}", relation="PART_OF", evidence=[])
    assert focus_panel(graph, "org:局", [])["units"] == [
        {"id": "org:处", "name": "处", "units": [{"id": "org:科", "name": "科", "units": []}]}]


def test_the_panel_is_on_focus_pages_only_and_its_names_are_text(graph: nx.MultiDiGraph) -> None:
    assert 'id="focus-panel"' not in render_html(graph)
    sub, centre = neighbourhood(graph, "净网行动")
    assert focus_panel(sub, centre) is None and 'id="focus-panel"' not in render_html(sub, focus=centre)
    evil = nx.MultiDiGraph()
    evil.add_node("per:x", type="PER", label=EVIL, aliases=[], articles=[])
    spells = [Spell("per:x", EVIL, "<b>局</b>", "<i>长</i>", "", [Observation("a", "2021-01-01", "current", "", None)]),
              Spell("per:y", "<script>alert(2)</script>", "<b>局</b>", "科长", "", [])]
    html = focus_panel_html(evil, "per:x", spells)
    assert "<img" not in html and "<b>" not in html and "<script>alert" not in html and "&lt;img src=x" in html


def test_kg_view_focus_writes_the_panel(build_dir: Path, tmp_path: Path) -> None:
    for name, kind in (("杨帆", "PER"), ("郫都区公安局", "ORG")):
        out = tmp_path / f"{kind}.html"
        result = CliRunner().invoke(main, ["view", str(build_dir), "--focus", name, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert f'<section id="focus-panel" data-kind="{kind}"' in out.read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_focus_panel_shows_its_lines_offline_and_its_names_select_nodes(chromium_executable: Path, build_dir: Path,
                                                                             tmp_path: Path) -> None:
    from benchmarks.view_load import offline_context

    pages = {}
    for name in ("杨帆", "郫都区公安局"):
        pages[name] = tmp_path / f"{name}.html"
        CliRunner().invoke(main, ["view", str(build_dir), "--focus", name, "--out", str(pages[name])], catch_exceptions=False)
    with offline_context(tmp_path / "profile", args=("--headless",)) as (context, blocked):
        page = context.new_page()
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        def lines(path: Path) -> list[str]:
            page.goto(path.as_uri())
            page.wait_for_function("window.govkg && window.govkg.ready", timeout=60_000)
            return page.evaluate("""() => [...document.querySelectorAll('#focus-panel h3, #focus-panel li')]
                                    .map((e) => e.textContent.replace(/\\s+/g, ' ').trim())""")

        assert lines(pages["杨帆"]) == [
            "Posts over time (1)", "2021-03-02 – 2024-05-10 · former 局长 · 郫都区公安局",
            "Bodies and who else held posts there", "李刚 局长 ? – 2021-03-02 · removed", "王刚 副局长 seen 2022-01-10 · current"]
        page.click("#focus-panel button[data-node='per:王刚']")
        assert page.evaluate("govkg.highlighted()[0]") == "per:王刚"
        assert lines(pages["郫都区公安局"]) == [
            "Units (1)", "犀浦派出所", "Office-holders over time (3)", "李刚 局长 ? – 2021-03-02 · removed",
            "杨帆 局长 2021-03-02 – 2024-05-10 · former", "王刚 副局长 seen 2022-01-10 · current", "Programmes (1)", "净网行动"]
        assert page.is_visible("#focus-panel")
        assert requests == [pages["杨帆"].as_uri(), pages["郫都区公安局"].as_uri()] and not blocked and not errors

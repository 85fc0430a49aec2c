"""`kg build --add`: articles added to a build give the files a build of all of them gives, without
reading the earlier articles again, and fall back to assembling every record where they cannot."""

from __future__ import annotations

import os
import pickle
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import state
from kg.build import build
from kg.cli import main
from kg.manifest import EXTRACTIONS, MANIFEST, digest, load

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
#: Files compared byte for byte; graph.sqlite is compared table by table.
WHOLE_FILES = ("extractions.jsonl", "graph.nq", "graph.trig", "graph.nt", "graph.ttl", "graph.jsonld", "graph.gexf",
               "graph.graphml", "people.gexf", "graph.html")


def _inputs(folder: Path, *texts: Path | tuple[str, str]) -> Path:
    """A folder holding the seed files and (name, text) articles given, named as its build reads it: by its
    name alone (the builds run beside it), so that two builds' records name the same sources."""
    folder.mkdir(parents=True, exist_ok=True)
    for item in texts:
        if isinstance(item, Path):
            shutil.copy(item, folder / item.name)
        else:
            (folder / item[0]).write_text(item[1], encoding="utf-8")
    return Path(folder.name)


@pytest.fixture(autouse=True)
def _beside_the_inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _tables(path: Path) -> dict[str, list[str]]:
    with sqlite3.connect(path) as db:
        names = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts_%'")]
        return {name: sorted(map(repr, db.execute(f'SELECT * FROM "{name}"'))) for name in names}


def _assert_same_build(added: Path, whole: Path) -> None:
    for name in WHOLE_FILES:
        assert (added / name).read_bytes() == (whole / name).read_bytes(), name
    for table in (whole / "tables").iterdir():
        assert (added / "tables" / table.name).read_bytes() == table.read_bytes(), table.name
    assert _tables(added / "graph.sqlite") == _tables(whole / "graph.sqlite")


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds built at once, rules only."""
    out = tmp_path_factory.mktemp("whole") / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(out.parent)
        build([_inputs(out.parent / "first", *SEEDS[:3]), _inputs(out.parent / "then", *SEEDS[3:])], out, ner=False)
    return out


def test_articles_added_to_a_build_give_the_files_a_build_of_all_of_them_gives(whole: Path, tmp_path: Path) -> None:
    first = _inputs(tmp_path / "first", *SEEDS[:3])
    out = tmp_path / "out"
    build([first], out, ner=False)
    shutil.rmtree(tmp_path / first)  # the earlier articles are not read again
    report = build([_inputs(tmp_path / "then", *SEEDS[3:])], out, ner=False, add=True)
    assert report.articles == 2 and not report.notes and not report.problems
    _assert_same_build(out, whole)
    assert load(out).starts == load(whole).starts and load(out).starts["graph.nq"] > 0


def test_a_fast_update_writes_the_appendable_files_and_names_the_others_stale(whole: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([_inputs(tmp_path / "first", *SEEDS[:3])], out, ner=False)
    report = build([_inputs(tmp_path / "then", *SEEDS[3:])], out, ner=False, add=True,
                   formats=("trig", "nq", "tables", "sqlite"))
    assert report.stale == ["graph.gexf", "graph.graphml", "graph.html", "graph.jsonld", "graph.nt", "graph.ttl", "people.gexf"]
    for name in ("extractions.jsonl", "graph.nq", "graph.trig"):
        assert (out / name).read_bytes() == (whole / name).read_bytes(), name
    assert _tables(out / "graph.sqlite") == _tables(whole / "graph.sqlite")


def test_after_a_fast_update_kg_export_writes_the_stale_files_as_one_build_of_all_would(whole: Path, tmp_path: Path) -> None:
    from kg.export import export

    out = tmp_path / "out"
    build([_inputs(tmp_path / "first", *SEEDS[:3])], out, ner=False)
    build([_inputs(tmp_path / "then", *SEEDS[3:])], out, ner=False, add=True, formats=("trig", "nq", "tables", "sqlite"))
    assert export(out) == ["graph.ttl", "graph.nt", "graph.jsonld", "graph.gexf", "graph.graphml", "people.gexf", "graph.html"]
    _assert_same_build(out, whole)


def test_an_article_already_in_the_build_is_not_added_again(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([_inputs(tmp_path / "first", *SEEDS[:2])], out, ner=False)
    before = (out / EXTRACTIONS).read_text(encoding="utf-8")
    report = build([_inputs(tmp_path / "then", SEEDS[1], SEEDS[2])], out, ner=False, add=True)
    assert report.articles == 1 and not report.problems and report.already == [SEEDS[1].name]
    assert report.notes == [f"1 article(s) already in this build, not added again: {SEEDS[1].name}"]
    assert (out / EXTRACTIONS).read_text(encoding="utf-8").startswith(before)


def test_the_grown_folder_can_be_given_again_its_unchanged_files_passed_over_unread(tmp_path: Path) -> None:
    """The folder a build was made from, with more articles in it since: those it holds come neither from
    their files nor from the cache, and one note says so."""
    folder, out, whole = _inputs(tmp_path / "corpus", *SEEDS[:3]), tmp_path / "out", tmp_path / "whole"
    _written_a_minute_ago(tmp_path / folder, SEEDS[:3])  # not changed "racily" close to a build (kg.unchanged)
    build([folder], out, ner=False)
    _inputs(tmp_path / "corpus", *SEEDS[3:])
    _written_a_minute_ago(tmp_path / folder, SEEDS[3:])
    report = build([folder], out, ner=False, add=True)
    assert (report.articles, report.cached, report.problems) == (2, 0, [])
    assert sorted(report.already) == [seed.name for seed in SEEDS[:3]]
    assert report.notes == [f"3 article(s) already in this build, not added again: {', '.join(report.already)}"]
    build([folder], whole, ner=False)
    _assert_same_build(out, whole)
    again = build([folder], out, ner=False, add=True)  # nothing new: nothing written, and not an error
    assert (again.articles, again.cached, len(again.already)) == (0, 0, 5)
    _assert_same_build(out, whole)


def test_files_listed_unchanged_stay_listed_after_articles_are_added_from_elsewhere(tmp_path: Path) -> None:
    folder, out = _inputs(tmp_path / "corpus", *SEEDS[:3]), tmp_path / "out"
    _written_a_minute_ago(tmp_path / folder, SEEDS[:3])
    build([folder], out, ner=False)
    build([_inputs(tmp_path / "then", SEEDS[3])], out, ner=False, add=True)
    again = build([folder], out, ner=False, add=True)
    assert (again.articles, again.cached, len(again.already)) == (0, 0, 3)


def _written_a_minute_ago(folder: Path, seeds: list[Path]) -> None:
    for seed in seeds:
        path = folder / seed.name
        os.utime(path, (path.stat().st_atime, path.stat().st_mtime - 60))


def test_kg_build_add_with_nothing_new_says_so_and_succeeds(tmp_path: Path) -> None:
    folder, out = _inputs(tmp_path / "corpus", *SEEDS[:2]), tmp_path / "out"
    build([folder], out, ner=False)
    result = CliRunner().invoke(main, ["build", str(folder), "--out", str(out), "--no-ner", "--add"])
    assert result.exit_code == 0, result.output
    assert f"2 article(s) already in this build, not added again: {SEEDS[0].name}, {SEEDS[1].name}" in result.output


def test_adding_to_a_folder_with_no_build_builds_it(tmp_path: Path) -> None:
    report = build([_inputs(tmp_path / "first", *SEEDS[:2])], tmp_path / "out", ner=False, add=True)
    assert report.articles == 2 and not report.notes and (tmp_path / "out" / state.STATE).is_file()


def test_the_earlier_build_is_read_once_the_inputs_are_while_their_articles_are_extracted(tmp_path: Path) -> None:
    from kg.build import extract_articles

    read: list[int] = []
    outcomes = extract_articles([_inputs(tmp_path / "first", *SEEDS)], ner=False, then=lambda: read.append(len(read)))
    first = next(outcomes)
    assert read == [0] and first.doc == SEEDS[0].name  # every input read before the first outcome is in
    assert len([first, *outcomes]) == 5 and read == [0]  # and only once


def _kept(folder: Path) -> state.State:
    found = state.load(folder)
    assert isinstance(found, state.State), found
    return found


def _assert_same_corpus(kept: state.State, whole: state.State) -> None:
    """Two kept states hold one corpus: the graph's nodes and edges in one order, each with its data in one
    order; the same persons, spells, ties and groups."""
    def graph(kept: state.State) -> list:
        g = kept.corpus.graph
        return [[(n, list(d.items())) for n, d in g.nodes(data=True)],
                [(u, v, k, list(d.items())) for u, v, k, d in g.edges(keys=True, data=True)], [list(g.pred[n]) for n in g]]

    assert graph(kept) == graph(whole)
    assert kept.corpus.identities == whole.corpus.identities
    assert (kept.corpus.spells, kept.corpus.ties, kept.groups) == (whole.corpus.spells, whole.corpus.ties, whole.groups)


def test_articles_added_are_appended_to_the_kept_state_which_reads_as_one_build_of_all_of_them(
        whole: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(state, "ADDED_SHARE", 10.0)  # the seeds' additions are large beside their corpus
    out = tmp_path / "out"
    build([_inputs(tmp_path / "first", *SEEDS[:3])], out, ner=False)
    earlier = (out / state.STATE).read_bytes()
    for seed in SEEDS[3:]:  # one at a time, from the folder the whole build read them from
        shutil.rmtree(tmp_path / "then", ignore_errors=True)
        assert not build([_inputs(tmp_path / "then", seed)], out, ner=False, add=True).notes
    kept = _kept(out)
    assert (out / state.STATE).read_bytes().startswith(earlier) and kept.read_bytes == (len(earlier), kept.read_bytes[1])
    assert kept.read_bytes[1] > 0 and kept.matches(digest(out / EXTRACTIONS), kept.version, [])
    _assert_same_corpus(kept, _kept(whole))
    _assert_same_build(out, whole)


def test_once_the_additions_outgrow_their_share_of_the_state_it_is_written_whole(
        whole: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(state, "ADDED_SHARE", 0.0)
    out = tmp_path / "out"
    build([_inputs(tmp_path / "first", *SEEDS[:3])], out, ner=False)
    build([_inputs(tmp_path / "then", *SEEDS[3:])], out, ner=False, add=True)
    kept = _kept(out)
    assert kept.read_bytes == ((out / state.STATE).stat().st_size, 0)
    _assert_same_corpus(kept, _kept(whole))


# Two reports of one name as party secretary of two cities: the second makes the first a person of its own city.
ZHUZHOU = ("a.txt", "标题：株洲市召开会议\n日期：2024-03-01\n\n3月1日，株洲市委书记王建国主持召开市委常委会会议。\n")
XIANGTAN = ("b.txt", "标题：湘潭市召开会议\n日期：2024-04-01\n\n4月1日，湘潭市委书记王建国主持召开市委常委会会议。\n")


def test_when_a_new_article_changes_who_is_who_every_record_is_assembled_again(tmp_path: Path) -> None:
    out, whole = tmp_path / "out", tmp_path / "whole"
    first, then = _inputs(tmp_path / "first", SEEDS[0], ZHUZHOU), _inputs(tmp_path / "then", XIANGTAN)
    build([first], out, ner=False)
    assert "per/王建国," in (out / "tables" / "persons.csv").read_text(encoding="utf-8")
    report = build([then], out, ner=False, add=True, formats=("nq", "trig", "tables", "sqlite"))
    assert report.notes == ["added by assembling every record again: who is who changed for articles it holds"]
    build([first, then], whole, ner=False)
    assert "per/王建国@株洲市" in (whole / "tables" / "persons.csv").read_text(encoding="utf-8")
    for name in ("extractions.jsonl", "graph.nq", "graph.trig"):
        assert (out / name).read_bytes() == (whole / name).read_bytes(), name
    for table in (whole / "tables").iterdir():
        assert (out / "tables" / table.name).read_bytes() == table.read_bytes(), table.name


class _Planted:
    """A pickle that would run a command when loaded."""

    def __reduce__(self) -> tuple:
        return os.system, ("touch planted",)


def test_a_state_planted_in_the_folder_runs_nothing_and_the_records_are_assembled_instead(whole: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([_inputs(tmp_path / "first", *SEEDS[:3])], out, ner=False)
    (out / state.STATE).write_bytes(pickle.dumps(_Planted()))
    report = build([_inputs(tmp_path / "then", *SEEDS[3:])], out, ner=False, add=True)
    assert not (tmp_path / "planted").exists()
    assert report.notes and "system is not a class a state holds" in report.notes[0]
    _assert_same_build(out, whole)


def test_an_addition_planted_after_the_state_runs_nothing_either(whole: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([_inputs(tmp_path / "first", *SEEDS[:3])], out, ner=False)
    with open(out / state.STATE, "ab") as kept:
        kept.write(pickle.dumps(_Planted()))
    report = build([_inputs(tmp_path / "then", *SEEDS[3:])], out, ner=False, add=True)
    assert not (tmp_path / "planted").exists()
    assert report.notes and "system is not a class a state holds" in report.notes[0]
    _assert_same_build(out, whole)


def test_a_state_is_not_used_once_the_extractions_it_was_made_from_have_changed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([_inputs(tmp_path / "first", *SEEDS[:3])], out, ner=False)
    lines = (out / EXTRACTIONS).read_text(encoding="utf-8").splitlines(keepends=True)
    (out / EXTRACTIONS).write_text("".join(lines[:2]), encoding="utf-8")  # a user kept two articles
    report = build([_inputs(tmp_path / "then", *SEEDS[3:])], out, ner=False, add=True)
    assert report.notes == ["added by assembling every record again: "
                            "its state was made from other extractions, by another version or with other decisions"]
    assert len((out / EXTRACTIONS).read_text(encoding="utf-8").splitlines()) == 4


def test_files_the_earlier_build_left_stale_are_not_added_to(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([_inputs(tmp_path / "first", *SEEDS[:3])], out, ner=False, formats=("nq",))
    report = build([_inputs(tmp_path / "then", *SEEDS[3:])], out, ner=False, add=True, formats=("nq", "tables"))
    assert report.notes == ["added by assembling every record again: not current there: tables"]
    assert len((out / "tables" / "articles.csv").read_text(encoding="utf-8").splitlines()) == 1 + 5


def test_a_trig_file_left_stale_is_not_copied_from(whole: Path, tmp_path: Path) -> None:
    first, then = _inputs(tmp_path / "first", *SEEDS[:3]), _inputs(tmp_path / "then", *SEEDS[3:4])
    out = tmp_path / "out"
    build([first], out, ner=False, formats=("trig", "nq"))
    build([first, then], out, ner=False, formats=("nq",))  # graph.trig now stale: it lacks the fourth article
    report = build([_inputs(tmp_path / "last", *SEEDS[4:])], out, ner=False, add=True, formats=("trig", "nq"))
    assert not report.notes and not report.stale
    assert _quads(out / "graph.trig") == _quads(out / "graph.nq")


def _quads(path: Path) -> set[str]:
    """The quads of an RDF dataset file, as pyoxigraph reads them."""
    import pyoxigraph as ox

    kind = ox.RdfFormat.TRIG if path.suffix == ".trig" else ox.RdfFormat.N_QUADS
    return {str(quad) for quad in ox.parse(path=str(path), format=kind)}


def test_kg_build_add_writes_the_appendable_files_by_default(tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(_inputs(tmp_path / "first", *SEEDS[:3])), "--out", str(out), "--no-ner"]).exit_code == 0
    result = runner.invoke(main, ["build", str(_inputs(tmp_path / "then", *SEEDS[3:])), "--out", str(out), "--no-ner", "--add"])
    assert result.exit_code == 0, result.output
    assert "kept from an earlier build, now stale: graph.gexf, graph.graphml, graph.html" in result.output
    assert MANIFEST in os.listdir(out) and len((out / EXTRACTIONS).read_text(encoding="utf-8").splitlines()) == 5


@pytest.mark.slow
def test_generated_articles_added_in_turns_give_the_files_of_one_build_of_all_of_them(tmp_path: Path) -> None:
    """Three hundred articles of the scale benchmark's generator, added 150, 140 and 10 at a time: new
    bodies, places, papers and spells of persons already known, and the default graph made from the
    earlier one each time."""
    from benchmarks import corpus

    parts = []
    for number, (start, count) in enumerate(((0, 150), (150, 140), (290, 10))):
        folder = tmp_path / f"part{number}"
        folder.mkdir()
        for name, text in corpus.generate(count, seed=3, start=start):
            (folder / name).write_text(text, encoding="utf-8")
        parts.append(Path(folder.name))
    out, whole = tmp_path / "out", tmp_path / "whole"
    build(parts[:1], out, ner=False)
    notes = [build([part], out, ner=False, add=True, formats=("nq", "trig", "tables", "sqlite")).notes for part in parts[1:]]
    assert notes == [[], []]  # added, not assembled again
    build(parts, whole, ner=False)
    for name in ("extractions.jsonl", "graph.nq", "graph.trig"):
        assert (out / name).read_bytes() == (whole / name).read_bytes(), name
    for table in (whole / "tables").iterdir():
        assert (out / "tables" / table.name).read_bytes() == table.read_bytes(), table.name
    assert _tables(out / "graph.sqlite") == _tables(whole / "graph.sqlite")

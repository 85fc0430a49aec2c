"""Specification of ``kg build --meta FILE.csv``: a researcher's dates and sources for the articles.

The CSV names each article by ``file`` (as the input gives it, or its last
parts) or ``id`` (a JSONL record), gives its ``date`` and optionally its
``source``. Its date wins over the page header's, the record's and the file
name's; its source fills the newspaper only where the article names none.
Bad rows are reported by file and line and the run goes on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.build import build
from kg.cli import main
from kg.corpus import read_articles, read_meta
from kg.records import Article, Problem

PAGE = "株洲日报 A3\n\n## 天元区推进市域社会治理现代化\n\n记者/周圆\n\n天元区委书记张三在会上指出，要把平安建设摆在更加突出的位置。\n"
HEADED = "株洲日报 A3\n\n电话:22593799 | 2021年11月24日 星期三 责任编辑:齐卫国\n\n" + PAGE.split("\n\n", 1)[1]
BARE = "天元区推进市域社会治理现代化。天元区委书记张三在会上指出，要把平安建设摆在更加突出的位置。\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def read(inputs: list[Path], meta: Path) -> tuple[dict[str, Article], list[Problem]]:
    items = list(read_articles(inputs, meta=meta))
    return ({a.doc: a for a in items if isinstance(a, Article)}, [p for p in items if isinstance(p, Problem)])


def said(problems: list[Problem]) -> list[str]:
    return [f"{p.source}: {p.problem}" for p in problems]


def test_a_csv_date_wins_over_the_page_header_and_the_file_name(tmp_path):
    papers = tmp_path / "papers"
    write(papers / "2021-11-20_天元区.txt", HEADED)
    meta = write(tmp_path / "dates.csv", "file,date\n2021-11-20_天元区.txt,2021-11-25\n")
    articles, problems = read([papers], meta)
    assert articles["2021-11-20_天元区.txt"].date == "2021-11-25"
    assert problems == []


def test_a_file_is_named_by_its_path_as_given_or_by_its_last_parts(tmp_path):
    folder = tmp_path / "株洲日报"
    for name in ("一版/a.txt", "二版/b.txt", "三版/c.txt", "四版/d.txt"):
        write(folder / name, BARE)
    meta = write(tmp_path / "dates.csv", f"file,date\n二版/b.txt,2021-11-02\nc.txt,2021-11-03\n"
                                         f"{folder / '四版' / 'd.txt'},2021-11-04\n一版/b.txt,2021-11-05\n")
    articles, problems = read([folder], meta)
    assert {doc: a.date for doc, a in articles.items()} == {
        "a.txt": "", "b.txt": "2021-11-02", "c.txt": "2021-11-03", "d.txt": "2021-11-04"}
    assert said(problems) == [f"{meta}: 1 entry named no article of the input: line 5 (file '一版/b.txt')"]


def test_a_jsonl_record_is_named_by_its_id_and_a_source_fills_only_a_missing_newspaper(tmp_path):
    records = [{"id": "zzrb-20211124-03", "date": "2021-11-24", "source": "株洲日报", "text": BARE},
               {"id": "xwlb-0925", "text": BARE}]
    news = write(tmp_path / "news.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    meta = write(tmp_path / "meta.csv", "id,date,source\nzzrb-20211124-03,2021年11月23日,湖南日报\n"
                                        "xwlb-0925,20220925,cctv-xwlb\n")
    articles, problems = read([news], meta)
    assert (articles["zzrb-20211124-03"].date, articles["zzrb-20211124-03"].newspaper) == ("2021-11-23", "株洲日报")
    assert (articles["xwlb-0925"].date, articles["xwlb-0925"].newspaper) == ("2022-09-25", "cctv-xwlb")
    assert problems == []


def test_a_row_with_file_and_id_names_that_record_of_that_file(tmp_path):
    record = json.dumps({"id": "a1", "text": BARE}, ensure_ascii=False) + "\n"
    write(tmp_path / "2021" / "news.jsonl", record)
    write(tmp_path / "2022" / "news.jsonl", record.replace("a1", "a2"))
    meta = write(tmp_path / "meta.csv", "file,id,date\n2021/news.jsonl,a1,2021-03-01\n2022/news.jsonl,a1,2022-03-01\n")
    articles, problems = read([tmp_path / "2021", tmp_path / "2022"], meta)
    assert (articles["a1"].date, articles["a2"].date) == ("2021-03-01", "")
    assert said(problems) == [f"{meta}: 1 entry named no article of the input: line 3 (file '2022/news.jsonl' id 'a1')"]


def test_bad_rows_are_reported_by_line_and_the_good_ones_still_apply(tmp_path):
    write(tmp_path / "papers" / "a.txt", BARE)
    write(tmp_path / "papers" / "b.txt", BARE)
    meta = write(tmp_path / "meta.csv", "\ufefffile,date,source\n"
                                        "a.txt,2021-02-30,\n"
                                        ",2021-11-24,株洲日报\n"
                                        "news.jsonl,2021-11-24,\n"
                                        "b.txt,,\n"
                                        "b.txt,1900-01-01,\n"
                                        "\n"
                                        "b.txt,2021-11-24,株洲日报\n"
                                        "./b.txt,2021-11-25,\n")
    articles, problems = read([tmp_path / "papers"], meta)
    assert (articles["a.txt"].date, articles["b.txt"].date, articles["b.txt"].newspaper) == ("", "2021-11-24", "株洲日报")
    assert said(problems) == [
        f"{meta}:2: date '2021-02-30' is not a date between 1949 and 2100 (write 2021-11-24): row skipped",
        f"{meta}:3: names no article (file or id is empty): row skipped",
        f"{meta}:4: file 'news.jsonl' is a JSONL file, not an article: give the record's id: row skipped",
        f"{meta}:5: gives neither date nor source: row skipped",
        f"{meta}:6: date '1900-01-01' is not a date between 1949 and 2100 (write 2021-11-24): row skipped",
        f"{meta}:9: file './b.txt' already given on line 8: row skipped",
    ]


def test_entries_naming_no_article_are_one_warning_at_the_end(tmp_path):
    write(tmp_path / "papers" / "a.txt", BARE)
    rows = "".join(f"缺失{n:02}.txt,2021-11-{n:02}\n" for n in range(1, 13))
    meta = write(tmp_path / "meta.csv", "file,date\na.txt,2021-11-24\n" + rows)
    items = list(read_articles([tmp_path / "papers"], meta=meta))
    assert isinstance(items[0], Article) and items[0].date == "2021-11-24"
    assert len(items) == 2
    assert items[-1].source == str(meta)
    assert items[-1].problem.startswith("12 entries named no article of the input: line 3 (file '缺失01.txt'), ")
    assert items[-1].problem.endswith("line 12 (file '缺失10.txt') and 2 more")


def test_a_file_that_is_no_csv_is_one_problem_and_the_articles_are_read(tmp_path):
    write(tmp_path / "papers" / "a.txt", BARE)
    cases = {
        "notes.csv": ("这些文章的日期我还没有核对完。\n", "notes.csv:1: the header names '这些文章的日期我还没有核对完。', "
                      "not file or id, date and optionally source (is this a CSV?): no --meta entry read"),
        "no-date.csv": ("file,source\na.txt,株洲日报\n", "no-date.csv:1: the header names 'file', 'source', "
                        "not file or id, date and optionally source (is this a CSV?): no --meta entry read"),
        "empty.csv": ("", "empty.csv: empty file: no --meta entry read"),
    }
    for name, (text, message) in cases.items():
        meta = write(tmp_path / name, text)
        articles, problems = read([tmp_path / "papers"], meta)
        assert list(articles) == ["a.txt"]
        assert said(problems) == [f"{tmp_path}/{message}"]


def test_a_binary_or_undecodable_file_is_refused_with_the_reason(tmp_path):
    write(tmp_path / "a.txt", BARE)
    (tmp_path / "dates.xlsx.csv").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    (tmp_path / "mixed.csv").write_bytes("file,date\n".encode() + b"\xff\xfe\x80" * 50 + "a.txt,2021-11-24\n".encode())
    assert said(read_meta(tmp_path / "dates.xlsx.csv").problems) == [
        f"{tmp_path}/dates.xlsx.csv: binary file, not text (ZIP archive or Office document): no --meta entry read"]
    [problem] = read_meta(tmp_path / "mixed.csv").problems
    assert problem.problem.startswith("cannot decode as utf-8, gb18030 or cp950")


def test_a_csv_saved_by_chinese_excel_in_gbk_is_read(tmp_path):
    write(tmp_path / "株洲日报_天元区.txt", BARE)
    meta = write(tmp_path / "日期.csv", "file,date,source\n株洲日报_天元区.txt,2021年11月24日,株洲日报\n", "gb18030")
    articles, problems = read([tmp_path / "株洲日报_天元区.txt"], meta)
    assert (articles["株洲日报_天元区.txt"].date, articles["株洲日报_天元区.txt"].newspaper) == ("2021-11-24", "株洲日报")
    assert problems == []


def test_a_quoting_error_stops_the_csv_there_and_keeps_the_rows_before(tmp_path):
    write(tmp_path / "a.txt", BARE)
    meta = write(tmp_path / "meta.csv", f'file,date\na.txt,2021-11-24\nb.txt,"{"长" * 200_000}"\n')
    articles, problems = read([tmp_path / "a.txt"], meta)
    assert articles["a.txt"].date == "2021-11-24"
    assert said(problems)[0].startswith(f"{meta}:3: not CSV (field larger than field limit")


@pytest.mark.slow
def test_a_changed_date_is_extracted_again_not_taken_from_the_cache(tmp_path):
    paper = write(tmp_path / "papers" / "天元区.txt", HEADED)
    out = tmp_path / "out"
    assert build([paper], out, ner=False).cached == 0
    assert build([paper], out, ner=False).cached == 1
    meta = write(tmp_path / "meta.csv", "file,date\n天元区.txt,2021-11-26\n")
    report = build([paper], out, ner=False, meta=meta)
    assert (report.articles, report.cached, report.problems) == (1, 0, [])
    [line] = (out / "extractions.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["meta"]["date"] == "2021-11-26"


def test_kg_build_meta_reports_bad_rows_and_goes_on(tmp_path):
    paper = write(tmp_path / "papers" / "天元区.txt", BARE)
    meta = write(tmp_path / "meta.csv", "file,date\n天元区.txt,2021-11-24\n北湖区.txt,昨天\n")
    result = CliRunner().invoke(main, ["build", str(paper), "--out", str(tmp_path / "out"), "--no-ner",
                                       "--meta", str(meta)])
    assert result.exit_code == 0, result.output
    assert f"warning: {meta}:3: date '昨天' is not a date between 1949 and 2100" in result.output
    [line] = (tmp_path / "out" / "extractions.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["meta"]["date"] == "2021-11-24"

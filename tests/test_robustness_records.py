"""Hostile records and names: each bad JSONL line gets one clear message and the rest is read;
a date that is no date never reaches the graph; a repeated id is never merged silently;
a file name that is not UTF-8 is read and shown safely."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kg.build import build
from kg.corpus import read_articles
from kg.records import Article, Problem

SENTENCE = "炎陵县公安局沔渡派出所所长钟平熊获评“全国优秀人民警察”。"


def records(tmp_path: Path, *lines: str) -> list[Article | Problem]:
    path = tmp_path / "dump.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return list(read_articles([path]))


def record(**fields: object) -> str:
    return json.dumps({"text": SENTENCE, **fields}, ensure_ascii=False)


def problems(items: list[Article | Problem]) -> list[str]:
    return [item.problem for item in items if isinstance(item, Problem)]


def articles(items: list[Article | Problem]) -> list[Article]:
    return [item for item in items if isinstance(item, Article)]


@pytest.mark.parametrize(("line", "message"), [
    ("[" * 100_000, "line 1 nests arrays or objects too deeply to read"),
    ('{"text": "正文", "n": ' + "9" * 5_000 + "}", "line 1 cannot be read: Exceeds the limit"),
    ('{"text": ' + "[" * 5_000 + "]" * 5_000 + "}", "line 1 nests arrays or objects too deeply to read"),
    ('{"text": {"a": 1}}', 'line 1 has no non-empty "text"'),
])
def test_a_line_that_cannot_be_a_record_is_skipped_with_one_message(tmp_path: Path, line: str, message: str) -> None:
    bad, good = records(tmp_path, line, record(id="a2"))
    assert isinstance(bad, Problem) and bad.source.endswith("dump.jsonl:1") and bad.problem.startswith(message)
    assert good.doc == "a2"


def test_a_lone_surrogate_is_replaced_one_for_one_and_reported(tmp_path: Path) -> None:
    items = records(tmp_path, '{"id": "s1", "title": "\\udfff标题", "text": "\\ud800' + SENTENCE + '"}')
    [article] = articles(items)
    assert article.text == "\ufffd" + SENTENCE and article.title == "\ufffd标题"
    assert problems(items) == ['line 1: 1 lone surrogate in "text" replaced by U+FFFD; '
                               '1 lone surrogate in "title" replaced by U+FFFD']


@pytest.mark.parametrize(("date", "note"), [
    ({"x": 1}, '"date" is an object, not a string: left out'),
    (1e308, '"date" is a number, not a string: left out'),
    ("1e999999", "\"date\" '1e999999' is not a date: left out"),
    ("2021-02-30", "\"date\" '2021-02-30' is not a date: left out"),
])
def test_a_date_that_is_no_date_is_left_out_with_a_note(tmp_path: Path, date: object, note: str) -> None:
    items = records(tmp_path, record(id="d1", date=date))
    [article] = articles(items)
    assert article.date == "" and problems(items) == [f"line 1: {note}"]


def test_a_number_as_id_is_an_id_and_other_fields_must_be_text(tmp_path: Path) -> None:
    items = records(tmp_path, record(id=7, title=["标题"], source="x" * 1_001))
    [article] = articles(items)
    assert (article.doc, article.newspaper) == ("7", "") and "标题" not in article.title
    assert problems(items) == ['line 1: "title" is an array, not a string: left out; '
                               '"source" is 1,001 characters long, over 1,000: left out']


def test_a_repeated_id_is_skipped_with_both_places_named(tmp_path: Path) -> None:
    items = records(tmp_path, record(id="a1"), record(id="a1", title="another"), record(id="a2"))
    assert [a.doc for a in articles(items)] == ["a1", "a2"]
    [problem] = [i for i in items if isinstance(i, Problem)]
    assert problem.problem == f"duplicate id 'a1' (first read from {tmp_path / 'dump.jsonl'}): skipped"


def test_two_files_of_one_name_in_two_folders_are_not_merged(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "news.txt").write_text(SENTENCE, encoding="utf-8")
    items = list(read_articles([tmp_path]))
    assert len(articles(items)) == 1
    assert problems(items) == [f"duplicate id 'news.txt' (first read from {tmp_path / 'a' / 'news.txt'}): skipped"]


def test_a_gbk_file_name_is_read_and_shown_decoded(tmp_path: Path) -> None:
    name = "株洲新闻.txt".encode("gbk")
    path = os.path.join(os.fsencode(tmp_path), name)
    with open(path, "wb") as handle:
        handle.write(SENTENCE.encode("utf-8"))
    [article] = list(read_articles([tmp_path]))
    assert article.doc == "株洲新闻.txt" and article.source == str(tmp_path / "株洲新闻.txt")


def test_a_name_of_undecodable_bytes_is_shown_escaped_and_the_build_writes_everything(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"\xff\xfe\x80.txt"), "wb") as handle:
        handle.write(SENTENCE.encode("utf-8"))
    [article] = list(read_articles([folder]))
    assert article.doc == "\\xff\\xfe\\x80.txt"
    result = build([folder], tmp_path / "out", jobs=1)
    assert result.articles == 1
    [line] = (tmp_path / "out" / "extractions.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["doc"] == "\\xff\\xfe\\x80.txt"

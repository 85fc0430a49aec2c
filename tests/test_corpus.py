"""Specification of ``kg.corpus`` reading files: decoding, JSONL records, folders, and the seed articles read whole.

The page header and bylines are specified in ``test_corpus_header.py``, the
paragraphs in ``test_corpus_layout.py``, hostile inputs in ``test_robustness.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.corpus import normalize_newlines, parse_article, read_articles, read_text_file
from kg.errors import InputError
from kg.records import Article, Problem

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SEED_NAMES = sorted(path.name for path in SEEDS.glob("*.txt"))


def credits(article: Article) -> list[tuple[str, str]]:
    return [(byline.role, byline.name) for byline in article.bylines]


def one(results: list[Article | Problem]) -> Article | Problem:
    assert len(results) == 1, results
    return results[0]


# -- decoding ----------------------------------------------------------------


def test_utf8_bom_is_dropped_and_offsets_stay_right(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + (SEEDS / SEED_NAMES[0]).read_bytes())
    article = read_text_file(path)
    assert article.encoding == "utf-8-sig"
    assert not article.text.startswith("\ufeff")
    assert credits(article)[3] == ("reporter", "周圆")
    assert all(article.text[b.start : b.end] == b.name for b in article.bylines)


def test_gb18030_file(tmp_path, seeds):
    path = tmp_path / "gb.txt"
    path.write_bytes(seeds["001"].text.encode("gb18030"))
    article = read_text_file(path)
    assert article.encoding == "gb18030"
    assert article.text == seeds["001"].text
    assert credits(article) == credits(seeds["001"])


def test_carriage_returns_become_newlines():
    article = parse_article("x.txt", "标题\r\n\r\n记者/周圆\r正文。\r\n", "x.txt")
    assert article.text == "标题\n\n记者/周圆\n正文。\n"
    assert article.text[article.bylines[0].start : article.bylines[0].end] == "周圆"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty file"),
        (b" \n\t\r\n\xe3\x80\x80\n", "empty file (whitespace only)"),
        (b"\xef\xbb\xbf", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file, not text (PNG image)"),
        ("记者/周圆\n".encode() * 20 + b"\x00", "binary file, not text"),
        (bytes(range(1, 9)) * 50, "binary file, not text"),
        (b"abc \xff\xff def\n", "cannot decode as utf-8, gb18030 or cp950"),
    ],
)
def test_unreadable_files_give_problems(tmp_path, data, problem):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    assert one(list(read_articles([path]))) == Problem(str(path), problem)
    with pytest.raises(InputError, match=re.escape(problem)):
        read_text_file(path)


def test_file_over_the_size_limit(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("记者/周圆\n" * 30, encoding="utf-8")
    problem = one(list(read_articles([path], max_bytes=100)))
    assert isinstance(problem, Problem) and problem.source == str(path)
    assert str(path.stat().st_size) in problem.problem and "limit of 100 bytes" in problem.problem
    assert isinstance(one(list(read_articles([path]))), Article)


# -- inputs ------------------------------------------------------------------


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_jsonl_records(tmp_path):
    good = {"id": "a1", "title": "记者节", "date": "2021年11月8日", "source": "湖南日报", "text": "正文。\n记者/周圆\n"}
    path = write_jsonl(
        tmp_path / "news.jsonl",
        [
            json.dumps(good, ensure_ascii=False),
            "{not json",
            "",
            json.dumps({"id": "a3", "text": "  "}),
            json.dumps({"text": "株洲日报 A3\n\n2021-11-24\n\n# 自己的标题\n"}, ensure_ascii=False),
            json.dumps(["text"]),
        ],
    )
    first, bad, empty, fallback, not_object = read_articles([path])
    assert (first.doc, first.title, first.date, first.newspaper) == ("a1", "记者节", "2021-11-08", "湖南日报")
    assert first.source == str(path)
    assert credits(first) == [("reporter", "周圆")]
    assert bad.source == f"{path}:2" and "line 2 is not valid JSON" in bad.problem
    assert empty == Problem(f"{path}:4", 'line 4 has no non-empty "text"')
    assert (fallback.doc, fallback.title, fallback.date) == ("news.jsonl:5", "自己的标题", "2021-11-24")
    assert (fallback.newspaper, fallback.page) == ("株洲日报", "A3")
    assert not_object == Problem(f"{path}:6", "line 6 is not a JSON object")


@pytest.mark.parametrize(("name", "date"), [
    ("2021-11-24_天元区.txt", "2021-11-24"),
    ("株洲日报_2021_11_24_A3.txt", "2021-11-24"),
    ("rmrb20211124.md", "2021-11-24"),
    ("株洲日报2021年11月24日第3版.html", "2021-11-24"),
    ("19491001.txt", "1949-10-01"),
    ("000_fa77a8a22d1f7229.txt", ""),  # the seeds: a number and a hash
    ("120211124.txt", ""),  # nine digits are no date
    ("19480101.txt", ""),  # before 1949
    ("2021-02-30_天元区.txt", ""),  # no such day
    ("2021-11_24.txt", ""),  # mixed separators
])
def test_a_date_in_the_file_name_dates_an_article_whose_header_gives_none(tmp_path, name, date):
    path = tmp_path / name
    path.write_text("天元区委书记张三在会上指出，要把平安建设摆在更加突出的位置。\n", encoding="utf-8")
    assert read_text_file(path).date == date


def test_the_page_header_date_wins_over_the_file_name(tmp_path):
    path = tmp_path / "2021-11-20_天元区.txt"
    path.write_text("株洲日报 A3\n\n电话:22593799 | 2021年11月24日 星期三 责任编辑:齐卫国\n\n"
                    "天元区委书记张三在会上指出，要把平安建设摆在更加突出的位置。\n", encoding="utf-8")
    assert read_text_file(path).date == "2021-11-24"


def test_a_jsonl_file_name_does_not_date_its_records(tmp_path):
    path = write_jsonl(tmp_path / "crawl-2024-01-05.jsonl", [json.dumps({"id": "a1", "text": "正文。"})])
    assert one(list(read_articles([path]))).date == ""


def test_missing_path(tmp_path):
    missing = tmp_path / "nope.txt"
    assert one(list(read_articles([missing]))) == Problem(str(missing), "no such file or folder")


def test_folder_without_articles(tmp_path):
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")
    (tmp_path / ".hidden.txt").write_text("记者/周圆\n", encoding="utf-8")
    assert one(list(read_articles([str(tmp_path)]))) == Problem(
        str(tmp_path), "no .txt, .md, .jsonl, .html or .htm files; ignored 1 other file (.png 1)"
    )


def test_folders_are_walked_recursively_in_sorted_order(tmp_path):
    for relative in ["b.txt", "a/z.md", "a/b/c.txt", "c.jsonl", "skip.png", ".git/x.txt", "a/.hidden/y.txt"]:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        record = json.dumps({"id": "c-1", "text": "正文。"})
        path.write_text(record if relative.endswith(".jsonl") else f"{relative}\n", encoding="utf-8")
    single = tmp_path / "a" / "z.md"
    *results, ignored, again = read_articles([tmp_path, single])
    assert [r.doc for r in results] == ["c.txt", "z.md", "b.txt", "c-1"]
    assert ignored == Problem(str(tmp_path), "ignored 1 other file (.png 1)")
    assert again == Problem(str(single), f"duplicate id 'z.md' (first read from {single}): skipped")
    assert [r.title for r in results[:3]] == ["a/b/c.txt", "a/z.md", "b.txt"]
    assert results[0].source == str(tmp_path / "a" / "b" / "c.txt")


def test_the_seed_folder(seeds):
    results = list(read_articles([SEEDS]))
    assert [r.doc for r in results] == SEED_NAMES
    assert results == [seeds[name[:3]] for name in SEED_NAMES]


def test_read_text_file_raises_for_a_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        read_text_file(tmp_path / "missing.txt")


# -- properties --------------------------------------------------------------


@given(st.text(alphabet=st.sampled_from(list("记者通讯员摄影供图/ 周圆马杰株洲日报A3,。#\n\r\t2021年11月24日")), max_size=200))
def test_any_text_parses_with_offsets_in_range(text):
    article = parse_article("x.txt", text, "x.txt")
    assert normalize_newlines(article.text) == article.text
    for byline in article.bylines:
        assert article.text[byline.start : byline.end] == byline.name
    for paragraph in article.paragraphs:
        for start, end in paragraph.pieces:
            assert 0 <= start < end <= len(article.text)

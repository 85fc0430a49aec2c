"""The input matrix of a real-world dump: every bad input gives a ``Problem`` or is read.

One test per case (docs/robustness.md lists them with what the tool does),
then a whole dump with one of each through ``kg.build.build``.
"""

from __future__ import annotations

import errno
import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg.corpus
from kg.build import build
from kg.corpus import DEFAULT_MAX_BYTES, SNIFF_BYTES, read_articles, read_text_file
from kg.errors import InputError
from kg.extract import read_article
from kg.records import Article, Problem
from kg.resolve import resolve

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SEED = SEEDS / "003_35cf51e87d738b0b.txt"

#: Seed 003: an honour for a police-station head, in simplified and in traditional characters.
SIMPLIFIED = "去年，全国公安系统开展英雄模范立功集体表彰，炎陵县公安局沔渡派出所所长钟平熊获评“全国优秀人民警察”。"
TRADITIONAL = "去年，全國公安系統開展英雄模範立功集體表彰，炎陵縣公安局沔渡派出所所長鍾平熊獲評“全國優秀人民警察”。"
EXPECTED = {("PER", "钟平熊"), ("ORG", "炎陵县公安局"), ("HONOUR", "全国优秀人民警察")}

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
needs_symlinks = pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")


def page(body: str, title: str = "炎陵公安") -> str:
    """A small article: a title line, then the body."""
    return f"# {title}\n\n{body}\n"


def names(article: Article) -> set[tuple[str, str]]:
    """(type, canonical name) of every entity the whole pipeline finds in an article."""
    return {(entity.type, entity.name) for entity in resolve(read_article(article)).entities}


def one(items: list) -> object:
    assert len(items) == 1, items
    return items[0]


def problem_of(path: Path, **options: int) -> Problem:
    result = one(list(read_articles([path], **options)))
    assert isinstance(result, Problem), result
    assert result.source == str(path)
    return result


# -- empty, whitespace, binary ----------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert problem_of(path).problem == "empty file"


@pytest.mark.parametrize("data", [b" \n\n\t \r\n", "\u3000\u3000\n".encode(), b"\xef\xbb\xbf  \n", " \n".encode("utf-16")])
def test_whitespace_only_file(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(data)
    assert problem_of(path).problem == "empty file (whitespace only)"


@pytest.mark.parametrize(
    ("name", "data", "what"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "PNG image"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "PNG image"),
        ("archive.zip", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)), "ZIP archive or Office document"),
        ("report.txt", b"PK\x03\x04\x14\x00\x06\x00\x08\x00", "ZIP archive or Office document"),
        ("scan.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
    ],
)
def test_binary_file(tmp_path: Path, name: str, data: bytes, what: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert problem_of(path).problem == f"binary file, not text ({what})"


def test_binary_file_is_refused_from_its_first_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "video.txt"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + os.urandom(SNIFF_BYTES * 64))
    read = []
    original = kg.corpus._Reading.read
    monkeypatch.setattr(kg.corpus._Reading, "read", lambda self, size: read.append(original(self, size)) or read[-1])
    assert problem_of(path).problem == "binary file, not text"
    assert sum(map(len, read)) <= SNIFF_BYTES


# -- encodings ------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_with_a_bom(tmp_path: Path, encoding: str) -> None:
    seed = read_text_file(SEED)
    path = tmp_path / "wide.txt"
    path.write_bytes(("\ufeff" + SEED.read_text(encoding="utf-8")).encode(encoding))
    article = one(list(read_articles([path])))
    assert isinstance(article, Article) and article.encoding == encoding
    assert article.text == seed.text and article.bylines == seed.bylines and article.title == seed.title


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_gbk_and_gb18030(tmp_path: Path, encoding: str) -> None:
    seed = read_text_file(SEED)
    path = tmp_path / "gbk.txt"
    path.write_bytes(seed.text.encode(encoding))
    article = one(list(read_articles([path])))
    assert article.encoding == "gb18030"
    assert article.text == seed.text and article.paragraphs == seed.paragraphs


@pytest.mark.parametrize("line", ["株洲政法工作经历“非同寻常”一年", "检察机关为保护母亲河生态环境现场察看水质"])
def test_short_gbk_text_that_big5_also_decodes_is_gbk(tmp_path: Path, line: str) -> None:
    data = line.encode("gbk")
    assert data.decode("cp950") != line  # Big5 reads these bytes too, as other characters
    path = tmp_path / "title.txt"
    path.write_bytes(data)
    article = one(list(read_articles([path])))
    assert (article.encoding, article.text) == ("gb18030", line)


def test_big5_is_told_from_gb18030_and_gives_the_simplified_entities(tmp_path: Path) -> None:
    path = tmp_path / "big5.txt"
    path.write_bytes(page(TRADITIONAL, "炎陵公安").encode("big5"))
    article = one(list(read_articles([path])))
    assert article.encoding == "cp950"
    assert TRADITIONAL in article.text
    assert EXPECTED <= names(article)
    assert names(article) == names(kg.corpus.parse_article("x.txt", page(SIMPLIFIED), "x.txt"))


def test_a_few_undecodable_bytes_are_replaced_and_reported(tmp_path: Path) -> None:
    text = page(SIMPLIFIED * 3)
    data = text.encode("gb18030")
    broken = data[:60] + b"\xff" + data[60:]
    path = tmp_path / "truncated.txt"
    path.write_bytes(broken)
    article, problem = read_articles([path])
    assert isinstance(article, Article) and article.encoding == "gb18030"
    assert "\ufffd" in article.text and EXPECTED <= names(article)
    assert problem == Problem(str(path), "partly read as gb18030: 1 undecodable byte sequence replaced by U+FFFD, "
                                         "the first on line 3")


def test_mostly_undecodable_bytes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(range(0x80, 0x100)) * 8)
    assert problem_of(path).problem == "cannot decode as utf-8, gb18030 or cp950"


def test_traditional_characters_give_the_same_entities_as_simplified() -> None:
    traditional = kg.corpus.parse_article("t.txt", page(TRADITIONAL), "t.txt")
    simplified = kg.corpus.parse_article("s.txt", page(SIMPLIFIED), "s.txt")
    assert TRADITIONAL in traditional.text  # the text keeps what the file says
    assert names(traditional) == names(simplified)
    assert EXPECTED <= names(traditional)


#: Seed sentences as printed (full-width punctuation) and with half-width punctuation.
MIXED = [
    (SIMPLIFIED, SIMPLIFIED.replace("，", ",")),
    ("醴陵市国安办（防务办）被省国家安全厅评为“２０２０年湖南省先进基层防务办”。",
     "醴陵市国安办(防务办)被省国家安全厅评为“2020年湖南省先进基层防务办”。"),
    ("经过不懈奋斗，天元区荣获２０２１－２０２２年度湖南省平安校园示范县市区称号；社会大局安定稳定！",
     "经过不懈奋斗,天元区荣获2021-2022年度湖南省平安校园示范县市区称号;社会大局安定稳定!"),
]


@pytest.mark.parametrize(("full", "half"), MIXED)
def test_full_and_half_width_punctuation_give_the_same_entities(full: str, half: str) -> None:
    full_article = kg.corpus.parse_article("f.txt", page(full), "f.txt")
    half_article = kg.corpus.parse_article("h.txt", page(half), "h.txt")
    assert names(half_article), "the sentence should hold entities"
    assert names(full_article) == names(half_article)


# -- HTML -----------------------------------------------------------------------

HTML = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>沔渡派出所所长获评全国优秀人民警察_株洲新闻网</title>
<style>p { color: red }</style><script>var x = "<p>株洲市公安局</p>";</script></head>
<body><div class="nav"><a href="/">首页</a> &gt; <a href="/news">新闻</a></div>
<p>去年，全国公安系统开展英雄模范立功集体表彰，炎陵县公安局
沔渡派出所所长钟平熊获评&ldquo;全国优秀人民警察&rdquo;。</p>
<p>2021年至今，钟平熊一共化解辖区矛盾纠纷60多起。<br>被誉为扎根红土地上的&ldquo;小所长&rdquo;。</p>
<!-- 广告 --><noscript>请启用脚本</noscript></body></html>
"""


def test_html_page_gives_its_text(tmp_path: Path) -> None:
    path = tmp_path / "news.htm"
    path.write_bytes(HTML.encode("gbk"))
    article = one(list(read_articles([path])))
    assert article.encoding == "gb18030" and article.title == "沔渡派出所所长获评全国优秀人民警察_株洲新闻网"
    assert "<" not in article.text and "株洲市公安局" not in article.text and "广告" not in article.text
    assert "炎陵县公安局沔渡派出所所长钟平熊获评“全国优秀人民警察”。" in article.text  # the line break went
    assert "化解辖区矛盾纠纷60多起。\n被誉为" in article.text
    assert EXPECTED <= names(article)
    for item in read_article(article).found:  # offsets point into the extracted text
        assert article.text[item.mention.start : item.mention.end] == item.mention.text


def test_a_text_file_that_is_html_is_read_as_html(tmp_path: Path) -> None:
    path = tmp_path / "saved page.txt"
    path.write_text("\n  <html><body><h1>炎陵公安</h1><div>" + SIMPLIFIED + "</div></body></html>", encoding="utf-8")
    article = one(list(read_articles([path])))
    assert article.title == "炎陵公安" and article.text == f"# 炎陵公安\n\n{SIMPLIFIED}\n"


def test_html_in_a_jsonl_record(tmp_path: Path) -> None:
    path = tmp_path / "pages.jsonl"
    record = {"id": "p1", "text": "<html><body><p>" + SIMPLIFIED + "</p><script>x()</script></body></html>"}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    article = one(list(read_articles([path])))
    assert article.text == SIMPLIFIED + "\n"


def test_html_page_without_text(tmp_path: Path) -> None:
    path = tmp_path / "redirect.html"
    path.write_text('<html><head><script>location="/x"</script></head><body></body></html>', encoding="utf-8")
    assert problem_of(path).problem == "HTML page without text"


# -- JSONL ----------------------------------------------------------------------


def test_jsonl_with_a_malformed_line_keeps_the_others(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    good = [json.dumps({"id": f"a{n}", "text": page(SIMPLIFIED)}, ensure_ascii=False) for n in (1, 2)]
    path.write_text(f"{good[0]}\n{{\"id\": \"a2\", \"text\": \"炎陵\n{good[1]}\n", encoding="utf-8")
    first, bad, second = read_articles([path])
    assert (first.doc, second.doc) == ("a1", "a2")
    assert bad.source == f"{path}:2" and bad.problem.startswith("line 2 is not valid JSON")


def test_jsonl_line_over_the_limit_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    lines = [json.dumps({"id": "a1", "text": SIMPLIFIED * 40}, ensure_ascii=False),
             json.dumps({"id": "a2", "text": SIMPLIFIED}, ensure_ascii=False)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    size = len(lines[0].encode())
    big, small = read_articles([path], max_bytes=1000)
    assert big == Problem(f"{path}:1", f"line 1 is {size:,} bytes, over the limit of 1,000 bytes")
    assert small.doc == "a2"


def test_jsonl_in_gbk(tmp_path: Path) -> None:
    path = tmp_path / "gbk.jsonl"
    path.write_bytes(json.dumps({"id": "g1", "text": SIMPLIFIED}, ensure_ascii=False).encode("gbk") + b"\n")
    article = one(list(read_articles([path])))
    assert (article.doc, article.encoding, article.text) == ("g1", "gb18030", SIMPLIFIED)


# -- size -----------------------------------------------------------------------


@pytest.mark.slow
def test_an_article_over_10_mb_is_read(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    path = tmp_path / "long.txt"
    path.write_text(text * (10_500_000 // len(text.encode()) + 1), encoding="utf-8")
    assert 10_000_000 < path.stat().st_size < DEFAULT_MAX_BYTES
    article = one(list(read_articles([path])))
    assert isinstance(article, Article) and len(article.text) > 3_000_000


def test_a_file_over_the_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "server log.txt"
    with path.open("wb") as handle:  # 80 MB of zeros, sparse: reading it would say "binary"
        handle.truncate(80_000_000)
    assert problem_of(path).problem == (
        "file is 80,000,000 bytes (80.0 MB), over the limit of 20,000,000 bytes (20.0 MB)"
    )
    small = tmp_path / "small.txt"
    small.write_text(page(SIMPLIFIED), encoding="utf-8")
    assert problem_of(small, max_bytes=100).problem.endswith("over the limit of 100 bytes")


# -- links, unreadable files, names ------------------------------------------------


@needs_symlinks
def test_symlink_loop_ends_the_walk(tmp_path: Path) -> None:
    folder = tmp_path / "dump" / "子目录"
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text(page(SIMPLIFIED), encoding="utf-8")
    (folder / "loop").symlink_to("..")
    (tmp_path / "dump" / "self.txt").symlink_to("self.txt")
    results = list(read_articles([tmp_path / "dump"]))
    assert [r.doc for r in results if isinstance(r, Article)] == ["a.txt"]
    problems = {Path(p.source).name: p.problem for p in results if isinstance(p, Problem)}
    assert problems == {
        "loop": f"symlink loop: leads back to {tmp_path / 'dump'}, a folder it is in",
        "self.txt": "symlink loop",
    }


@needs_symlinks
def test_links_to_folders_and_files_are_read_once(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "b.txt").write_text(page(SIMPLIFIED), encoding="utf-8")
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "a.txt").write_text(page(SIMPLIFIED), encoding="utf-8")
    (dump / "also a.txt").symlink_to("a.txt")
    (dump / "x").symlink_to(outside)
    (dump / "y").symlink_to(outside)
    results = list(read_articles([dump]))
    assert [r.source for r in results if isinstance(r, Article)] == [str(dump / "a.txt"), str(dump / "x" / "b.txt")]
    assert [p for p in results if isinstance(p, Problem)] == [
        Problem(str(dump / "also a.txt"), "symlink to a.txt, a file read at its own path"),
        Problem(str(dump / "y"), f"same folder as {dump / 'x'}, already read"),
    ]


@needs_symlinks
def test_dangling_symlink(tmp_path: Path) -> None:
    link = tmp_path / "gone.txt"
    link.symlink_to(tmp_path / "deleted.txt")
    (tmp_path / "kept.txt").write_text(page(SIMPLIFIED), encoding="utf-8")
    assert problem_of(link).problem == f"dangling symlink to {tmp_path / 'deleted.txt'}"
    problem, article = read_articles([tmp_path])
    assert problem == Problem(str(link), f"dangling symlink to {tmp_path / 'deleted.txt'}")
    assert article.doc == "kept.txt"


def deny(monkeypatch: pytest.MonkeyPatch, target: Path, error: OSError) -> None:
    """Make opening ``target`` fail as it would without permission (tests run as root, where chmod does not)."""
    original = os.open

    def fake_open(path, flags, *args, **kwargs):
        if Path(path) == target:
            raise error
        return original(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text(page(SIMPLIFIED), encoding="utf-8")
    (tmp_path / "open.txt").write_text(page(SIMPLIFIED), encoding="utf-8")
    deny(monkeypatch, locked, PermissionError(errno.EACCES, "Permission denied", str(locked)))
    problem, article = read_articles([tmp_path])
    assert problem == Problem(str(locked), "cannot read: Permission denied")
    assert article.doc == "open.txt"
    with pytest.raises(InputError, match="Permission denied"):
        read_text_file(locked)


def test_a_folder_where_a_file_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "moved.txt"
    path.write_text(page(SIMPLIFIED), encoding="utf-8")
    deny(monkeypatch, path, IsADirectoryError(errno.EISDIR, "Is a directory", str(path)))
    assert problem_of(path).problem == "cannot read: Is a directory"


def test_a_folder_that_cannot_be_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.txt").write_text(page(SIMPLIFIED), encoding="utf-8")
    (tmp_path / "b.txt").write_text(page(SIMPLIFIED), encoding="utf-8")
    original = os.scandir

    def fake_scandir(path):
        if Path(path) == locked:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return original(path)

    monkeypatch.setattr(os, "scandir", fake_scandir)
    article, problem = read_articles([tmp_path])
    assert article.doc == "b.txt"
    assert problem == Problem(str(locked), "cannot list folder: Permission denied")


@needs_fifo
def test_fifo_is_not_read(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    (tmp_path / "z.txt").write_text(page(SIMPLIFIED), encoding="utf-8")
    assert problem_of(pipe).problem == "not a regular file (a FIFO)"
    problem, article = read_articles([tmp_path])
    assert problem == Problem(str(pipe), "not a regular file (a FIFO)") and article.doc == "z.txt"
    with pytest.raises(InputError, match="FIFO"):
        read_text_file(pipe)  # does not block waiting for a writer


def test_names_with_spaces_and_chinese_characters(tmp_path: Path) -> None:
    folder = tmp_path / "2021 株洲日报" / "第 3 版"
    folder.mkdir(parents=True)
    path = folder / "炎陵 公安 (1).txt"
    path.write_text(page(SIMPLIFIED), encoding="utf-8")
    article = one(list(read_articles([tmp_path / "2021 株洲日报"])))
    assert (article.doc, article.source) == ("炎陵 公安 (1).txt", str(path))
    assert EXPECTED <= names(article)


# -- any bytes ------------------------------------------------------------------

#: Pieces that steer decoding and parsing into their corners, mixed with arbitrary bytes.
PIECES = [b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00", b"\n", b"\r", b"<html>", b"<p>", b"</p>", b"<script>",
          b"<!DOCTYPE html>", b"&amp;", b"\xe5\x85\xac", "縣".encode("big5"), "县".encode("gbk"), b"{\"text\": \"", b"\"}"]
BYTES = st.lists(st.one_of(st.binary(max_size=12), st.sampled_from(PIECES)), max_size=30).map(b"".join)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(BYTES, st.sampled_from([".txt", ".html", ".jsonl"]))
def test_any_bytes_give_articles_or_problems(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"any{suffix}"
        path.write_bytes(data)
        for item in read_articles([path], max_bytes=200):
            assert isinstance(item, (Article, Problem))
            if isinstance(item, Article):
                for paragraph in item.paragraphs:
                    assert all(0 <= start < end <= len(item.text) for start, end in paragraph.pieces)
                assert all(item.text[b.start : b.end] == b.name for b in item.bylines)


# -- a whole dump -----------------------------------------------------------------


@pytest.mark.slow
def test_a_whole_dump_is_read_with_a_reason_for_every_skip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dump = tmp_path / "抓取 2021"
    (dump / "子 目录").mkdir(parents=True)
    good = {
        "天元 平安.txt": (SEEDS / "000_fa77a8a22d1f7229.txt").read_bytes(),
        "子 目录/炎陵.txt": SEED.read_bytes(),
        "gbk.txt": SEED.read_text(encoding="utf-8").encode("gbk"),
        "big5.txt": page(TRADITIONAL).encode("big5"),
        "utf16.txt": ("\ufeff" + page(SIMPLIFIED)).encode("utf-16-le"),
        "page.html": HTML.encode("gbk"),
    }
    bad = {
        "empty.txt": (b"", "empty file"),
        "blank.txt": (b"  \n\n", "empty file (whitespace only)"),
        "photo.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file, not text (PNG image)"),
        "noise.md": (bytes(range(0x80, 0x100)) * 4, "cannot decode as utf-8, gb18030 or cp950"),
        "locked.txt": (page(SIMPLIFIED).encode(), "cannot read: Permission denied"),
    }
    for name, data in good.items():
        (dump / name).write_bytes(data)
    for name, (data, _) in bad.items():
        (dump / name).write_bytes(data)
    records = [json.dumps({"id": "j1", "text": page(SIMPLIFIED)}, ensure_ascii=False), '{"id": "j2", "text": ']
    (dump / "records.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    with (dump / "server.txt").open("wb") as handle:
        handle.truncate(80_000_000)
    (dump / "archive.zip").write_bytes(b"PK\x03\x04")
    expected = {name: reason for name, (_, reason) in bad.items()}
    expected |= {"records.jsonl:2": "line 2 is not valid JSON", "server.txt": "over the limit of 20,000,000 bytes",
                 "抓取 2021": "ignored 1 other file (.zip 1)"}
    if os.name != "nt":
        (dump / "子 目录" / "loop").symlink_to("..")
        (dump / "dangling.txt").symlink_to("deleted.txt")
        expected |= {"loop": "symlink loop", "dangling.txt": "dangling symlink to deleted.txt"}
    if hasattr(os, "mkfifo"):
        os.mkfifo(dump / "pipe.txt")
        expected["pipe.txt"] = "not a regular file (a FIFO)"
    deny(monkeypatch, dump / "locked.txt", PermissionError(errno.EACCES, "Permission denied", str(dump / "locked.txt")))

    report = build([dump], tmp_path / "out")

    assert report.articles == len(good) + 1
    reasons = {Path(p.source).name: p.problem for p in report.problems}
    assert set(reasons) == set(expected)
    for name, reason in expected.items():
        assert reason in reasons[name], name
    assert report.entities > 0 and report.outputs
    assert all(path.is_file() and path.stat().st_size > 0 for path in report.outputs)

"""jieba's dictionary is read from the cache jieba keeps, whole, and jieba builds it when that fails; its
parts of speech come from a cache of govkg's, made again when that fails or the dictionary changes."""

from __future__ import annotations

import marshal
import subprocess
import sys
import tempfile
from pathlib import Path

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg import segmenter
from kg.posseg_viterbi import Viterbi


def tokenizer_in(folder: Path) -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(folder)
    return tokenizer


def test_the_dictionary_comes_from_the_cache_in_the_temporary_folder(tmp_path: Path) -> None:
    (tmp_path / "jieba.cache").write_bytes(marshal.dumps(({"市长": 3, "市": 0, "长": 1}, 4)))
    tokenizer = segmenter.ready(tokenizer_in(tmp_path))
    assert tokenizer.initialized and tokenizer.total == 4
    assert tokenizer.FREQ == {"市长": 3, "市": 0, "长": 1}
    assert tokenizer.lcut("市长") == ["市长"]


def test_the_shared_tokenizer_has_the_same_dictionary_as_jieba_reads_it(nlp: object) -> None:
    cache = Path(jieba.dt.tmp_dir or tempfile.gettempdir()) / segmenter.DEFAULT_CACHE
    with cache.open("rb") as file:
        freq, total = marshal.load(file)
    assert segmenter.ready() is jieba.dt
    assert (jieba.dt.FREQ, jieba.dt.total) == (freq, total)


@pytest.mark.slow
@pytest.mark.parametrize("cache", [b"", b"\x00\x01 not marshal", marshal.dumps(["a list"])])
def test_a_damaged_cache_is_built_again_by_jieba(tmp_path: Path, cache: bytes) -> None:
    (tmp_path / "jieba.cache").write_bytes(cache)
    tokenizer = segmenter.ready(tokenizer_in(tmp_path))
    assert tokenizer.initialized and tokenizer.FREQ.get("市长", 0) > 0
    assert marshal.loads((tmp_path / "jieba.cache").read_bytes())[1] == tokenizer.total


# -- the parts of speech ----------------------------------------------------------------


def a_pos_tokenizer() -> object:
    import jieba.posseg as posseg
    return posseg.POSTokenizer(jieba.dt)  # parses the dictionary's text, as jieba does on import


def stamped(table: dict[str, str], stamp: tuple | None = None) -> bytes:
    dictionary = Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME
    stat = dictionary.stat()
    return marshal.dumps((stamp or (str(dictionary), stat.st_size, stat.st_mtime_ns), table))


def test_the_parts_of_speech_are_those_jieba_parses_from_its_dictionary(nlp: object) -> None:
    tags = segmenter.word_tags()
    assert (tags["市长"], tags["习近平"], tags["检察机关"]) == ("n", "nrfg", "n")
    assert tags == a_pos_tokenizer().word_tag_tab


def test_the_tagger_cuts_and_tags_as_jieba_posseg_does(nlp: object) -> None:
    sentence = "市委书记王国强到白鹤社区调研乡村振兴工作"
    assert segmenter.tagger().lcut(sentence) == a_pos_tokenizer().lcut(sentence)


@pytest.mark.slow
def test_the_parts_of_speech_come_from_a_cache_made_from_the_same_dictionary_file(tmp_path: Path) -> None:
    cache = tmp_path / segmenter.TAGS_CACHE
    cache.write_bytes(stamped({"市长": "zz"}))
    assert segmenter.word_tags_cached(a_pos_tokenizer(), cache) == {"市长": "zz"}


@pytest.mark.slow
@pytest.mark.parametrize("content", [b"", b"\x00\x01 not marshal", marshal.dumps(["a list"]),
                                     stamped({"市长": "zz"}, ("another dict.txt", 1, 1))])
def test_a_damaged_or_stale_cache_of_parts_of_speech_is_parsed_again_and_rewritten(tmp_path: Path, content: bytes) -> None:
    cache = tmp_path / segmenter.TAGS_CACHE
    cache.write_bytes(content)
    tags = segmenter.word_tags_cached(a_pos_tokenizer(), cache)
    assert tags["市长"] == "n" and len(tags) > 300_000
    assert marshal.loads(cache.read_bytes()) == marshal.loads(stamped(tags))


@pytest.mark.slow
def test_importing_the_segmenter_does_not_import_pkg_resources() -> None:
    code = "import sys, kg.segmenter; kg.segmenter.tagger(); print('pkg_resources' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_the_guessed_words_of_a_run_are_jiebas_and_remembered(nlp: object) -> None:
    import jieba.posseg as posseg

    viterbi, tables = posseg.viterbi, (posseg.char_state_tab_P, posseg.start_P, posseg.trans_P, posseg.emit_P)
    for run in ["丁薛祥", "日在", "钟平熊", "等地考察", "近平", "蒋超良同志"]:
        first, again = viterbi(run, *tables), viterbi(run, *tables)
        assert first == again == viterbi.__wrapped__(run, *tables)
        assert again is first  # remembered, not searched twice
    assert segmenter.tagger().lcut("丁薛祥在株洲等地考察") == a_pos_tokenizer().lcut("丁薛祥在株洲等地考察")


@pytest.mark.slow
@settings(deadline=None, max_examples=300)
@given(st.text(alphabet="丁薛祥日在等地考察钟平熊近蒋超良同志株洲市委书记的了", min_size=1, max_size=16))
def test_the_numpy_search_finds_what_jiebas_finds(run: str) -> None:
    import jieba.posseg as posseg
    from jieba.posseg.viterbi import viterbi

    tables = (posseg.char_state_tab_P, posseg.start_P, posseg.trans_P, posseg.emit_P)
    assert Viterbi(*tables)(run) == viterbi(run, *tables)


def test_a_search_with_other_tables_is_jiebas_own() -> None:
    import jieba.posseg as posseg

    calls: list[str] = []
    tables = (posseg.char_state_tab_P, posseg.start_P, posseg.trans_P, posseg.emit_P)

    def viterbi(text: str, *given: object) -> tuple:
        calls.append(text)
        return (0.0, [])

    searching = segmenter.faster(viterbi, *tables)
    assert searching("日在", *tables) is searching("日在", *tables)
    assert searching("日在", dict(tables[0]), *tables[1:]) == (0.0, [])
    assert calls == ["日在"]

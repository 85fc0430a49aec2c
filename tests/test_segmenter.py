"""jieba's dictionary is read from the cache jieba keeps, whole, and jieba builds it when that fails."""

from __future__ import annotations

import marshal
import tempfile
from pathlib import Path

import jieba
import pytest

from kg import segmenter


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

"""jieba, the word segmenter under the rule components and the NER model, made ready quickly.

jieba keeps its prefix dictionary (about 498,000 words and prefixes) in a marshal
cache in the temporary folder and reads it with ``marshal.load`` on the open file,
which reads it piece by piece: 0.9 s here. Read whole and then unmarshalled, the
same file takes 0.4 s, and every process that extracts (each worker of a build,
each test run) pays it once. ``ready`` reads the cache that way; when there is no
cache, or it cannot be read, jieba builds and writes it as it always does.
"""

from __future__ import annotations

import marshal
import tempfile
from pathlib import Path

import jieba

jieba.setLogLevel(60)  # no "Building prefix dict" on stderr

#: jieba's name for the cache of its default dictionary.
DEFAULT_CACHE = "jieba.cache"


def ready(tokenizer: jieba.Tokenizer | None = None) -> jieba.Tokenizer:
    """``tokenizer`` (jieba's default one unless given) with its prefix dictionary loaded."""
    tokenizer = tokenizer or jieba.dt
    with tokenizer.lock:
        if not tokenizer.initialized and tokenizer.dictionary == jieba.DEFAULT_DICT:
            _read_cache(tokenizer)
    tokenizer.check_initialized()
    return tokenizer


def _read_cache(tokenizer: jieba.Tokenizer) -> None:
    """Load the default dictionary's cache where jieba keeps it, if it is there and whole."""
    cache = Path(tokenizer.tmp_dir or tempfile.gettempdir()) / (tokenizer.cache_file or DEFAULT_CACHE)
    try:
        freq, total = marshal.loads(cache.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return
    if isinstance(freq, dict) and isinstance(total, int):
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True

"""jieba, the word segmenter under the rule components and the NER model, made ready quickly.

Every process that extracts (a one-article build, each worker of a build, each
test run) pays jieba's start once. Three of its costs are cut here:

- jieba keeps its prefix dictionary (about 498,000 words and prefixes) in a
  marshal cache in the temporary folder and reads it with ``marshal.load`` on
  the open file, piece by piece: 0.9 s here. Read whole and then unmarshalled,
  the same file takes 0.4 s. ``ready`` reads the cache that way; when there is
  no cache, or it cannot be read, jieba builds and writes it as it always does.
- ``jieba.posseg`` parses the part of speech of its 349,000 words out of the
  dictionary's text when it is imported: 0.3 s. ``tagger`` imports it with that
  parse put off and reads the table from a marshal cache of govkg's beside
  jieba's (0.15 s), made by the parse the first time and again whenever the
  dictionary file changes.
- jieba imports ``pkg_resources`` (0.1 s) only to open its data files; imported
  here with that module blocked, it opens them by their path, its own fallback.

And one cost of every article: ``jieba.posseg`` guesses the words and parts of
speech of a run its dictionary does not cut (丁薛祥, 日在, 等地) with a hidden
Markov model's Viterbi search in Python: half the rule components' time on real
news, for 2 % of the characters. ``tagger`` has posseg search with numpy
instead (``kg.posseg_viterbi``: the same results, 5.6 times faster) and
remember each run's result, since the runs recur (54 % of the 18,652 runs of
3,000 real items had been seen before): see ``faster``.
"""

from __future__ import annotations

import contextlib
import functools
import io
import marshal
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .files import atomic_write
from .posseg_viterbi import Tagging, Viterbi


@contextlib.contextmanager
def _blocked(module: str) -> Iterator[None]:
    """``import module`` fails inside the block, unless the module is imported already."""
    if module in sys.modules:
        yield
        return
    sys.modules[module] = None  # type: ignore[assignment]  (what the import system reads as "not found")
    try:
        yield
    finally:
        if sys.modules.get(module, 0) is None:
            del sys.modules[module]


with _blocked("pkg_resources"):
    import jieba

if TYPE_CHECKING:
    from jieba.posseg import POSTokenizer

jieba.setLogLevel(60)  # no "Building prefix dict" on stderr

#: jieba's name for the cache of its default dictionary.
DEFAULT_CACHE = "jieba.cache"
#: govkg's cache of the default dictionary's parts of speech, beside jieba's.
TAGS_CACHE = "govkg-jieba-tags.cache"
#: How many runs' guessed words and parts of speech ``tagger`` remembers (a few hundred bytes each).
REMEMBERED_RUNS = 1 << 16


def ready(tokenizer: jieba.Tokenizer | None = None) -> jieba.Tokenizer:
    """``tokenizer`` (jieba's default one unless given) with its prefix dictionary loaded."""
    tokenizer = tokenizer or jieba.dt
    with tokenizer.lock:
        if not tokenizer.initialized and tokenizer.dictionary == jieba.DEFAULT_DICT:
            _read_cache(tokenizer)
    tokenizer.check_initialized()
    return tokenizer


@functools.cache
def tagger() -> POSTokenizer:
    """jieba's part-of-speech tokenizer (``jieba.posseg.dt``) with its dictionary and word tags loaded, its
    hidden Markov model searched ``faster``."""
    ready()
    jieba.dt.get_dict_file = io.BytesIO  # posseg's import reads an empty table, not the dictionary's text
    try:
        import jieba.posseg as posseg
    finally:
        del jieba.dt.get_dict_file
    if not posseg.dt.word_tag_tab:  # put off above, not read already by an earlier import
        posseg.dt.word_tag_tab = word_tags_cached(posseg.dt, _cache_folder(jieba.dt) / TAGS_CACHE)
    if not hasattr(posseg.viterbi, "__wrapped__"):
        posseg.viterbi = faster(posseg.viterbi, posseg.char_state_tab_P, posseg.start_P, posseg.trans_P, posseg.emit_P)
    return posseg.dt


def faster(viterbi: Callable[..., Tagging], *tables: object) -> Callable[..., Tagging]:
    """jieba.posseg's ``viterbi(text, *tables)`` answered by ``kg.posseg_viterbi`` (numpy) and remembered for
    each of the last ``REMEMBERED_RUNS`` texts (its caller only reads the result); with other tables, ``viterbi``."""
    search = Viterbi(*tables)  # type: ignore[arg-type]
    of_text = functools.lru_cache(maxsize=REMEMBERED_RUNS)(search)

    def searching(text: str, *given: object) -> Tagging:
        if len(given) == len(tables) and all(mine is theirs for mine, theirs in zip(given, tables)):
            return of_text(text)
        return viterbi(text, *given)

    searching.__wrapped__ = viterbi  # type: ignore[attr-defined]
    searching.cache_info = of_text.cache_info  # type: ignore[attr-defined]
    return searching


def word_tags() -> dict[str, str]:
    """jieba's dictionary words with their parts of speech (市长: n, 习近平: nrfg)."""
    return tagger().word_tag_tab


def frequency(word: str) -> int:
    """How often jieba's dictionary has ``word``: 0 for a word it lacks (and for the prefixes it keeps)."""
    tokenizer = jieba.dt if jieba.dt.initialized else ready()
    return tokenizer.FREQ.get(word) or 0


def _cache_folder(tokenizer: jieba.Tokenizer) -> Path:
    return Path(tokenizer.tmp_dir or tempfile.gettempdir())


def _read_cache(tokenizer: jieba.Tokenizer) -> None:
    """Load the default dictionary's cache where jieba keeps it, if it is there and whole."""
    cache = _cache_folder(tokenizer) / (tokenizer.cache_file or DEFAULT_CACHE)
    try:
        freq, total = marshal.loads(cache.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return
    if isinstance(freq, dict) and isinstance(total, int):
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True


def word_tags_cached(pos_tokenizer: POSTokenizer, cache: Path) -> dict[str, str]:
    """The default dictionary's parts of speech from the ``cache`` file, or parsed by ``pos_tokenizer`` (and
    cached) when that file is missing, damaged or made from another dictionary file."""
    tokenizer = pos_tokenizer.tokenizer
    if tokenizer.dictionary != jieba.DEFAULT_DICT:
        pos_tokenizer.load_word_tag(tokenizer.get_dict_file())
        return pos_tokenizer.word_tag_tab
    dictionary = Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME
    stat = dictionary.stat()
    stamp = (str(dictionary), stat.st_size, stat.st_mtime_ns)
    try:
        saved_stamp, table = marshal.loads(cache.read_bytes())
        if saved_stamp == stamp and isinstance(table, dict):
            return table
    except (OSError, EOFError, ValueError, TypeError):
        pass
    pos_tokenizer.load_word_tag(tokenizer.get_dict_file())
    with contextlib.suppress(OSError):  # a read-only temporary folder: parsed again next time
        atomic_write(cache, lambda path: path.write_bytes(marshal.dumps((stamp, pos_tokenizer.word_tag_tab))))
    return pos_tokenizer.word_tag_tab

"""Character-level helpers shared by the rule components; each takes the component's lexicon."""

from __future__ import annotations

import functools
import re

from kg import segmenter
from kg.lexicon import HAN, Lexicon

NAME_CHARS = re.compile(f"[{HAN}0-9A-Za-z]")
SENTENCE_END = "。!?;\n"
CLAUSE_ENDS = ",;:" + SENTENCE_END


def name_run_start(text: str, end: int, limit: int) -> int:
    """Start of the run of name characters (Han, digits, letters) ending at ``end``."""
    start = end
    while start > 0 and end - start < limit and NAME_CHARS.match(text[start - 1]):
        start -= 1
    return start


def trim_modifier(text: str, start: int, end: int, *, max_len: int, lexicon: Lexicon) -> int:
    """Left edge of a proper-name modifier in ``text[start:end]`` (白鹤 in 深入白鹤社区).

    The run is cut into words (jieba); words are taken from the right while they
    are not stop words, prepositions, particles, pronouns, adverbs or counted
    quantities, and while the modifier stays within ``max_len`` characters.
    """
    stop_pos, quantity = lexicon.words("stop_pos"), lexicon.chars("quantity")
    edge = end
    for word, flag in reversed(_cut(text[start:end])):
        if (word in lexicon.stopwords or lexicon.stopword_re.search(word) or flag in stop_pos
                or (flag == "m" and any(c in quantity for c in word))):
            break
        if end - (edge - len(word)) > max_len:
            break
        edge -= len(word)
    return edge


def words_of(run: str) -> tuple[tuple[str, str], ...]:
    """The jieba words of ``run`` with their parts of speech."""
    return _cut(run)


@functools.lru_cache(maxsize=65536)
def _cut(run: str) -> tuple[tuple[str, str], ...]:
    return tuple((pair.word, pair.flag) for pair in segmenter.tagger().lcut(run))


def level_prefix(text: str, at: int, lexicon: Lexicon) -> str:
    """The level character (省市区县镇乡) right before ``at`` when it is specific."""
    if at == 0 or text[at - 1] not in lexicon.chars("level"):
        return ""
    if at >= 2 and text[at - 2] in lexicon.chars("generic_before_level"):
        return ""
    return text[at - 1]


def person_name_at(text: str, start: int, lexicon: Lexicon) -> int:
    """End of a Chinese personal name starting at ``start``, or ``start`` if none.

    A name is a surname from the lexicon followed by one or two given-name
    characters; a given character that usually follows a name (在, 获, 说 …)
    ends it, and an anonymised name (游某) is none. A name ends where the text
    says so: a word of the dictionary (not a proper name) that starts at the
    second given character is the next word (马丽|通报, 罗斌|出席), unless the
    dictionary knows the whole name as a person's (习近平|复信), and a surname
    that ends a function word (关|于杨帆), is one (和|李强), or starts a verb (总书记|强调) or a
    common word of the dictionary (高度, 班子) starts no name.
    """
    match = lexicon.surname_re.match(text, start)
    if (not match or _ends_a_word(text, start, lexicon) or _predicate_at(text, start, lexicon)
            or _function_word_at(text, start, lexicon) or _common_word_at(text, start)):
        return start
    end = match.end()
    given = 0
    while end < len(text) and given < 2 and "\u4e00" <= text[end] <= "\u9fff" and text[end] not in lexicon.name_stopchars:
        end += 1
        given += 1
    if given == 0 and end < len(text) and text[end] in lexicon.name_stopchars and not lexicon.address_forms.match(text, end):
        through = _jieba_name_end(text, start, match.end())
        if through == end + 2:  # 王书茂, 孟二梅: jieba reads the stop character as the first given one
            given, end = 2, through
    if given == 0 or end - start > 4:
        return start
    if end < len(text) and text[end] in lexicon.chars("anonymous"):
        return start
    if given == 2 and segmenter.word_tags().get(text[end - 2 : end], "")[:1] in lexicon.words("function_pos") + ("d",):
        return start  # 席|再次: an adverb or a function word is no given name
    if given == 2 and _starts_a_word(text, end - 1, lexicon) and not _known_name(text[start:end]):
        return end - 1
    return end


def word_boundary(text: str, at: int, reach: int = 4) -> bool:
    """Whether jieba's words of the text around ``at`` break there (罗斯 in 俄罗斯总理 does not start a word)."""
    start = max(0, at - reach)
    edge = start
    for word, _ in _cut(text[start : at + reach]):
        if edge >= at:
            break
        edge += len(word)
    return edge == at


NOUN_TAGS = ("n", "j", "vn")
PROPER_NOUN_TAGS = ("ns", "nt", "nz", "nrt")


def noun_before(text: str, at: int, reach: int = 4, tags: tuple[str, ...] = NOUN_TAGS) -> bool:
    """Whether the word jieba ends at ``at`` is a noun, a verbal noun or a proper name (朝鲜劳动党|, 俄罗斯|),
    or with ``tags=PROPER_NOUN_TAGS`` a proper name only."""
    if at == 0 or not "\u4e00" <= text[at - 1] <= "\u9fff":
        return False
    words = _cut(text[max(0, at - reach) : at])
    return bool(words) and words[-1][1].startswith(tags)


def _function_word_at(text: str, at: int, lexicon: Lexicon) -> bool:
    """Whether the surname character is a function word here (和|李强, 向|全党)."""
    words = _cut(text[at : at + 3])
    return bool(words) and len(words[0][0]) == 1 and words[0][1] in lexicon.words("function_pos")


#: how often (in jieba's dictionary) a word must occur to count as a common word that is no name
COMMON_WORD_FREQ = 20


def _common_word_at(text: str, at: int) -> bool:
    """Whether a common word of the dictionary, not a person's name, starts at ``at`` (高度, 班子, 全票);
    a rare one (陆治) may well be a name."""
    word = next_word(text, at)
    return any(_common(candidate) for candidate in {text[at : at + 2], word[0] if word else ""} if len(candidate) >= 2)


def _common(word: str) -> bool:
    tag = segmenter.word_tags().get(word, "")
    return bool(tag) and not tag.startswith("nr") and segmenter.frequency(word) >= COMMON_WORD_FREQ


def _jieba_name_end(text: str, start: int, surname_end: int) -> int:
    """Where a person's name jieba reads at ``start`` ends (one or two given characters), else ``start``."""
    word = next_word(text, start)
    fits = bool(word) and word[1].startswith("nr") and 1 <= start + len(word[0]) - surname_end <= 2 \
        and all("\u4e00" <= char <= "\u9fff" for char in word[0])
    return start + len(word[0]) if fits else start


def _predicate_at(text: str, at: int, lexicon: Lexicon) -> bool:
    """Whether a verb, adverb, conjunction or place name of two or more characters starts at ``at``
    (总书记|强调, 越南|总理)."""
    word = next_word(text, at)
    return bool(word) and len(word[0]) >= 2 and (word[1][:1] in lexicon.words("predicate_pos")
                                                 or segmenter.word_tags().get(word[0]) in ("ns", "nt"))


def _known_name(name: str) -> bool:
    """Whether jieba's dictionary (not its guesses) has ``name`` as a person's name (习近平/nrfg)."""
    return segmenter.word_tags().get(name, "").startswith("nr")


def _starts_a_word(text: str, at: int, lexicon: Lexicon) -> bool:
    """Whether a dictionary word of two or more characters that is not a proper name starts at ``at``
    (and goes on with no character that ends a name by itself: jieba has 发等 as a word; a verb of its
    dictionary does count: 林武|陪同)."""
    word = next_word(text, at)
    return (bool(word) and len(word[0]) >= 2 and not word[1].startswith(lexicon.words("proper_tags"))
            and (word[0][1] not in lexicon.name_stopchars or segmenter.word_tags().get(word[0]) == "v"))


def _ends_a_word(text: str, at: int, lexicon: Lexicon) -> bool:
    """Whether the character at ``at`` ends a function word with the one before it (关于, 对于)."""
    words = _cut(text[at - 1 : at + 1]) if at > 0 else ()
    return len(words) == 1 and words[0][1] in lexicon.words("function_pos")


def clause_start(text: str, at: int, reach: int) -> int:
    """Start of the clause holding ``at`` (after the last , ; : or sentence end), looking back
    at most ``reach`` characters (so a text without punctuation costs its length once, not per call)."""
    start, floor = at, max(0, at - reach)
    while start > floor and text[start - 1] not in CLAUSE_ENDS:
        start -= 1
    return start


#: how far back ``sentence_start`` looks for a sentence end (a longer run is no sentence of news)
SENTENCE_REACH = 2000


def sentence_start(text: str, at: int, reach: int = SENTENCE_REACH) -> int:
    """Start of the sentence holding ``at`` (after the last 。!?; or line end), looking back at most
    ``reach`` characters, so a text without sentence ends costs its length once, not per call."""
    floor = max(0, at - reach)
    return max(max(text.rfind(end, floor, at) + 1 for end in SENTENCE_END), floor)


def opens_clause(text: str, at: int) -> bool:
    """Whether ``at`` is the start of a clause."""
    return at == 0 or text[at - 1] in CLAUSE_ENDS


def next_word(text: str, at: int, reach: int = 8) -> tuple[str, str] | tuple[()]:
    """The jieba word (and its part of speech) that starts at ``at``."""
    run = text[at : at + reach]
    words = _cut(run) if run else ()
    return words[0] if words else ()

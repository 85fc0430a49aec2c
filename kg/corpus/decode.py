"""Bytes to text: byte-order marks, UTF-8, the legacy Chinese encodings, and refusing binary files.

Bytes are decoded as UTF-8, as UTF-16/UTF-32 when a BOM says so, and otherwise
as GB18030 or Big5, whichever reads as more plausible Chinese (an HTML
``<meta charset>`` is tried first). Bytes that no encoding reads cleanly are
still read when they are few, with a note that says so; a binary file is
refused from its first bytes, before the rest is read.
"""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace

from kg.errors import InputError

from .opening import Reading

#: Tried in this order when a file is not UTF-8 and has no BOM: GB18030 (a superset
#: of GB2312 and GBK) and cp950 (Big5 as Windows writes it).
LEGACY_ENCODINGS = ("gb18030", "cp950")
#: Byte-order marks, longest first (a UTF-32-LE BOM starts with the UTF-16-LE one).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: Leading bytes of common binary formats, for a message that says what the file is.
MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive or Office document"),
    (b"PK\x05\x06", "empty ZIP archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Office document"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\x7fELF", "executable"),
    (b"MZ", "Windows executable"),
)
#: How many leading bytes decide whether a file is binary, before the rest is read.
SNIFF_BYTES = 8192
#: Share of control characters above which decoded bytes count as binary.
BINARY_CONTROL_SHARE = 0.3
#: A file none of the encodings reads cleanly is still read when at most this share
#: of its characters (or one in ten or more) are undecodable bytes, replaced by
#: U+FFFD and reported.
MAX_UNDECODABLE_SHARE = 0.01
#: How many characters of each candidate decoding are scored to choose between them.
SCORE_CHARS = 65_536

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_NEWLINES = re.compile(r"\r\n?")
_META_CHARSET = re.compile(rb"<meta[^>]{0,300}?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]{1,40})", re.IGNORECASE)


@dataclass(frozen=True)
class Decoded:
    """Decoded text, the encoding that read it, and a note if some bytes could not be read."""

    text: str
    encoding: str
    note: str = ""


def normalize_newlines(text: str) -> str:
    """Drop a leading BOM and turn ``\\r\\n`` and ``\\r`` into ``\\n``."""
    return _NEWLINES.sub("\n", text.removeprefix("\ufeff"))


def replace_surrogates(text: str) -> str:
    """``text`` with each lone surrogate (from a JSON escape such as ``"\\ud800"``; no UTF-8 file
    holds one) replaced by U+FFFD, one for one."""
    return LONE_SURROGATE.sub("\ufffd", text)


def count_surrogates(text: str) -> int:
    return len(LONE_SURROGATE.findall(text))


def sniff(handle: Reading, source: str, max_bytes: int | None) -> bytes:
    """The first bytes of a file, after refusing a file over ``max_bytes`` or a binary one."""
    size = handle.size()
    if max_bytes is not None and size > max_bytes:
        raise InputError(source, too_big(size, max_bytes, "file"))
    head = handle.read(SNIFF_BYTES)
    if not has_bom(head):
        _refuse_binary(head, source)
    return head


def has_bom(data: bytes, *, utf8: bool = True) -> bool:
    """Whether ``data`` starts with a byte-order mark (``utf8=False``: a UTF-16 or UTF-32 one)."""
    return any(data.startswith(bom) for bom, encoding in BOMS if utf8 or encoding != "utf-8-sig")


def too_big(size: int, limit: int, what: str) -> str:
    """The problem of a file or line over the size limit."""
    return f"{what} is {_bytes(size)}, over the limit of {_bytes(limit)}"


def _bytes(size: int) -> str:
    return f"{size:,} bytes" + (f" ({size / 1_000_000:.1f} MB)" if size >= 1_000_000 else "")


def _refuse_binary(data: bytes, source: str) -> None:
    for magic, name in MAGIC:
        if data.startswith(magic) and (name != "Windows executable" or b"\x00" in data):
            raise InputError(source, f"binary file, not text ({name})")
    if b"\x00" in data:
        raise InputError(source, "binary file, not text")


def decode_file(data: bytes, source: str) -> Decoded:
    """Decode a whole file's bytes with newlines normalized; ``InputError`` if binary or empty."""
    decoded = decode(data, source)
    text = normalize_newlines(decoded.text)
    if len(_CONTROL.findall(text)) > BINARY_CONTROL_SHARE * len(text):
        raise InputError(source, "binary file, not text")
    if not text.strip():
        raise InputError(source, "empty file" + (" (whitespace only)" if text else ""))
    return replace(decoded, text=text)


def decode(data: bytes, source: str) -> Decoded:
    """Decode bytes: BOM, else strict UTF-8, else the likelier legacy encoding."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                return Decoded(body.decode(encoding), encoding)
            except UnicodeDecodeError:
                return _lenient(body, source, (encoding,))
    _refuse_binary(data, source)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(data)
    options = [encoding for encoding in LEGACY_ENCODINGS if encoding != declared]
    if declared in LEGACY_ENCODINGS:
        options.insert(0, declared)
    elif declared:
        options.append(declared)
    strict = []
    for encoding in options:
        try:
            strict.append(Decoded(data.decode(encoding), encoding))
        except UnicodeDecodeError:
            continue
    if declared in LEGACY_ENCODINGS and strict and strict[0].encoding == declared:
        return strict[0]
    legacy = [d for d in strict if d.encoding in LEGACY_ENCODINGS] or strict
    if legacy:
        return max(legacy, key=lambda d: (_plausibility(d.text), -options.index(d.encoding)))
    return _lenient(data, source, ("utf-8", *LEGACY_ENCODINGS))


def _lenient(data: bytes, source: str, encodings: tuple[str, ...]) -> Decoded:
    """The decoding with the fewest undecodable bytes, if they are few; else ``InputError``."""
    tries = [(data.decode(encoding, errors="replace"), encoding) for encoding in encodings]
    text, encoding = min(tries, key=lambda t: (t[0].count("\ufffd"), -_plausibility(t[0]), encodings.index(t[1])))
    bad = text.count("\ufffd")
    if bad > max(1, MAX_UNDECODABLE_SHARE * len(text)) or len(text) < 10 * bad:
        names = ", ".join(encodings[:-1]) + " or " + encodings[-1] if len(encodings) > 1 else encodings[0]
        raise InputError(source, f"cannot decode as {names}")
    line = text.count("\n", 0, text.index("\ufffd")) + 1
    note = (f"partly read as {encoding}: {bad} undecodable byte sequence{'s' if bad > 1 else ''} "
            f"replaced by U+FFFD, the first on line {line}")
    return Decoded(text, encoding, note)


def _declared_charset(data: bytes) -> str:
    """The codec an HTML ``<meta charset>`` names in the first bytes (GB2312/GBK as gb18030, Big5 as cp950)."""
    match = _META_CHARSET.search(data, 0, 4096)
    if not match:
        return ""
    try:
        name = codecs.lookup(match[1].decode("ascii")).name
    except LookupError:
        return ""
    return {"gb2312": "gb18030", "gbk": "gb18030", "big5": "cp950", "big5hkscs": "cp950"}.get(name, name)


@functools.cache
def _common_hanzi() -> frozenset[str]:
    """The most used Chinese characters: GB2312 level 1 (3,755 simplified) and Big5 level 1 (5,401 traditional)."""
    chars = set()
    for high in range(0xB0, 0xD8):
        chars.update(_decoded_pairs(high, range(0xA1, 0xFF), "gb2312"))
    for high in range(0xA4, 0xC7):
        lows = [*range(0x40, 0x7F), *(range(0xA1, 0xFF) if high < 0xC6 else ())]
        chars.update(_decoded_pairs(high, lows, "cp950"))
    return frozenset(chars)


def _decoded_pairs(high: int, lows: Iterable[int], encoding: str) -> list[str]:
    chars = []
    for low in lows:
        try:
            chars.append(bytes((high, low)).decode(encoding))
        except UnicodeDecodeError:
            continue
    return chars


def _plausibility(text: str) -> int:
    """How much the start of a decoding looks like Chinese text: common characters
    count for it; private-use, unassigned, control and replacement characters against."""
    common = _common_hanzi()
    score = 0
    for char in text[:SCORE_CHARS]:
        if char < "\x80":
            continue
        if char in common:
            score += 1
        elif char == "\ufffd" or unicodedata.category(char) in ("Co", "Cn", "Cc", "Cs"):
            score -= 4
    return score

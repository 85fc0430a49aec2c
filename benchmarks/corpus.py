"""A deterministic corpus of county-paper articles for the scale benchmark, recombined from the seeds.

Every article is a page like the seeds' (newspaper and page line, a date line
with editors, a title, a byline ``记者/… 通讯员/…``) over body paragraphs
drawn from the five seed articles' body paragraphs, with the names in them
replaced, one article at a time, so that texts differ and no per-article
cache can serve one article from another:

* **Divisions.** Each article is set in one county of the lexicon
  (``kg.resources.divisions()``), in its city and province; by default a
  county of the seeds' province (湖南省: the issue's "a province's county
  papers"), ``province="all"`` for any. Every division of the seeds' province
  that the seeds name (天元区/天元, 株洲市/株洲, 湖南省/湖南, 醴陵, 炎陵, 芦淞 …)
  is mapped, in full and short form: the province to the article's
  province, the seeds' city to the article's city, other cities to the
  province's other cities, counties to the city's (or the mapped city's)
  counties, and each paragraph's own county (天元区 for a paragraph of seed
  000) to the article's county. Short forms the seeds use without the county
  (``区公安局``, ``全区``, ``县委``) follow the kind of the article's county (区,
  县, 市, 旗).
* **Persons.** Every person of the seeds (bylines, and the PER entities of the
  seeds' build in ``output/extractions.jsonl``, 习近平 kept) becomes a name
  of a surname of ``surnames.txt`` and one or two given-name characters.
* **Local places.** The proper part of the seeds' local units (井龙派出所,
  白鹤社区, 三门镇 …: ORG and PLACE entities ending in a territorial head)
  becomes a made-up place name of two characters of the lexicon's county
  short forms.
* **Programmes.** A quoted programme of the seeds (“雪亮工程”) is kept in
  three cases out of ten (provincial slogans recur) and otherwise becomes a
  name of two pieces of the seeds' programme names and its own head word of
  ``programme_cues.tsv`` (“护蕾枫桥工程”).

Names recur as in ten years of real papers: each county has its own pool of
officials, towns and programmes, each city's paper its editors and
reporters (``PERSONS_PER_COUNTY`` …), drawn without repetition within an
article. The graph thus grows with the corpus roughly as a real one would,
rather than by a fresh set of entities per article.

Lengths follow a log-normal law with a median of about 3,000 characters
(the figure the benchmark brief takes for the issue's 300 MB per 100,000
articles); an article has 5 to 15 body paragraphs, a paragraph being one
or more seed paragraphs, some under a heading of the seeds. Article ``i``
depends only on ``seed + i`` (``random.Random(seed + i)``) and the pools on
``seed``, so a corpus of N articles is the first N of any larger one, and
``start`` adds more. The corpus depends on the seeds and on their build in
``output/``: when that changes, so does the corpus (``build_speed.py``
prints a fingerprint of it).

    python benchmarks/corpus.py 1000 /tmp/corpus-1000        # writes 000000.txt … 000999.txt
    python benchmarks/corpus.py 100 /tmp/more --start 1000   # 001000.txt … 001099.txt
"""

from __future__ import annotations

import argparse
import datetime
import functools
import json
import math
import random
import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.corpus import paragraph_text, read_text_file
from kg.resources import Division, divisions, read_lines, read_tsv

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
#: The build of the seeds, whose PER, ORG, PLACE and PROGRAMME entities say which names to replace.
SEED_BUILD = ROOT / "output" / "extractions.jsonl"

#: Median article length in characters, and the spread (sigma of the log) of the log-normal law.
MEDIAN_CHARS = 3000
LENGTH_SIGMA = 0.35
MIN_PARAGRAPHS, MAX_PARAGRAPHS = 5, 15
#: Seed paragraphs shorter than this are captions, name cards or headings, not body.
BODY_MIN_CHARS = 40
#: The chance that a body paragraph comes under a heading, and that a quoted programme keeps its name.
HEADING_CHANCE = 0.15
KEEP_PROGRAMME_CHANCE = 0.3
#: Persons of the seeds who stay as they are (national leaders).
KEEP_PERSONS = frozenset({"习近平"})
#: Common characters of given names (一 to two of them after a surname).
GIVEN_CHARS = (
    "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康"
    "星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏"
    "言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰"
    "凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁"
    "蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊"
)
WEEKDAYS = "一二三四五六日"
#: The heads of territorial units whose proper part is a local place name (井龙派出所, 白鹤社区, 三门镇).
LOCAL_HEADS = ("派出所", "司法所", "人民法庭", "社区", "小学", "镇", "乡", "街道")
#: Heads after a bare 区/县 that make it the article county's short form (区公安局, 县委).
RELATIVE_HEADS = ("委", "政府", "人大", "政协", "纪委", "公安", "人民法院", "法院", "人民检察院", "检察院", "司法局",
                  "平安办", "综治", "教整办", "政法委", "融媒体中心", "平安建设", "信访局", "民政局")
#: Characters that make a following 区/县 part of a word (社区, 城区, 景区), not a county's short form.
NOT_RELATIVE_BEFORE = "社小园城新景街校片辖郊矿林厂营湾山市县区省乡镇村库港站湖田园地"
COUNTY_KINDS = "区县市旗"
FIRST_YEAR, LAST_YEAR = 2014, 2023
#: How many names recur in the articles of one county (officials, correspondents; local places; its
#: own programmes) and of one city's paper (editors; reporters): ten years of a county's news name
#: the same people, towns and campaigns again and again.
PERSONS_PER_COUNTY = 200
PLACES_PER_COUNTY = 40
PROGRAMMES_PER_COUNTY = 40
EDITORS_PER_PAPER = 12
REPORTERS_PER_PAPER = 30

_HAN = re.compile(r"^[\u4e00-\u9fff]+$")
_HEADING = re.compile(r"^\s*#{1,6}\s+(.+?)\s*$")


@dataclass(frozen=True)
class Paragraph:
    """A seed body paragraph and the county it is about (``None`` for a city-wide seed)."""

    text: str
    home: Division | None


@dataclass(frozen=True)
class Source:
    """What the generator recombines and what it replaces, read once from the seeds and the lexicons."""

    paragraphs: tuple[Paragraph, ...]
    titles: tuple[str, ...]
    headings: tuple[str, ...]
    province: Division
    city: Division
    cities: tuple[Division, ...]  # other cities of the seeds' province the seeds name
    counties: tuple[Division, ...]  # counties of the seeds' province the seeds name
    surfaces: dict[str, Division]  # full and short forms of the divisions above
    persons: frozenset[str]
    locals: frozenset[str]
    programmes: tuple[str, ...]
    programme_pieces: tuple[str, ...]
    programme_heads: tuple[str, ...]
    pattern: re.Pattern[str]
    surnames: tuple[str, ...]
    double_surnames: tuple[str, ...]
    town_chars: tuple[str, ...]


@functools.cache
def source() -> Source:
    """Read the seeds, their build and the lexicons (cached)."""
    table = divisions()
    texts, articles = [], []
    for path in sorted(SEEDS.glob("*.txt")):
        article = read_text_file(path)
        articles.append(article)
        texts.append(article.text)
    everything = "\n".join(texts)

    named = [d for d in table if d.name in everything]
    counts = Counter({d: sum(everything.count(name) for name in d.names) for d in named if d.level == "city"})
    city = counts.most_common(1)[0][0]
    province = table.parent(city)
    assert province is not None
    in_province = [d for d in table if province in table.ancestors(d)]
    mentioned = [d for d in in_province if any(len(name) >= 2 and name in everything for name in d.names)]
    cities = tuple(d for d in mentioned if d.level == "city" and d != city)
    counties = tuple(d for d in mentioned if d.level == "county")

    paragraphs, titles, headings = [], [], []
    for article in articles:
        home = _home(article.text, counties)
        for paragraph in article.paragraphs:
            text = paragraph_text(article, paragraph).strip()
            if len(text) >= BODY_MIN_CHARS and not text.endswith(("供图", "摄")):
                paragraphs.append(Paragraph(text, home))
        titles.append(article.title)
        headings += [m[1] for line in article.text.splitlines() if (m := _HEADING.match(line))]

    persons: set[str] = {b.name for a in articles for b in a.bylines}
    local: set[str] = set()
    programmes: set[str] = set()
    heads = sorted(LOCAL_HEADS, key=len, reverse=True)
    for entity in _seed_entities():
        name = entity["name"]
        if entity["type"] == "PER":
            persons.add(name)
        elif entity["type"] in ("ORG", "PLACE"):
            head = next((h for h in heads if name.endswith(h)), None)
            prefix = name[: -len(head)] if head else ""
            if 2 <= len(prefix) <= 3 and _HAN.match(prefix) and not any(c in prefix for c in "乡镇村区县市"):
                if not any(n in prefix for d in (*counties, city, province) for n in d.names):
                    local.add(prefix)
        elif entity["type"] == "PROGRAMME" and f"“{name}”" in everything:
            programmes.add(name)
    persons -= KEEP_PERSONS

    cues = read_tsv("programme_cues.tsv")
    programme_heads = tuple(sorted({r["cue"] for r in cues if r["role"] in ("head", "own_head")}, key=len, reverse=True))
    places = [n for d in (province, city, *cities, *counties) for n in d.names if len(n) >= 2] + sorted(local)
    bare = [re.sub("|".join(sorted(places, key=len, reverse=True)), "", p) for p in programmes]  # 平安天元 -> 平安
    pieces = sorted({p[i : i + 2] for p in bare for i in range(0, len(p) - 1, 2) if _HAN.match(p[i : i + 2])})

    relative = rf"(?<![{NOT_RELATIVE_BEFORE}])(?:全[区县]|[区县](?=(?:{'|'.join(RELATIVE_HEADS)})))"
    names = {n for d in (province, city, *cities, *counties) for n in d.names if len(n) >= 2}
    names |= persons | local | {f"“{p}”" for p in programmes}
    pattern = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + "|" + relative)

    surnames = read_lines("surnames.txt")
    town_chars = tuple(sorted({c for d in table if d.level == "county" for c in d.short}))
    return Source(
        paragraphs=tuple(paragraphs),
        titles=tuple(t for t in titles if t),
        headings=tuple(sorted(set(headings) - set(titles))),
        province=province,
        city=city,
        cities=cities,
        counties=counties,
        surfaces={n: d for d in (*counties, *cities, city, province) for n in d.names if len(n) >= 2},
        persons=frozenset(persons),
        locals=frozenset(local),
        programmes=tuple(sorted(programmes)),
        programme_pieces=tuple(pieces),
        programme_heads=programme_heads,
        pattern=pattern,
        surnames=tuple(s for s in surnames if len(s) == 1),
        double_surnames=tuple(s for s in surnames if len(s) == 2),
        town_chars=town_chars,
    )


def _seed_entities() -> list[dict]:
    if not SEED_BUILD.exists():
        return []
    with SEED_BUILD.open(encoding="utf-8") as lines:
        return [entity for line in lines if line.strip() for entity in json.loads(line)["entities"]]


def _home(text: str, counties: tuple[Division, ...]) -> Division | None:
    """The county a seed is about: the one it names most, if it names it at least five times."""
    counts = Counter({d: sum(text.count(n) for n in d.names if len(n) >= 2) for d in counties})
    best = counts.most_common(1)
    return best[0][0] if best and best[0][1] >= 5 else None


@functools.cache
def _children(code: str) -> tuple[Division, ...]:
    """The divisions directly below ``code`` (``""``: the provinces), in code order."""
    return tuple(sorted((d for d in divisions() if d.parent == code), key=lambda d: d.code))


@functools.cache
def _targets(province: str | None) -> tuple[Division, ...]:
    """The counties an article can be set in: those of ``province`` (a name; ``None``: the seeds'), or of all
    provinces (``"all"``); only counties under a city, and not the bare 城区, 矿区, 郊区."""
    src = source()
    if province is None:
        wanted: Division | None = src.province
    elif province == "all":
        wanted = None
    else:
        found = [d for d in divisions().by_name(province) if d.level == "province"]
        if not found:
            raise ValueError(f"no province named {province!r} in kg/resources/divisions.tsv")
        wanted = found[0]
    provinces = [wanted] if wanted else list(_children(""))
    return tuple(
        county
        for p in provinces
        for city in _children(p.code)
        if city.level == "city"
        for county in _children(city.code)
        if county.name[-1] in COUNTY_KINDS and (county.short or len(county.name) == 2 and county.name[-1] == "县")
    )


@functools.cache
def _pool(seed: int, code: str, kind: str, size: int) -> tuple[str, ...]:
    """``size`` distinct names of ``kind`` (person, editor, reporter, place, programme) that recur in the articles set in
    the division ``code``: the officials of a county, the reporters of a city's paper, its towns."""
    rng = random.Random(f"{seed}:{code}:{kind}")
    src = source()
    names: dict[str, None] = {}
    while len(names) < size:
        if kind in ("person", "editor", "reporter"):
            surname = rng.choice(src.double_surnames) if rng.random() < 0.03 else rng.choice(src.surnames)
            name = surname + "".join(rng.choice(GIVEN_CHARS) for _ in range(1 if rng.random() < 0.35 else 2))
        elif kind == "place":
            name = "".join(rng.choice(src.town_chars) for _ in range(2))
        else:
            name = "".join(rng.sample(src.programme_pieces, 2))
        names[name] = None
    return tuple(names)


class _Article:
    """The replacements of one article, chosen as they are first needed, then kept."""

    def __init__(self, rng: random.Random, src: Source, seed: int, province: str | None) -> None:
        table = divisions()
        self.rng, self.src, self.seed = rng, src, seed
        self.county = rng.choice(_targets(province))
        self.city = table.by_code[self.county.parent]
        self.province = table.by_code[self.city.parent]
        self.names: dict[str, str] = {}
        self.home: Division | None = None
        self.drawn: dict[tuple[str, str], list[str]] = {}
        others = [d for d in _children(self.province.code) if d.level == "city" and d != self.city] or [self.city]
        rng.shuffle(others)
        siblings = [d for d in _children(self.city.code) if d != self.county] or [self.county]
        rng.shuffle(siblings)
        mapping: dict[Division, Division] = {src.city: self.city, src.province: self.province}
        for index, city in enumerate(src.cities):
            mapping[city] = others[index % len(others)]
        for index, county in enumerate(src.counties):
            if county.parent == src.city.code:
                mapping[county] = siblings[index % len(siblings)]
            else:
                mapped = mapping.get(table.by_code[county.parent], self.city)
                mapping[county] = rng.choice(_children(mapped.code) or (self.county,))
        self.mapping = mapping

    def draw(self, kind: str, division: Division, size: int) -> str:
        """The next name of ``division``'s pool of ``kind``: distinct within the article."""
        key = (kind, division.code)
        if not self.drawn.get(key):
            pool = _pool(self.seed, division.code, kind, size)
            self.drawn[key] = self.rng.sample(pool, len(pool))
        return self.drawn[key].pop()

    def person(self) -> str:
        return self.draw("person", self.county, PERSONS_PER_COUNTY)

    def programme(self, name: str) -> str:
        if self.rng.random() < KEEP_PROGRAMME_CHANCE:
            return self.rewrite(name, self.home)
        head = next((h for h in self.src.programme_heads if name.endswith(h) and len(name) > len(h)), "")
        return self.draw("programme", self.county, PROGRAMMES_PER_COUNTY) + head

    def _division(self, surface: str) -> str:
        source = self.src.surfaces[surface]
        target = self.county if source == self.home else self.mapping[source]
        if surface == source.name or not target.short:
            return target.name
        return target.short

    def _replace(self, match: re.Match[str]) -> str:
        surface = match[0]
        if surface.startswith("“"):
            if surface not in self.names:
                self.names[surface] = "“" + self.programme(surface[1:-1]) + "”"
            return self.names[surface]
        if surface in self.src.persons or surface in self.src.locals:
            if surface not in self.names:
                if surface in self.src.persons:
                    self.names[surface] = self.person()
                else:
                    self.names[surface] = self.draw("place", self.county, PLACES_PER_COUNTY)
            return self.names[surface]
        if surface[-1] in "区县" and (surface.startswith("全") or len(surface) == 1):
            if self.home is None or self.home.name[-1] not in "区县":
                return surface
            kind = self.county.name[-1]
            return surface[:-1] + (kind if kind in COUNTY_KINDS else "县")
        return self._division(surface)

    def rewrite(self, text: str, home: Division | None = None) -> str:
        """``text`` with this article's names, its own county being ``home``."""
        self.home = home
        return self.src.pattern.sub(self._replace, text)


def article(index: int, seed: int = 0, *, province: str | None = None) -> tuple[str, str]:
    """Article number ``index`` of the corpus of ``seed``: its file name and text.

    The article is set in a county of ``province`` (a name such as ``"浙江省"``;
    ``None``: the seeds' province; ``"all"``: any province).
    """
    src = source()
    rng = random.Random(seed + index)
    names = _Article(rng, src, seed, province)
    paper = (names.city.short or names.city.name.removesuffix("市")) + "日报"
    day = datetime.date(FIRST_YEAR, 1, 1) + datetime.timedelta(days=rng.randrange(365 * (LAST_YEAR - FIRST_YEAR + 1)))
    editors = [names.draw("editor", names.city, EDITORS_PER_PAPER) for _ in range(3)]
    reporters = [names.draw("reporter", names.city, REPORTERS_PER_PAPER) for _ in range(rng.randint(1, 2))]
    correspondents = [names.person() for _ in range(rng.randint(1, 3))]
    home_seed = rng.choice(src.paragraphs).home
    lines = [
        f"{paper} {rng.choice('ABCD')}{rng.randint(1, 12)}",
        f"{day.year}年{day.month}月{day.day}日 星期{WEEKDAYS[day.weekday()]} "
        f"责任编辑:{editors[0]} 美术编辑:{editors[1]} 校对:{editors[2]}",
        f"# {names.rewrite(rng.choice(src.titles), home_seed)}",
        f"{paper}·掌上{names.city.short or names.city.name}记者/{' '.join(reporters)} 通讯员/{' '.join(correspondents)}",
    ]
    target = min(12 * MEDIAN_CHARS, max(800, rng.lognormvariate(math.log(MEDIAN_CHARS), LENGTH_SIGMA)))
    order = rng.sample(src.paragraphs, len(src.paragraphs))
    pieces: list[str] = []
    length = sum(map(len, lines))
    while len(pieces) < MIN_PARAGRAPHS or length + len(order[len(pieces) % len(order)].text) / 2 < target:
        paragraph = order[len(pieces) % len(order)]
        pieces.append(names.rewrite(paragraph.text, paragraph.home))
        length += len(pieces[-1])
    count = min(MAX_PARAGRAPHS, len(pieces))  # a long article joins seed paragraphs into longer ones
    for number in range(count):
        if number and rng.random() < HEADING_CHANCE:
            lines.append(f"### {names.rewrite(rng.choice(src.headings), home_seed)}")
        lines.append("".join(pieces[number * len(pieces) // count : (number + 1) * len(pieces) // count]))
    return f"{index:06d}.txt", "\n\n".join(lines) + "\n"


def generate(n: int, seed: int = 0, *, start: int = 0, province: str | None = None) -> Iterator[tuple[str, str]]:
    """The articles ``start`` … ``start + n - 1`` of the corpus of ``seed``, as (file name, text)."""
    for index in range(start, start + n):
        yield article(index, seed, province=province)


def write(n: int, out: str | Path, seed: int = 0, *, start: int = 0, province: str | None = None) -> int:
    """Write ``n`` articles into the folder ``out``; return the number of characters written."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for name, text in generate(n, seed, start=start, province=province):
        (folder / name).write_text(text, encoding="utf-8")
        total += len(text)
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write N generated articles into OUT_DIR.")
    parser.add_argument("n", type=int, metavar="N")
    parser.add_argument("out", metavar="OUT_DIR")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--start", type=int, default=0, help="number of the first article (to add to a corpus)")
    parser.add_argument("--province", help="set the articles in this province ('all': any; default: the seeds')")
    args = parser.parse_args(argv)
    characters = write(args.n, args.out, args.seed, start=args.start, province=args.province)
    print(f"{args.n} articles, {characters:,} characters in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

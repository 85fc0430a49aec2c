"""``kg_programmes``: named public initiatives (PROGRAMME candidates).

Four rules, each with its own id on the span:

* ``prog.quoted``: a quoted name that a programme head follows (“三高四新”战略),
  that a launch verb precedes (开展“我为群众办实事”), that ends in a head
  (“雪亮工程”), or that an organisation or place directly precedes
  (三门镇“益路同行”); a run of quotes joined by 、 shares the verdict, and a run
  closed by a collective noun (…等专项行动) is accepted whole;
* ``prog.head``: an unquoted name ending in a head that belongs to it
  (扫黑除恶专项斗争, 党史学习教育, 全科网格行动);
* ``prog.list``: the unquoted items of a list closed by a collective noun or a
  numbered quoted summary (新时代文明实践站、雷锋驿站…等一批品牌项目; …智慧大脑、新区志愿“四大行动”);
* ``prog.document``: a plan named in book-title marks (《…工作方案》).

A quote after a word of comparison (作为“一把手”工程) is a figure of speech; a
quoted manner word (“点穴式”督导) is a programme only with the head that follows
it (“枫桥式”派出所、司法所创建). A scope word before a name is not part of it
(全市扫黑除恶专项斗争 → 扫黑除恶专项斗争), and the variants of a name in one article
(扫黑除恶专项斗争, 扫黑除恶斗争) share the fullest one's key. Each candidate's meta says whether a
launch verb governs it (``run``: 开展…, …实施以来, and no follow verb such as 贯彻
between), whether it is a policy set above (``policy``: …战略, …改革) and whether
it carries its own head (``headed``); ``kg_relations`` makes RUNS from them.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from kg.lexicon import HAN, Lexicon, alternation

from .component import RuleComponent
from .spans import add_candidate, candidates, text_of
from .text import clause_start, name_run_start, trim_modifier

QUOTE = re.compile(r"“([^“”\n]{2,24})”")
RUN_GAP = re.compile(f"(?:(?:、|和|与|及)[{HAN}]{{0,4}})?")
NUMBERED = re.compile(r"[0-9一二三四五六七八九十百千两]")  #: a numbered summary (“四大行动”) names the list before it
DOCUMENT = re.compile(r"《([^《》\n]{4,40}方案)》")


@dataclass
class Quote:
    start: int
    end: int
    name: str
    accepted: bool = False
    runner: tuple[int, int] | None = None


class ProgrammeRecognizer(RuleComponent):
    """Finds programme names by quotes, head words, lists and plan titles."""

    cues: str  #: the file of programme heads, launch verbs, collective nouns and rejected words
    max_list_item: int  #: the longest item of a listed programme
    max_head_modifier: int  #: the longest modifier before a programme head
    max_run: int  #: the longest run of name characters before a head
    max_clause: int  #: how far back a launch verb is looked for

    def load(self, lexicon: Lexicon) -> None:
        groups = lexicon.cues(self.cues)
        self.heads, self.own_heads, self.reject = (lexicon.cue_re(self.cues, role) for role in ("head", "own_head", "reject"))
        self.verbs = re.compile(f"(?:{alternation(groups['verb'])})(?:了|的)?$")
        self.collective = re.compile(f"等(?:一批|一系列|系列)?(?:{alternation(groups['collective'])})")
        self.kept = lexicon.kept_cues(self.cues) & groups["head"]
        self.head_after_gap = re.compile(f"[{HAN}]{{1,6}}活动")
        self.brand = re.compile(f"(?:{alternation(groups['verb'])})([{HAN}]{{2,6}}?)品牌")
        self.launch = groups["launch"]
        self.governing = re.compile(alternation(groups["launch"] | groups["follow"]))
        self.policy = re.compile(f"”?(?:{alternation(groups['policy'])})")
        self.metaphor = re.compile(f"(?:{alternation(groups['metaphor'])})$")
        self.manner_end = tuple(groups["manner_end"])
        self.manner_head = re.compile(f"[{HAN}、]{{1,12}}?(?:{alternation(groups['head'])})")
        self.scope = re.compile(alternation(groups["scope"]))
        self.optional = re.compile(alternation(groups["optional"]))
        self.measured = re.compile(f"[0-9一二三四五六七八九十百千两]+(?:{alternation(groups['measure'])})")

    def __call__(self, doc: Doc) -> Doc:
        quotes = self._quotes(doc)
        for quote in quotes:
            if quote.accepted:
                self._add_quote(doc, quote)
        self._unquoted_heads(doc, quotes)
        self._lists(doc, quotes)
        for match in self.brand.finditer(text_of(doc)):
            self._add(doc, match.start(1), match.end(1), "prog.brand")
        for match in DOCUMENT.finditer(text_of(doc)):
            self._add(doc, match.start(1), match.end(1), "prog.document")
        self._merge_variants(doc)
        return doc

    def _merge_variants(self, doc: Doc) -> None:
        """Give the variants of one name (扫黑除恶专项斗争, 扫黑除恶斗争, 全国…) the fullest one's key,
        so that the others become its aliases."""
        infos = [doc._.kg_info[(s.start_char, s.end_char, s.label_)] for s in candidates(doc, "PROGRAMME")]
        fullest = fullest_variants([info["key"] for info in infos], self.optional)
        for info in infos:
            info["key"] = fullest[info["key"]]

    def _add_quote(self, doc: Doc, quote: Quote) -> None:
        text = text_of(doc)
        if quote.name.endswith(self.manner_end):
            head = self.manner_head.match(text, quote.end)
            if head is not None:  # “枫桥式”派出所、司法所创建
                self._add(doc, quote.start + 1, head.end(), "prog.quoted", runner=quote.runner)
            return
        headed = bool(any(quote.name.endswith(h) for h in self.kept) or self.heads.match(text, quote.end)
                      or self.head_after_gap.match(text, quote.end) or self.collective.match(text, quote.end))
        self._add(doc, quote.start + 1, quote.end - 1, "prog.quoted", runner=quote.runner, headed=headed)

    def _add(self, doc: Doc, start: int, end: int, rule: str, **meta: object) -> None:
        """Add a candidate without its scope word, with what ``kg_relations`` needs to know."""
        text = text_of(doc)
        scope = self.scope.match(text, start)
        if scope is not None and end - scope.end() >= 4:
            start = scope.end()
        meta.setdefault("headed", True)
        after = end + 1 if text[end:end + 1] == "”" else end
        add_candidate(doc, start, end, "PROGRAMME", _unquote(text[start:end]), rule, run=self._governed(text, start, end),
                      policy=bool(self.policy.match(text, end) or self.policy.search(text, max(start, end - 2), end)
                                  or self.policy.match(text, after)), **meta)

    def _governed(self, text: str, start: int, end: int) -> bool:
        """Whether a launch verb governs the name: the last launch or follow verb of the clause
        before it is a launch verb (区公安局开展“…”), or one follows it (党史学习教育开展以来)."""
        verbs = list(self.governing.finditer(text, clause_start(text, start, self.max_clause), max(0, start - 1) if text[start - 1:start] == "“" else start))
        if verbs and verbs[-1].group() in self.launch:
            return True
        after = end + 1 if text[end:end + 1] == "”" else end
        after = self.heads.match(text, after).end() if self.heads.match(text, after) else after
        following = self.governing.match(text, after)
        return following is not None and following.group() in self.launch

    # quoted names -------------------------------------------------------
    def _quotes(self, doc: Doc) -> list[Quote]:
        text = text_of(doc)
        holders = {s.end_char: s for s in candidates(doc) if s.label_ in ("ORG", "PLACE")}
        quotes = [Quote(m.start(), m.end(), m.group(1)) for m in QUOTE.finditer(text) if self._plausible(m.group(1))]
        quotes = [q for q in quotes if not self._figurative(text, q)]
        for run in self._runs(text, quotes):
            after = text[run[-1].end : run[-1].end + 12]
            run_ok = bool(self.collective.match(after))
            for quote in run:
                holder = holders.get(quote.start)
                quote.runner = (holder.start_char, holder.end_char) if holder is not None else None
                quote.accepted = self._accept(text, quote) or quote.runner is not None
                run_ok = run_ok or quote.accepted
            for quote in run:
                quote.accepted = run_ok
        return quotes

    def _figurative(self, text: str, quote: Quote) -> bool:
        return bool(self.metaphor.search(text, max(0, quote.start - 4), quote.start))

    def _plausible(self, name: str) -> bool:
        if self.reject.search(name) or re.search(r"[,。;:!?]", name) or not re.search(f"[{HAN}]", name):
            return False
        if self._opens_with_verb(name):
            return False
        return name.count("、") < 2

    def _runs(self, text: str, quotes: list[Quote]) -> list[list[Quote]]:
        runs: list[list[Quote]] = []
        for quote in quotes:
            if runs and RUN_GAP.fullmatch(text, runs[-1][-1].end, quote.start):
                runs[-1].append(quote)
            else:
                runs.append([quote])
        return runs

    def _accept(self, text: str, quote: Quote) -> bool:
        if "、" not in quote.name and any(quote.name.endswith(h) for h in self.kept):
            return True
        if self.heads.match(text, quote.end) or self.head_after_gap.match(text, quote.end):
            return True
        before = text[clause_start(text, quote.start, self.max_clause) : quote.start]
        return bool(self.verbs.search(before))

    # unquoted names -----------------------------------------------------
    def _unquoted_heads(self, doc: Doc, quotes: list[Quote]) -> None:
        text = text_of(doc)
        starts = [q.start for q in quotes]
        bodies = [s for s in candidates(doc) if s.label_ == "ORG"]
        for match in self.own_heads.finditer(text):
            if any(b.start_char <= match.start() and match.end() < b.end_char for b in bodies):
                continue  # 湖南湘大工程检测有限公司: the head is inside an organisation's name
            before = bisect.bisect_right(starts, match.start()) - 1
            if before >= 0 and match.start() < quotes[before].end:
                continue  # inside a quote
            run = name_run_start(text, match.start(), self.max_run)
            start = self._name_start(text, run, match.start(), self.max_head_modifier)
            if match.start() - start >= 2 and not self.measured.fullmatch(text, start, match.start()):
                self._add(doc, start, match.end(), "prog.head")

    def _lists(self, doc: Doc, quotes: list[Quote]) -> None:
        text = text_of(doc)
        closers = [m.start() for m in re.finditer("等", text) if self.collective.match(text, m.start())]
        closers += [q.start for q in quotes if q.accepted and NUMBERED.match(q.name)]
        for closer in closers:
            for start, end in self._list_items(text, closer):
                self._add(doc, start, end, "prog.list")


    def _name_start(self, text: str, run: int, end: int, max_len: int) -> int:
        """Left edge of a name in the run ``text[run:end]``: after a modifier's stop word, and
        after a launch or follow verb that opens the run (打好|政治能力建设攻坚战)."""
        start = trim_modifier(text, run, end, max_len=max_len, lexicon=self.lexicon)
        verb = self.governing.match(text, run)
        return max(start, verb.end()) if verb is not None and end - verb.end() >= 2 else start

    def _opens_with_verb(self, name: str) -> bool:
        """A quoted slogan opens with a verb or preposition (“坚持…”, “以…”), a name does not."""
        return bool(self.lexicon.stopword_re.match(name)) or (len(name) > 6 and name[0] in self.lexicon.stopwords)

    def _list_items(self, text: str, closer: int) -> list[tuple[int, int]]:
        """The 、-separated unquoted items that end right before ``closer``."""
        words = self.lexicon.stopwords
        items: list[tuple[int, int]] = []
        end = closer
        while True:
            start = name_run_start(text, end, self.max_list_item)
            listed = start > 0 and text[start - 1] == "、"
            if not listed:
                start = self._name_start(text, start, end, self.max_list_item)
            if end - start < 2 or text[start:end] in words:
                break
            items.append((start, end))
            if not listed:
                break
            end = start - 1
        if not items or any(text.endswith(w, items[0][0], items[0][1]) for w in words if len(w) > 1):
            return []
        return items if len(items) >= 2 else []


def _unquote(name: str) -> str:
    return name.replace("“", "").replace("”", "")


def fullest_variants(names: list[str], optional: re.Pattern[str]) -> dict[str, str]:
    """Each name -> the fullest of the names that differ from it only by ``optional`` words
    (扫黑除恶斗争 -> 扫黑除恶专项斗争); ``kg.resolve`` applies it again over a whole article's chunks."""
    fullest: dict[str, str] = {}
    for name in names:
        core = optional.sub("", name)
        if len(name) > len(fullest.get(core, "")):
            fullest[core] = name
    return {name: fullest[optional.sub("", name)] for name in names}


@Language.factory("kg_programmes", assigns=["doc.spans"], requires=["doc.spans"],
                  default_config={"resources": None, "cues": "programme_cues.tsv", "max_list_item": 12,
                                  "max_head_modifier": 10, "max_run": 20, "max_clause": 400})
def make_programmes(nlp: Language, name: str, resources: str | None, cues: str, max_list_item: int,
                    max_head_modifier: int, max_run: int, max_clause: int) -> ProgrammeRecognizer:
    return ProgrammeRecognizer(nlp, name, resources=resources, cues=cues, max_list_item=max_list_item,
                               max_head_modifier=max_head_modifier, max_run=max_run, max_clause=max_clause)

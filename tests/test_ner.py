"""The NER model (``kg.ner``): data conversion, the combination policy, ``kg ner``, a tiny training run.

The converter is checked on real lines of both training files, artefacts
included (the first 30 records of each, committed in ``tests/fixtures/ner``;
the full files, where ``../shared/data/ner`` is beside the checkout); the
policy on hand-made candidates; ``kg ner`` on real sentences; and one training
run of a few dozen sentences (``slow``) so the training path cannot rot. No
test retrains the shipped model.
"""

from __future__ import annotations

import json
from collections.abc import Callable
import socket
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest
from click.testing import CliRunner
from spacy.language import Language
from spacy.tokens import Doc

from kg.cli import main
from kg.ner.crf import CrfModel
from kg.ner.data import (
    ConversionReport, NerDataError, bmes_sentence, cluener_sentence, convert, division_like, is_dev, read_bmes, read_cluener,
    read_split, sentences,
)
from kg.ner.model import given_name_chars, load_model, model_path, score
from kg.ner.train import Settings, ship_model, train
from kg.pipeline import make_nlp
from kg.pipeline.ner_candidates import ModelGate, offer
from kg.pipeline.spans import ENTITIES, add_candidate

ROOT = Path(__file__).resolve().parent.parent
MAX_MODEL_MB = 25


def bmes(text: str, tags: str) -> list[tuple[str, str]]:
    """A fragment from its characters and space-separated tags."""
    return list(zip(text, tags.split(), strict=True))


# -- People's Daily 1998 (BMES) -------------------------------------------------------


@pytest.mark.parametrize(("chars", "tags", "text", "ents", "what"), [
    # real fragments of renmin1998/train.bmes
    ("新华社记者赵毅", "B_nt M_nt E_nt O O B_nr E_nr", "新华社记者赵毅", [(0, 3, "ORG"), (5, 7, "PER")], "kept"),
    ("以及美国驻华大使尚慕杰等参加了会见和宴请", "O O B_ns E_ns O O O O B_nr M_nr E_nr O O O O O O O O O",
     "以及美国驻华大使尚慕杰等参加了会见和宴请", [(2, 4, "PLACE"), (8, 11, "PER")], "kept"),
    # full-width digits are folded as the pipeline folds them (same length)
    ("１９８２年西班牙加入北约", "O O O O O B_ns M_ns E_ns O O O O", "1982年西班牙加入北约", [(5, 8, "PLACE")], "kept"),
    # the converter's doubled one-character word: collapsed, the lone surname is no PER
    ("江江主席分别会见", "B_nr E_nr O O O O O O", "江主席分别会见", [], "collapsed"),
    ("一位赵赵姓女摊主与顾客吵了架", "O O B_nr E_nr O O O O O O O O O O", "一位赵姓女摊主与顾客吵了架", [], "collapsed"),
    # a doubled pair that may be a real name (强强, the panda): the fragment is dropped
    ("强强服药３个月后", "B_nr E_nr O O O O O O", None, None, "dropped: doubled name"),
    # an ill-formed tag sequence
    ("张勇在", "B_nr O O", None, None, "dropped: tags"),
])
def test_bmes_fragments(chars: str, tags: str, text: str | None, ents: list | None, what: str) -> None:
    sentence, outcome = bmes_sentence(bmes(chars, tags))
    assert outcome == what
    if text is None:
        assert sentence is None
    else:
        assert sentence.text == text and list(sentence.ents) == ents
        assert all(text[s:e] for s, e, _ in ents)


def test_collapse_keeps_the_other_entities_in_place() -> None:
    chars = "以及江江主席会见尚慕杰"
    sentence, outcome = bmes_sentence(bmes(chars, "O O B_nr E_nr O O O O B_nr M_nr E_nr"))
    assert outcome == "collapsed"
    assert [sentence.text[s:e] for s, e, _ in sentence.ents] == ["尚慕杰"]


def test_read_bmes_reads_the_real_file_head_and_rejects_a_bad_line(ner_data: Path, tmp_path: Path) -> None:
    head = (ner_data / "renmin1998" / "train.bmes").read_text(encoding="utf-8").split("\n\n")[:3]
    path = tmp_path / "head.bmes"
    path.write_text("\n\n".join(head) + "\n", encoding="utf-8")
    fragments = list(read_bmes(path))
    assert ["".join(c for c, _ in f) for f in fragments] == ["国务院", "南方贝尔等只能经营短途电话业务", "和毅繁（普米族）"]
    path.write_text("国 B_nt\n务B_nt\n", encoding="utf-8")
    with pytest.raises(NerDataError, match=r"head.bmes:2"):
        list(read_bmes(path))


# -- CLUENER2020 ----------------------------------------------------------------------


def test_cluener_record_zero_maps_company_to_org_and_name_to_per(ner_data: Path) -> None:
    record = json.loads((ner_data / "cluener2020" / "train.json").open(encoding="utf-8").readline())
    sentence = cluener_sentence(record)
    assert [(sentence.text[s:e], label) for s, e, label in sentence.ents] == [("浙商银行", "ORG"), ("叶老桂", "PER")]


@pytest.mark.parametrize(("record", "ents", "missing"), [
    ({"text": "浙江省杭州市西湖区文三路90号", "label": {"address": {"浙江省杭州市西湖区文三路90号": [[0, 14]]}}}, [], [(0, 15)]),
    ({"text": "荷兰和浙江省的游客来到故宫", "label": {"address": {"荷兰": [[0, 1]], "浙江省": [[3, 5]]}, "scene": {"故宫": [[11, 12]]}}},
     [(0, 2, "PLACE"), (3, 6, "PLACE")], [(11, 13)]),
    ({"text": "生生不息CSOL生化狂潮让你填弹狂扫", "label": {"game": {"CSOL": [[4, 7]]}}}, [], []),
])
def test_cluener_addresses_scenes_and_ignored_labels(record: dict, ents: list, missing: list) -> None:
    sentence = cluener_sentence(record)
    assert list(sentence.ents) == ents and list(sentence.missing) == missing


@pytest.mark.parametrize(("name", "expected"), [
    ("浙江省", True), ("老河口市", True), ("荷兰", True), ("新闸路", False), ("泗水县酒精厂大院", False), ("口区长丰村1号或2号", False),
])
def test_division_like(name: str, expected: bool) -> None:
    assert division_like(name) is expected


def test_a_cluener_span_that_does_not_match_its_text_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(NerDataError, match="does not match"):
        cluener_sentence({"text": "叶老桂认为", "label": {"name": {"叶老桂": [[1, 3]]}}})
    path = tmp_path / "bad.json"
    path.write_text('{"text": "x"}\nnot json\n', encoding="utf-8")
    with pytest.raises(NerDataError, match=r"bad.json:2: not JSON"):
        list(read_cluener(path))
    path.write_text('{"label": {}}\n', encoding="utf-8")
    with pytest.raises(NerDataError, match=r"bad.json:1: not a CLUENER record"):
        list(read_cluener(path))


def test_conversion_writes_both_splits_with_entities_and_unknown_spans(ner_data: Path, tmp_path: Path) -> None:
    report = convert(ner_data, tmp_path, dev_percent=50)
    train_rows, dev_rows = read_split(tmp_path / "train.jsonl"), read_split(tmp_path / "dev.jsonl")
    assert len(train_rows) == report.counts["cluener2020 train"] + report.counts["renmin1998 train"]
    assert len(dev_rows) == report.counts["cluener2020 dev"] + report.counts["renmin1998 dev"]
    assert train_rows and dev_rows and {r["source"] for r in train_rows + dev_rows} == {"cluener2020", "renmin1998"}
    first = next(r for r in train_rows + dev_rows if r["text"].startswith("浙商银行企业信贷部叶老桂"))
    assert [first["text"][s:e] for s, e, _ in first["ents"]] == ["浙商银行", "叶老桂"]
    assert any(r["missing"] for r in train_rows + dev_rows)  # CLUENER street addresses and scenes


def test_the_dev_split_is_a_stable_function_of_the_text() -> None:
    texts = [f"第{i}条新闻" for i in range(400)]
    chosen = [t for t in texts if is_dev(t)]
    assert 20 < len(chosen) < 60
    assert chosen == [t for t in texts if is_dev(t)]


def test_score_counts_exact_spans_and_skips_unknown_regions() -> None:
    gold = [[(0, 3, "PER"), (5, 8, "ORG")]]
    predicted = [[(0, 3, "PER"), (5, 7, "ORG"), (10, 12, "PLACE")]]
    scores = score(gold, predicted, [[(9, 13)]])
    assert (scores["PER"]["tp"], scores["ORG"]["fp"], scores["ORG"]["fn"], scores["PLACE"]["fp"]) == (1, 1, 1, 0)


# -- the combination policy (kg_ner's shape check, then kg_entities) --------------------


def choose(nlp: Language, text: str, candidates: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """(label, text, rule) of the chosen spans when only ``candidates`` (label, surface, rule) are offered:
    the rules' are added as the rule components add them, the model's (rule ``ner.*``) go through
    ``kg_ner``'s shape check as the model's entities do, then ``kg_entities`` chooses."""
    doc = nlp.make_doc(text)
    model = []
    for label, surface, rule in candidates:
        start = text.index(surface)
        if rule.startswith("ner."):
            model.append((start, start + len(surface), label))
        else:
            add_candidate(doc, start, start + len(surface), label, surface, rule)
    doc = offer(doc, model, nlp.get_pipe("kg_ner").shape)
    doc = nlp.get_pipe("kg_entities")(doc)
    return [(s.label_, s.text, s._.kg_rule) for s in doc.spans[ENTITIES]]


@pytest.mark.parametrize(("text", "candidates", "chosen"), [
    # the model adds a person the rules missed (no title beside it), with its source in the rule id
    ("2021年至今,钟平熊一共化解辖区矛盾纠纷", [("PER", "钟平熊", "ner.PER")], [("PER", "钟平熊", "ner.PER")]),
    ("钟平熊获评全国优秀人民警察", [("HONOUR", "全国优秀人民警察", "honour.cue"), ("PER", "钟平熊", "ner.PER")],
     [("PER", "钟平熊", "ner.PER"), ("HONOUR", "全国优秀人民警察", "honour.cue")]),
    # rules own what they name: a model span touching any rule span is dropped
    ("沔渡派出所所长钟平熊", [("ORG", "沔渡派出所", "org.chain"), ("PER", "钟平熊", "per.title"), ("ORG", "所长钟平熊", "ner.ORG")],
     [("ORG", "沔渡派出所", "org.chain"), ("PER", "钟平熊", "per.title")]),
    ("开展扫黑除恶专项斗争", [("PROGRAMME", "扫黑除恶专项斗争", "programme.cue"), ("ORG", "扫黑除恶", "ner.ORG")],
     [("PROGRAMME", "扫黑除恶专项斗争", "programme.cue")]),
    # PER: a surname, given-name characters seen in training names, not anonymised, not a form of address
    ("游某和张女士", [("PER", "游某", "ner.PER"), ("PER", "张女士", "ner.PER")], []),
    ("趁坐公交车的路人甲", [("PER", "路人甲", "ner.PER")], []),
    ("群众获得感幸福感安全感", [("PER", "安全感", "ner.PER")], []),
    ("网格员说", [("PER", "网格员", "ner.PER")], []),
    # a quoted term is a programme, honour or slogan; a name glued to another name is part of it
    ("构建“齐心治”大格局", [("PER", "齐心治", "ner.PER")], []),
    ("白鹤社区张艳春国学工作室", [("PER", "张艳春", "ner.PER"), ("ORG", "国学工作室", "ner.ORG")], []),
    # a name inside a doctrine's name is no person; the same name acting in the text is
    ("深入学习贯彻习近平新时代中国特色社会主义思想", [("PER", "习近平", "ner.PER")], []),
    ("坚持以习近平法治思想为指导", [("PER", "习近平", "ner.PER")], []),
    ("习近平主持召开会议", [("PER", "习近平", "ner.PER")], [("PER", "习近平", "ner.PER")]),
    # ORG: an organisation head after a modifier that is not a common word
    ("梓园社区等11个无物业管理小区", [("ORG", "梓园社区", "ner.ORG")], [("ORG", "梓园社区", "ner.ORG")]),
    ("推进智慧法院、智慧检务", [("ORG", "智慧法院", "ner.ORG")], []),
    ("检察机关大力推进认罪认罚", [("ORG", "检察机关", "ner.ORG")], []),
    ("强化党委领导,完善党委领导下的社会治理", [("ORG", "完善党委", "ner.ORG")], []),
    # PLACE: outside the division lexicon, with a place head
    ("梓园小区等11个无物业管理小区", [("PLACE", "梓园小区", "ner.PLACE")], [("PLACE", "梓园小区", "ner.PLACE")]),
    ("习近平新时代中国特色社会主义思想", [("PLACE", "中国", "ner.PLACE")], []),
    ("株洲日报社", [("PLACE", "株洲", "ner.PLACE")], []),
])
def test_combination_policy(nlp: Language, text: str, candidates: list, chosen: list) -> None:
    assert choose(nlp, text, candidates) == chosen


def gated_doc(nlp: Language) -> tuple[Doc, int]:
    """Two sentences: the first's names are all rule candidates, the second's 钟平熊 is not; and where it starts."""
    text = "沔渡派出所所长钟平熊。2021年至今,钟平熊一共化解辖区矛盾纠纷。"
    doc = nlp.get_pipe("kg_sentences")(nlp.make_doc(text))
    add_candidate(doc, 0, 5, "ORG", "沔渡派出所", "org.chain")
    add_candidate(doc, 7, 10, "PER", "钟平熊", "per.title")
    return doc, text.index("。") + 1


def test_the_gate_tags_only_sentences_where_a_model_span_could_survive(nlp: Language) -> None:
    doc, second = gated_doc(nlp)
    assert ModelGate(nlp.get_pipe("kg_ner").shape).regions(doc) == [(second, len(doc.text))]


def test_the_gate_joins_adjacent_sentences_and_is_off_by_default(nlp: Language, monkeypatch: pytest.MonkeyPatch) -> None:
    component = nlp.get_pipe("kg_ner")
    doc = nlp.get_pipe("kg_sentences")(nlp.make_doc("钟平熊一共化解辖区矛盾纠纷。张艳春说。"))
    assert component.gate is False and component._regions(doc) == [(0, len(doc.text))]
    monkeypatch.setattr(component, "gated", ModelGate(component.shape))
    assert component._regions(doc) == [(0, len(doc.text))]


def test_the_gated_model_finds_the_person_the_rules_miss(nlp: Language, monkeypatch: pytest.MonkeyPatch) -> None:
    component = nlp.get_pipe("kg_ner")
    monkeypatch.setattr(component, "gated", ModelGate(component.shape))
    doc = nlp("沔渡派出所所长钟平熊获评全国优秀人民警察。2021年至今,钟平熊一共化解辖区矛盾纠纷。")
    assert ("PER", "钟平熊", "ner.PER") in [(s.label_, s.text, s._.kg_rule) for s in doc.spans[ENTITIES]]


# -- the shipped model and kg ner ----------------------------------------------------------


def test_the_shipped_model_is_small_packaged_and_loads_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    files = [p for p in model_path().rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) <= MAX_MODEL_MB * 1_000_000
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]["kg"]
    for path in files:
        relative = path.relative_to(ROOT / "kg").as_posix()
        assert any(fnmatch(relative, g) and relative.count("/") == g.count("/") for g in globs), relative

    def no_network(*args, **kwargs):
        raise AssertionError("the model tried to use the network")

    monkeypatch.setattr(socket, "socket", no_network)
    load_model.cache_clear()
    try:
        model = load_model()
        assert isinstance(model, CrfModel)
        assert ("PER", "钟平熊") in {(label, "至今钟平熊一共化解"[s:e]) for s, e, label in next(model.tag(["至今钟平熊一共化解"]))}
    finally:
        load_model.cache_clear()


def test_the_pipeline_runs_the_model_after_the_rules_and_before_the_chooser(nlp: Language) -> None:
    names = nlp.pipe_names
    assert names.index("kg_honours") < names.index("kg_ner") < names.index("kg_entities")
    assert "kg_ner" not in make_nlp(ner=False).pipe_names


def test_kg_ner_writes_one_line_per_text_with_offsets_into_the_text(tmp_path: Path) -> None:
    lines = ["炎陵县公安局沔渡派出所所长钟平熊获评“全国优秀人民警察”。", "", "（新华社记者赵毅）国务院总理在北京会见了美国驻华大使尚慕杰。"]
    path = tmp_path / "in.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["ner", str(path)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["text"] for r in records] == lines
    assert records[1]["ents"] == []
    found = {(r["text"][s:e], label) for r in records for s, e, label in r["ents"]}
    assert all(0 <= s < e <= len(r["text"]) for r in records for s, e, _ in r["ents"])
    assert {("钟平熊", "PER"), ("尚慕杰", "PER"), ("北京", "PLACE"), ("国务院", "ORG")} <= found


def test_kg_ner_names_a_missing_model(tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_text("钟平熊\n", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(main, ["ner", str(tmp_path / "in.txt"), "--model", str(tmp_path / "empty")])
    assert result.exit_code != 0 and "no NER model here" in result.output


# -- the full training files (where ../shared/data/ner is beside the checkout) -----------------


@pytest.mark.parametrize("name", ["cluener2020/train.json", "renmin1998/train.bmes"])
def test_the_fixtures_are_the_head_of_the_training_files(ner_data: Path, shared_path: Callable[..., Path], name: str) -> None:
    head = (ner_data / name).read_bytes()
    with shared_path("data", "ner", name).open("rb") as stream:
        assert stream.read(len(head)) == head


@pytest.mark.slow
def test_the_full_training_files_convert_with_the_counts_that_kg_ner_readme_states(shared_path: Callable[..., Path]) -> None:
    report = ConversionReport()
    kept = sum(1 for _ in sentences(shared_path("data", "ner"), report))
    assert {key: report.counts[key] for key in (
        "cluener2020 read", "cluener2020 unknown spans", "renmin1998 read", "renmin1998 collapsed",
        "renmin1998 dropped: doubled name", "renmin1998 dropped: tags", "renmin1998 dropped: duplicate text")} == {
        "cluener2020 read": 10_748, "cluener2020 unknown spans": 2_811, "renmin1998 read": 30_339, "renmin1998 collapsed": 303,
        "renmin1998 dropped: doubled name": 165, "renmin1998 dropped: tags": 0, "renmin1998 dropped: duplicate text": 1_837}
    assert kept == 10_748 + 30_339 - 165 - 1_837


# -- a tiny training run ---------------------------------------------------------------------


TINY = Settings(max_iterations=20)


@pytest.mark.slow
def test_a_tiny_training_run_trains_scores_and_ships(ner_data: Path, tmp_path: Path) -> None:
    report = train(ner_data, tmp_path / "run", settings=TINY)
    assert report.conversion.counts["cluener2020 read"] == 30 and report.conversion.counts["renmin1998 read"] == 30
    assert set(report.scores) == {"all", "cluener2020", "renmin1998"}
    assert json.loads((tmp_path / "run" / "dev-scores.json").read_text())["all"]["micro"]["f1"] == report.scores["all"]["micro"]["f1"]
    assert sum(report.skipped.values()) < 30
    shipped = ship_model(report.model, tmp_path / "shipped")
    assert isinstance(load_model(shipped), CrfModel)
    meta = json.loads((shipped / "meta.json").read_text(encoding="utf-8"))
    assert meta["name"] == "govkg_ner" and meta["settings"]["max_iterations"] == 20
    training_text = "".join(p.read_text(encoding="utf-8") for p in ner_data.rglob("train.*"))
    assert given_name_chars(shipped) and given_name_chars(shipped) <= set(training_text)


@pytest.mark.slow
def test_training_is_reproducible(ner_data: Path, tmp_path: Path) -> None:
    weights = [(train(ner_data, tmp_path / name, settings=TINY).model / "weights.npz").read_bytes() for name in ("a", "b")]
    assert weights[0] == weights[1]

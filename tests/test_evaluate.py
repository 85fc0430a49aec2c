"""Scoring follows the Scoring section of the annotation guidelines."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.errors import GoldError
from kg.evaluate import (
    Counts,
    EvalReport,
    evaluate,
    format_report,
    load_gold,
    load_predictions,
    normalize_name,
)

DOC = "000_fa77a8a22d1f7229.txt"


def ent(type_: str, name: str, *aliases: str, optional: bool = False) -> dict:
    entity = {"type": type_, "name": name, "aliases": list(aliases)}
    return {**entity, "optional": True} if optional else entity


def rel(type_: str, optional: bool = False, **fields: str) -> dict:
    relation = {"type": type_, **fields}
    return {**relation, "optional": True} if optional else relation


def article(entities: Sequence[dict] = (), relations: Sequence[dict] = (), doc: str = DOC) -> dict:
    return {"doc": doc, "entities": list(entities), "relations": list(relations)}


def score(gold: dict, pred: dict) -> EvalReport:
    return evaluate({gold["doc"]: gold}, {pred["doc"]: pred})


POLICE = ent("ORG", "天元区公安局", "区公安局", "天元公安分局")
LILING_PLA = ent("ORG", "醴陵市委政法委", "市委政法委")
YANG = ent("PER", "阳建")


# -- names -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“三高四新”", "三高四新"),
        ("‘平安天元’", "平安天元"),
        ('"雪亮工程"', "雪亮工程"),
        ("'枫桥经验'", "枫桥经验"),
        ("「格格平安」", "格格平安"),
        ("『法帮帮』", "法帮帮"),
        ("《株洲日报》", "株洲日报"),
        ("天元区 公安局", "天元区公安局"),
        ("天元区\u3000公安局\t", "天元区公安局"),
        ("株洲市中级人民法院", "株洲市中级人民法院"),
    ],
)
def test_normalize_name_drops_spaces_and_quote_marks(text: str, expected: str) -> None:
    assert normalize_name(text) == expected


@pytest.mark.slow
@given(st.text())
def test_normalize_name_is_idempotent(text: str) -> None:
    assert normalize_name(normalize_name(text)) == normalize_name(text)


# -- counts ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "p", "r", "f1"),
    [
        (Counts(2, 1, 1), 2 / 3, 2 / 3, 2 / 3),
        (Counts(1, 0, 3), 1.0, 0.25, 0.4),
        (Counts(0, 0, 3), 0.0, 0.0, 0.0),  # no predictions: P is 0.0, not 1.0
        (Counts(0, 2, 0), 0.0, 0.0, 0.0),  # no gold: R is 0.0
        (Counts(0, 0, 0), 0.0, 0.0, 0.0),
    ],
)
def test_precision_recall_f1(counts: Counts, p: float, r: float, f1: float) -> None:
    assert (counts.precision, counts.recall, counts.f1) == pytest.approx((p, r, f1))


# -- entities ----------------------------------------------------------------


def test_alias_matches_lenient_but_not_strict() -> None:
    report = score(article([POLICE]), article([ent("ORG", "区公安局")]))
    assert report.entities["lenient"]["ORG"] == Counts(tp=1, fp=0, fn=0)
    assert report.entities["strict"]["ORG"] == Counts(tp=0, fp=1, fn=1)


def test_canonical_name_matches_both_ways() -> None:
    report = score(article([POLICE]), article([ent("ORG", "天元区公安局")]))
    assert report.entities["lenient"]["ORG"] == report.entities["strict"]["ORG"] == Counts(1, 0, 0)


def test_quotes_and_spaces_are_ignored() -> None:
    gold = article([ent("PROGRAMME", "三高四新"), POLICE])
    pred = article([ent("PROGRAMME", "“三高四新”"), ent("ORG", "天元区 公安局")])
    report = score(gold, pred)
    assert report.micro("entities", "strict") == Counts(tp=2, fp=0, fn=0)


def test_type_must_match() -> None:
    report = score(article([POLICE]), article([ent("PLACE", "天元区公安局")]))
    assert report.entities["lenient"]["ORG"] == Counts(tp=0, fp=0, fn=1)
    assert report.entities["lenient"]["PLACE"] == Counts(tp=0, fp=1, fn=0)


def test_optional_gold_entity_is_neither_fp_nor_fn() -> None:
    gold = article([ent("ORG", "株洲日报"), ent("ORG", "掌上株洲", optional=True)])
    found = score(gold, article([ent("ORG", "株洲日报"), ent("ORG", "掌上株洲")]))
    missed = score(gold, article([ent("ORG", "株洲日报")]))
    assert found.entities["lenient"]["ORG"] == Counts(tp=1, fp=0, fn=0)
    assert missed.entities["lenient"]["ORG"] == Counts(tp=1, fp=0, fn=0)


def test_duplicate_predictions_are_counted_once() -> None:
    pred = article([ent("ORG", "天元区公安局"), ent("ORG", "天元区 公安局"), ent("ORG", "“天元区公安局”")])
    report = score(article([POLICE]), pred)
    assert report.entities["strict"]["ORG"] == Counts(tp=1, fp=0, fn=0)


def test_each_gold_entity_is_matched_at_most_once() -> None:
    # Two different surface forms of the same body: one hit, one spurious entity.
    report = score(article([POLICE]), article([ent("ORG", "区公安局"), ent("ORG", "天元公安分局")]))
    assert report.entities["lenient"]["ORG"] == Counts(tp=1, fp=1, fn=0)


def test_matching_is_maximal_not_greedy() -> None:
    # 区委 is the alias of 天元区委 and also the name of another gold entity;
    # a greedy matcher would spend 天元区委 on 区委 and lose a hit.
    gold = article([ent("ORG", "天元区委", "区委"), ent("ORG", "区委")])
    report = score(gold, article([ent("ORG", "区委"), ent("ORG", "天元区委")]))
    assert report.entities["lenient"]["ORG"] == Counts(tp=2, fp=0, fn=0)


# -- relations ---------------------------------------------------------------


def test_relation_matched_through_an_alias() -> None:
    gold = article([YANG, LILING_PLA], [rel("POST", person="阳建", org="醴陵市委政法委", title="书记")])
    pred = article([], [rel("POST", person="阳建", org="市委政法委", title="书记")])
    report = score(gold, pred)
    assert report.relations["lenient"]["POST"] == Counts(tp=1, fp=0, fn=0)
    assert report.relations["strict"]["POST"] == Counts(tp=0, fp=1, fn=1)


def test_relation_needs_every_entity_field() -> None:
    gold = article([POLICE, ent("PROGRAMME", "百日攻坚庆百年")],
                   [rel("RUNS", org="天元区公安局", programme="百日攻坚庆百年")])
    pred = article([], [rel("RUNS", org="天元区公安局", programme="雪亮工程")])
    assert score(gold, pred).relations["lenient"]["RUNS"] == Counts(tp=0, fp=1, fn=1)


def test_relation_fields_ignore_quotes_in_strict_mode() -> None:
    gold = article([POLICE, ent("PROGRAMME", "百日攻坚庆百年")],
                   [rel("RUNS", org="天元区公安局", programme="百日攻坚庆百年")])
    pred = article([], [rel("RUNS", org="天元区公安局", programme="“百日攻坚庆百年”")])
    assert score(gold, pred).relations["strict"]["RUNS"] == Counts(tp=1, fp=0, fn=0)


def test_non_entity_fields_do_not_affect_matching() -> None:
    gold = article([ent("PLACE", "天元区"), ent("HONOUR", "湖南省平安校园示范县市区")],
                   [rel("AWARD", recipient="天元区", honour="湖南省平安校园示范县市区", year="2021-2022")])
    pred = article([], [rel("AWARD", recipient="天元区", honour="湖南省平安校园示范县市区", year="2021")])
    assert score(gold, pred).relations["strict"]["AWARD"] == Counts(tp=1, fp=0, fn=0)


def test_empty_org_matches_empty_org() -> None:
    gold = article([YANG], [rel("POST", person="阳建", org="", title="书记")])
    hit = score(gold, article([], [rel("POST", person="阳建", org="", title="书记")]))
    miss = score(gold, article([], [rel("POST", person="阳建", org="醴陵市委", title="书记")]))
    assert hit.relations["strict"]["POST"] == Counts(tp=1, fp=0, fn=0)
    assert miss.relations["strict"]["POST"] == Counts(tp=0, fp=1, fn=1)


def test_flagged_optional_relation_is_neither_fp_nor_fn() -> None:
    gold = article([ent("ORG", "天元区委政法委"), ent("PROGRAMME", "雪亮工程")],
                   [rel("RUNS", optional=True, org="天元区委政法委", programme="雪亮工程")])
    found = score(gold, article([], [rel("RUNS", org="天元区委政法委", programme="雪亮工程")]))
    missed = score(gold, article())
    assert found.relations["lenient"]["RUNS"] == Counts(0, 0, 0)
    assert missed.relations["lenient"]["RUNS"] == Counts(0, 0, 0)


def test_relation_naming_an_optional_entity_is_optional() -> None:
    gold = article([ent("ORG", "知识产权保护检察联络室", optional=True), ent("ORG", "天元区人民检察院", "区人民检察院")],
                   [rel("PART_OF", child="知识产权保护检察联络室", parent="天元区人民检察院")])
    found = score(gold, article([], [rel("PART_OF", child="知识产权保护检察联络室", parent="区人民检察院")]))
    missed = score(gold, article())
    assert found.relations["lenient"]["PART_OF"] == Counts(0, 0, 0)
    assert missed.relations["lenient"]["PART_OF"] == Counts(0, 0, 0)


def test_duplicate_relations_are_counted_once() -> None:
    gold = article([ent("PER", "周圆")], [rel("AUTHOR", person="周圆", role="reporter")])
    pred = article([], [rel("AUTHOR", person="周圆", role="reporter"),
                        rel("AUTHOR", person=" 周圆", role="editor")])
    assert score(gold, pred).relations["lenient"]["AUTHOR"] == Counts(tp=1, fp=0, fn=0)


def test_post_title_accuracy_over_matched_posts() -> None:
    gold = article([YANG, LILING_PLA, ent("ORG", "醴陵市委"), ent("PER", "钟平熊"), ent("ORG", "沔渡派出所")], [
        rel("POST", person="阳建", org="醴陵市委政法委", title="书记"),
        rel("POST", person="阳建", org="醴陵市委", title="副书记"),
        rel("POST", person="钟平熊", org="沔渡派出所", title="所长"),
    ])
    pred = article([], [
        rel("POST", person="阳建", org="市委政法委", title="书记"),
        rel("POST", person="阳建", org="醴陵市委", title="书记"),
        rel("POST", person="钟平熊", org="炎陵县公安局", title="所长"),  # unmatched: not scored
    ])
    titles = score(gold, pred).titles
    assert (titles.correct, titles.total, titles.value) == (1, 2, 0.5)


# -- documents and totals ----------------------------------------------------


def test_gold_doc_without_prediction_counts_misses() -> None:
    other = "001_6590fda864a470cb.txt"
    gold = {DOC: article([POLICE]),
            other: article([YANG, ent("ORG", "掌上株洲", optional=True)],
                           [rel("POST", person="阳建", org="", title="书记")], doc=other)}
    report = evaluate(gold, {DOC: article([POLICE])})
    assert report.docs == 2
    assert report.micro("entities", "lenient") == Counts(tp=1, fp=0, fn=1)
    assert report.micro("relations", "lenient") == Counts(tp=0, fp=0, fn=1)


def test_predictions_for_docs_outside_gold_are_ignored() -> None:
    pred = {DOC: article([POLICE]), "999_x.txt": article([ent("PER", "周圆")], doc="999_x.txt")}
    report = evaluate({DOC: article([POLICE])}, pred)
    assert (report.docs, report.micro("entities", "strict")) == (1, Counts(tp=1, fp=0, fn=0))


def test_documents_are_scored_separately() -> None:
    # 天元区公安局 is gold in one document; predicting it in the other is a miss there.
    other = "002_e73098e6a7d1a423.txt"
    gold = {DOC: article([POLICE]), other: article([ent("PER", "沈全华")], doc=other)}
    pred = {DOC: article([ent("PER", "沈全华")], doc=DOC), other: article([POLICE], doc=other)}
    assert evaluate(gold, pred).micro("entities", "lenient") == Counts(tp=0, fp=2, fn=2)


def test_micro_average_adds_counts_across_types_and_documents() -> None:
    other = "001_6590fda864a470cb.txt"
    gold = {DOC: article([POLICE, ent("PER", "周圆")]),
            other: article([YANG, ent("PER", "焦玉"), ent("PLACE", "醴陵市", "醴陵")], doc=other)}
    pred = {DOC: article([POLICE, ent("PER", "马杰")]),
            other: article([YANG, ent("PER", "焦玉"), ent("PER", "李玲"), ent("PLACE", "醴陵")], doc=other)}
    report = evaluate(gold, pred)
    lenient = report.entities["lenient"]
    assert lenient["PER"] == Counts(tp=2, fp=2, fn=1)
    assert lenient["ORG"] == Counts(tp=1, fp=0, fn=0)
    assert lenient["PLACE"] == Counts(tp=1, fp=0, fn=0)
    micro = report.micro("entities", "lenient")
    assert micro == Counts(tp=4, fp=2, fn=1)
    assert micro.precision == pytest.approx(4 / 6)  # not the mean of per-type precisions
    assert report.micro("entities", "strict") == Counts(tp=3, fp=3, fn=2)


def test_gold_scores_perfectly_against_itself(gold_dir: Path) -> None:
    gold = load_gold(gold_dir)
    report = evaluate(gold, gold)
    for section in ("entities", "relations"):
        for mode in ("lenient", "strict"):
            assert report.micro(section, mode).f1 == 1.0
    assert report.titles.total > 0 and report.titles.value == 1.0


def test_the_development_gold_loads_and_scores_perfectly_against_itself(shared_path: Callable[..., Path]) -> None:
    gold = load_gold(shared_path("gold-dev", "gold"))
    assert len(gold) == 20
    report = evaluate(gold, gold)
    assert all(report.micro(section, "strict").f1 == 1.0 for section in ("entities", "relations"))


def test_the_gold_fixture_is_a_copy_of_the_shared_gold(gold_dir: Path, shared_path: Callable[..., Path]) -> None:
    shared = shared_path("gold")
    assert {p.name: p.read_bytes() for p in gold_dir.glob("*.json")} == {p.name: p.read_bytes() for p in shared.glob("*.json")}


# -- report ------------------------------------------------------------------


def _sample_report() -> EvalReport:
    gold = article([YANG, LILING_PLA], [rel("POST", person="阳建", org="醴陵市委政法委", title="书记")])
    pred = article([YANG, ent("ORG", "市委政法委")], [rel("POST", person="阳建", org="市委政法委", title="副书记")])
    return score(gold, pred)


def test_to_dict_is_json_and_holds_every_score() -> None:
    data = json.loads(json.dumps(_sample_report().to_dict()))
    assert data["docs"] == 1
    assert data["entities"]["lenient"]["by_type"]["ORG"] == {
        "tp": 1, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert data["entities"]["strict"]["micro"]["tp"] == 1
    assert data["entities"]["strict"]["micro"]["fn"] == 1
    assert data["relations"]["lenient"]["by_type"]["POST"]["tp"] == 1
    assert data["relations"]["strict"]["micro"]["fp"] == 1
    assert data["post_title"] == {"correct": 0, "matched": 1, "accuracy": 0.0}


def test_format_report_shows_types_micro_titles_and_docs() -> None:
    text = format_report(_sample_report())
    lines = text.splitlines()
    for label in ("PER", "ORG", "PLACE", "PROGRAMME", "HONOUR", "POST", "AWARD", "RUNS", "PART_OF", "AUTHOR"):
        assert any(line.startswith(label) for line in lines), label
    assert sum(line.startswith("micro") for line in lines) == 2
    assert "lenient" in text and "strict" in text
    org = next(line for line in lines if line.startswith("ORG"))
    assert org.split() == ["ORG", "|", "1.000", "1.000", "1.000", "1", "0", "0",
                           "|", "0.000", "0.000", "0.000", "0", "1", "1"]
    assert "POST title accuracy: 0.000 (0/1" in text
    assert "documents scored: 1" in text


# -- loading -----------------------------------------------------------------


def test_load_gold_keys_files_by_doc(tmp_path: Path) -> None:
    (tmp_path / f"{DOC}.json").write_text(json.dumps(article([POLICE]), ensure_ascii=False), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not gold", encoding="utf-8")
    assert load_gold(tmp_path) == {DOC: article([POLICE])}


def test_empty_gold_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(GoldError, match="no .json gold files"):
        load_gold(tmp_path)


def test_malformed_gold_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(GoldError, match="bad.json"):
        load_gold(tmp_path)


def test_gold_entity_without_name_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text(json.dumps(article([{"type": "ORG"}])), encoding="utf-8")
    with pytest.raises(GoldError, match="bad.json.*name"):
        load_gold(tmp_path)


def test_load_predictions_skips_blank_lines_and_ignores_extra_keys(tmp_path: Path) -> None:
    line = {**article([POLICE]), "mentions": [{"text": "区公安局", "start": 3}], "meta": {"rules": 4}}
    path = tmp_path / "extractions.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n\n", encoding="utf-8")
    predicted = load_predictions(path)
    assert list(predicted) == [DOC]
    assert evaluate({DOC: article([POLICE])}, predicted).micro("entities", "strict") == Counts(1, 0, 0)


@pytest.mark.parametrize(
    ("bad_line", "problem"),
    [
        ("{broken", "invalid JSON"),
        ("[1, 2]", "doc"),
        ('{"doc": "x.txt", "entities": {}}', "entities"),
        ('{"doc": "x.txt", "entities": [{"type": "ORG", "name": "天元区公安局", "aliases": "区公安局"}]}', "aliases"),
        ('{"doc": "x.txt", "entities": [{"type": "ORG", "name": "天元区公安局", "aliases": [7]}]}', "aliases"),
    ],
)
def test_malformed_prediction_line_is_named_by_number(tmp_path: Path, bad_line: str, problem: str) -> None:
    good = json.dumps(article([POLICE]), ensure_ascii=False)
    path = tmp_path / "extractions.jsonl"
    path.write_text(f"{good}\n\n{bad_line}\n", encoding="utf-8")
    with pytest.raises(GoldError, match=rf"extractions\.jsonl, line 3: .*{problem}"):
        load_predictions(path)


def test_duplicate_prediction_doc_is_an_error(tmp_path: Path) -> None:
    good = json.dumps(article([POLICE]), ensure_ascii=False)
    path = tmp_path / "extractions.jsonl"
    path.write_text(f"{good}\n{good}\n", encoding="utf-8")
    with pytest.raises(GoldError, match="line 2: duplicate doc"):
        load_predictions(path)


def test_missing_predictions_file_is_a_gold_error(tmp_path: Path) -> None:
    with pytest.raises(GoldError, match="missing.jsonl"):
        load_predictions(tmp_path / "missing.jsonl")

"""The rule components are spaCy components: their config names their resources, ``initialize`` loads them.

Each test builds a blank pipeline with one or two govkg components over a
folder holding a tiny lexicon, the way spaCy's own tests build a
``span_ruler`` with a handful of patterns.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

import kg.pipeline  # noqa: F401  (registers the factories)
from kg.lexicon import Lexicon
from kg.pipeline import CONFIG, config_text
from kg.pipeline.ner_candidates import SpanShape, offer
from kg.pipeline.spans import CANDIDATES
from kg.resources import ResourceError

PACKAGED = Path(str(resources.files("kg.resources")))

TINY = {
    "divisions.tsv": "code\tname\tlevel\tparent\tshort\n"
                     "430000\t湖南省\tprovince\t\t湖南\n430200\t株洲市\tcity\t430000\t株洲\n430211\t天元区\tcounty\t430200\t天元\n",
    "place_heads.tsv": "head\tprefix\tnot_after\n镇\t3\t压\n",
    "org_heads.tsv": "head\tkind\tcanonical\tstandalone\tprefix\tnot_after\n派出所\tunit\t派出所\t1\t3\t\n",
    "titles.tsv": "title\torg_suffix\tpost\tplace_org\tdefault_org\n所长\t\t所长\t\t\n",
    "surnames.txt": "钟\n",
    "stopwords.txt": "在\n",
    "name_stopchars.txt": "获\n",
    "address_forms.txt": "女士\n",
}


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A lexicon folder with three divisions, one place head, one organisation head, one title, one surname."""
    for name, text in TINY.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    shutil.copy(PACKAGED / "word_classes.tsv", tmp_path)
    return tmp_path


def blank_with(*components: str, resources: Path) -> Language:
    nlp = spacy.blank("zh", config=CONFIG)
    for name in components:
        nlp.add_pipe(name, config={"resources": str(resources)})
    nlp.initialize()
    return nlp


def found(nlp: Language, text: str) -> list[tuple[str, str]]:
    doc = nlp(text)
    return [(s.label_, s.text) for s in doc.spans.get(CANDIDATES, [])]


def test_every_component_names_its_resource_files_and_limits_in_its_config() -> None:
    config = config_text()
    for line in ('heads = "place_heads.tsv"', 'heads = "org_heads.tsv"', 'titles = "titles.tsv"',
                 'cues = "honour_cues.tsv"', 'cues = "programme_cues.tsv"', 'cues = "appointment_cues.tsv"',
                 'cues = "discipline_cues.tsv"', "max_card_name = 4", "long_prefix = 12"):
        assert line in config
    assert config.count("resources = null") == 9  # eight rule components and kg_ner read the packaged folder


def test_places_come_from_the_configured_gazetteer(tiny: Path) -> None:
    nlp = blank_with("kg_places", resources=tiny)
    assert found(nlp, "天元区群丰镇和长沙市") == [("PLACE", "天元区"), ("PLACE", "群丰镇")]


def test_a_head_followed_by_its_not_after_character_is_no_place(tiny: Path) -> None:
    nlp = blank_with("kg_places", resources=tiny)
    assert found(nlp, "群丰镇压") == []


def test_a_title_of_the_configured_table_gives_a_person_and_a_post(tiny: Path) -> None:
    nlp = blank_with("kg_places", "kg_orgs", "kg_persons", resources=tiny)
    doc = nlp("沔渡派出所所长钟平熊获评,局长钟明出席")
    persons = [s.text for s in doc.spans[CANDIDATES] if s.label_ == "PER"]
    assert persons == ["钟平熊"]  # 局长 is not in the tiny table
    [post] = doc._.kg_relations
    assert (post.args["person"].text, post.args["org"].text, post.args["title"]) == ("钟平熊", "沔渡派出所", "所长")


def test_the_packaged_lexicon_is_the_default(nlp: Language) -> None:
    doc = nlp("长沙市公安局局长李明华。")
    assert {(s.label_, s.text) for s in doc.ents} == {("ORG", "长沙市公安局"), ("PER", "李明华")}


def test_a_component_used_before_initialize_says_so() -> None:
    nlp = spacy.blank("zh", config=CONFIG)
    places = nlp.add_pipe("kg_places")
    with pytest.raises(ValueError, match="kg_places: the lexicons are not loaded; call nlp.initialize"):
        places(nlp.make_doc("天元区"))


def test_a_missing_resource_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ResourceError, match="titles.tsv: no such resource file"):
        blank_with("kg_persons", resources=tmp_path)


def test_an_unknown_word_class_is_named(tiny: Path) -> None:
    with pytest.raises(ResourceError, match="no class 'no_such_class'"):
        Lexicon(tiny).words("no_such_class")


# -- kg_ner's span filter, over the tiny lexicon ------------------------------------------------


@pytest.mark.parametrize(("text", "span", "label", "kept"), [
    ("钟平熊一共化解辖区矛盾纠纷", "钟平熊", "PER", True),
    ("李平熊一共化解辖区矛盾纠纷", "李平熊", "PER", False),  # 李 is not a surname of the tiny lexicon
    ("钟某化解纠纷", "钟某", "PER", False),  # anonymised
    ("钟女士化解纠纷", "钟女士", "PER", False),  # a surname and a form of address
    ("梓园派出所民警", "梓园派出所", "ORG", True),
    ("梓园公安局民警", "梓园公安局", "ORG", False),  # 公安局 is not a head of the tiny lexicon
    ("株洲下辖", "株洲", "PLACE", False),  # the rules' gazetteer owns divisions
])
def test_model_spans_are_offered_only_with_the_shape_of_their_type(tiny: Path, text: str, span: str, label: str,
                                                                   kept: bool) -> None:
    nlp = spacy.blank("zh", config=CONFIG)
    doc = nlp.make_doc(text)
    shape = SpanShape(Lexicon(tiny), frozenset("平熊"), org_heads="org_heads.tsv", place_heads="place_heads.tsv")
    start = text.index(span)
    offer(doc, [(start, start + len(span), label)], shape)
    assert [(s.text, s._.kg_rule) for s in doc.spans.get(CANDIDATES, [])] == ([(span, f"ner.{label}")] if kept else [])

"""Properties that hold for any input (hypothesis)."""

from __future__ import annotations

import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from kg.corpus import parse_article
from kg.extract import read_article
from kg.rdf_files import to_graph
from kg.records import Article, Entity, Evidence, Extraction, Mention, Relation
from kg.resolve import resolve

pytestmark = pytest.mark.slow  # hypothesis tries many inputs: seconds

CHINESE = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
NEWS_TEXT = st.text(alphabet=st.one_of(CHINESE, st.sampled_from("“”《》()、,。;:!? \n区市县公安局委书记获评开展"), st.characters()),
                    max_size=300)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(NEWS_TEXT)
def test_the_pipeline_never_raises_and_every_mention_points_at_its_text(text: str) -> None:
    article = parse_article("any.txt", text, "any.txt")
    extraction = resolve(read_article(article))
    for entity in extraction.entities:
        for mention in entity.mentions:
            assert article.text[mention.start : mention.end] == mention.text
    for relation in extraction.relations:
        assert 0 <= relation.evidence.start <= relation.evidence.end <= len(article.text)


NAMES = st.text(alphabet=st.one_of(CHINESE, st.characters(blacklist_categories=("Cs",))), min_size=1, max_size=12)


@SETTINGS
@given(st.lists(NAMES, min_size=2, max_size=6, unique=True), st.text(max_size=40))
def test_turtle_written_and_parsed_back_is_the_same_graph(names: list[str], sentence: str) -> None:
    article = Article(doc="doc 1.txt", text=sentence, source="doc 1.txt", title=names[0], date="2021-11-24")
    entities = tuple(Entity("ORG", name, (name + "别名",), (Mention("ORG", name, 0, 0, "test"),)) for name in names)
    evidence = Evidence(article.doc, 0, len(sentence), sentence, "test.rule")
    relations = tuple(Relation("PART_OF", (("child", a), ("parent", b)), evidence) for a, b in zip(names, names[1:]))
    graph = to_graph([Extraction(article, entities, relations)])
    parsed = rdflib.Graph().parse(data=graph.serialize(format="turtle"), format="turtle")
    assert isomorphic(parsed, graph)

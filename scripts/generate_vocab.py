"""Generate kg/vocab.py, govkg's closed namespace, from ontology/govkg.ttl.

Run after changing the ontology: `python scripts/generate_vocab.py`.
`--check` exits non-zero when kg/vocab.py is out of date (the tests run it).
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import Graph

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "govkg.ttl"
TARGET = ROOT / "kg" / "vocab.py"
NAMESPACE = "https://w3id.org/govkg/ontology#"


def render() -> str:
    graph = Graph().parse(ONTOLOGY)
    terms = sorted({str(s)[len(NAMESPACE):] for s in graph.subjects() if str(s).startswith(NAMESPACE)})
    listed = "".join(f'        "{term}",\n' for term in terms)
    return f'''"""govkg's own RDF terms. GENERATED from ontology/govkg.ttl by scripts/generate_vocab.py: do not edit.

A closed namespace: ``GOVKG.Programme`` works, a misspelt ``GOVKG.Programe`` raises.
"""

from rdflib.namespace import ClosedNamespace

GOVKG = ClosedNamespace(
    "{NAMESPACE}",
    [
{listed}    ],
)
'''


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        return 0 if TARGET.read_text(encoding="utf-8") == text else 1
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

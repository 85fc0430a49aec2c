"""The careers notebook (``notebooks/careers.ipynb``) runs end to end, offline, from the repository
root and from ``notebooks/``: it reads the researchers' tables with pandas and ``pandas.read_sql``
(with a full-text search on ``evidence_fts``), builds a small dated corpus, and draws a career
timeline and a co-membership network with matplotlib. Committed without outputs; ``slow`` like the
other notebook (``tests/test_view.py``).
"""

from __future__ import annotations

import importlib.util
import json
import re
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CAREERS = ROOT / "notebooks" / "careers.ipynb"
NEEDS = ("nbclient", "nbformat", "ipykernel", "pandas", "matplotlib")


def _missing() -> list[str]:
    return [name for name in NEEDS if importlib.util.find_spec(name) is None]


def test_the_careers_notebook_is_committed_without_outputs() -> None:
    notebook = json.loads(CAREERS.read_text(encoding="utf-8"))
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert code and all(not cell["outputs"] and cell["execution_count"] is None for cell in code), \
        "commit the notebook without outputs"


@pytest.mark.slow
@pytest.mark.skipif(bool(_missing()), reason=f"needs {', '.join(_missing())} (pip install -e '.[test]')")
@pytest.mark.parametrize("where", ["notebooks", "."])
def test_the_careers_notebook_runs_end_to_end(where: str) -> None:
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(CAREERS, as_version=4)
    began = time.monotonic()
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / where)}}).execute()
    took = time.monotonic() - began
    outputs = [o for cell in notebook.cells for o in cell.get("outputs", [])]
    text = "\n".join(json.dumps(o, ensure_ascii=False) for o in outputs)
    assert '"output_type": "error"' not in text
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 4  # two timelines, two networks
    for expected in (r"\d+ persons, \d+ bodies, \d+ spells",     # the seeds' tables, read with pandas
                     "evidence_fts MATCH '派出所'", "钟平熊",     # read_sql and a full-text search
                     "5 articles: ",                            # the dated corpus, built here
                     "郫都区公安局原局长杨帆接受纪律审查",          # found by evidence_fts
                     "2021-03-02", "2024-05-10", "former",       # 杨帆's spell, dated
                     r"阳建: \d+ undated spells",                # the seeds' spells are undated
                     r"people.gexf of the seeds: \d+ persons, \d+ ties"):
        assert re.search(expected, text), expected
    assert took < 120, f"the notebook took {took:.0f} s"

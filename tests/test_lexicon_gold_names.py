"""No name of the gold annotations is a special case in a lexicon of ``kg/resources``.

The rules are judged on unseen articles, so a lexicon holds general entries only.
An entry of a lexicon that equals a name (or alias) of a gold entity is **general** when

* its file is a closed class that exists apart from any article: the national gazetteer
  (``divisions.tsv``), titles, surnames, stop words and characters, forms of address,
  the character table and the closed word classes;
* it is a national body in ``org_heads.tsv`` (kind ``national``, or a ``nation`` word):
  the central party and state organs and the State Council's ministries form a closed
  list that any article in China may name;
* or the gold entity is not required under that name: the name is only an alias (the
  bare class word the text wrote, 执行局 for 沧源佤族自治县人民法院执行局) or the entity is
  optional.

Anything else (the required canonical name of a local body, a person, a programme or an
honour written into a rule file) is a name copied from the gold, and fails.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

RESOURCES = Path(__file__).resolve().parents[1] / "kg" / "resources"
CLOSED_CLASSES = {"divisions.tsv", "titles.tsv", "surnames.txt", "stopwords.txt", "name_stopchars.txt",
                  "address_forms.txt", "t2s.tsv", "word_classes.tsv", "byline_roles.tsv"}
NATIONAL_KINDS = {"national", "nation"}


@dataclass(frozen=True)
class GoldName:
    name: str
    doc: str
    required: bool  #: the canonical name of an entity that is not optional


def gold_names(folders: list[Path]) -> dict[str, list[GoldName]]:
    names: dict[str, list[GoldName]] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.json")):
            for entity in json.loads(path.read_text(encoding="utf-8"))["entities"]:
                optional = bool(entity.get("optional"))
                names.setdefault(entity["name"], []).append(GoldName(entity["name"], path.name, not optional))
                for alias in entity.get("aliases", []):
                    names.setdefault(alias, []).append(GoldName(alias, path.name, False))
    return names


def lexicon_entries(path: Path) -> list[tuple[str, str]]:
    """(entry, its row) for every cell (and every space-separated member) of a data file."""
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        entries += [(word, line) for cell in line.split("\t") for word in cell.split()]
    return entries


def national_row(path: Path, row: str) -> bool:
    cells = row.split("\t")
    return path.name == "org_heads.tsv" and len(cells) > 1 and cells[1] in NATIONAL_KINDS


@pytest.fixture(scope="module")
def gold(shared_path) -> dict[str, list[GoldName]]:
    return gold_names([shared_path("gold"), shared_path("gold-dev", "gold")])


@pytest.mark.parametrize("path", sorted(p for p in RESOURCES.iterdir() if p.suffix in (".tsv", ".txt") and p.name not in CLOSED_CLASSES),
                         ids=lambda p: p.name)
def test_no_gold_name_is_a_special_case_of_a_lexicon(path, gold):
    copied = sorted({
        f"{entry} ({', '.join(g.doc for g in gold[entry] if g.required)}) in: {row}"
        for entry, row in lexicon_entries(path)
        if entry in gold and any(g.required for g in gold[entry]) and not national_row(path, row)
    })
    assert not copied, f"{path.name} lists gold names as special cases:\n" + "\n".join(copied)

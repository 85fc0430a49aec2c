"""Runs that stop or fail part-way leave every output whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import kg.export
from kg.build import build
from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_fa77a8a22d1f7229.txt"


def test_a_failed_export_leaves_the_previous_files_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build([SEED], tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.glob("graph.*")}

    def broken(graph, path, date):  # the GEXF writer fails half-way through the run
        Path(path).write_text("<gexf", encoding="utf-8")
        raise OSError("disk full")

    monkeypatch.setattr(kg.export, "write_gexf", broken)
    with pytest.raises(OSError):
        build([SEED, ROOT / "seeds" / "001_6590fda864a470cb.txt"], tmp_path)
    assert (tmp_path / "graph.gexf").read_bytes() == before["graph.gexf"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    for path in tmp_path.glob("graph.*"):
        assert path.stat().st_size > 0


def test_ctrl_c_stops_the_build_with_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("kg.cli.build_graph_files", interrupted)
    result = CliRunner().invoke(main, ["build", str(SEED), "--out", str(tmp_path)])
    assert result.exit_code == 130
    assert "interrupted: every output file is either complete or still the previous version" in result.output

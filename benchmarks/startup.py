"""Start-up of the ``kg`` command: wall and CPU seconds of short commands, medians of several runs.

    python benchmarks/startup.py [--runs 3] [--article seeds/001_6590fda864a470cb.txt]

Measures ``import kg.cli``, ``kg --help``, a one-article ``kg build`` whose
article is cached, and one into a new output folder (extracting it) with and
without the NER model. Each command runs in a fresh interpreter, once untimed
first (bytecode, jieba's dictionary cache, the cached build's folder); CPU is
the user and system time of the command's processes, which a busy machine
inflates less than the wall time. Byte-code files are written as usual
(``PYTHONDONTWRITEBYTECODE`` is dropped for the commands).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def measure(command: list[str], runs: int, env: dict[str, str], fresh: Path | None = None) -> tuple[float, float]:
    """Median wall and CPU seconds of ``runs`` runs after an untimed one; ``fresh`` is removed before each."""
    results = []
    for run in range(runs + 1):
        if fresh is not None:
            shutil.rmtree(fresh, ignore_errors=True)
        if run:
            results.append(timed(command, env))
        else:
            subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    return statistics.median(w for w, _ in results), statistics.median(c for _, c in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--article", type=Path, default=ROOT / "seeds" / "001_6590fda864a470cb.txt")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    kg = [sys.executable, "-m", "kg.cli"]
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        build = [*kg, "build", str(args.article), "--quiet", "--out"]
        cases = [
            ("import kg.cli", [sys.executable, "-c", "import kg.cli"], None),
            ("kg --help", [*kg, "--help"], None),
            ("kg build, 1 article, cached", [*build, str(out / "cached")], None),
            ("kg build, 1 article, extracted", [*build, str(out / "ner")], out / "ner"),
            ("kg build, 1 article, extracted, --no-ner", [*build, str(out / "rules"), "--no-ner"], out / "rules"),
        ]
        print("| command | wall (s) | CPU (s) |\n|---|---|---|")
        for label, command, fresh in cases:
            wall, cpu = measure(command, args.runs, env, fresh)
            print(f"| {label} | {wall:.2f} | {cpu:.2f} |", flush=True)
    print(f"\nmedians of {args.runs} runs; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()

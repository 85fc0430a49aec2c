"""How fast ``kg build`` is on a corpus of N articles, beside jieba's POS tagging of the same text.

For each size N (100, 1,000 and 10,000 articles by default, 100,000 with
``--with-100k``) a corpus is generated once (``benchmarks/corpus.py``, seed
``--seed``) into a temporary folder, or, with ``--corpus FILE.jsonl``, the
first N items of that file are copied there (real text), then:

1. **jieba.** ``jieba.posseg.cut`` over the text of every article as
   ``kg.corpus.read_articles`` reads it, in one process, after jieba has
   loaded its dictionary; only the tagging is timed (characters per second
   of wall time, and per CPU second). Above 10,000 articles it tags the
   first 10,000: its speed per character does not depend on N.
2. **The build.** ``kg.build.build([folder], out, cache=False, jobs=J, ner=…)``
   for every ``--jobs`` value, with the NER model (the default build) and,
   with ``--ner both`` (the default), also without it (``kg build --no-ner``,
   the rules alone); with NER, ``kg_ner``'s ``gate`` is off (``--gate off``, the
   default build: the model tags every text whole), on (``--gate on``: it tags
   only the sentences where it can add a span, see ``docs/ner.md``) or both;
   each in a fresh subprocess, so that imports, model
   loading and peak memory are the build's own; ``--repeats`` times,
   alternating the configurations (``--big-repeats`` times and the
   ``--big-jobs`` values for N ≥ 10,000, whose builds take minutes).
   Reported as medians: the build's wall time (inside the process, after
   imports) and the process's, characters/s and articles/s, overall and per
   core (÷ J), the stage times of ``BuildReport.seconds`` (``nlp``,
   ``resolve`` and ``rdf (per article)`` are summed over articles, so with J
   workers they add up to about J times their wall time), CPU seconds of the process and its
   workers, peak RSS of the main process and of the largest worker, the peak of
   all of them together (sampled: the sum of their proportional set sizes, so
   pages a forked process shares are counted once), and the size of every output file.
3. **Incremental** (the largest N, or ``--incremental-size``): the last default
   build (with NER) of that size with the most jobs runs with the cache on
   (so it costs no extra build); then ``--add`` new articles are generated
   into a sub-folder of the corpus and a second build writes into the same
   output folder: ``kg build added --add`` (``--update add``, the default:
   the earlier articles are not read again) or ``kg build corpus`` over the
   whole grown corpus (``--update rebuild``). Its wall time and stages say
   what adding a week's articles costs (``--unchanged``: once more with
   nothing new, the fixed cost of graph and exports; ``--update-formats
   appendable``: the second build writes only the files a fast update
   writes, as ``kg build --formats appendable``).

The goal of the issue: on a 2-core machine the whole build at least as fast
per core as jieba's tagging alone (ratio ≥ 1), and near-linear in the
number of cores (speed-up ≈ J). The report (machine, load, versions, one
table per N, the incremental case and a summary) is printed and written to
``--out``, keeping the hand-written part of the previous report (between
``<!-- notes -->`` and ``<!-- /notes -->``). A ``--corpus`` report is a
section of ``--out`` instead, between ``<!-- real-text -->`` and
``<!-- /real-text -->`` (its own notes between ``<!-- real-notes -->`` and
``<!-- /real-notes -->``): each kind of run replaces only its own part, so the
file shows both corpora. A build that runs past
``--max-seconds`` or holds more than ``--max-rss-mb`` is killed and reported;
larger sizes are then not tried in that configuration. Every build reports a
hash of the ``kg`` package it ran (code and data), so a report says when the
code changed under a run; ``PYTHONPATH=COPY`` runs a frozen copy instead.

    python benchmarks/build_speed.py                                  # 100, 1,000, 10,000; about 40 min on 2 cores
    python benchmarks/build_speed.py --sizes 100 1000 --repeats 3 --out /tmp/speed.md
    python benchmarks/build_speed.py --sizes 10000 --with-100k --big-jobs 1 2 --ner on
    python benchmarks/build_speed.py --json /tmp/speed.json ...; python benchmarks/build_speed.py --render /tmp/speed.json
    python benchmarks/build_speed.py --corpus ../shared/corpus/news.jsonl --sizes 600 --jobs 1 --gate both --no-incremental
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import corpus  # noqa: E402  (the generator beside this file)

#: Sizes from which one repetition is the default (a build takes minutes).
BIG = 10_000
#: Stages of ``BuildReport.seconds`` in the order of the pipeline; ``write …`` entries follow.
STAGES = ("read", "nlp", "resolve", "rdf (per article)", "extract (wall)", "graph", "rdf (default graph)")
#: A configuration of the build: its jobs, whether the NER model runs (``kg build`` / ``--no-ner``) and, if
#: it does, whether ``kg_ner``'s gate is off (the default build) or on.
RULES, GATED = "rules", "gated"
#: a child build's flag naming the files it writes (``formats=appendable``)
FORMATS_FLAG = "formats="
#: The flag of a child build that adds its folder's articles to the output folder's build (``kg build --add``).
ADD = "add"


def config(jobs: int, ner: bool = True, gate: bool = False) -> str:
    """The key of a configuration: ``"2"``, ``"2-rules"`` without the NER model, ``"2-gated"`` with its gate on."""
    return f"{jobs}" if ner and not gate else f"{jobs}-{RULES if not ner else GATED}"


def parse_config(key: str) -> tuple[int, bool]:
    jobs, _, rules = key.partition("-")
    return int(jobs), rules != RULES


def gated(key: str) -> bool:
    return key.endswith(f"-{GATED}")


def label(key: str) -> str:
    jobs, ner = parse_config(key)
    return f"jobs={jobs}" + ("" if ner else ", no NER") + (", NER gated" if gated(key) else "")


#: Hand-written findings between these markers in ``--out`` survive a new run (placed after the summary).
NOTES_START, NOTES_END = "<!-- notes -->", "<!-- /notes -->"
#: The real-text report (``--corpus``) inside ``--out``, and its own hand-written notes.
REAL = ("<!-- real-text -->", "<!-- /real-text -->")
REAL_NOTES = ("<!-- real-notes -->", "<!-- /real-notes -->")
#: Seconds between two samples of a child's memory.
POLL = 0.5
PAGE = os.sysconf("SC_PAGE_SIZE")


# -- children ------------------------------------------------------------------


def child_build(folder: str, out: str, jobs: int, *, cache: bool, ner: bool, gate: bool = False,
                formats: str = "all", add: bool = False) -> dict:
    """Run one build in this process and describe it (called in a fresh subprocess); ``kg_ner``'s gate is
    set to ``gate`` through its factory's default config (the workers are forked after); ``formats`` as
    ``kg build --formats`` takes them; ``add``: as ``kg build --add``."""
    started = time.perf_counter()
    import kg
    from kg.build import build
    from kg.cache import pipeline_version
    from kg.manifest import parse_formats

    if ner:
        set_gate(gate)

    imported = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_SELF)
    report = build([folder], out, cache=cache, jobs=jobs, ner=ner, formats=parse_formats(formats), add=add)
    finished = time.perf_counter()
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "articles": report.articles,
        "cached": report.cached,
        "characters": report.characters,
        "problems": len(report.problems),
        "entities": report.entities,
        "relations": report.relations,
        "seconds": dict(report.seconds),
        "import_seconds": imported - started,
        "build_seconds": finished - imported,
        "cpu_seconds": own.ru_utime + own.ru_stime - before.ru_utime - before.ru_stime + workers.ru_utime
        + workers.ru_stime,  # of the build, after imports
        "main_rss_mb": own.ru_maxrss / 1024,
        "worker_rss_mb": workers.ru_maxrss / 1024,
        "outputs": {p.name: p.stat().st_size for p in report.outputs},
        "pipeline": pipeline_version(),
        "code": code_version(Path(kg.__file__).parent),
        "kg": str(Path(kg.__file__).parent),
    }


def set_gate(gate: bool) -> None:
    """Set ``kg_ner``'s gate for the pipelines this process makes: its factory's default ``gate``."""
    from spacy.language import Language

    import kg.pipeline  # noqa: F401  (registers the factories)

    meta = Language.get_factory_meta("kg_ner")
    meta.default_config = {**meta.default_config, "gate": gate}


def code_version(package: Path) -> str:
    """A short hash of every file of the package (code, lexicons, model), ``__pycache__`` left out."""
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def child_jieba(folder: str, limit: int | None = None) -> dict:
    """Tag every article's text (the first ``limit`` articles) with ``jieba.posseg``; time the tagging only."""
    import jieba
    import jieba.posseg as posseg

    from kg.corpus import read_articles
    from kg.records import Article

    jieba.setLogLevel(60)
    jieba.initialize()
    for _ in posseg.cut("株洲市天元区公安局"):  # load the POS dictionary before timing
        pass
    characters = words = 0
    wall = cpu = 0.0
    for number, item in enumerate(read_articles([folder])):
        if not isinstance(item, Article):
            continue
        if limit is not None and number >= limit:
            break
        clock, process = time.perf_counter(), time.process_time()
        for _ in posseg.cut(item.text):
            words += 1
        wall += time.perf_counter() - clock
        cpu += time.process_time() - process
        characters += len(item.text)
    return {"characters": characters, "words": words, "seconds": wall, "cpu_seconds": cpu,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "jieba": jieba.__version__}


# -- running a child -------------------------------------------------------------


@dataclass
class Run:
    """One child process: what it printed, its wall time, the peak RSS of its process tree and the load around it."""

    result: dict | None
    wall: float
    load: tuple[float, float]  # 1-minute load average before and after
    tree_rss_mb: float = 0.0
    error: str = ""


def run_child(arguments: list[str], limit: float, max_rss_mb: float) -> Run:
    """Run this script as ``_child ARGUMENTS`` in a new process group, sampling the group's RSS each
    ``POLL`` seconds; kill the group after ``limit`` seconds or above ``max_rss_mb``."""
    before = os.getloadavg()[0]
    clock = time.perf_counter()
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        process = subprocess.Popen([sys.executable, __file__, "_child", *arguments], stdout=stdout, stderr=stderr,
                                   text=True, start_new_session=True, cwd=ROOT)
        peak, error = 0.0, ""
        while process.poll() is None:
            peak = max(peak, group_memory_mb(process.pid))
            if time.perf_counter() - clock > limit:
                error = f"killed after {limit:.0f} s"
            elif peak > max_rss_mb:
                error = f"killed at {peak:,.0f} MB PSS (limit {max_rss_mb:,.0f} MB)"
            if error:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                break
            time.sleep(POLL)
        wall = time.perf_counter() - clock
        load = (before, os.getloadavg()[0])
        stdout.seek(0)
        stderr.seek(0)
        out, err = stdout.read(), stderr.read()
    if error:
        return Run(None, wall, load, peak, error)
    if process.returncode != 0:
        return Run(None, wall, load, peak, f"exit {process.returncode}: {err.strip().splitlines()[-1:]}")
    return Run(json.loads(out.strip().splitlines()[-1]), wall, load, peak)


def group_memory_mb(group: int) -> float:
    """The memory the processes in process group ``group`` hold together (Linux ``/proc``): the sum of
    their proportional set sizes, so a page a forked writer shares with the main process counts once
    (a sum of RSS would count it in each), else of their RSS where the kernel gives no PSS."""
    total = 0.0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            if int(fields[2]) == group:  # pgrp: the fifth field, third after the command name
                total += _process_mb(entry.name)
        except (OSError, IndexError, ValueError):
            continue
    return total


def _process_mb(pid: str) -> float:
    """A process's proportional set size in MB (``smaps_rollup``), else its RSS."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    with open(f"/proc/{pid}/statm", "rb") as handle:
        return int(handle.read().split()[1]) * PAGE / 2**20


# -- measuring -------------------------------------------------------------------


@dataclass
class Size:
    """What was measured for one corpus size."""

    n: int
    characters: int = 0
    corpus: str = ""  # the JSONL file the articles were taken from ("": generated)
    generate_seconds: float = 0.0
    repeats: int = 0
    jieba: list[Run] = field(default_factory=list)
    builds: dict[str, list[Run]] = field(default_factory=dict)  # by configuration
    skipped: dict[str, str] = field(default_factory=dict)
    fingerprint: str = ""
    configs: list[str] = field(default_factory=list)
    cached_run: Run | None = None  # the build with the cache on, the incremental case's first


@dataclass
class Incremental:
    """The cached build of N articles, then the build after adding some."""

    n: int
    added: int
    jobs: int
    first: Run | None = None
    second: Run | None = None
    unchanged: Run | None = None
    formats: str = "all"  #: what the builds after the first wrote (``kg build --formats``)
    mode: str = "rebuild"  #: how they were run: ``add`` (``kg build added --add``) or ``rebuild`` (the whole corpus)


def log(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S} load {os.getloadavg()[0]:.2f}] {message}", file=sys.stderr, flush=True)


def measure_size(n: int, args: argparse.Namespace, work: Path, given_up: dict[str, str], *, base: Path | None) -> Size:
    """Generate N articles and time jieba and the builds on them. With ``base``, the last default build with
    the most jobs has the cache on and writes into ``base``, where it stays: the first build of the incremental case."""
    jobs_list = args.jobs if n < BIG else sorted(set(args.big_jobs or [args.jobs[-1]]))
    variants = {"on": [True], "off": [False], "both": [True, False]}[args.ner]
    gates = {"on": [True], "off": [False], "both": [False, True]}[args.gate]
    size = Size(n, repeats=args.big_repeats if n >= BIG else args.repeats, corpus=args.corpus or "",
                configs=[config(j, ner, gate) for ner in variants for gate in (gates if ner else [True])
                         for j in jobs_list])
    folder = work / f"corpus-{n}"
    clock = time.perf_counter()
    size.characters = copy_items(Path(args.corpus), n, folder) if args.corpus else corpus.write(n, folder, args.seed)
    size.generate_seconds = time.perf_counter() - clock
    size.fingerprint = fingerprint(folder)
    log(f"N={n:,}: {'copied' if args.corpus else 'generated'} {size.characters:,} characters in "
        f"{size.generate_seconds:.1f} s ({size.fingerprint})")
    default = config(max(jobs_list)) if True in variants else None
    for repeat in range(size.repeats):
        # jieba's speed per character does not depend on N: above BIG it tags the first BIG articles
        run = run_child(["jieba", str(folder)] + ([str(BIG)] if n > BIG else []), args.max_seconds, args.max_rss_mb)
        size.jieba.append(run)
        if run.result:
            log(f"N={n:,} jieba #{repeat + 1}: {run.result['characters'] / run.result['seconds']:,.0f} chars/s")
        for key in size.configs:
            if key in given_up:
                size.skipped[key] = given_up[key]
                continue
            jobs, ner = parse_config(key)
            cached = base is not None and key == default and repeat == size.repeats - 1
            out = base if cached else work / f"out-{n}-{key}"
            run = run_child(["build", str(folder), str(out), str(jobs)] + (["cache"] if cached else [])
                            + ([] if ner else [RULES]) + ([GATED] if gated(key) else []), args.max_seconds,
                            args.max_rss_mb)
            if cached:
                size.cached_run = run
            else:
                shutil.rmtree(out, ignore_errors=True)
            size.builds.setdefault(key, []).append(run)
            if run.result is None:
                given_up[key] = f"N={n:,} {run.error}"
                log(f"N={n:,} {label(key)} #{repeat + 1}: {run.error}")
            else:
                r = run.result
                log(f"N={n:,} {label(key)} #{repeat + 1}{' (cache on)' if cached else ''}: build "
                    f"{r['build_seconds']:.1f} s, {r['characters'] / r['build_seconds']:,.0f} chars/s, "
                    f"exports {_exports(r):.1f} s, all processes {run.tree_rss_mb:,.0f} MB, code {r['code']}")
    return size


def copy_items(source: Path, n: int, folder: Path, start: int = 0) -> int:
    """Copy items ``start`` to ``start + n`` of the JSONL file ``source`` into ``folder/news.jsonl``;
    return the characters of their texts."""
    folder.mkdir(parents=True, exist_ok=True)
    characters = 0
    with source.open(encoding="utf-8") as lines, (folder / source.name).open("w", encoding="utf-8") as out:
        for line in lines:
            if not line.strip():
                continue
            if start <= 0:
                out.write(line)
                characters += len(json.loads(line).get("text") or "")
                n -= 1
                if n <= 0:
                    break
            start -= 1
    return characters


def fingerprint(folder: Path) -> str:
    """A short hash of the corpus: file names and contents, in order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.suffix in (".txt", ".jsonl")):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def measure_incremental(n: int, args: argparse.Namespace, work: Path, base: Path, first: Run | None) -> Incremental:
    """Add ``args.add`` articles to the corpus of N and build again into ``base``, whose cache holds the N."""
    jobs = max(args.big_jobs or args.jobs) if n >= BIG else max(args.jobs)
    inc = Incremental(n, args.add, jobs, formats=args.update_formats, mode=args.update)
    folder = work / f"corpus-{n}"
    if not folder.exists():
        copy_items(Path(args.corpus), n, folder) if args.corpus else corpus.write(n, folder, args.seed)
    if first is None or first.result is None:
        first = run_child(["build", str(folder), str(base), str(jobs), "cache"], args.max_seconds, args.max_rss_mb)
        log(f"incremental N={n:,}: first build {_build_seconds(first)}")
    inc.first = first
    if first.result is None:
        return inc
    added = folder / "added"
    copy_items(Path(args.corpus), args.add, added, start=n) if args.corpus else corpus.write(args.add, added, args.seed, start=n)
    update = ["build", str(added if inc.mode == ADD else folder), str(base), str(jobs), "cache",
              f"{FORMATS_FLAG}{args.update_formats}", *([ADD] if inc.mode == ADD else [])]
    inc.second = run_child(update, args.max_seconds, args.max_rss_mb)
    log(f"incremental N={n:,}: +{args.add} articles {_build_seconds(inc.second)}")
    if args.unchanged:
        inc.unchanged = run_child(update, args.max_seconds, args.max_rss_mb)
        log(f"incremental N={n:,}: nothing new {_build_seconds(inc.unchanged)}")
    shutil.rmtree(added, ignore_errors=True)
    return inc


def _build_seconds(run: Run) -> str:
    return f"{run.result['build_seconds']:.1f} s" if run.result else run.error


# -- the report ------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def ok(runs: list[Run]) -> list[dict]:
    return [run.result for run in runs if run.result]


def jieba_speed(size: Size) -> float:
    return median([r["characters"] / r["seconds"] for r in ok(size.jieba)])


def build_speed(size: Size, key: str) -> float:
    """Median characters per second of build wall time (after imports)."""
    return median([r["characters"] / r["build_seconds"] for r in ok(size.builds.get(key, []))])


def speed_up(size: Size, key: str) -> float:
    """Build speed of ``key`` over the same configuration with one job."""
    return build_speed(size, key) / build_speed(size, config(1, parse_config(key)[1], gated(key)))


def machine() -> list[str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import jieba
    import spacy

    import kg
    from kg.cache import pipeline_version

    commit = _git("rev-parse", "--short", "HEAD")
    dirty = _git("status", "--porcelain", "--", "kg")
    return [
        f"- machine: {cores} cores ({cpu}), {memory:.0f} GiB memory, {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}, govkg {kg.__version__}, spaCy {spacy.__version__}, jieba {jieba.__version__}",
        f"- code: {'commit ' + commit if commit else 'not a git checkout'}" + (f" with uncommitted changes in kg/ ({len(dirty.splitlines())} files)"
                                              if dirty else "") + f", pipeline version {pipeline_version()}",
    ]


def _git(*arguments: str) -> str:
    try:
        return subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def fmt(value: float, digits: int = 0) -> str:
    if value != value:  # NaN
        return "–"
    return f"{value:,.{digits}f}"


def size_section(size: Size) -> list[str]:
    jieba = jieba_speed(size)
    lines = [f"## N = {size.n:,} articles" + (f" of {Path(size.corpus).name}" if size.corpus else ""), ""]
    default = next((k for k in reversed(size.configs) if parse_config(k)[1] and not gated(k)), "")
    made = f"the first {size.n:,} items of `{size.corpus}`, copied in" if size.corpus else "generated in"
    lines.append(f"{size.characters:,} characters ({size.characters / size.n:,.0f} per article), {made} "
                 f"{size.generate_seconds:.1f} s (fingerprint {size.fingerprint}). "
                 + (f"Medians of {size.repeats} runs" if size.repeats > 1 else "One run"
                    + (" (a build takes minutes at this size)" if size.n >= BIG else ""))
                 + (f"; the last {label(default)} build had the cache on (it is the first build of the "
                    "incremental case below)" if size.cached_run else "") + ".")
    lines.append("")
    shown = [k for k in size.configs if ok(size.builds.get(k, []))]
    for key in size.configs:
        if key not in shown:
            reason = size.skipped.get(key) or "; ".join(r.error for r in size.builds.get(key, []) if r.error)
            lines += [f"{label(key)}: not measured ({reason or 'no run'}).", ""]
    if not shown:
        return lines
    lines += ["| | " + " | ".join(label(k) for k in shown) + " |", "|---" * (len(shown) + 1) + "|"]

    def row(name: str, values: list[str]) -> None:
        lines.append(f"| {name} | " + " | ".join(values) + " |")

    results = {k: ok(size.builds[k]) for k in shown}
    runs = {k: [r for r in size.builds[k] if r.result] for k in shown}
    jobs = {k: parse_config(k)[0] for k in shown}
    speed = {k: build_speed(size, k) for k in shown}

    def med(key: str, value) -> float:
        return median([value(r) for r in results[key]])

    row("build wall time, s", [fmt(med(k, lambda r: r["build_seconds"]), 1) for k in shown])
    row("process wall time, s (with imports)", [fmt(median([r.wall for r in runs[k]]), 1) for k in shown])
    row("characters/s", [fmt(speed[k]) for k in shown])
    row("characters/s per core", [fmt(speed[k] / jobs[k]) for k in shown])
    row("**per core ÷ jieba posseg**", [f"**{fmt(speed[k] / jobs[k] / jieba, 2)}**" for k in shown])
    row("articles/s", [fmt(med(k, lambda r: r["articles"] / r["build_seconds"]), 1) for k in shown])
    row("articles/s per core", [fmt(med(k, lambda r: r["articles"] / r["build_seconds"]) / jobs[k], 1) for k in shown])
    row("speed-up over jobs=1", [fmt(speed_up(size, k), 2) for k in shown])
    row("characters per CPU second", [fmt(med(k, lambda r: r["characters"] / r["cpu_seconds"])) for k in shown])
    for stage in list(STAGES) + _writes([r for k in shown for r in results[k]]):
        name = stage + (" (summed over articles)" if stage in ("nlp", "resolve", "rdf (per article)") else "")
        row(f"{name}, s", [fmt(med(k, lambda r: r["seconds"].get(stage, 0.0)), 2) for k in shown])
    row("all exports (rdf + write), s", [fmt(med(k, _exports), 1) for k in shown])
    row("peak RSS, main process, MB", [fmt(med(k, lambda r: r["main_rss_mb"])) for k in shown])
    row("peak RSS, largest worker, MB", [fmt(med(k, lambda r: r["worker_rss_mb"])) if jobs[k] > 1 else "–"
                                         for k in shown])
    row("peak PSS, all processes (sampled), MB", [fmt(median([r.tree_rss_mb for r in runs[k]])) for k in shown])
    row("load average (1 min) before → after", [", ".join(f"{r.load[0]:.1f}→{r.load[1]:.1f}" for r in runs[k])
                                                for k in shown])
    lines.append("")
    for key in dict.fromkeys([next((k for k in shown if parse_config(k)[1] and not gated(k)), shown[0]), shown[-1]]):
        last = results[key][-1]
        lines.append(f"Graph ({label(key)}): {last['entities']:,} entities, {last['relations']:,} relations; "
                     f"{last['problems']} input problems. Output files (bytes): "
                     + ", ".join(f"{name} {bytes_:,}" for name, bytes_ in last["outputs"].items())
                     + f"; {sum(last['outputs'].values()) / 2**20:,.1f} MiB in all.")
        lines.append("")
    js = ok(size.jieba)
    if js:
        sample = f"the first {BIG:,} of the texts" if size.n > BIG else "the same texts"
        lines.append(f"jieba `posseg` on {sample}: **{fmt(jieba)} characters/s** (one process, one core; "
                     f"{fmt(median([r['characters'] / r['cpu_seconds'] for r in js]))} per CPU second, "
                     f"{js[-1]['words']:,} words, peak RSS {js[-1]['rss_mb']:.0f} MB; "
                     f"load {', '.join(f'{r.load[0]:.1f}→{r.load[1]:.1f}' for r in size.jieba)}).")
        lines.append("")
    return lines


def _writes(results: list[dict]) -> list[str]:
    """The ``write …`` stages, in the order the build wrote the files."""
    return list(dict.fromkeys(k for r in results for k in r["seconds"] if k.startswith("write")))


def _exports(result: dict) -> float:
    return result["seconds"].get("rdf (default graph)", 0.0) + sum(v for k, v in result["seconds"].items() if k.startswith("write"))


def incremental_section(inc: Incremental) -> list[str]:
    lines = [f"## Incremental: {inc.added} articles added to {inc.n:,}", ""]
    lines += [("The builds after the first add the new articles to it (`kg build added --out OUT --add`): the "
               "earlier ones are not read again." if inc.mode == ADD else
               "The builds after the first read the whole grown corpus (`kg build corpus --out OUT`), the "
               "earlier articles from the cache."), ""]
    if inc.formats != "all":
        lines += [f"The builds after the first write only `--formats {inc.formats}`.", ""]
    runs = [("first build, cache on", inc.first), (f"after adding {inc.added}", inc.second)]
    runs += [("again, nothing new", inc.unchanged)] if inc.unchanged else []
    done = [(label, run) for label, run in runs if run and run.result]
    for label, run in runs:
        if run is None or run.result is None:
            lines += [f"{label}: {run.error if run else 'not run'}.", ""]
    if not done:
        return lines
    lines += ["| | " + " | ".join(label for label, _ in done) + " |", "|---" * (len(done) + 1) + "|"]

    def row(label: str, values: list[str]) -> None:
        lines.append(f"| {label} | " + " | ".join(values) + " |")

    row("articles (from the cache)", [f"{r.result['articles']:,} ({r.result['cached']:,})" for _, r in done])
    row("build wall time, s", [fmt(r.result["build_seconds"], 1) for _, r in done])
    row("process wall time, s (with imports)", [fmt(r.wall, 1) for _, r in done])
    stages = list(STAGES) + _writes([r.result for _, r in done])
    for stage in stages:
        row(f"{stage}, s", [fmt(r.result["seconds"].get(stage, 0.0), 2) for _, r in done])
    row("all exports (rdf + write), s", [fmt(_exports(r.result), 1) for _, r in done])
    row("peak RSS, main process, MB", [fmt(r.result["main_rss_mb"]) for _, r in done])
    row("peak PSS, all processes (sampled), MB", [fmt(r.tree_rss_mb) for _, r in done])
    row("load average (1 min) before → after", [f"{r.load[0]:.1f}→{r.load[1]:.1f}" for _, r in done])
    lines += ["", f"jobs={inc.jobs}; the cache lives in the output folder (`.kg-cache`), the added articles in a "
              "sub-folder of the corpus.", ""]
    return lines


def summary(sizes: list[Size], inc: Incremental | None) -> list[str]:
    lines = ["## Summary", ""]
    measured = [s for s in sizes if any(ok(s.builds.get(k, [])) for k in s.configs)]
    if not measured:
        return lines + ["No build finished.", ""]
    for size in measured:
        jieba = jieba_speed(size)
        jieba_cpu = median([r["characters"] / r["cpu_seconds"] for r in ok(size.jieba)])
        parts = []
        for key in size.configs:
            speed = build_speed(size, key)
            if speed == speed:
                jobs = parse_config(key)[0]
                cpu = median([r["characters"] / r["cpu_seconds"] for r in ok(size.builds[key])])
                up = speed_up(size, key) if jobs > 1 else float("nan")
                parts.append(f"{label(key)}: {fmt(speed / jobs)} characters/s per core = "
                             f"**{fmt(speed / jobs / jieba, 2)}× jieba** ({fmt(cpu / jieba_cpu, 2)}× per CPU second"
                             + (f"; {fmt(up, 2)}× jobs=1" if up == up else "") + ")")
        lines.append(f"- **N = {size.n:,}**: jieba posseg {fmt(jieba)} characters/s; " + "; ".join(parts)
                     + f". Largest stages: {_dominant(size)}.")
    lines += verdict(measured)
    if inc and inc.second and inc.second.result:
        r = inc.second.result
        lines.append(f"- **Incremental**: adding {inc.added} articles to {inc.n:,} took "
                     f"{r['build_seconds']:.1f} s of build ({inc.second.wall:.1f} s with imports), "
                     f"against {_build_seconds(inc.first)} for the first build; "
                     f"of it, exports {_exports(r):.1f} s, graph {r['seconds'].get('graph', 0):.1f} s, "
                     f"extraction {r['seconds'].get('extract (wall)', 0):.1f} s (reading the cache included).")
    lines.append("")
    return lines


#: The kinds of build the verdict judges: (words, whether a configuration key is of that kind).
KINDS = (("with NER", lambda k: parse_config(k)[1] and not gated(k)),
         ("with NER, gated", lambda k: parse_config(k)[1] and gated(k)),
         ("without NER", lambda k: not parse_config(k)[1]))


def verdict(measured: list[Size]) -> list[str]:
    """The two goals of the issue, judged on the largest size measured with each configuration."""
    lines = []
    for words, kind in KINDS:
        sizes = [s for s in measured if any(kind(k) and ok(s.builds.get(k, [])) for k in s.configs)]
        if not sizes:
            continue
        size = sizes[-1]
        ner = parse_config(next(k for k in size.configs if kind(k)))[1]
        key = max((k for k in size.configs if kind(k) and ok(size.builds.get(k, []))),
                  key=lambda k: parse_config(k)[0])
        jobs = parse_config(key)[0]
        jieba, speed = jieba_speed(size), build_speed(size, key)
        ratio = speed / jobs / jieba
        results = ok(size.builds[key])
        total = median([r["build_seconds"] for r in results])
        extract = median([r["seconds"].get("extract (wall)", 0.0) for r in results])
        exports = median([_exports(r) for r in results])
        graph = median([r["seconds"].get("graph", 0.0) for r in results])
        goal = "met" if ratio >= 1 else f"missed by {1 / ratio:.1f}×" if ratio == ratio else "not measured"
        lines.append(f"- **Goal 1, per core at least jieba's tagging, {words}: {goal}** "
                     f"(N = {size.n:,}, {label(key)}: {fmt(speed / jobs)} against {fmt(jieba)} characters/s). "
                     f"Of the {total:.0f} s build, extraction (reading, the spaCy pipeline, resolution) takes "
                     f"{extract:.0f} s ({extract / total:.0%}), the graph {graph:.1f} s and the exports "
                     f"{exports:.0f} s ({exports / total:.0%}).")
    scaling = [f"{fmt(speed_up(s, k), 2)}× at N = {s.n:,}{'' if parse_config(k)[1] else ' without NER'}"
               f"{' gated' if gated(k) else ''}"
               for s in measured for k in s.configs if parse_config(k)[0] > 1 and speed_up(s, k) == speed_up(s, k)]
    if scaling:
        top = max(parse_config(k)[0] for s in measured for k in s.configs)
        lines.append(f"- **Goal 2, near-linear in cores**: speed-up of jobs={top} over jobs=1 "
                     + ", ".join(scaling) + f" (linear: {top}×).")
    return lines


def _dominant(size: Size) -> str:
    """The four longest stages of the default configuration with the most jobs."""
    keys = [k for k in size.configs if ok(size.builds.get(k, []))]
    key = max(keys, key=lambda k: (parse_config(k)[1] and not gated(k), parse_config(k)[0]))
    results = ok(size.builds[key])
    names = {k for r in results for k in r["seconds"] if k not in ("nlp", "resolve")}
    stages = sorted(((median([r["seconds"].get(k, 0.0) for r in results]), k) for k in names), reverse=True)
    total = median([r["build_seconds"] for r in results])
    return ", ".join(f"{k} {v:.1f} s ({v / total:.0%})" for v, k in stages[:4]) + f" of {total:.1f} s ({label(key)})"


def report(sizes: list[Size], inc: Incremental | None, argv: list[str], started: dt.datetime,
           loads: tuple[tuple[float, ...], tuple[float, ...]], wall: float, setup: list[str], notes: str = "") -> str:
    command = " ".join(["python benchmarks/build_speed.py", *argv])
    real = next((size.corpus for size in sizes if size.corpus), "")
    about = (f"The corpus is real text: the first N items of `{real}`, with jieba on the same text in the same run."
             if real else "The corpus is generated by `benchmarks/corpus.py`: seed paragraphs recombined with other "
             "divisions, names, local places and programmes, so no two articles are alike.")
    lines = ["# Build speed" + (" on real text" if real else ""), "",
             f"Measured by `{command}` (see its docstring for the method). {about}", ""]
    lines += setup
    runs = [r for size in sizes for rs in size.builds.values() for r in rs]
    runs += [r for r in (inc.first, inc.second, inc.unchanged) if r] if inc else []
    codes = sorted({r.result.get("code", "?") for r in runs if r.result})
    places = sorted({r.result.get("kg", "?") for r in runs if r.result})
    lines.append(f"- builds ran the `kg` package in {', '.join(places)}, code hash {', '.join(codes)}"
                 + (": **the code changed during the run**, so figures may not be comparable" if len(codes) > 1
                    else ""))
    lines += [f"- run: {started:%Y-%m-%d %H:%M} UTC, {wall / 60:.0f} min; load average (1, 5, 15 min) at the start "
              f"{', '.join(f'{x:.2f}' for x in loads[0])}, at the end {', '.join(f'{x:.2f}' for x in loads[1])} "
              "(the machine is shared with other work, so wall times carry noise; characters per CPU second "
              "are steadier)", ""]
    lines += summary(sizes, inc)
    if notes:
        lines += [notes, ""]
    for size in sizes:
        lines += size_section(size)
    if inc:
        lines += incremental_section(inc)
    return "\n".join(lines).rstrip() + "\n"


def kept_notes(path: Path, markers: tuple[str, str] = (NOTES_START, NOTES_END)) -> str:
    """The part of an earlier report at ``path`` from the first marker to the second (both kept), or ""."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    start, end = text.find(markers[0]), text.find(markers[1])
    return text[start : end + len(markers[1])] if 0 <= start < end else ""


def real_section(text: str) -> str:
    """A real-text report as a section of the generated one: its headings one level down, inside ``REAL``."""
    lines, notes = [], False
    for line in text.rstrip().splitlines():
        notes = notes or line == REAL_NOTES[0]
        lines.append(f"#{line}" if line.startswith("#") and not notes else line)
        notes = notes and line != REAL_NOTES[1]
    return "\n".join([REAL[0], *lines, REAL[1]]) + "\n"


def spliced(path: Path, report_text: str, real: bool) -> str:
    """The file to write at ``path``: a generated report followed by the real-text section kept from the
    file, or the file with its real-text section replaced (appended when it has none)."""
    try:
        old = path.read_text(encoding="utf-8")
    except OSError:
        old = ""
    kept = kept_notes(path, REAL)
    if not real:
        return report_text + (f"\n{kept}\n" if kept else "")
    section = real_section(report_text)
    if kept:
        return old.replace(kept, section.rstrip("\n"))
    return (old.rstrip() + "\n\n" if old.strip() else "") + section


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_child"]:
        kind, *rest = argv[1:]
        if kind == "build":
            formats = next((flag.removeprefix(FORMATS_FLAG) for flag in rest[3:] if flag.startswith(FORMATS_FLAG)), "all")
            result = child_build(rest[0], rest[1], int(rest[2]), cache="cache" in rest[3:], ner=RULES not in rest[3:],
                                 gate=GATED in rest[3:], formats=formats, add=ADD in rest[3:])
        else:
            result = child_jieba(rest[0], int(rest[1]) if rest[1:] else None)
        print(json.dumps(result))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000], help="numbers of articles")
    parser.add_argument("--with-100k", action="store_true", help="also 100,000 articles (hours)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per size and jobs value (below 10,000)")
    parser.add_argument("--big-repeats", type=int, default=1, help="runs per jobs value from 10,000 articles")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="worker processes to compare")
    parser.add_argument("--ner", choices=("on", "off", "both"), default="both",
                        help="build with the NER model (on, the default build), without it (off: --no-ner) or both")
    parser.add_argument("--gate", choices=("on", "off", "both"), default="off",
                        help="with NER: kg_ner's gate off (the default build: the model tags every text whole), "
                        "on (only the sentences where it can add a span) or both")
    parser.add_argument("--corpus", metavar="FILE.jsonl", help="real text: the first N items of this JSONL file "
                        "instead of a generated corpus (the report goes to a section of --out)")
    parser.add_argument("--big-jobs", type=int, nargs="+", help="jobs values from 10,000 articles "
                        "(default: the largest of --jobs; the scaling is measured on the smaller sizes)")
    parser.add_argument("--max-seconds", type=float, default=1800, help="kill a build after this long")
    parser.add_argument("--max-rss-mb", type=float, default=0.6 * PAGE * os.sysconf("SC_PHYS_PAGES") / 2**20,
                        help="kill a build whose processes hold more, summed PSS (default: 60%% of memory)")
    parser.add_argument("--add", type=int, default=100, help="articles added in the incremental case")
    parser.add_argument("--incremental-size", type=int, help="N of the incremental case (default: the largest)")
    parser.add_argument("--no-incremental", action="store_true")
    parser.add_argument("--update", choices=(ADD, "rebuild"), default=ADD, help="how the incremental case adds the "
                        "articles: kg build added --add (default) or kg build over the whole grown corpus")
    parser.add_argument("--update-formats", default="all", help="what the incremental case's second build writes, as "
                        "kg build --formats takes it ('appendable': a fast update; default: all)")
    parser.add_argument("--unchanged", action="store_true", help="in the incremental case, also build once more "
                        "with nothing new (the fixed cost of graph and exports)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"), help="Markdown report ('-': none)")
    parser.add_argument("--json", help="also save every measurement here, to --render the report again")
    parser.add_argument("--render", metavar="JSON", nargs="+", help="measure nothing: write the report of saved --json "
                        "files (several: their sizes together; the first says how the run was made)")
    args = parser.parse_args(argv)
    sizes = sorted(set(args.sizes) | ({100_000} if args.with_100k else set()))
    args.jobs = sorted(set(args.jobs))

    if args.render:
        runs = [json.loads(Path(path).read_text(encoding="utf-8")) for path in args.render]
        saved = runs[0]
        results = sorted((_size(s) for run in runs for s in run["sizes"]), key=lambda size: size.n)
        inc = _incremental(saved["incremental"]) if saved["incremental"] else None
        real = any(size.corpus for size in results)
        text = report(results, inc, saved["argv"], dt.datetime.fromisoformat(saved["started"]),
                      tuple(map(tuple, saved["loads"])), saved["wall"], saved["setup"], _notes(args.out, real))
    else:
        started, clock, load, setup = dt.datetime.now(dt.timezone.utc), time.perf_counter(), os.getloadavg(), machine()
        results: list[Size] = []
        inc = None
        given_up: dict[str, str] = {}
        incremental = None if args.no_incremental else (args.incremental_size or sizes[-1])

        def save() -> tuple[float, tuple]:  # after each size, so that a run cut short keeps what it measured
            wall, loads = time.perf_counter() - clock, (load, os.getloadavg())
            if args.json:
                saved = {"argv": argv, "started": started.isoformat(), "loads": loads, "wall": wall, "setup": setup,
                         "sizes": [asdict(s) for s in results], "incremental": asdict(inc) if inc else None}
                Path(args.json).write_text(json.dumps(saved, ensure_ascii=False, indent=1), encoding="utf-8")
            return wall, loads

        with tempfile.TemporaryDirectory(prefix="govkg-speed-") as temporary:
            work = Path(temporary)
            base = work / f"incremental-{incremental}"
            for n in sizes:
                results.append(measure_size(n, args, work, given_up, base=base if n == incremental else None))
                save()
                if n != incremental:
                    shutil.rmtree(work / f"corpus-{n}", ignore_errors=True)
            if incremental:
                first = next((size.cached_run for size in results if size.n == incremental), None)
                inc = measure_incremental(incremental, args, work, base, first)
        wall, loads = save()
        real = bool(args.corpus)
        text = report(results, inc, argv, started, loads, wall, setup, _notes(args.out, real))
    if args.out != "-":
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(spliced(Path(args.out), text, real), encoding="utf-8")
    print(text)
    return 0


def _notes(out: str, real: bool = False) -> str:
    """The hand-written notes of the report's part of ``out``: the real-text section's or the rest's."""
    if out == "-":
        return ""
    if real:
        return kept_notes(Path(out), REAL_NOTES)
    text = Path(out).read_text(encoding="utf-8") if Path(out).exists() else ""
    section = kept_notes(Path(out), REAL)
    start, end = text.replace(section, "").find(NOTES_START), text.replace(section, "").find(NOTES_END)
    return text.replace(section, "")[start : end + len(NOTES_END)] if 0 <= start < end else ""


def _run(data: dict | None) -> Run | None:
    if data is None:
        return None
    return Run(data["result"], data["wall"], tuple(data["load"]), data["tree_rss_mb"], data["error"])


def _size(data: dict) -> Size:
    size = Size(**{k: v for k, v in data.items() if k not in ("jieba", "builds", "skipped", "cached_run")})
    size.jieba = [_run(r) for r in data["jieba"]]
    size.builds = {k: [_run(r) for r in runs] for k, runs in data["builds"].items()}
    size.skipped = dict(data["skipped"])
    size.cached_run = _run(data["cached_run"])
    return size


def _incremental(data: dict) -> Incremental:
    return Incremental(data["n"], data["added"], data["jobs"], _run(data["first"]), _run(data["second"]),
                       _run(data["unchanged"]), data.get("formats", "all"), data.get("mode", "rebuild"))


if __name__ == "__main__":
    sys.exit(main())

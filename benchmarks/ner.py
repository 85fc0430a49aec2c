"""Benchmark the shipped NER model beside jieba's POS tags, and its effect on ``kg eval``.

Three measurements, one run:

1. **The carved dev split** (``kg.ner.data.convert`` of ``--data``, converted
   into a temporary folder): exact-span P/R/F1 per label for the model and for
   jieba's ``posseg`` tags (``nr`` → PER, ``nt`` → ORG, ``ns`` → PLACE), per
   source (People's Daily 1998 fragments, CLUENER2020 sentences). A predicted
   span inside a span of unknown label (a CLUENER ``scene`` or street address)
   is not counted.
2. **The seeds**: each system tags the pipeline text of every seed article;
   its set of (type, name) is scored against ``--gold`` as ``kg eval`` scores
   entities (lenient: name or alias), for the three seeds with gold.
   Speed and memory are measured on dev and seeds text together.
3. **The whole pipeline with and without the model**: the dev texts run through
   ``make_nlp(ner=False)`` and ``make_nlp()`` (rules, then the combination
   policy), ``doc.ents`` scored by exact span; and the seeds extracted by both
   and scored by ``kg.evaluate`` (``kg eval``).

Each tagger runs in its own subprocess (one process, one thread), so its peak
RSS (``VmHWM``) is its own, interpreter and libraries included; speed is characters per second of wall time and per CPU
second of that process (the second is steadier on a shared machine), after
loading, over every text ``--repeats`` times (median). The report is printed
as Markdown and, with ``--out``, written to a file.

    python benchmarks/ner.py                                # ../shared/data/ner, ../shared/gold
    python benchmarks/ner.py --repeats 1 --out /tmp/ner.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYSTEMS = ("model", "jieba")
JIEBA_TAGS = {"nr": "PER", "nt": "ORG", "ns": "PLACE"}
LABELS = ("PER", "ORG", "PLACE")


# -- workers (one per system, in a subprocess) ------------------------------------------


def _jieba_tagger():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    jieba.initialize()

    def tag(texts: list[str]) -> list[list]:
        out = []
        for text in texts:
            ents, at = [], 0
            for word, flag in jieba.posseg.lcut(text):
                label = JIEBA_TAGS.get(flag)
                if label:
                    ents.append([at, at + len(word), label])
                at += len(word)
            out.append(ents)
        return out

    return tag


def _model_tagger():
    from kg.ner.model import load_model, tag as tag_texts

    model = load_model()

    def tag(texts: list[str]) -> list[list]:
        return [[list(e) for e in ents] for ents in tag_texts(texts, model=model)]

    return tag


def worker(system: str, texts_path: Path, repeats: int) -> None:
    """Tag the texts (one JSON string per line) and print predictions, speed and peak RSS as JSON."""
    texts = [json.loads(line) for line in texts_path.read_text(encoding="utf-8").splitlines()]
    started = time.perf_counter()
    tag = _model_tagger() if system == "model" else _jieba_tagger()
    tag(texts[:10])
    load = time.perf_counter() - started
    chars = sum(len(t) for t in texts)
    walls, cpus, predicted = [], [], None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        predicted = tag(texts)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    peak_mb = _peak_rss_mb()
    json.dump({"predicted": predicted, "load_s": load, "chars": chars,
               "chars_per_s": chars / statistics.median(walls), "chars_per_cpu_s": chars / statistics.median(cpus),
               "peak_rss_mb": peak_mb}, sys.stdout, ensure_ascii=False)


def _peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM: unlike ``ru_maxrss``, not inherited across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_worker(system: str, texts: list[str], repeats: int, folder: Path) -> dict:
    path = folder / "texts.jsonl"
    path.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in texts), encoding="utf-8")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}  # one thread, as in a build
    done = subprocess.run([sys.executable, __file__, "--worker", system, "--texts", str(path), "--repeats", str(repeats)],
                          capture_output=True, text=True, env=env, check=True, cwd=ROOT)
    return json.loads(done.stdout)


# -- the three measurements -------------------------------------------------------------


def seed_texts() -> dict[str, str]:
    """The pipeline text (assembled, normalised) of every seed article, by document id."""
    from kg.corpus import read_text_file
    from kg.normalize import assemble

    out = {}
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        article = read_text_file(path)
        out[article.doc] = assemble(article).text
    return out


def seed_scores(texts: dict[str, str], predicted: list[list], gold: dict) -> dict:
    """``kg eval``'s entity scores of one system's names on the seeds with gold."""
    from kg.evaluate import evaluate

    preds = {}
    for (doc, text), ents in zip(texts.items(), predicted):
        names = sorted({(label, text[s:e]) for s, e, label in ents})
        preds[doc] = {"doc": doc, "entities": [{"type": t, "name": n, "aliases": []} for t, n in names], "relations": []}
    report = evaluate(gold, {d: p for d, p in preds.items() if d in gold}).to_dict()
    return {label: report["entities"]["lenient"]["by_type"][label] for label in LABELS}


def kg_eval(gold: dict) -> dict[str, dict]:
    """``kg eval`` of the seeds' extractions, rules only and with the model."""
    from kg.corpus import read_text_file
    from kg.evaluate import evaluate
    from kg.extract import read_article
    from kg.record_io import extraction_json
    from kg.pipeline import make_nlp
    from kg.resolve import resolve

    articles = [read_text_file(p) for p in sorted((ROOT / "seeds").glob("*.txt"))]
    out = {}
    for name, nlp in (("rules", make_nlp(ner=False)), ("rules + model", make_nlp())):
        preds = {a.doc: extraction_json(resolve(read_article(a, nlp))) for a in articles}
        out[name] = evaluate(gold, preds).to_dict()
    return out


def pipeline_on_dev(dev: list[dict]) -> dict[str, dict]:
    """Exact-span scores of the whole pipeline's PER/ORG/PLACE (``doc.ents``) on the dev texts, without and with the model."""
    from kg.ner.model import score
    from kg.pipeline import make_nlp

    out = {}
    for name, nlp in (("rules", make_nlp(ner=False)), ("rules + model", make_nlp())):
        predicted = [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in nlp.pipe(r["text"] for r in dev)]
        out[name] = {source: score([r["ents"] for r, _ in chosen], [p for _, p in chosen], [r["missing"] for r, _ in chosen])
                     for source in ("renmin1998", "cluener2020")
                     for chosen in [[(r, p) for r, p in zip(dev, predicted) if r["source"] == source]]}
    return out


def measure(data: Path, gold_dir: Path, repeats: int) -> dict:
    from kg.evaluate import load_gold
    from kg.ner.data import convert, read_split
    from kg.ner.model import model_path, score

    with tempfile.TemporaryDirectory() as folder:
        report = convert(data, Path(folder) / "corpus")
        dev = read_split(Path(folder) / "corpus" / "dev.jsonl")
        seeds = seed_texts()
        texts = [r["text"] for r in dev] + list(seeds.values())
        runs = {system: run_worker(system, texts, repeats, Path(folder)) for system in SYSTEMS}
    gold = load_gold(gold_dir)
    results: dict = {"dev": {}, "seeds": {}, "speed": {}, "conversion": report.to_dict()["counts"]}
    for system, run in runs.items():
        predicted = run.pop("predicted")
        on_dev, on_seeds = predicted[: len(dev)], predicted[len(dev):]
        for source in ("renmin1998", "cluener2020", None):
            chosen = [i for i, r in enumerate(dev) if source is None or r["source"] == source]
            results["dev"].setdefault(source or "all", {})[system] = score(
                [dev[i]["ents"] for i in chosen], [on_dev[i] for i in chosen], [dev[i]["missing"] for i in chosen])
        results["seeds"][system] = seed_scores(seeds, on_seeds, gold)
        results["speed"][system] = run
    results["pipeline_dev"] = pipeline_on_dev(dev)
    results["kg_eval"] = kg_eval(gold)
    size = sum(f.stat().st_size for f in model_path().rglob("*") if f.is_file())
    results["model_mb"] = size / 1e6
    results["machine"] = f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}"
    return results


# -- the report ---------------------------------------------------------------------------


def _prf(s: dict) -> str:
    return f"{s['p']:.3f} | {s['r']:.3f} | {s['f1']:.3f}"


def report(results: dict) -> str:
    lines = [f"Machine: {results['machine']}; model size {results['model_mb']:.1f} MB.", ""]
    for source, by_system in results["dev"].items():
        lines += [f"### Dev split: {source} (exact span)", "", "| system | label | P | R | F1 | tp | fp | fn |",
                  "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for system, scores in by_system.items():
            for label in (*LABELS, "micro"):
                s = scores[label]
                lines.append(f"| {system} | {label} | {_prf(s)} | {s['tp']} | {s['fp']} | {s['fn']} |")
        lines.append("")
    lines += ["### Seeds (the model or jieba alone; names scored as `kg eval` does, lenient)", "",
              "| system | label | P | R | F1 | tp | fp | fn |", "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for system, scores in results["seeds"].items():
        for label in LABELS:
            s = scores[label]
            lines.append(f"| {system} | {label} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['tp']} | {s['fp']} | {s['fn']} |")
    lines += ["", "### Speed and memory (one process, one thread; dev and seed texts)", "",
              "| system | characters | chars/s (wall) | chars/s (CPU) | load s | peak RSS MB |",
              "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for system, run in results["speed"].items():
        lines.append(f"| {system} | {run['chars']} | {run['chars_per_s']:,.0f} | {run['chars_per_cpu_s']:,.0f} | "
                     f"{run['load_s']:.1f} | {run['peak_rss_mb']:.0f} |")
    lines += ["", "### The whole pipeline on the dev split, without and with the model (`doc.ents`, exact span)", "",
              "| pipeline | source | label | P | R | F1 | tp | fp | fn |",
              "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, by_source in results["pipeline_dev"].items():
        for source, scores in by_source.items():
            for label in (*LABELS, "micro"):
                s = scores[label]
                lines.append(f"| {name} | {source} | {label} | {_prf(s)} | {s['tp']} | {s['fp']} | {s['fn']} |")
    lines += ["", "### `kg eval ../shared/gold` on the seeds, without and with the model (lenient)", "",
              "| pipeline | type | P | R | F1 | tp | fp | fn |", "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, evaluation in results["kg_eval"].items():
        lenient = evaluation["entities"]["lenient"]
        rows = [*lenient["by_type"].items(), ("entities micro", lenient["micro"]),
                ("relations micro", evaluation["relations"]["lenient"]["micro"])]
        for shown, s in rows:
            lines.append(f"| {name} | {shown} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | "
                             f"{s['tp']} | {s['fp']} | {s['fn']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ner")
    parser.add_argument("--gold", type=Path, default=ROOT.parent / "shared" / "gold")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--json", type=Path, help="Also write the raw results as JSON.")
    parser.add_argument("--worker", choices=SYSTEMS, help=argparse.SUPPRESS)
    parser.add_argument("--texts", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.texts, args.repeats)
        return
    results = measure(args.data, args.gold, args.repeats)
    text = report(results)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()

"""Benchmark the two SPARQL stores behind ``kg.query.Store``: rdflib's memory store and pyoxigraph.

The graphs are synthetic but shaped like real govkg builds: the seeds' graph
(``output/graph.ttl``, about 3,100 triples) is replicated N times, every
``https://w3id.org/govkg/id/...`` IRI of copy k suffixed ``-k`` (so copies do not
collapse into one), labels, titles, identifiers and sentences suffixed the same
way, and article dates shifted by k days. Copy 0 keeps the seeds' IRIs and
labels, so a query for one named entity (``株洲市公安局``) finds exactly one.

Each size is written as N-Triples to a temporary folder (deleted afterwards)
and each store runs in its own subprocess, so its peak RSS is its own. In the
subprocess the graph is loaded once through ``kg.query.Store`` and every query
is timed ``--repeats`` times (median reported); the load is repeated in fresh
subprocesses while the loads so far stay under ``--load-budget`` seconds. A
subprocess that runs past ``--max-seconds`` is killed and what it did not
finish is reported as timed out.

    python benchmarks/rdf_stores.py                       # 10^4, 10^5, 10^6 triples
    python benchmarks/rdf_stores.py --sizes 10000 --repeats 3 --out /tmp/x.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import resource
import selectors
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "output" / "graph.ttl"
ID = "https://w3id.org/govkg/id/"
STORES = ("rdflib", "oxigraph")
MARK = "\ue000"  # private-use placeholder for the per-copy suffix inside literals
#: predicates whose literal objects are names or text and differ per copy
VARIED = {
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://purl.org/dc/terms/title",
    "http://purl.org/dc/terms/identifier",
    "https://w3id.org/govkg/ontology#sentence",
}
DATE = "http://purl.org/dc/terms/date"

#: parameter values for the shipped named queries, by query then by parameter
PARAMS = {
    "evidence": {"name": "醴陵市委政法委"},
    "mentions": {"name": "天元区公安局"},
    "sub-units": {"org": "株洲市公安局"},
}
DEFAULT_PARAMS = {"name": "醴陵市委政法委", "org": "株洲市公安局"}

PREFIXES = """PREFIX govkg: <https://w3id.org/govkg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
"""
#: the evidence of one triple, by IRI: index look-ups only, no label scan
STATEMENT = PREFIXES + """SELECT ?sentence ?start ?end ?rule ?doc
WHERE {
  ?statement rdf:subject <https://w3id.org/govkg/id/org/醴陵市委政法委> ;
      rdf:predicate govkg:runs ; rdf:object <https://w3id.org/govkg/id/programme/我为群众办实事> ;
      prov:wasDerivedFrom ?evidence .
  ?evidence govkg:sentence ?sentence ; govkg:startOffset ?start ; govkg:endOffset ?end ; govkg:rule ?rule ;
      prov:wasQuotedFrom/dcterms:identifier ?doc .
}
ORDER BY ?doc ?start
"""
#: used only when kg/queries ships no named queries
FALLBACK = {
    "officials": PREFIXES + """SELECT ?person ?title ?organisation WHERE {
  ?m a org:Membership ; org:member/skos:prefLabel ?person ; org:organization/skos:prefLabel ?organisation ;
     org:role/skos:prefLabel ?title .
} ORDER BY ?organisation ?person ?title""",
    "programmes": PREFIXES + """SELECT ?organisation ?programme WHERE {
  ?runner govkg:runs ?p ; skos:prefLabel ?organisation . ?p skos:prefLabel ?programme .
} ORDER BY ?organisation ?programme""",
    "honours": PREFIXES + """SELECT ?recipient ?honour ?year WHERE {
  ?award a govkg:Award ; govkg:recipient/skos:prefLabel ?recipient ; govkg:honour/skos:prefLabel ?honour .
  OPTIONAL { ?award govkg:year ?year }
} ORDER BY ?recipient ?honour""",
    "sub-units": PREFIXES + """SELECT ?unit WHERE {
  ?top skos:prefLabel ?name . FILTER (STR(?name) = "株洲市公安局")
  ?child org:subOrganizationOf+ ?top ; skos:prefLabel ?unit .
} ORDER BY ?unit""",
    "mentions": PREFIXES + """SELECT ?doc ?title WHERE {
  ?e skos:prefLabel ?label . FILTER (STR(?label) = "天元区公安局")
  ?article schema:mentions ?e ; dcterms:identifier ?doc ; dcterms:title ?title .
} ORDER BY ?doc""",
}


# the synthetic graphs -------------------------------------------------------
@dataclass
class Seed:
    """The seeds' triples as N-Triples line templates; MARK stands for a copy's suffix."""

    templates: list[str] = field(default_factory=list)
    #: (before the date, the date, after it) for each dated triple
    dated: list[tuple[str, dt.date, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.templates) + len(self.dated)


def read_seed(path: Path) -> Seed:
    """The seeds' graph as line templates, sorted so the output is stable."""
    import pyoxigraph as ox

    def term(node: object) -> str:
        if isinstance(node, ox.NamedNode) and node.value.startswith(ID):
            return f"<{node.value}{MARK}>"
        return str(node)

    seed = Seed()
    for quad in sorted(set(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)), key=str):
        subject, predicate, obj = quad.subject, quad.predicate, quad.object
        head = f"{term(subject)} {predicate} "
        if isinstance(obj, ox.Literal) and predicate.value == DATE:
            seed.dated.append((head + '"', dt.date.fromisoformat(obj.value), f'"^^{obj.datatype} .\n'))
        elif isinstance(obj, ox.Literal) and predicate.value in VARIED:
            varied = ox.Literal(obj.value + MARK, language=obj.language) if obj.language else \
                ox.Literal(obj.value + MARK, datatype=obj.datatype)
            seed.templates.append(f"{head}{varied} .\n")
        else:
            seed.templates.append(f"{head}{term(obj)} .\n")
    return seed


def write_graph(seed: Seed, copies: int, path: Path) -> int:
    """Write ``copies`` copies of the seed graph as N-Triples; return the number of triples."""
    with path.open("w", encoding="utf-8") as out:
        for k in range(copies):
            tag = f"-{k}" if k else ""
            out.writelines(t.replace(MARK, tag) for t in seed.templates)
            out.writelines(f"{head.replace(MARK, tag)}{date + dt.timedelta(days=k)}{tail}"
                           for head, date, tail in seed.dated)
    return copies * len(seed)


# the queries ----------------------------------------------------------------
def benchmark_queries() -> list[tuple[str, str]]:
    """(name, SPARQL) for every shipped named query with its parameters bound, then ``statement``."""
    sys.path.insert(0, str(ROOT))
    from kg.query import named_queries

    named = named_queries()
    if not named:
        return list(FALLBACK.items()) + [("statement", STATEMENT)]
    queries = []
    for name, query in named.items():
        values = PARAMS.get(name, DEFAULT_PARAMS)
        if all(p in values for p in query.params):
            queries.append((name, query.bind(values)))
    return queries + [("statement", STATEMENT)]


def query_source() -> str:
    sys.path.insert(0, str(ROOT))
    from kg.query import named_queries

    return "kg/queries" if named_queries() else "built-in fallbacks"


def digest(rows: list[list[str]]) -> str:
    """A hash of the rows that ignores row order and the order inside space-joined groups."""
    canonical = sorted("\t".join(" ".join(sorted(cell.split(" "))) for cell in row) for row in rows)
    return hashlib.sha1("\n".join(canonical).encode("utf-8")).hexdigest()[:10]


# one store in one subprocess --------------------------------------------------
def worker(store_name: str, path: Path, *, repeats: int, load_only: bool, query_budget: float) -> None:
    """Load ``path`` into one store, run every query ``repeats`` times; report JSON lines on stdout."""
    sys.path.insert(0, str(ROOT))
    from kg.query import Store

    def report(**fields: object) -> None:
        print(json.dumps(fields, ensure_ascii=False), flush=True)

    queries = benchmark_queries()
    report(event="ready", rss_kb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    start = time.perf_counter()
    store = Store(path, store=store_name)
    report(event="load", seconds=time.perf_counter() - start, triples=len(store))
    if load_only:
        return
    for name, text in queries:
        times: list[float] = []
        rows: list[list[str]] = []
        while len(times) < repeats and (not times or sum(times) < query_budget):
            start = time.perf_counter()
            rows = store.query(text).rows
            times.append(time.perf_counter() - start)
        report(event="query", name=name, times=times, rows=len(rows), digest=digest(rows))


@dataclass
class Run:
    """What one subprocess reported, and whether it finished."""

    events: list[dict] = field(default_factory=list)
    peak_kb: int = 0
    timed_out: bool = False
    failed: str = ""


def run_worker(store: str, path: Path, args: argparse.Namespace, *, load_only: bool, seconds: float) -> Run:
    """Run one store on one file in a subprocess, killed after ``seconds``."""
    command = [sys.executable, __file__, "--worker", store, str(path), "--repeats", str(args.repeats),
               "--query-budget", str(args.query_budget)] + (["--load-only"] if load_only else [])
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    run = Run()
    deadline = time.monotonic() + seconds
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            process.kill()
            run.timed_out = True
            break
        if selector.select(timeout=min(left, 1.0)):
            line = process.stdout.readline()
            if not line:
                break
            run.events.append(json.loads(line))
    selector.close()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    run.peak_kb = usage.ru_maxrss
    error = process.stderr.read()
    if not run.timed_out and process.returncode != 0:
        run.failed = error.strip().splitlines()[-1] if error.strip() else f"exit status {process.returncode}"
    return run


@dataclass
class Result:
    """One store on one size."""

    store: str
    triples: int = 0
    loads: list[float] = field(default_factory=list)
    baseline_kb: int = 0
    peak_kb: int = 0
    queries: dict[str, dict] = field(default_factory=dict)
    timed_out: bool = False
    failed: str = ""


def measure(store: str, path: Path, args: argparse.Namespace) -> Result:
    """Load and query in one subprocess, then repeat the load in fresh ones while it is cheap."""
    result = Result(store)
    run = run_worker(store, path, args, load_only=False, seconds=args.max_seconds)
    result.timed_out, result.failed, result.peak_kb = run.timed_out, run.failed, run.peak_kb
    for event in run.events:
        if event["event"] == "ready":
            result.baseline_kb = event["rss_kb"]
        elif event["event"] == "load":
            result.loads.append(event["seconds"])
            result.triples = event["triples"]
        elif event["event"] == "query":
            result.queries[event["name"]] = event
    while result.loads and len(result.loads) < args.load_repeats and sum(result.loads) < args.load_budget:
        extra = run_worker(store, path, args, load_only=True, seconds=args.max_seconds)
        loads = [e["seconds"] for e in extra.events if e["event"] == "load"]
        if not loads:
            break
        result.loads += loads
    return result


# the report -------------------------------------------------------------------
def machine() -> dict[str, str]:
    import pyoxigraph
    import rdflib

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), "0")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return {
        "date": dt.date.today().isoformat(),
        "cpu": f"{cpu}, nproc {os.cpu_count()}",
        "memory": f"{int(memory) / 2**20:.0f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "rdflib": rdflib.__version__,
        "pyoxigraph": pyoxigraph.__version__,
        "govkg commit": commit.stdout.strip() or "unknown",
    }


def median_ms(event: dict | None) -> float | None:
    return statistics.median(event["times"]) * 1000 if event else None


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "timed out"
    return f"{value:.2f}" if value < 10 else f"{value:,.0f}"


def fmt_ratio(slow: float | None, fast: float | None) -> str:
    if slow is None or fast is None or fast == 0:
        return "–"
    ratio = slow / fast
    return f"{ratio:.1f}×" if ratio < 100 else f"{ratio:,.0f}×"


def size_table(results: dict[str, Result], names: list[str]) -> list[str]:
    rd, ox = results["rdflib"], results["oxigraph"]
    lines = ["| measure | rdflib | oxigraph | rdflib ÷ oxigraph | rows (rdflib / oxigraph) |",
             "|---|---:|---:|---:|---|"]

    def load(r: Result) -> str:
        if not r.loads:
            return "timed out" if r.timed_out else f"failed: {r.failed}"
        return f"{statistics.median(r.loads):.2f} (n={len(r.loads)})"

    rl = statistics.median(rd.loads) if rd.loads else None
    ol = statistics.median(ox.loads) if ox.loads else None
    lines.append(f"| load, s (median of n) | {load(rd)} | {load(ox)} | {fmt_ratio(rl, ol)} | "
                 f"{rd.triples:,} / {ox.triples:,} triples |")
    lines.append(f"| peak RSS, MB (baseline {rd.baseline_kb / 1024:.0f} / {ox.baseline_kb / 1024:.0f}) | "
                 f"{rd.peak_kb / 1024:,.0f} | {ox.peak_kb / 1024:,.0f} | {fmt_ratio(rd.peak_kb, ox.peak_kb)} | |")
    for name in names:
        a, b = rd.queries.get(name), ox.queries.get(name)
        if a and b:
            agree = "agree" if a["digest"] == b["digest"] else "**differ**"
            rows = f"{a['rows']:,} / {b['rows']:,} ({agree})"
        else:
            rows = " / ".join(f"{e['rows']:,}" if e else "–" for e in (a, b))
        runs = "" if not a or len(a["times"]) == max(len(b["times"]) if b else 0, 1) else f" (n={len(a['times'])})"
        lines.append(f"| `{name}`, ms | {fmt_ms(median_ms(a))}{runs} | {fmt_ms(median_ms(b))} | "
                     f"{fmt_ratio(median_ms(a), median_ms(b))} | {rows} |")
    return lines


def recommendation(all_results: dict[int, dict[str, Result]], names: list[str]) -> str:
    """A paragraph that picks the default store from the largest size both stores finished."""
    sizes = [s for s, r in all_results.items() if all(r[st].loads and len(r[st].queries) == len(names) for st in STORES)]
    if not sizes:
        return "Neither store finished every query at any size, so no default can be picked from these figures."
    size = max(sizes)
    rd, ox = all_results[size]["rdflib"], all_results[size]["oxigraph"]
    ratios = {n: median_ms(rd.queries[n]) / median_ms(ox.queries[n]) for n in names}
    geo = statistics.geometric_mean(ratios.values())
    fastest = max(ratios, key=ratios.get)
    slowest = min(ratios, key=ratios.get)
    load = statistics.median(rd.loads) / statistics.median(ox.loads)
    memory = rd.peak_kb / ox.peak_kb
    winner = "oxigraph" if geo > 1 else "rdflib"
    triples = f"{ox.triples:,}"
    text = (f"At {triples} triples oxigraph loads the graph {load:.0f}× faster than rdflib "
            f"({statistics.median(ox.loads):.1f} s against {statistics.median(rd.loads):.1f} s) in "
            f"{memory:.1f}× less memory ({ox.peak_kb / 1024:,.0f} MB against {rd.peak_kb / 1024:,.0f} MB peak RSS), "
            f"and answers the `{fastest}` query {ratios[fastest]:,.0f}× faster "
            f"({fmt_ms(median_ms(ox.queries[fastest]))} ms against {fmt_ms(median_ms(rd.queries[fastest]))} ms); "
            f"over the {len(names)} queries it is {geo:,.0f}× faster in geometric mean, the least gain being "
            f"`{slowest}` at {ratios[slowest]:.1f}×. ")
    timed = [s for s, r in all_results.items() if s not in sizes]
    if timed:
        text += f"rdflib did not finish within --max-seconds at {', '.join(f'{s:,}' for s in timed)} triples. "
    agree = all(r["rdflib"].queries[n]["digest"] == r["oxigraph"].queries[n]["digest"]
                for s, r in all_results.items() if s in sizes for n in names)
    text += ("Both stores return the same rows for every query at every size. " if agree else
             "The stores disagree on some rows (marked **differ** above); check the query before trusting either. ")
    if winner == "oxigraph":
        text += ("**Default: oxigraph** (`Store(path)`, `kg query --store oxigraph`); rdflib stays as the "
                 "pure-Python fallback, adequate for a graph of the seeds' size where every query answers in "
                 "milliseconds either way.")
    else:
        text += "**Default: rdflib**: on these figures it is the faster store."
    return text


def render(all_results: dict[int, dict[str, Result]], names: list[str], info: dict[str, str],
           args: argparse.Namespace, copies: dict[int, int], seed_size: int) -> str:
    lines = ["# RDF stores: rdflib against pyoxigraph", "",
             "Generated by `python benchmarks/rdf_stores.py "
             f"--sizes {' '.join(map(str, args.sizes))} --repeats {args.repeats}` (do not edit by hand).", "",
             "## Machine", ""]
    lines += [f"- {key}: {value}" for key, value in info.items()]
    lines += ["", "## Method", "",
              f"The seeds' graph (`output/graph.ttl`, {seed_size:,} triples) is replicated N times, every "
              "`https://w3id.org/govkg/id/` IRI of copy k suffixed `-k` and its labels, titles, identifiers and "
              "sentences suffixed the same way, article dates shifted by k days; copy 0 keeps the seeds' names, "
              "so a query about one named entity finds one. The copies are disjoint, so list queries grow with N "
              "while look-ups of one entity return the same rows at every size. Each graph is N-Triples loaded "
              "through `kg.query.Store` (oxigraph `bulk_load` into an in-memory store; rdflib "
              "`Dataset(default_union=True).parse`).", "",
              f"Each store runs in its own subprocess. Query times are the median of {args.repeats} runs after one "
              f"load (no warm-up run; a query whose runs pass {args.query_budget:g} s stops early, and its count is "
              "shown as n), and include turning the answer into rows of strings. Load times are the median of up "
              f"to {args.load_repeats} loads, each in a fresh subprocess; further loads are skipped once the loads "
              f"so far took {args.load_budget:g} s, so slow loads are measured fewer times (n). Peak RSS is the "
              "subprocess's `ru_maxrss` from `wait4`: interpreter, both libraries and the loaded store "
              "(the baseline after imports, before loading, is given per store). A subprocess past "
              f"{args.max_seconds:g} s is killed and its unfinished measures reported as timed out. Rows: result "
              "rows from each store and whether the two sets of rows are identical (order-insensitive hash).", "",
              f"Queries ({query_source()}): "
              + ", ".join(f"`{n}`" for n in names if n != "statement")
              + " with parameters " + "; ".join(f"{q}: {', '.join(f'{k}={v}' for k, v in p.items())}"
                                              for q, p in PARAMS.items())
              + "; and `statement`, the evidence of one triple looked up by IRI "
              "(rdf:Statement → prov:wasDerivedFrom → govkg:sentence, offsets, rule, article).", ""]
    for size, results in all_results.items():
        triples = results["oxigraph"].triples or results["rdflib"].triples
        lines += [f"## {triples:,} triples ({copies[size]} copies; asked for {size:,})", ""]
        lines += size_table(results, names) + [""]
    lines += ["## Recommendation", "", recommendation(all_results, names), ""]
    return "\n".join(lines)


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000],
                        help="approximate numbers of triples (default: 10^4 10^5 10^6)")
    parser.add_argument("--repeats", type=int, default=5, help="runs of each query after one load (default 5)")
    parser.add_argument("--load-repeats", type=int, default=3, help="most loads per store and size (default 3)")
    parser.add_argument("--load-budget", type=float, default=30.0,
                        help="stop repeating the load once the loads took this many seconds (default 30)")
    parser.add_argument("--query-budget", type=float, default=60.0,
                        help="stop repeating a query once its runs took this many seconds (default 60)")
    parser.add_argument("--max-seconds", type=float, default=480.0,
                        help="kill a store's subprocess after this many seconds; report 'timed out' (default 480)")
    parser.add_argument("--seed", type=Path, default=SEED, help="the graph to replicate (default output/graph.ttl)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "rdf-stores.md", help="the Markdown report")
    parser.add_argument("--tmpdir", type=Path, default=None, help="where to write the graphs (deleted after)")
    parser.add_argument("--worker", nargs=2, metavar=("STORE", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--load-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        worker(args.worker[0], Path(args.worker[1]), repeats=args.repeats, load_only=args.load_only,
               query_budget=args.query_budget)
        return
    if not args.seed.is_file():
        parser.error(f"{args.seed}: no seed graph (run `kg build` first)")

    seed = read_seed(args.seed)
    names = [name for name, _ in benchmark_queries()]
    all_results: dict[int, dict[str, Result]] = {}
    copies: dict[int, int] = {}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="govkg-bench-", dir=args.tmpdir) as folder:
        for size in args.sizes:
            copies[size] = max(1, round(size / len(seed)))
            path = Path(folder) / f"graph-{size}.nt"
            triples = write_graph(seed, copies[size], path)
            print(f"{size:,}: {copies[size]} copies, {triples:,} triples, "
                  f"{path.stat().st_size / 2**20:.0f} MiB", file=sys.stderr, flush=True)
            all_results[size] = {}
            for store in STORES:
                result = measure(store, path, args)
                all_results[size][store] = result
                state = "timed out" if result.timed_out else (f"failed: {result.failed}" if result.failed else "ok")
                print(f"  {store}: {state}, loads {[round(x, 2) for x in result.loads]}, "
                      f"peak {result.peak_kb / 1024:.0f} MB, {time.monotonic() - started:.0f} s so far",
                      file=sys.stderr, flush=True)
            path.unlink()
    report = render(all_results, names, machine(), args, copies, len(seed))
    write_atomic(args.out, report)
    print(report)


if __name__ == "__main__":
    main()

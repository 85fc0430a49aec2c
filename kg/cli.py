"""The ``kg`` command line: a thin layer over the library API.

Each command imports the modules it runs inside its function, so ``kg --help``
and ``kg query`` import neither spaCy nor rdflib's SPARQL engine, and a
``kg build`` whose articles are all cached imports no pipeline (``kg.parallel``).
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .corpus.files import DEFAULT_MAX_BYTES
from .errors import KgError
from .manifest import APPENDABLE, FORMATS, parse_formats
from .parallel import EXECUTORS, default_jobs
from .quick_exit import QuickExitGroup
from .stores import STORES

if TYPE_CHECKING:
    from .identity import Decision
    from .records import Problem


@click.group(cls=QuickExitGroup)
@click.version_option(package_name="govkg")
def main() -> None:
    """govkg: a knowledge graph of officials, organisations, places, programmes
    and honours from Chinese local-governance news."""


def _workers(jobs: int | None, executor: str, scheduler: str | None) -> int:
    """The local worker processes for ``kg build``, once ``--jobs``, ``--executor`` and ``--scheduler`` agree:
    local processes take ``--jobs`` (default: all cores) and no scheduler; Dask takes a scheduler and no ``--jobs``
    (the cluster's workers do the work)."""
    if executor == "dask":
        if jobs is not None:
            raise click.BadOptionUsage("jobs", "--jobs counts local processes; with --executor dask the cluster's "
                                               "workers do the work (drop --jobs)")
        if not scheduler:
            raise click.BadOptionUsage("scheduler", "--executor dask needs --scheduler ADDRESS (e.g. tcp://127.0.0.1:8786)")
        return 1
    if scheduler:
        raise click.BadOptionUsage("scheduler", f"--scheduler is the Dask scheduler; add --executor dask "
                                                f"(or drop --scheduler to run on {executor} processes)")
    return jobs or default_jobs()


def _formats(value: str) -> tuple[str, ...]:
    try:
        return parse_formats(value)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--formats") from error


def _decisions(identities: Path | None) -> list[Decision]:
    """The decisions on who is who of ``--identities``, if given."""
    from .identity import read_decisions

    try:
        return read_decisions(identities) if identities else []
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--identities") from error


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out", default="output", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for extractions.jsonl and the graph files.")
@click.option("--no-cache", is_flag=True, help="Re-extract every article (the cache is OUT/.kg-cache).")
@click.option("--max-bytes", default=DEFAULT_MAX_BYTES, show_default=True, type=click.IntRange(1), help="Refuse larger files.")
@click.option("--strict", is_flag=True, help="Exit non-zero when any input was skipped.")
@click.option("--jobs", "jobs", default=None, type=click.IntRange(1),
              help="Worker processes, with --executor local (default: all cores; one batch of articles "
                   "to extract runs in this process).")
@click.option("--executor", type=click.Choice(EXECUTORS), default="local", show_default=True,
              help="Where the per-article stages run: local processes or a Dask cluster (needs --scheduler).")
@click.option("--scheduler", metavar="ADDRESS", help="The Dask scheduler, with --executor dask (tcp://host:8786).")
@click.option("--timings", is_flag=True, help="Print the seconds each stage took.")
@click.option("--no-ner", is_flag=True, help="Rules only, without the trained NER model (much faster, fewer persons found).")
@click.option("--quiet", "-q", is_flag=True, help="Print only warnings and errors (no progress bar, no summary).")
@click.option("--identities", "identities", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A CSV of decisions on who is who (name,key,decision,other; decision same or different).")
@click.option("--meta", "meta", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A CSV of file or id, date, source: dates that override the articles' own, sources for those naming none.")
@click.option("--formats", "formats", default=None, callback=lambda c, p, v: None if v is None else _formats(v),
              help=f"The files to write beside extractions.jsonl, comma-separated: {', '.join(FORMATS)}, "
                   f"'all' (the default), or 'appendable' ({','.join(APPENDABLE)}: the default with --add; the "
                   "other files an earlier build wrote are kept and named stale until kg export writes them again).")
@click.option("--add", is_flag=True, help="Add INPUTS to the build in OUT: its articles are kept, not read again.")
def build(inputs: tuple[Path, ...], out: Path, no_cache: bool, max_bytes: int, strict: bool, jobs: int | None,
          executor: str, scheduler: str | None, timings: bool, no_ner: bool, quiet: bool, identities: Path | None,
          meta: Path | None, formats: tuple[str, ...] | None, add: bool) -> None:
    """Extract entities and relations from articles and build the graph.

    INPUTS are files, folders (read recursively) or .jsonl files of
    {"id","title","date","source","text"} records.

    Example: kg build seeds/ --out output/
    """
    from .build import build as build_graph_files
    from .progress import ProgressBar, estimate_articles

    jobs = _workers(jobs, executor, scheduler)

    def warn(problem: Problem) -> None:
        click.echo(f"warning: {problem.source}: {problem.problem}", err=True)

    decisions = _decisions(identities)
    bar = ProgressBar(estimate_articles(inputs)) if not quiet and sys.stderr.isatty() else None
    try:
        report = build_graph_files(inputs, out, on_problem=warn, cache=not no_cache, max_bytes=max_bytes,
                                   jobs=jobs, executor=executor, scheduler=scheduler, ner=not no_ner, decisions=decisions,
                                   meta=meta, on_article=bar or (lambda r: None), add=add,
                                   formats=formats or (APPENDABLE if add else tuple(FORMATS)))
    except KgError as error:
        raise click.ClickException(str(error)) from error
    except OSError as error:  # a read-only or full disk: the previous outputs are left as they were
        raise click.ClickException(f"{out}: cannot write the outputs: {error.strerror or error}") from error
    except KeyboardInterrupt:
        click.echo("interrupted: the output folder holds the previous set of files", err=True)
        sys.exit(130)
    finally:
        if bar is not None:
            bar.close()
    skipped = len(report.problems)
    if not quiet:
        click.echo(f"read {report.articles} article(s) ({report.cached} from cache), skipped {skipped}; "
                   f"{report.entities} entities, {report.relations} relations; wrote {len(report.outputs)} files into {out}")
        click.echo("".join(f"{note}\n" for note in report.notes), nl=False)
    if report.stale and not quiet:
        click.echo(f"kept from an earlier build, now stale: {', '.join(report.stale)} (kg export {out} writes them again)")
    if timings:
        for stage, seconds in report.seconds.items():
            click.echo(f"{stage:>26}: {seconds:8.2f} s")
    if report.articles == 0 and not report.already:  # with --add, every article read may be in the build already
        raise click.ClickException("no article could be read; nothing was written")
    if strict and report.problems:
        raise click.ClickException(f"--strict: {skipped} input(s) skipped (see the warnings above)")


@main.command(name="export")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--formats", "formats", default=None, callback=lambda c, p, v: None if v is None else _formats(v),
              help=f"The files to write again, comma-separated ({', '.join(FORMATS)}, all, appendable); "
                   "default: the stale ones.")
@click.option("--jobs", "jobs", default=None, type=click.IntRange(1), help="Processes writing files at once (default: all cores).")
def export_command(folder: Path, formats: tuple[str, ...] | None, jobs: int | None) -> None:
    """Write a build's files again from its extractions.jsonl, with no article read or extracted:
    by default those a fast build (--formats appendable) left stale.

    Example: kg export output/
    """
    from .export import export

    try:
        written = export(folder, formats, jobs=jobs or default_jobs())
    except KgError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"wrote {', '.join(written)} into {folder}" if written else f"{folder}: every file is current")


@main.command()
@click.argument("name")
@click.option("--out", "out", default="output", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="The build to read (its tables/ folder).")
def person(name: str, out: Path) -> None:
    """Print the career timeline of every person called NAME, with evidence.

    NAME is a person's name or id. Several persons of one name (told apart by
    their jurisdictions) are listed one after the other.

    Example: kg person 阳建 --out output
    """
    from .person import careers, format_careers

    try:
        click.echo(format_careers(careers(out, name), name))
    except KgError as error:
        raise click.ClickException(str(error)) from error


@main.command(name="eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--pred", "pred", default="output/extractions.jsonl", show_default=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Predictions (extractions.jsonl).")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def eval_command(gold_dir: Path, pred: Path, as_json: bool) -> None:
    """Score extractions against gold annotations (P/R/F1, lenient and strict).

    Example: kg eval ../shared/gold --pred output/extractions.jsonl
    """
    from .evaluate import evaluate, format_report, load_gold, load_predictions

    try:
        report = evaluate(load_gold(gold_dir), load_predictions(pred))
    except KgError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_report(report))


def _params(values: tuple[str, ...]) -> dict[str, str]:
    pairs = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep:
            raise click.BadParameter(f"{value!r}: expected NAME=VALUE", param_hint="--param")
        pairs[name] = text
    return pairs


@main.command()
@click.argument("query", required=False)
@click.option("--graph", "graph", default="output/graph.ttl", show_default=True, type=click.Path(path_type=Path),
              help="Graph file (.ttl, .trig, .nt, .jsonld).")
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind the query's $NAME (or ?NAME) to the string VALUE; repeatable.")
@click.option("--store", type=click.Choice(STORES), default="oxigraph", show_default=True, help="SPARQL engine.")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and the prefixes declared for you, and exit.")
def query(query: str | None, graph: Path, output_format: str, params: tuple[str, ...], store: str, list_queries: bool) -> None:
    """Ask the graph a SPARQL question: a named query, a .rq file, or the query text.

    \b
    - The graph's prefixes (govkg: org: skos: prov: dcterms: …, --list shows
      them all) need no PREFIX line; a query's own PREFIX line wins.
    - --param NAME=VALUE binds $NAME (or ?NAME) in any query to the string VALUE;
      a query's $NAME must be given, and a NAME it lacks is an error.
    - Named queries match a name whatever its language tag ("钟平熊" or "钟平熊"@zh).
    - The table cuts cells at 40 columns (…); csv and json keep them whole.

    Example: kg query evidence --param name=钟平熊 --graph output/graph.ttl --format csv
    """
    from .query import Store, named_queries, resolve_query
    from .sparql_text import PREFIXES

    if list_queries:
        for named in named_queries().values():
            needs = "".join(f" --param {p}=…" for p in named.params)
            click.echo(f"{named.name}{needs}\n    {named.description}")
        click.echo("\nprefixes every query may use without a PREFIX line:")
        for prefix, iri in PREFIXES.items():
            click.echo(f"    {prefix}: <{iri}>")
        return
    if not query:
        raise click.UsageError("give a QUERY (a named query, a .rq file or SPARQL text), or --list")
    try:
        answer = Store(graph, store=store).query(resolve_query(query, _params(params)))
    except KgError as error:
        raise click.ClickException(str(error)) from error
    click.echo({"table": answer.table, "csv": answer.csv, "json": answer.json}[output_format]().rstrip("\n"))


@main.command()
@click.argument("graph", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="Seconds a query may run (then its worker is killed), and a request may wait for a free worker.")
@click.option("--store", type=click.Choice(STORES), default="oxigraph", show_default=True, help="SPARQL engine.")
@click.option("--workers", default=4, show_default=True, type=click.IntRange(1, 64), help="Queries that run at once, each in its own process.")
@click.option("--max-rows", default=10_000, show_default=True, type=click.IntRange(1), help="Rows (or triples) of an answer; the header X-Truncated says when there were more.")
@click.option("--query-memory", default=256, show_default=True, type=click.IntRange(16), metavar="MB",
              help="Memory a query's worker may take beyond the loaded graph.")
@click.option("--cors", metavar="ORIGIN", help="Let pages from ORIGIN (e.g. http://localhost:3000) read answers; no other page can.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Also answer requests whose Host header is NAME (for a server reached by name; repeatable).")
def serve(graph: Path, host: str, port: int, timeout: float, store: str, workers: int, max_rows: int, query_memory: int,
          cors: str | None, allow_hosts: tuple[str, ...]) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint with a query page.

    Example: kg serve output/graph.ttl --port 8000  (then open http://127.0.0.1:8000/)
    """
    from .query import Store
    from .serve import serve as run_server

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        loaded = Store(graph, store=store)
        run_server(loaded, host=host, port=port, timeout=timeout, workers=workers, max_rows=max_rows, memory_mb=query_memory,
                   cors=cors, allow_hosts=allow_hosts,
                   on_ready=lambda url: click.echo(f"SPARQL endpoint at {url} ({len(loaded)} triples); Ctrl-C stops it"))
    except KgError as error:
        raise click.ClickException(str(error)) from error


@main.command()
@click.argument("graph", type=click.Path(exists=True, path_type=Path))
@click.option("--focus", metavar="NAME", help="Only the neighbourhood of this entity: a canonical name, an alias or a node id (org:天元区委).")
@click.option("--depth", default=2, show_default=True, type=click.IntRange(0), help="With --focus: how many edges away (either direction).")
@click.option("--out", "out", default="view.html", show_default=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file to write.")
@click.option("--identities", "identities", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The CSV of decisions on who is who that the build was given (kg build --identities), if any.")
def view(graph: Path, focus: str | None, depth: int, out: Path, identities: Path | None) -> None:
    """Write the interactive view of a build, or of one entity's neighbourhood, as one offline HTML file.

    GRAPH is a build folder or its extractions.jsonl; the graph, who is who
    and the careers are made again from the extraction records, so the view
    has every alias, evidence sentence and dated post, and without --focus it
    is the build's graph.html.

    Example: kg view output/ --focus 天元区委政法委 --depth 1 --out zhengfawei.html
    """
    from .view import write_view

    decisions = _decisions(identities)
    try:
        nodes, edges = write_view(graph, out, focus=focus, depth=depth, decisions=decisions)
    except KgError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"wrote {out} ({nodes} nodes, {edges} edges)")


@main.command()
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--model", "model", default=None, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A trained model folder (default: the shipped kg/models/ner).")
def ner(file, model: Path | None) -> None:
    """Tag persons, organisations and places with the trained model alone.

    FILE holds one text per line ('-' reads standard input); each line out is
    {"text": …, "ents": [[start, end, label], …]} with end-exclusive character offsets.

    Example: kg ner sentences.txt > entities.jsonl
    """
    from .ner.model import load_model, ner_json, tag

    texts = [line.rstrip("\r\n") for line in file]
    try:
        tagger = load_model(model)
    except KgError as error:
        raise click.ClickException(str(error)) from error
    for text, ents in zip(texts, tag(texts, model=tagger)):
        click.echo(json.dumps(ner_json(text, ents), ensure_ascii=False))


@main.command(name="train-ner")
@click.argument("data_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out", default="training/ner", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the converted corpus, the model and dev-scores.json.")
@click.option("--ship", is_flag=True, help="Copy the model into the package (kg/models/ner).")
@click.option("--iterations", default=None, type=click.IntRange(1), help="L-BFGS iterations (default: 100).")
def train_ner(data_dir: Path, out: Path, ship: bool, iterations: int | None) -> None:
    """Train the NER model, a CRF over jieba words, from CLUENER2020 and People's Daily 1998.

    DATA_DIR holds cluener2020/train.json and renmin1998/train.bmes; the dev
    split is carved out of them. The same data and settings give the same model.

    Example: kg train-ner ../shared/data/ner --out training/ner --ship
    """
    from .ner.train import Settings, train

    settings = Settings(max_iterations=iterations) if iterations else Settings()
    try:
        report = train(data_dir, out, settings=settings, ship=ship)
    except KgError as error:
        raise click.ClickException(str(error)) from error
    for source, scores in report.scores.items():
        cells = "  ".join(f"{label} {s['f1']:.3f}" for label, s in scores.items())
        click.echo(f"dev F1 ({source}): {cells}")
    click.echo(f"model: {report.model} ({report.seconds / 60:.1f} min)")
    if report.shipped:
        click.echo(f"shipped to {report.shipped}")


@main.command()
@click.argument("graph", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--endpoint", required=True, metavar="URL", help="The store's Graph Store endpoint, e.g. http://127.0.0.1:7878/store.")
@click.option("--graph-iri", "graph_iri", metavar="IRI", help="Load into this named graph (default: the default graph).")
@click.option("--replace", is_flag=True, help="Replace the target graph (HTTP PUT) instead of adding to it (POST).")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="Seconds to connect, and to wait for the store while sending and for its answer.")
def push(graph: Path, endpoint: str, graph_iri: str | None, replace: bool, timeout: float) -> None:
    """Load a built graph into an external SPARQL store (SPARQL 1.1 Graph Store Protocol).

    A .trig file keeps one named graph per article; .ttl, .nt and .jsonld go to
    the default graph or to --graph-iri.

    Example: kg push output/graph.trig --endpoint http://127.0.0.1:7878/store
    """
    from .push import push as push_graph

    try:
        result = push_graph(graph, endpoint, graph=graph_iri, replace=replace, timeout=timeout)
    except KgError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"pushed {graph} ({result.bytes:,} bytes) to {result.url}: HTTP {result.status}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

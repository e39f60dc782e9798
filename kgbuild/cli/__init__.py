"""The ``kgbuild`` command line: thin over the library.

Every command parses options, calls one library function, renders the result, and turns a
``KgbuildError`` into one clear message and a non-zero exit (no traceback).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .. import __version__
from .base import KgbuildGroup
from .browser import browser_group
from .neo4j import neo4j_group
from .render import output_options, render_rows


def _sample() -> str:
    from ..read import SAMPLE_CORPUS

    return str(SAMPLE_CORPUS)


def _echo_err(text: str) -> None:
    click.echo(text, err=True)


@click.group(cls=KgbuildGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kgbuild")
def cli() -> None:
    """kgbuild: a knowledge graph of ML methods, models, datasets, results and claims, from abstracts.

    \b
    Example:
      kgbuild build                      # the bundled sample corpus into the embedded store
      kgbuild query methods-beating --param baseline="full fine-tuning" --param dataset=GLUE
    """


# --------------------------------------------------------------------------- extract
def _workers_option(fn):
    from ..parallel import default_workers

    return click.option("-w", "--workers", type=click.IntRange(1, 512), default=default_workers, show_default="cores",
                        help="Processes for extraction and row building (same output for any number).")(fn)


@cli.command()
@click.argument("input_paths", metavar="INPUT...", nargs=-1, required=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="Output JSON Lines file ('-' for stdout).")
@click.option("--input-format", type=click.Choice(["seed", "jsonl", "csv"]), default=None,
              help="Input format (default: from the file name and content).")
@click.option("--full", is_flag=True, help="Write full records with provenance (sentences, offsets, rule ids).")
@click.option("--overrides", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Resolution overrides file (forced merges / splits; default ./resolution.json if present).")
@click.option("--rejects", "rejects_path", type=click.Path(dir_okay=False), default=None,
              help="Where to write rejected records (default OUTPUT.rejects.jsonl).")
@click.option("-q", "--quiet", is_flag=True, help="No progress or summary on stderr.")
@_workers_option
def extract(input_paths, output, input_format, full, overrides, rejects_path, quiet, workers):
    """Extract one EXTRACTION-SCHEMA record per paper into a JSON Lines file.

    INPUT may be several files or a quoted glob ('data/*.jsonl').

    \b
    Example:
      kgbuild extract papers.jsonl -o extractions.jsonl
      kgbuild extract 'corpus/*.jsonl' -o extractions.jsonl --workers 4
    """
    from ..pipeline import extract_file

    stats = extract_file(list(input_paths), output, fmt=input_format, full=full, overrides=overrides,
                         rejects_path=rejects_path, quiet=quiet, workers=workers)
    if not quiet:
        _echo_err(stats.summary())


# --------------------------------------------------------------------------- build
@cli.command()
@click.argument("input_paths", metavar="[INPUT...]", nargs=-1)
@click.option("--neo4j-uri", envvar="NEO4J_URI", default=None,
              help="Write to this Neo4j server (default: $NEO4J_URI, else the embedded store).")
@click.option("--input-format", type=click.Choice(["seed", "jsonl", "csv"]), default=None)
@click.option("--fresh", is_flag=True, help="Replace the graph, once the input has been read and resolved without error (a failed build leaves the previous graph).")
@click.option("--batch-size", default=1000, show_default=True, type=click.IntRange(1, 100_000),
              help="Rows per UNWIND batch.")
@click.option("--overrides", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Resolution overrides file (default ./resolution.json if present).")
@click.option("--rejects", "rejects_path", type=click.Path(dir_okay=False), default=None,
              help="Where to write rejected records (default <kgbuild home>/rejects.jsonl, see docs/state.md).")
@click.option("-q", "--quiet", is_flag=True, help="No progress or summary on stderr.")
@_workers_option
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run extraction and row building on a Dask cluster (tcp://host:8786), or 'local'.")
@click.option("--bulk", is_flag=True,
              help="First load via neo4j-admin database import into the local Neo4j (stops and restarts it).")
@click.option("--overwrite", is_flag=True, help="With --bulk: replace a database that is not empty.")
@click.option("--docker", is_flag=True, help="With --bulk: only write the import files and print the Docker commands.")
@click.option("--import-dir", type=click.Path(file_okay=False), default=None,
              help="With --bulk: where the import files go (default .kgbuild/import).")
def build(input_paths, neo4j_uri, input_format, fresh, batch_size, overrides, rejects_path, quiet, workers,
          scheduler, bulk, overwrite, docker, import_dir):
    """Read, extract, resolve and write the graph (the bundled sample corpus by default).

    INPUT may be several files or a quoted glob ('data/*.jsonl').

    \b
    Example:
      kgbuild build                                   # sample corpus → embedded store
      kgbuild build papers.jsonl --neo4j-uri bolt://localhost:7687
      kgbuild build 'corpus/*.jsonl' --neo4j-uri bolt://localhost:7687 --bulk   # first load, fast
      kgbuild build 'corpus/*.jsonl' --scheduler tcp://10.0.0.5:8786            # on a Dask cluster
    """
    from ..pipeline import build as run_build, build_bulk

    inputs = list(input_paths) or [_sample()]
    if (overwrite or docker or import_dir) and not bulk:
        raise click.UsageError("--overwrite, --docker and --import-dir go with --bulk")
    if bulk and fresh:
        raise click.UsageError("--fresh does not apply to --bulk (use --overwrite to replace a database)")
    if bulk:
        stats = build_bulk(inputs, neo4j_uri=neo4j_uri, fmt=input_format, overrides=overrides,
                           rejects_path=rejects_path, import_dir=import_dir, overwrite=overwrite, docker=docker,
                           workers=workers, scheduler=scheduler, quiet=quiet,
                           log=lambda m: None if quiet else _echo_err(m))
    elif scheduler:
        stats = run_build(inputs, neo4j_uri=neo4j_uri, fmt=input_format, fresh=fresh, batch_size=batch_size,
                          overrides=overrides, rejects_path=rejects_path, quiet=quiet, scheduler=scheduler)
    else:
        stats = run_build(inputs, neo4j_uri=neo4j_uri, fmt=input_format, fresh=fresh, batch_size=batch_size,
                          overrides=overrides, rejects_path=rejects_path, quiet=quiet, workers=workers)
    if docker:
        click.echo(stats.target.split("; run:\n", 1)[1])  # the commands, on stdout
    if not quiet:
        _echo_err(stats.summary())


# --------------------------------------------------------------------------- query
def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise click.BadParameter(f"expected key=value, got {pair!r}", param_hint="--param")
        key, value = pair.split("=", 1)
        params[key.strip()] = value
    return params


@cli.command()
@click.argument("name", required=False)
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter (repeatable).")
@click.option("--list", "list_", is_flag=True, help="Show the query catalogue (with --graph: the graph forms).")
@click.option("--show", is_flag=True,
              help="Print the query, with any --param values written in, ready to paste into Neo4j Browser.")
@click.option("--neo4j-uri", envvar="NEO4J_URI", default=None,
              help="Query this Neo4j server (default: $NEO4J_URI, else the embedded store).")
@output_options
def query(name, params, list_, show, neo4j_uri, fmt):
    """Run a named query from cypher/ and print its rows (the answer, evidence sentence, paper).

    NAME is a catalogue query (kgbuild query --list) or a graph form such as
    browser/claims-around, which returns paths for Neo4j Browser's Graph tab.

    \b
    Example:
      kgbuild query --list
      kgbuild query methods-beating --param baseline="full finetuning" --param dataset=GLUE
      kgbuild query leaderboard --param dataset=GLUE --format csv
      kgbuild query claims-about --param method=LoRA --show    # paste into Neo4j Browser
    """
    from ..query import GRAPH_FOLDER, list_queries, load_query, run_query
    from ..stores import open_store

    if list_ or not name:
        specs = list_queries() + list_queries(GRAPH_FOLDER)
        rows = [{"name": q.name, "parameters": ", ".join(f"{p}={d!r}" for p, d in q.params.items()),
                 "answers": q.description.replace("\n", " ")} for q in specs]
        click.echo(render_rows(rows, fmt))
        return
    spec = load_query(name)
    values = _parse_params(params)
    if show:
        click.echo(spec.paste_text(values), nl=False)
        return
    with open_store(neo4j_uri) as store:
        rows = run_query(store, name, values)
    click.echo(render_rows(rows, fmt))


# --------------------------------------------------------------------------- entities
@cli.command()
@click.argument("input_path", metavar="[INPUT]", required=False, type=click.Path(dir_okay=False))
@click.option("--type", "type_", type=click.Choice(["Method", "Model", "Dataset", "Task", "Metric"]), default=None)
@click.option("--search", default=None, help="Only entities whose name or an alias contains this text.")
@click.option("--overrides", type=click.Path(exists=True, dir_okay=False), default=None)
@output_options
def entities(input_path, type_, search, overrides, fmt):
    """List canonical entities with their aliases and the reason for each merge.

    \b
    Example:
      kgbuild entities --type Method --search fine-tuning
    """
    from ..pipeline import Progress, RunStats, iter_extractions, resolution_builder
    from ..resolve import entity_table

    builder = resolution_builder(overrides)
    stats = RunStats()
    progress = Progress("extracting")  # stderr, terminal only: stdout stays the listing
    try:
        for ex in iter_extractions(input_path or _sample(), rejects=stats.rejects):
            builder.learn(ex)
            progress.tick()
    finally:
        progress.close()
    rows = entity_table(builder.build(), type=type_, search=search)
    click.echo(render_rows(rows, fmt))


# --------------------------------------------------------------------------- explain
def _json_alias(f):
    """``--json``: the old spelling of ``--format json`` (hidden, kept so scripts keep working)."""
    return click.option("--json", "as_json", is_flag=True, hidden=True, help="Same as --format json.")(f)


@cli.command()
@click.argument("paper_id")
@click.option("--input", "input_path", type=click.Path(dir_okay=False), default=None,
              help="The file the paper is in (default: the bundled sample corpus).")
@output_options
@_json_alias
def explain(paper_id, input_path, fmt, as_json):
    """Show a paper's sentences with the spans and facts found in each, and the rule behind each.

    --format table is the annotated text; json the whole record (extraction and sentences);
    csv and jsonl one row per fact (sentence, kind, fact, rule).

    \b
    Example:
      kgbuild explain seed-0001
      kgbuild explain seed-0001 --format csv
    """
    from dataclasses import asdict

    from ..explain import explain_paper, find_paper, format_explanation

    fmt = "json" if as_json else fmt
    paper = find_paper(input_path or _sample(), paper_id)
    ex, reports = explain_paper(paper)
    if fmt == "json":
        click.echo(json.dumps({"paper_id": paper.id, "title": paper.title, "extraction": ex.to_schema(),
                               "sentences": [asdict(r) for r in reports]}, ensure_ascii=False, indent=2))
    elif fmt == "table":
        click.echo(format_explanation(paper, ex, reports))
    else:
        rows = [{"paper_id": paper.id, "sentence": r.index, "kind": f.get("kind"), "fact": f.get("fact"),
                 "rule": f.get("rule"), "text": r.text.strip()} for r in reports for f in r.facts]
        click.echo(render_rows(rows, fmt, columns=["paper_id", "sentence", "kind", "fact", "rule", "text"]))


# --------------------------------------------------------------------------- eval
@cli.command("eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, dir_okay=False))
@click.option("--show-errors", is_flag=True, help="List false positives and misses per paper.")
@output_options
@_json_alias
def eval_cmd(gold, input_path, show_errors, fmt, as_json):
    """Score extraction on INPUT against GOLD (EXTRACTION-SCHEMA matching rules).

    --format table is the report; json all scores (and errors); csv and jsonl one row per
    category with tp, fp, fn, precision, recall, f1.

    \b
    Example:
      kgbuild eval eval/gold-heldout.jsonl kgbuild/data/abstracts-seed.txt --show-errors
      kgbuild eval eval/gold-heldout.jsonl kgbuild/data/abstracts-seed.txt --format csv
    """
    from ..evaluate import evaluate_file, format_scores

    fmt = "json" if as_json else fmt
    scores = evaluate_file(gold, input_path, show_errors=show_errors, quiet=False)  # progress: stderr, terminal only
    if fmt == "json":
        click.echo(json.dumps(scores.to_dict(), indent=2))
    elif fmt == "table":
        click.echo(format_scores(scores, show_errors=show_errors))
    else:
        rows = [{"category": cat, **counts.to_dict()} for cat, counts in scores.counts.items()]
        click.echo(render_rows(rows, fmt))


cli.add_command(neo4j_group, "neo4j")
cli.add_command(browser_group, "browser")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="kgbuild")


__all__ = ["cli", "main"]

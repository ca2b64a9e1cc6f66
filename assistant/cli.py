"""The `vvp` command line: ingest, documents, delete, search, ask, chat, eval.

`vvp serve` is added by the package that composes the server (`server.cli`, the console
script's entry point), since serving the chat page is above this layer.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from assistant import messages
from assistant.models import source_label
from assistant.cli_writing import ProgressBar, follow_job, writing

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

app = typer.Typer(help="VVP-assistent: vragen over de Vlaamse provincies, beantwoord met bronvermelding.",
                  no_args_is_help=True, add_completion=False)
console = Console()
err = Console(stderr=True)

TypeOption = Annotated[Optional[list[str]], typer.Option("--type", "-t", help="Alleen dit documenttype (herhaalbaar).")]


def _settings():
    from assistant.settings import Settings

    logging.basicConfig(level=os.environ.get("VVP_LOG_LEVEL", "WARNING"), format="%(levelname)s %(name)s: %(message)s")
    return Settings()


def _container(settings=None, allow_model_switch: bool = False):
    from assistant.container import Container

    return Container(settings or _settings(), allow_model_switch=allow_model_switch)


def _filters(types: list[str] | None):
    from ingest.models import DOC_TYPES
    from knowledge.base import Filters

    for value in types or []:
        if value not in DOC_TYPES:
            err.print(f"[red]Onbekend documenttype '{value}'. Mogelijk: {', '.join(DOC_TYPES)}.[/red]")
            raise typer.Exit(2)
    return Filters(doc_type=tuple(types or ()))


def _lines(argument: str):
    """The question(s): the argument itself, or one per line from stdin when it is '-'."""
    if argument != "-":
        yield argument
        return
    for line in sys.stdin:
        yield line.rstrip("\r\n")


def _each(argument: str, answer_one):
    """Run `answer_one(line)` for every question. From stdin ('-') a bad line does not stop the
    batch: it gets `{"error": ..., "line": n}` and the next line is answered; a single bad
    question argument exits with code 2."""
    from assistant.service import InvalidQuestion

    for number, line in enumerate(_lines(argument), 1):
        try:
            answer_one(line)
        except InvalidQuestion as error:
            if argument != "-":
                err.print(f"[red]{error.message}[/red]")
                raise typer.Exit(2)
            print(json.dumps({"error": error.message, "line": number}, ensure_ascii=False), flush=True)


@app.command()
def ingest(paths: Annotated[Optional[list[Path]], typer.Argument(
               help="Bestanden en mappen (recursief); zonder pad: de meegeleverde documenten (VVP_DOCUMENTS_DIR).")] = None,
           prune: Annotated[bool, typer.Option(help="Verwijder documenten waarvan het bestand weg is.")] = False):
    """Documenten inlezen: toegevoegd, bijgewerkt, ongewijzigd of mislukt (met reden).

    Draait `vvp serve` op dezelfde datamap, dan doet die server het werk (de vragen blijven beantwoord).
    """
    settings = _settings()
    paths = paths or [settings.documents_dir]
    missing = [path for path in paths if not path.exists()]
    for path in missing:
        err.print(f"[red]Niet gevonden: {path}[/red]")
    existing = [path for path in paths if path.exists()]
    with writing(settings, err) as server:
        if server is not None:
            status = follow_job(lambda follow: server.ingest(existing, cwd=Path.cwd(), prune=prune, on_progress=follow),
                                err)
            rows = [(r["filename"], r["status"], r["chunks"], r["reason"]) for r in status["results"]]
            removed, seconds = status["removed"], (status["finished_at"] or 0) - status["created_at"]
        else:
            with ProgressBar(err) as progress:
                report, removed = _container(settings).documents.ingest_now(existing, progress, prune=prune)
            rows = [(r.path, r.status, r.chunks, r.reason) for r in report.results]
            seconds = report.seconds
    table = Table(title="Resultaat")
    for column in ("Bestand", "Status", "Fragmenten", "Reden"):
        table.add_column(column)
    labels = {"added": "toegevoegd", "updated": "bijgewerkt", "unchanged": "ongewijzigd", "failed": "mislukt"}
    for path, status, chunks, reason in rows:
        table.add_row(path, labels[status], str(chunks), reason or "")
    console.print(table)
    count = {status: sum(1 for row in rows if row[1] == status) for status in labels}
    stored = sum(row[2] for row in rows if row[1] in ("added", "updated"))
    console.print(
        f"{count['added']} toegevoegd, {count['updated']} bijgewerkt, "
        f"{count['unchanged']} ongewijzigd, {count['failed']} mislukt"
        + (f", {len(removed)} verwijderd" if prune else "")
        + f" — {stored} fragmenten in {seconds:.1f} s"
    )
    if missing or count["failed"]:
        raise typer.Exit(1)


@app.command()
def documents(as_json: Annotated[bool, typer.Option("--json", help="Uitvoer als JSON.")] = False):
    """Toon de opgeslagen documenten."""
    records = _container().documents.list()
    if as_json:
        print(json.dumps({"documents": [vars(r) for r in records]}, ensure_ascii=False))
        return
    table = Table(title=f"{len(records)} documenten")
    for column in ("document_id", "Titel", "Type", "Fragmenten", "Bron"):
        table.add_column(column)
    for record in records:
        table.add_row(record.document_id, record.title, record.doc_type, str(record.chunks), record.source)
    console.print(table)


@app.command()
def delete(document_id: str):
    """Verwijder één document uit de kennisbank (via `vvp serve` als die op deze datamap draait)."""
    settings = _settings()
    with writing(settings, err) as server:
        if server is not None:
            deleted = server.delete(document_id)
        else:
            deleted = _container(settings).documents.delete(document_id)
    if not deleted:
        err.print(f"[red]Document '{document_id}' bestaat niet.[/red]")
        raise typer.Exit(1)
    console.print(f"Document '{document_id}' verwijderd.")


@app.command()
def search(query: Annotated[str, typer.Argument(help="Zoekvraag, of '-' voor één vraag per regel op stdin.")],
           k: Annotated[int, typer.Option("-k", min=1, max=100, help="Aantal resultaten.")] = 5,
           types: TypeOption = None,
           as_json: Annotated[bool, typer.Option("--json", help="Uitvoer als JSON.")] = False):
    """Zoek passages (BM25 en dense, gefuseerd)."""
    service = _container().service
    filters = _filters(types)

    def search_one(line: str) -> None:
        hits = service.search(line, k, filters)
        if as_json or query == "-":
            print(json.dumps({"results": [hit.search_json() for hit in hits]}, ensure_ascii=False), flush=True)
            return
        for rank, hit in enumerate(hits, 1):
            where = source_label(hit.title, hit.section)
            page = f" (p. {hit.page})" if hit.page else ""
            console.print(f"[bold]{rank}. {where}{page}[/bold]  [dim]{hit.score:.3f} · {hit.chunk_id}[/dim]")
            console.print(hit.text, markup=False, highlight=False)
            console.print()

    _each(query, search_one)


def _print_answer(answer) -> None:
    console.print(answer.answer, markup=False, highlight=False)
    if answer.notice:
        console.print(f"[yellow]{answer.notice}[/yellow]")
    sources = answer.citations or answer.suggestions
    if sources:
        console.print("\n[bold]Bronnen[/bold]" if answer.citations else "\n[bold]Suggesties[/bold]")
    for citation in sources:
        where = source_label(citation.title, citation.section, citation.page)
        console.print(f"[{citation.n}] {where} — {citation.source}", markup=False, highlight=False)
        console.print(f"    “{citation.quote}”", markup=False, highlight=False)


@app.command()
def ask(question: Annotated[str, typer.Argument(help="De vraag, of '-' voor één vraag per regel op stdin.")],
        types: TypeOption = None,
        as_json: Annotated[bool, typer.Option("--json", help="Uitvoer als JSON (het antwoordobject).")] = False):
    """Stel een vraag; het antwoord citeert zijn bronnen."""
    service = _container().service
    filters = _filters(types)

    def ask_one(line: str) -> None:
        answer = service.ask(line, filters=filters)
        if as_json or question == "-":
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        else:
            _print_answer(answer)

    _each(question, ask_one)


@app.command()
def chat():
    """Een gesprek in de terminal (vervolgvragen mogen verwijzen naar eerdere)."""
    from assistant.service import InvalidQuestion

    service = _container().service
    conversation_id = None
    prompt = _line_editing()
    console.print("Stel je vraag (lege regel of Ctrl-D om te stoppen).")
    while True:
        try:
            question = input(prompt)
        except (EOFError, KeyboardInterrupt):
            break
        if not question.strip():
            break
        try:
            answer = service.ask(question, conversation_id=conversation_id)
        except InvalidQuestion as error:
            err.print(f"[red]{error.message}[/red]")
            continue
        conversation_id = answer.conversation_id
        _print_answer(answer)
        console.print()


def _line_editing() -> str:
    """Arrow keys, ↑ for earlier questions and Ctrl-R in `vvp chat`: `input()` edits lines with
    GNU readline once the stdlib `readline` module is imported (the history stays in memory:
    questions are not written to disk). Returns the prompt; readline must see it to redraw lines."""
    if not sys.stdin.isatty():
        return "> "
    try:
        import readline  # noqa: F401 - importing it is what turns on line editing in input()
    except ImportError:  # no readline on this platform: plain input
        return "> "
    return "\001\033[1m\002> \001\033[0m\002"  # bold "> "; \001 \002 tell readline it takes no room


@app.command()
def reindex():
    """Bouw de kennisbank opnieuw op uit de bestanden in de manifest (na een modelwissel)."""
    settings = _settings()
    with writing(settings, err) as server:
        if server is not None:
            results = follow_job(server.reindex, err)["results"]
            chunks = sum(r["chunks"] for r in results if r["status"] in ("added", "updated"))
            failed = sum(1 for r in results if r["status"] == "failed")
        else:
            with ProgressBar(err) as progress:
                report = _container(settings, allow_model_switch=True).documents.reindex_now(progress)
            chunks, failed = report.chunks, report.count("failed")
    console.print(f"{chunks} fragmenten opnieuw ingelezen, {failed} mislukt.")


@app.command("eval")
def evaluate(
    questions: Annotated[Path, typer.Argument(help="Vragen (.jsonl).", exists=True, dir_okay=False)],
    docs: Annotated[Optional[list[Path]], typer.Option("--docs", help="Documentmap of corpus.jsonl (herhaalbaar).")] = None,
    split: Annotated[Optional[str], typer.Option(help="Alleen vragen uit deze split (bv. test).")] = None,
    role: Annotated[str, typer.Option(help="Waarvoor de vragen dienen: rooktest, afstemming of test.")] = "test",
    leave_out: Annotated[bool, typer.Option(help="Stel elke vraag ook zonder het document dat haar beantwoordt.")] = False,
    retrieval_only: Annotated[bool, typer.Option(help="Alleen retrieval meten.")] = False,
    output: Annotated[Optional[Path], typer.Option(help="Schrijf de cijfers ook als JSON naar dit bestand.")] = None,
):
    """Meet retrieval (hit@1/3/5, MRR) en antwoorden (weigeringen, bronnen, latency)."""
    from assistant import evaluation_report

    logging.basicConfig(level=os.environ.get("VVP_LOG_LEVEL", "WARNING"))
    evaluation_report.run(questions, list(docs or []), split, role, leave_out, retrieval_only, output, console)


def main() -> None:
    """The `vvp` command; a knowledge base built with another embedding model is a clear message."""
    from knowledge.vector_store import EmbeddingMismatch

    try:
        app()
    except EmbeddingMismatch as error:
        err.print(f"[red]{error}[/red]")
        sys.exit(2)


if __name__ == "__main__":  # python -m assistant.cli (without `serve`: python -m server.cli)
    main()

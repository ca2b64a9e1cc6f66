"""The `vvp` command line: ingest, documents, delete, search, ask, chat, eval, serve."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

app = typer.Typer(help="VVP-assistent: vragen over de Vlaamse provincies, beantwoord met bronvermelding.",
                  no_args_is_help=True, add_completion=False)
console = Console()
err = Console(stderr=True)

TypeOption = Annotated[Optional[list[str]], typer.Option("--type", "-t", help="Alleen dit documenttype (herhaalbaar).")]


def _container():
    from assistant.container import Container
    from assistant.settings import Settings

    logging.basicConfig(level=os.environ.get("VVP_LOG_LEVEL", "WARNING"), format="%(levelname)s %(name)s: %(message)s")
    return Container(Settings())


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
        if line.strip():
            yield line.strip()


@app.command()
def ingest(paths: Annotated[Optional[list[Path]], typer.Argument(
               help="Bestanden en mappen (recursief); zonder pad: de meegeleverde documenten (VVP_DOCUMENTS_DIR).")] = None,
           prune: Annotated[bool, typer.Option(help="Verwijder documenten waarvan het bestand weg is.")] = False):
    """Documenten inlezen: toegevoegd, bijgewerkt, ongewijzigd of mislukt (met reden)."""
    container = _container()
    kb = container.kb
    paths = paths or [container.settings.documents_dir]
    missing = [path for path in paths if not path.exists()]
    for path in missing:
        err.print(f"[red]Niet gevonden: {path}[/red]")
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err,
                  transient=True) as progress:
        from knowledge.records import expand_paths

        task = progress.add_task("Inlezen", total=len(list(expand_paths([p for p in paths if p.exists()]))))
        report = kb.ingest([p for p in paths if p.exists()], progress=lambda _: progress.advance(task))
    table = Table(title="Resultaat")
    for column in ("Bestand", "Status", "Fragmenten", "Reden"):
        table.add_column(column)
    labels = {"added": "toegevoegd", "updated": "bijgewerkt", "unchanged": "ongewijzigd", "failed": "mislukt"}
    for result in report.results:
        table.add_row(result.path, labels[result.status], str(result.chunks), result.reason or "")
    console.print(table)
    removed = kb.prune() if prune else []
    console.print(
        f"{report.count('added')} toegevoegd, {report.count('updated')} bijgewerkt, "
        f"{report.count('unchanged')} ongewijzigd, {report.count('failed')} mislukt"
        + (f", {len(removed)} verwijderd" if prune else "")
        + f" — {report.chunks} fragmenten in {report.seconds:.1f} s"
    )
    if missing or report.count("failed"):
        raise typer.Exit(1)


@app.command()
def documents(as_json: Annotated[bool, typer.Option("--json", help="Uitvoer als JSON.")] = False):
    """Toon de opgeslagen documenten."""
    records = _container().kb.documents()
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
    """Verwijder één document uit de kennisbank."""
    if not _container().kb.delete(document_id):
        err.print(f"[red]Document '{document_id}' bestaat niet.[/red]")
        raise typer.Exit(1)
    console.print(f"Document '{document_id}' verwijderd.")


@app.command()
def search(query: Annotated[str, typer.Argument(help="Zoekvraag, of '-' voor één vraag per regel op stdin.")],
           k: Annotated[int, typer.Option("-k", min=1, max=100, help="Aantal resultaten.")] = 5,
           types: TypeOption = None,
           as_json: Annotated[bool, typer.Option("--json", help="Uitvoer als JSON.")] = False):
    """Zoek passages (BM25 en dense, gefuseerd)."""
    container = _container()
    filters = _filters(types)
    for line in _lines(query):
        hits = container.retriever.search(line, k, filters)
        if as_json or query == "-":
            print(json.dumps({"results": [hit.search_json() for hit in hits]}, ensure_ascii=False), flush=True)
            continue
        for rank, hit in enumerate(hits, 1):
            where = " › ".join(part for part in (hit.title, hit.section) if part)
            page = f" (p. {hit.page})" if hit.page else ""
            console.print(f"[bold]{rank}. {where}{page}[/bold]  [dim]{hit.score:.3f} · {hit.chunk_id}[/dim]")
            console.print(hit.text, markup=False, highlight=False)
            console.print()


def _print_answer(answer) -> None:
    console.print(answer.answer, markup=False, highlight=False)
    if answer.notice:
        console.print(f"[yellow]{answer.notice}[/yellow]")
    sources = answer.citations or answer.suggestions
    if sources:
        console.print("\n[bold]Bronnen[/bold]" if answer.citations else "\n[bold]Suggesties[/bold]")
    for citation in sources:
        where = " › ".join(part for part in (citation.title, citation.section) if part)
        page = f", p. {citation.page}" if citation.page else ""
        console.print(f"[{citation.n}] {where}{page} — {citation.source}", markup=False, highlight=False)
        console.print(f"    “{citation.quote}”", markup=False, highlight=False)


@app.command()
def ask(question: Annotated[str, typer.Argument(help="De vraag, of '-' voor één vraag per regel op stdin.")],
        types: TypeOption = None,
        as_json: Annotated[bool, typer.Option("--json", help="Uitvoer als JSON (het antwoordobject).")] = False):
    """Stel een vraag; het antwoord citeert zijn bronnen."""
    from assistant.service import InvalidQuestion

    service = _container().service
    filters = _filters(types)
    for line in _lines(question):
        try:
            answer = service.ask(line, filters=filters)
        except InvalidQuestion as error:
            err.print(f"[red]{error.message}[/red]")
            raise typer.Exit(2)
        if as_json or question == "-":
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        else:
            _print_answer(answer)


@app.command()
def chat():
    """Een gesprek in de terminal (vervolgvragen mogen verwijzen naar eerdere)."""
    from assistant.service import InvalidQuestion

    service = _container().service
    conversation_id = None
    console.print("Stel je vraag (lege regel of Ctrl-D om te stoppen).")
    while True:
        try:
            question = console.input("[bold]> [/bold]")
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


@app.command()
def reindex():
    """Bouw de kennisbank opnieuw op uit de bestanden in de manifest (na een modelwissel)."""
    report = _container().kb.reindex()
    console.print(f"{report.chunks} fragmenten opnieuw ingelezen, {report.count('failed')} mislukt.")


@app.command("eval")
def evaluate(
    questions: Annotated[Path, typer.Argument(help="Vragen (.jsonl).", exists=True, dir_okay=False)],
    docs: Annotated[Optional[list[Path]], typer.Option("--docs", help="Documentmap of corpus.jsonl (herhaalbaar).")] = None,
    split: Annotated[Optional[str], typer.Option(help="Alleen vragen uit deze split (bv. test).")] = None,
    output: Annotated[Optional[Path], typer.Option(help="Schrijf de cijfers ook als JSON naar dit bestand.")] = None,
):
    """Meet retrieval (hit@1/3/5, MRR) en antwoorden (weigeringen, bronnen, latency)."""
    from assistant.container import Container
    from assistant.evaluation import Evaluator, read_questions, summarise
    from assistant.settings import Settings

    logging.basicConfig(level=os.environ.get("VVP_LOG_LEVEL", "WARNING"))
    items = read_questions(questions, split)
    docs = list(docs or [])
    if not docs and any(q.relevant_ids for q in items) and (questions.parent / "corpus.jsonl").exists():
        docs = [questions.parent / "corpus.jsonl"]
    settings = Settings()
    if docs:
        settings = settings.model_copy(update={"data_dir": _eval_data_dir(settings.data_dir, docs)})
    container = Container(settings)
    if docs:
        report = container.kb.ingest(_eval_sources(settings.data_dir, docs))
        err.print(f"Kennisbank voor evaluatie: {container.kb.stats()['chunks']} fragmenten "
                  f"({report.count('added')} nieuw ingelezen in {report.seconds:.1f} s)")
    evaluator = Evaluator(container.kb, container.retriever, container.service)
    ranks = evaluator.retrieval_ranks([q for q in items if q.answerable])
    table = Table(title=f"Retrieval — {questions.name} ({sum(q.answerable for q in items)} vragen)")
    for column in ("kanaal", "hit@1", "hit@3", "hit@5", "MRR"):
        table.add_column(column)
    results = {"questions": str(questions), "retrieval": {}}
    for name, values in ranks.items():
        summary = summarise(values)
        results["retrieval"][name] = summary
        table.add_row(name, *(f"{summary[key]:.3f}" for key in ("hit@1", "hit@3", "hit@5", "mrr")))
    console.print(table)
    answers = evaluator.answers(items)
    results["answers"] = answers
    console.print(
        f"Antwoorden: beantwoord {answers['answered']:.3f} · eerste bron relevant {answers['first_citation_relevant']:.3f}"
        f" · bronprecisie {answers['citation_precision']:.3f} · weigering correct {answers['refusal_accuracy']:.3f}"
        f" ({answers['unanswerable']} onbeantwoordbaar) · latency p50 {answers['latency_p50_ms']:.1f} ms"
        f", p95 {answers['latency_p95_ms']:.1f} ms"
    )
    for failure in answers["failures"][:20]:
        console.print(f"  - {failure}", markup=False)
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


def _eval_data_dir(base: Path, docs: list[Path]) -> Path:
    from assistant.evaluation import docs_key

    return base / "eval" / docs_key(docs)


def _eval_sources(data_dir: Path, docs: list[Path]) -> list[Path]:
    from assistant.evaluation import materialise_corpus

    sources = []
    for path in docs:
        if path.suffix == ".jsonl":
            name = path.parent.name or "corpus"
            sources.append(materialise_corpus(path, data_dir / "corpora" / name, default_title=name))
        else:
            sources.append(path)
    return sources


@app.command()
def serve(host: Annotated[Optional[str], typer.Option(help="Adres (standaard VVP_HOST).")] = None,
          port: Annotated[Optional[int], typer.Option(help="Poort (standaard VVP_PORT).")] = None):
    """Start de API, de chatinterface en de widget."""
    import uvicorn

    from assistant.api.app import create_app
    from assistant.settings import Settings

    settings = Settings()
    host, port = host or settings.host, port or settings.port
    logging.basicConfig(level=os.environ.get("VVP_LOG_LEVEL", "INFO"), format="%(levelname)s %(name)s: %(message)s")
    application = create_app(settings, on_ready=lambda: console.print(f"VVP-assistent klaar op http://{host}:{port}"))
    uvicorn.run(application, host=host, port=port, log_level="warning", access_log=settings.log_questions)


if __name__ == "__main__":  # python -m assistant.cli
    app()

"""`bench data-import`: a CSV or XLSX file into a doctype, the same Data Import the desk runs, with a progress bar."""

from __future__ import annotations

from pathlib import Path

import click

from smooth.cli.bench import Bench, pass_bench
from smooth.core.doctype.data_import.data_import import failed_logs
from smooth.core.doctype.data_import.importing import run_import
from smooth.core.doctype.data_import.plan import INSERT, UPDATE, UPSERT
from smooth.model.records import get_doc

TYPES = {"insert": INSERT, "update": UPDATE, "upsert": UPSERT}
SHOWN_FAILURES = 20


@click.command("data-import")
@click.option("--doctype", required=True, help="The DocType to import into.")
@click.option("--file", "file_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A .csv or .xlsx file: a header row (labels or fieldnames), then one row per record.")
@click.option("--type", "import_type", type=click.Choice(sorted(TYPES)), default="insert", show_default=True,
              help="Insert new records, update existing ones, or both (upsert).")
@click.option("--update-key", default="name", show_default=True,
              help="How update and upsert find a record: name (the ID column) or a unique field.")
@click.option("--user", default="Administrator", show_default=True,
              help="Import as this user: their permissions and record rules apply to every row.")
@pass_bench
def data_import(bench: Bench, doctype: str, file_path: Path, import_type: str, update_key: str, user: str) -> None:
    """Import a CSV or XLSX file into DOCTYPE through each record's full lifecycle; failures are listed."""
    with bench.unit(user):
        file = get_doc({"doctype": "File", "file_name": file_path.name, "is_private": 1})
        file.content = file_path.read_bytes()
        file.insert()
        doc = get_doc({"doctype": "Data Import", "reference_doctype": doctype, "import_type": TYPES[import_type],
                       "update_key": update_key, "import_file": file.file_url}).insert()
        name = str(doc.name)
    with bench.context(user):
        with click.progressbar(length=1, label=f"Importing {file_path.name} into {doctype}") as bar:
            def advance(done: int, total: int) -> None:
                bar.length = total
                bar.update(done - bar.pos)

            run_import(name, progress=advance)
    with bench.unit(user, commit=False):
        result = get_doc("Data Import", name)
        click.echo(f"Data Import {name}: {result.status}: {result.imported_rows} imported, {result.skipped_rows} "
                   f"skipped (already there), {result.failed_rows} failed of {result.total_rows} records")
        failures = failed_logs(name)
        for log in failures[:SHOWN_FAILURES]:
            click.echo(f"  row {log['row_number']}: {log['message']}", err=True)
        if len(failures) > SHOWN_FAILURES:
            click.echo(f"  ... and {len(failures) - SHOWN_FAILURES} more (the desk's Data Import {name} offers "
                       "them as a file)", err=True)
        if result.status == "Error":
            raise click.exceptions.Exit(1)

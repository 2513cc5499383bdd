"""`bench backup` and `bench restore`, with Frappe's names and flags where they apply."""

from __future__ import annotations

from pathlib import Path

import click

from smooth.backups import restore_backup, take_backup
from smooth.cli.bench import Bench, pass_bench


@click.command("backup")
@click.option("--with-files", is_flag=True, help="Also archive the public and private files.")
@click.option("--compress", is_flag=True, help="gzip the database dump and the file archives.")
@click.option("--backup-path", type=click.Path(file_okay=False, path_type=Path),
              help="Write the backup here instead of sites/<site>/private/backups.")
@click.option("--encrypt", "--backup-encryption", "encrypt", is_flag=True, default=None,
              help="Encrypt every part with the site's backup_encryption_key (made on first use; site config "
                   "encrypt_backup makes it the default).")
@pass_bench
def backup(bench: Bench, with_files: bool, compress: bool, backup_path: Path | None, encrypt: bool | None) -> None:
    """Back up the site: a consistent database dump (taken while it keeps working), its config, files on request."""
    made = take_backup(bench.site, bench.sites_path, with_files=with_files, compress=compress,
                       backup_path=backup_path, encrypt=encrypt or None, echo=click.echo)
    click.echo(f"Backup of {bench.site} written: {made.folder}/{made.stamp}-{bench.site}-*")


@click.command("restore")
@click.argument("sql_file_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--with-public-files", type=click.Path(dir_okay=False, path_type=Path),
              help="A files.tar[.gz] of the same backup to restore too.")
@click.option("--with-private-files", type=click.Path(dir_okay=False, path_type=Path),
              help="A private-files.tar[.gz] of the same backup to restore too.")
@click.option("--force", is_flag=True, help="Restore even a dump whose site ran patches this code does not know.")
@click.option("--encryption-key", help="The backup_encryption_key of the site that took an encrypted backup "
                                       "(default: this site's).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_bench
def restore(bench: Bench, sql_file_path: Path, with_public_files: Path | None, with_private_files: Path | None,
            force: bool, encryption_key: str | None, yes: bool) -> None:
    """Replace the site's data with a backup (.sqlite3, .sql or .jsonl, optionally .gz), then migrate it."""
    if not yes:
        click.confirm(f"Replace every record of {bench.site} with {sql_file_path.name}?", abort=True)
    restore_backup(bench.site, bench.sites_path, sql_file_path, public_files=with_public_files,
                   private_files=with_private_files, force=force, encryption_key=encryption_key, echo=click.echo)

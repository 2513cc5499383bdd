"""`bench serve`: the web server (Uvicorn) on the ASGI application."""

from __future__ import annotations

import os

import click
import uvicorn

from smooth.asgi import create_app, tune_gc_for_serving
from smooth.cli.bench import Bench, pass_bench
from smooth.site import read_config


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1), help="Worker processes.")
@pass_bench
def serve(bench: Bench, host: str, port: int, workers: int) -> None:
    """Serve the REST API (and every other site in the bench, chosen by Host header) with Uvicorn."""
    site = bench.site
    read_config(bench.sites_path, site)  # a missing site fails here, not on the first request
    click.echo(f"Serving {site} on http://{host}:{port} ({workers} worker{'s' if workers > 1 else ''})")
    if workers > 1:
        os.environ["SMOOTH_SITES_PATH"] = str(bench.sites_path.resolve())
        os.environ["SMOOTH_SITE"] = site
        uvicorn.run("smooth.asgi:app_from_env", factory=True, host=host, port=port, workers=workers)
    else:
        tune_gc_for_serving()
        uvicorn.run(create_app(bench.sites_path, site), host=host, port=port)

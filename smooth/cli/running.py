"""Running code against a site: `bench execute` and `bench console`."""

from __future__ import annotations

import code
import importlib
import json

import click

from smooth.cli.bench import Bench, json_arg, pass_bench
from smooth.hooks import resolve
from smooth.jobs.execute import call as run_method


@click.command("execute")
@click.argument("method")
@click.option("--args", "args_json", help="JSON list of positional arguments.")
@click.option("--kwargs", "kwargs_json", help="JSON object of keyword arguments.")
@pass_bench
def execute(bench: Bench, method: str, args_json: str | None, kwargs_json: str | None) -> None:
    """Call a dotted-path function on the site and commit (prints its result as JSON)."""
    args = json_arg(args_json, list, "--args")
    kwargs = json_arg(kwargs_json, dict, "--kwargs")
    with bench.context():
        result = run_method(resolve(method, "bench execute"), *args, **kwargs)
    if result is not None:
        click.echo(json.dumps(result, default=str, indent=1))


@click.command("console")
@pass_bench
def console(bench: Bench) -> None:
    """An interactive Python shell with the site connected (`smooth` is imported; commit yourself)."""
    with bench.context():
        banner = f"Smooth console on {bench.site}: smooth.get_doc(...), smooth.db.commit()"
        code.interact(banner=banner, local={"smooth": importlib.import_module("smooth")}, exitmsg="")

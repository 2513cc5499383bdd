"""Background work: the RQ worker, the scheduler loop and its on/off switch."""

from __future__ import annotations

from pathlib import Path

import click

from smooth.cli.bench import Bench, pass_bench
from smooth.jobs import queues
from smooth.jobs.scheduler import run_scheduler
from smooth.jobs.worker import start_worker
from smooth.messages import _
from smooth.site import get_site, list_sites, read_config, update_site_config


@click.command("worker")
@click.option("--queue", "queue_names", default="short,default,long", show_default=True,
              help="Comma-separated queues to work, in priority order.")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@pass_bench
def worker(bench: Bench, queue_names: str, burst: bool) -> None:
    """Run an RQ worker for the site's `redis_queue` (every site sharing that Redis is served)."""
    url = queues.queue_url(get_site(bench.site, bench.sites_path))
    if url is None:
        raise click.ClickException(_("site {0} has no redis_queue in site_config.json: jobs run inline, there is "
                                     "nothing for a worker to do", bench.site))
    names = [n.strip() for n in queue_names.split(",") if n.strip()]
    for name in names:
        queues.queue_name(name)
    start_worker(url, names, burst=burst, sites=_sites_on(url, bench.sites_path), sites_path=bench.sites_path)


@click.command("schedule")
@click.option("--interval", default=60.0, show_default=True, type=click.FloatRange(1), help="Seconds between ticks.")
@click.option("--once", is_flag=True, help="Tick once and exit.")
@pass_bench
def schedule(bench: Bench, interval: float, once: bool) -> None:
    """Fire hooks.py scheduler_events when due: for --site, else for every site of the bench."""
    sites = [bench._site] if bench._site else list_sites(bench.sites_path)
    if not sites:
        raise click.UsageError(_("No sites in this bench"))
    click.echo(f"Scheduler for {', '.join(sites)} (every {interval:g}s)")
    run_scheduler(sites, bench.sites_path, interval=interval, once=once)


@click.command("scheduler")
@click.argument("action", type=click.Choice(["enable", "disable", "status"]))
@pass_bench
def scheduler_command(bench: Bench, action: str) -> None:
    """Turn the site's scheduled events on or off (site config pause_scheduler), or show the state."""
    if action == "status":
        config = read_config(bench.sites_path, bench.site)
    else:
        paused = 1 if action == "disable" else None
        config = update_site_config(bench.sites_path, bench.site, {"pause_scheduler": paused})
    click.echo(f"Scheduler is {'disabled' if config.get('pause_scheduler') else 'enabled'} for {bench.site}")


def _sites_on(url: str, sites_path: Path) -> list[str]:
    """The bench's sites whose jobs go to the Redis at `url` (a worker pushes their outboxes)."""
    found = []
    for name in list_sites(sites_path):
        try:
            if queues.queue_url(get_site(name, sites_path)) == url:
                found.append(name)
        except Exception as exc:
            click.echo(f"site {name} skipped: {exc}", err=True)
    return found

"""What every command works on: the bench's sites folder, the chosen site, and its unit of work."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import update_wrapper
from pathlib import Path
from typing import Any, TypeVar

import click

from smooth.cli import Options
from smooth.context import Local, site_context, unit_of_work
from smooth.messages import _, translate_error
from smooth.site import CURRENT_SITE, current_site, default_sites_path, read_config

F = TypeVar("F", bound=Callable[..., Any])


class Bench:
    def __init__(self, site: str | None, sites_path: str | None) -> None:
        self.sites_path = Path(sites_path) if sites_path else default_sites_path()
        self._site = site

    @property
    def site(self) -> str:
        name = self._site or current_site(self.sites_path)
        if not name:
            raise click.UsageError(_("No site given: pass --site NAME or run `bench use NAME` first"))
        return name

    @contextmanager
    def unit(self, user: str = "Administrator", *, commit: bool = True) -> Iterator[Local]:
        """The command's unit of work on its site: commit on success, roll back on any error."""
        with unit_of_work(self.site, sites_path=self.sites_path, user=user, commit=commit) as bound, \
                _translated_errors():
            yield bound

    @contextmanager
    def context(self, user: str = "Administrator") -> Iterator[Local]:
        """The command's site bound without a transaction of its own (each step opens its units of work)."""
        with site_context(self.site, self.sites_path, user=user) as bound, _translated_errors():
            yield bound


@contextmanager
def _translated_errors() -> Iterator[None]:
    """A refusal's message in the language of the command's user (theirs, else the site's), as a request shows
    it; `bench` prints it once the site is no longer bound."""
    try:
        yield
    except Exception as exc:
        translate_error(exc)
        raise


def pass_bench(command: F) -> F:
    """Hand the command a Bench made from the group's --site and --sites-path."""

    @click.pass_context
    def run(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        options = ctx.find_object(Options) or Options(None, None)
        return ctx.invoke(command, Bench(options.site, options.sites_path), *args, **kwargs)

    return update_wrapper(run, command)  # type: ignore[return-value]


def use_site(sites_path: Path, name: str) -> None:
    read_config(sites_path, name)  # SiteNotFoundError names the existing sites
    (sites_path / CURRENT_SITE).write_text(name + "\n")
    click.echo(f"Current site is now {name}")


def json_arg(value: str | None, kind: type, option: str) -> Any:
    if value is None:
        return kind()
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(_("not valid JSON ({0})", exc.msg), param_hint=option) from None
    if not isinstance(parsed, kind):
        wanted = _("must be a JSON list") if kind is list else _("must be a JSON object")
        raise click.BadParameter(wanted, param_hint=option)
    return parsed

"""Data patches listed in each app's patches.txt, run once per site and recorded in Patch Log.

Format (Frappe's)::

    [pre_model_sync]
    smooth_lms.patches.v0_1.backfill_timezone        # module with an execute() function
    execute:smooth.db.set_value("LMS Settings", None, "x", 1)   # a one-line statement
    [post_model_sync]
    finally:smooth_lms.patches.v0_1.reindex          # runs after every other patch

Lines before the first section header are pre-model-sync. The whole line (comments
included) is the patch's identity: edit the trailing `# date` to make it run again. Each
patch runs in its own transaction; one that raises stops migrate and leaves no Patch Log row.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from smooth.context import db, local, unit_of_work
from smooth.exceptions import PatchError
from smooth.messages import _
from smooth.model.records import get_doc

if TYPE_CHECKING:
    from smooth.apps import App

PRE, POST, FINAL = "pre_model_sync", "post_model_sync", "finally"


@dataclass(frozen=True)
class Patch:
    app: str
    line: str
    section: str

    @property
    def target(self) -> str:
        text = self.line.split("#", 1)[0].strip() if not self.line.startswith("execute:") else self.line
        return text[len("finally:"):] if text.startswith("finally:") else text


def read_patches(app: App) -> list[Patch]:
    path = app.patches_file
    if not path.is_file():
        return []
    patches = []
    section = PRE
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):  # a header, possibly commented or malformed: never a patch to import
            section = line.split("#", 1)[0].strip().removeprefix("[").removesuffix("]").strip()
            if section not in (PRE, POST):
                raise PatchError(_("{0} line {1}: unknown section [{2}]; use [pre_model_sync] or [post_model_sync]",
                                   path, number, section))
            continue
        patches.append(Patch(app.name, line, FINAL if line.startswith("finally:") else section))
    return patches


def all_patches(apps: list[App], section: str) -> list[Patch]:
    return [p for app in apps for p in read_patches(app) if p.section == section]


def executed() -> set[str]:
    table = db().table("Patch Log")
    return {line for (line,) in db().execute(select(table.c.patch))}


def run_patch(patch: Patch) -> None:
    """Run one patch in its own transaction and record it; raise PatchError naming it on failure."""
    flags = local().flags
    try:
        with unit_of_work():
            flags.in_patch = True
            target = patch.target
            if target.startswith("execute:"):
                # Frappe's execute: one-liners run with the public API as their namespace
                exec(target[len("execute:"):], {"smooth": importlib.import_module("smooth")})
            else:
                module = importlib.import_module(target)
                execute = getattr(module, "execute", None)
                if not callable(execute):
                    raise PatchError(_("{0} has no execute() function", target))
                execute()
            record(patch)
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}"
        raise PatchError(_("Patch {0!r} of app {1} failed: {2}", patch.line, patch.app, reason)) from exc
    finally:
        flags.in_patch = False


def record(patch: Patch) -> None:
    log = get_doc({"doctype": "Patch Log", "patch": patch.line, "app": patch.app})
    log.flags.ignore_permissions = True
    log.insert()

"""The form's fields as markup, one function per widget (`form_fields.WIDGETS` names them).

A form draws every field of its doctype on every request; through Jinja macros (one call, its
context and an escape per attribute) that cost more than loading the document. Here each value is
escaped by markupsafe, as autoescaping would: nothing a user typed reaches the page unescaped, and
only sanitised rich text (`rich_html`) is markup on purpose.

`field` draws a field with its label, description and the wrapper whose `data-*` conditions
desk-form.js reads; `control` the input alone (a grid cell labels it with `aria-label`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from markupsafe import Markup

from smooth.messages import _
from smooth.pages.desk.form_fields import FieldView, GridView
from smooth.pages.escaping import escape_text
from smooth.safe_urls import safe_href

EMPTY = (None, "")
REQUIRED = ' class="reqd"'


_e = escape_text


def row_actions() -> str:
    """A grid row's move and remove buttons, in the reader's language (each text a `_()` of its own: the
    extractor does not look inside f-strings)."""
    up, row_up, down, row_down, remove = (_e(text) for text in (
        _("Move up"), _("Move row up"), _("Move down"), _("Move row down"), _("Remove row")))
    return (f'<button type="button" class="btn btn-small" data-grid-up title="{up}">'
            f'<span aria-hidden="true">↑</span><span class="visually-hidden">{row_up}</span></button>\n'
            f'<button type="button" class="btn btn-small" data-grid-down title="{down}">'
            f'<span aria-hidden="true">↓</span><span class="visually-hidden">{row_down}</span></button>\n'
            f'<button type="button" class="btn btn-small btn-danger" data-grid-remove title="{remove}">'
            f'<span aria-hidden="true">✕</span><span class="visually-hidden">{remove}</span></button>')


def _number(value: Any) -> float:
    """A number from text, 0 when it is none (as Jinja's `float` filter reads a stored rating)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _stars(f: FieldView) -> int:
    return int(round(_number(f.value) * f.stars))


@functools.lru_cache(maxsize=4096)
def _condition_attributes(depends_on: str | None, mandatory: str | None, read_only: str | None) -> str:
    """A field's `data-depends-on` & co. (the same for every record: worked out once per set of conditions)."""
    return "".join(f' data-{key}="{_e(condition)}"' for key, condition in (
        ("depends-on", depends_on), ("mandatory-depends-on", mandatory), ("read-only-depends-on", read_only))
        if condition)


class FormFields:
    """Draws one form's fields; what a widget needs beyond its field comes from the form being drawn."""

    def __init__(self, *, is_new: bool, condition_doc: Mapping[str, Any], record_url: Callable[[Any, Any], str],
                 link_title: Callable[[Any, Any], str], rich_html: Callable[[Any], Markup]) -> None:
        self.is_new, self.condition_doc = is_new, condition_doc
        self.record_url, self.link_title, self.rich_html = record_url, link_title, rich_html

    def __call__(self, f: FieldView) -> Markup:
        return Markup(self.field(f))

    # -- pieces -----------------------------------------------------------------------------------------

    @staticmethod
    def attrs(f: FieldView, label: str = "") -> str:
        out = f'id="{_e(f.input_id)}" name="{_e(f.name)}"'
        if label:
            out += f' aria-label="{_e(label)}"'
        if f.reqd:
            out += ' required aria-required="true"'
        if f.df.description and not label:
            out += f' aria-describedby="{_e(f.input_id)}-desc"'
        return out

    @staticmethod
    def conditions(f: FieldView) -> str:
        df = f.df
        if not (df.depends_on or df.mandatory_depends_on or df.read_only_depends_on):
            return ""
        return _condition_attributes(df.depends_on, df.mandatory_depends_on, df.read_only_depends_on)

    def _link_target(self, f: FieldView) -> Any:
        return f.df.options if f.widget == "link" else (self.condition_doc.get(f.df.options or "") or "")

    def read_only(self, f: FieldView, label: str = "") -> str:
        widget, name, value = f.widget, _e(f.name), f.value
        if widget == "check":
            labelled = f' aria-label="{_e(label)}"' if label else ""
            return (f'<span class="ro-value" data-ro="{name}" data-value="{1 if value else 0}" data-number{labelled}>'
                    f'{"Yes" if value else "No"}</span>')
        if widget in ("link", "dynamic_link") and value:
            target = self._link_target(f)
            url = self.record_url(target, value)
            shown = _e(self.link_title(target, value) or value)
            inner = f'<a href="{_e(url)}">{shown}</a>' if url else shown
            return f'<span class="ro-value" data-ro="{name}" data-value="{_e(value)}">{inner}</span>'
        if widget == "rating" and value not in EMPTY:
            n = _stars(f)
            return (f'<span class="ro-value rating" data-ro="{name}" data-value="{_e(value)}"><span aria-hidden="true">'
                    f'{"★" * n}{"☆" * (f.stars - n)}</span> {n} / {f.stars}</span>')
        if widget == "rich_text":
            return f'<div class="ro-value rich-text" data-ro="{name}">{self.rich_html(value)}</div>'
        if widget == "attach" and value:
            href = safe_href(value)
            inner = f'<a href="{_e(href)}">{_e(value.rsplit("/", 1)[-1])}</a>' if href else _e(value)
            return f'<span class="ro-value" data-ro="{name}">{inner}</span>'
        if widget == "password":
            return f'<span class="ro-value" data-ro="{name}">••••••</span>'
        if widget in ("datetime", "time") and value:
            return (f'<span class="ro-value" data-ro="{name}">{_e(value.replace("T", " "))} '
                    f'<span class="zone">({_e(f.zone)})</span></span>')
        if widget == "select" and value not in EMPTY:  # the option as the reader's language shows it
            return f'<span class="ro-value" data-ro="{name}" data-value="{_e(value)}">{_e(_(value))}</span>'
        shown = _e(value if value not in EMPTY else "")
        multiline = " multiline code" if widget == "code" else " multiline" if widget == "textarea" else ""
        return f'<span class="ro-value{multiline}" data-ro="{name}" data-value="{shown}">{shown}</span>'

    def control(self, f: FieldView, label: str = "") -> str:
        widget, value = f.widget, f.value
        if f.read_only or widget == "read_only":
            return self.read_only(f, label)
        attrs, v = self.attrs(f, label), _e(value)
        if widget == "check":
            return (f'<input type="hidden" name="{_e(f.name)}" value="0"><input type="checkbox" value="1" {attrs}'
                    f'{" checked" if value else ""}>')
        if widget == "select":
            blank = '<option value=""></option>' if not f.reqd or value in EMPTY or "" in f.options else ""
            options = "".join(f'<option value="{_e(o)}"{" selected" if o == value else ""}>{_e(_(o))}</option>'
                              for o in f.options)
            kept = f'<option value="{v}" selected>{v}</option>' if value and value not in f.options else ""
            return f"<select {attrs}>\n{blank}{options}{kept}</select>"
        if widget == "rating":
            given = _stars(f) if value not in EMPTY else None
            options = "".join(
                f'<option value="{round(n / f.stars, 4)}"{" selected" if given == n else ""}>'
                f'{"★" * n}{"☆" * (f.stars - n)} {n} / {f.stars}</option>' for n in range(f.stars + 1))
            return (f'<select {attrs}><option value=""{" selected" if given is None else ""}>Not rated</option>\n'
                    f"{options}</select>")
        if widget == "number":
            minimum = ' min="0"' if f.df.non_negative else ""
            return f'<input type="number" step="{_e(f.step)}" inputmode="decimal" value="{v}" {attrs}{minimum}>'
        if widget == "date":
            return f'<input type="date" value="{v}" {attrs}>'
        if widget in ("time", "datetime"):
            kind = "time" if widget == "time" else "datetime-local"
            step = ' step="1"' if value and value.count(":") == 2 else ""
            return (f'<span class="with-zone"><input type="{kind}" value="{v}" {attrs}{step}>\n'
                    f'<span class="zone" title="Time zone">{_e(f.zone)}</span></span>')
        if widget in ("link", "dynamic_link"):
            return self._link_control(f, attrs)
        if widget == "textarea":
            return f'<textarea rows="3" {attrs}>{v}</textarea>'
        if widget == "code":
            return f'<textarea rows="6" class="code" spellcheck="false" {attrs}>{v}</textarea>'
        if widget == "rich_text":
            shown = _("{0} as shown", _(f.df.label))
            return (f'<textarea rows="8" class="rich-source" data-rich {attrs}>{v}</textarea>\n'
                    f'<div class="rich-text rich-preview" data-rich-preview aria-label="{_e(shown)}"'
                    f'{"" if value else " hidden"}>{self.rich_html(value)}</div>')
        if widget == "attach":
            return self._attach_control(f, label)
        if widget == "password":
            keep = _e(_("Leave blank to keep"))
            return f'<input type="password" value="" autocomplete="new-password" placeholder="{keep}" {attrs}>'
        if widget == "color":
            return f'<input type="text" value="{v}" pattern="#[0-9A-Fa-f]{{3,8}}" {attrs}>'
        length = f' maxlength="{_e(f.df.length)}"' if f.df.length else ""
        return f'<input type="text" value="{v}"{length} {attrs}>'

    def _link_control(self, f: FieldView, attrs: str) -> str:
        df, value, input_id = f.df, f.value, _e(f.input_id)
        if f.widget == "link":
            data = f'data-link="{_e(df.options)}" data-link-field="{_e(df.fieldname)}"'
            url = self.record_url(df.options or "", value)
        else:
            data = f'data-dynamic-link="{_e(df.options)}"'
            url = self.record_url(self.condition_doc.get(df.options or "") or "", value)
        opens = f' href="{_e(url)}"' if url else " hidden"
        out = (f'<span class="link-input">\n<input type="text" value="{_e(value)}" list="{input_id}-list" '
               f'autocomplete="off" {data} {attrs}>\n<datalist id="{input_id}-list"></datalist>\n'
               f'<a class="link-open" data-link-open{opens}>Open'
               f'<span class="visually-hidden"> {_e(_(df.label))}</span></a>\n'
               f"</span>\n")
        if f.widget == "link":
            title = self.link_title(df.options, value)
            if title and title != value:
                out += f'<span class="link-title" data-link-title>{_e(title)}</span>'
        return out

    @staticmethod
    def _attach_control(f: FieldView, label: str) -> str:
        value, input_id = f.value, _e(f.input_id)
        current = ""
        if value:
            href = safe_href(value)
            shown = f'<a href="{_e(href)}" data-attached>{_e(value.rsplit("/", 1)[-1])}</a>' if href else _e(value)
            current = (f'<span class="attach-current">Current file: {shown}</span>\n'
                       f'<span class="attach-replace muted" id="{input_id}-replace">'
                       "Choose a file only to replace it:</span>")
        extra = f' aria-label="{_e(label)}"' if label else ""
        extra += f' aria-describedby="{input_id}-replace"' if value else ""
        extra += ' accept="image/*"' if f.df.fieldtype == "Attach Image" else ""
        return (f'<span class="attach-input">\n<input type="hidden" name="{_e(f.name)}" value="{_e(value)}">\n'
                f'{current}\n<input type="file" id="{input_id}" name="{_e(f.name)}__file"{extra}>\n</span>')

    # -- tables ----------------------------------------------------------------------------------------

    def grid(self, f: FieldView) -> str:
        g: GridView = f.grid
        table, label = _e(g.table.fieldname), _e(_(g.table.label))
        heads = "".join(f'<th scope="col"{REQUIRED if c.reqd else ""}>{_e(_(c.label))}</th>' for c in g.columns)
        row_actions_label = _e(_("Row actions"))
        actions = f'<th scope="col"><span class="visually-hidden">{row_actions_label}</span></th>' if g.editable else ""
        rows = "".join(self.grid_row(g, i, row_name, cells) for i, (row_name, cells) in enumerate(g.rows))
        if g.editable:
            rows += self.grid_row(g, len(g.rows), "", g.blank, blank=True)
        region = _e(_("{0} table", _(g.table.label)))
        out = (f'<div class="grid-wrap" tabindex="0" role="region" aria-label="{region}">\n'
               f'<table class="data grid" data-grid="{table}">\n<caption class="visually-hidden">{label}</caption>\n'
               f'<thead><tr>\n<th scope="col" class="grid-idx">#</th>\n{heads}{actions}</tr></thead>\n'
               f"<tbody>\n{rows}</tbody>\n</table>\n</div>\n")
        if g.editable:
            add, add_to = _e(_("Add row")), _e(_("Add row to {0}", _(g.table.label)))
            note = _e(_("Fill in the empty last row to add one; tick Remove to delete a row."))
            out += (f'<template data-grid-template="{table}">{self.grid_row(g, "__IDX__", "", g.template)}</template>\n'
                    f'<p class="grid-tools" data-js-only hidden><button type="button" class="btn btn-small" '
                    f'data-grid-add="{table}" aria-label="{add_to}">{add}</button></p>\n'
                    f'<p class="muted small no-js-note" data-no-js>{note}</p>\n')
        return out

    def grid_row(self, g: GridView, index: int | str, row_name: str, cells: list[FieldView],
                 blank: bool = False) -> str:
        table = _e(g.table.fieldname)
        kept = f'<input type="hidden" name="{table}-{_e(index)}-name" value="{_e(row_name)}">' if row_name else ""
        number = index + 1 if isinstance(index, int) else ""
        out = (f'<tr data-row{" data-blank-row" if blank else ""}>\n'
               f'<td class="grid-idx">{kept}<span data-row-number>{number}</span></td>\n')
        for cell in cells:
            label = _("{0} ({1} row)", _(cell.df.label), _(g.table.label))
            out += (f'<td data-fieldname="{_e(cell.df.fieldname)}"{self.conditions(cell)}>'
                    f"{self.control(cell, label)}</td>\n")
        if g.editable:
            remove = _e(_("Remove"))
            out += (f'<td class="grid-row-actions">\n<label class="no-js-remove" data-no-js><input type="checkbox" '
                    f'name="{table}-{_e(index)}-__remove" value="1"> {remove}</label>\n'
                    f"<span data-js-only hidden>\n{row_actions()}\n</span>\n</td>\n")
        return out + "</tr>\n"

    @staticmethod
    def multiselect(f: FieldView) -> str:
        input_id = _e(f.input_id)
        described = f' aria-describedby="{input_id}-desc"' if f.df.description else ""
        out = f'<fieldset class="multiselect" id="{input_id}"{described}>\n<legend>{_e(_(f.df.label))}</legend>\n'
        if f.read_only:
            out += f'<p class="ro-value">{", ".join(_e(v) for v in f.value) if f.value else ""}</p>\n'
        else:
            choices = "".join(
                f'<label><input type="checkbox" name="{_e(f.name)}-{i}-{_e(f.grid.fieldname)}" value="{_e(option)}"'
                f'{" checked" if option in f.value else ""}> {_e(option)}</label>\n'
                for i, option in enumerate(f.options))
            nothing = '<span class="muted">' + _e(_("Nothing to choose from")) + "</span>"
            out += f'<div class="multiselect-options">\n{choices or nothing}\n</div>\n'
        return out + "</fieldset>\n"

    # -- a field -----------------------------------------------------------------------------------------

    def field(self, f: FieldView) -> str:
        widget, df = f.widget, f.df
        classes = f"form-field widget-{_e(widget)}"
        if f.reqd:
            classes += " is-reqd"
        if f.read_only and f.value in EMPTY and widget not in ("check", "heading", "html") and not self.is_new:
            classes += " ro-empty"
        out = (f'<div class="{classes}" data-fieldname="{_e(df.fieldname)}" data-fieldtype="{_e(df.fieldtype)}"'
               f'{self.conditions(f)}{" hidden" if f.hidden else ""}>\n')
        if widget == "heading":
            out += f"<h3>{_e(_(df.label))}</h3>\n"
        elif widget == "html":
            out += f'<div class="html-field">{self.rich_html(df.options or "")}</div>\n'
        elif widget == "multiselect":
            out += self.multiselect(f)
        elif widget == "table":
            out += f'<h3 class="grid-label" id="{_e(f.input_id)}-label">{_e(_(df.label))}</h3>\n{self.grid(f)}'
        elif widget == "check" and not f.read_only:
            out += f'<label class="check-label" for="{_e(f.input_id)}">{self.control(f)} {_e(_(df.label))}</label>\n'
        else:
            if f.read_only:
                out += f'<span class="field-label" id="{_e(f.input_id)}-label">{_e(_(df.label))}</span>\n'
            elif widget != "check":
                out += f'<label class="field-label" for="{_e(f.input_id)}">{_e(_(df.label))}</label>\n'
            out += self.control(f) + "\n"
        if df.description:
            out += f'<p class="field-desc" id="{_e(f.input_id)}-desc">{_e(_(df.description))}</p>\n'
        return out + "</div>\n"

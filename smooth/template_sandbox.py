"""Jinja for templates people edit in the desk (Email Template, Print Format): sandboxed and bounded.

Such a template is data an admin typed, so rendering it must neither take the process down nor
answer 500. It runs in Jinja's immutable sandbox within a time budget, an output size, a call
depth (a recursive macro) and an integer size (`10**100000`); format strings may not ask for
huge widths. Every failure, a syntax error as much as `1/0`, becomes a ValidationError (417)
that names the template, the field and the line, so the person who wrote it can mend it.
"""

from __future__ import annotations

import math
import re
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import Template, TemplateRuntimeError, TemplateSyntaxError, Undefined, nodes
from jinja2.filters import do_center, do_format, do_indent, do_join, do_replace
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import missing

from smooth.exceptions import ValidationError
from smooth.i18n.deferred import Message, _

MAX_SECONDS = 2.0
MAX_OUTPUT = 2_000_000  # characters of output, and of any one string or list a template builds
MAX_DEPTH = 40  # nested calls: a macro calling itself stops here, far below Python's own limit
MAX_INT_BITS = 4096  # about 1,200 decimal digits
MAX_WIDTH = 1000  # a field width or precision in a format string
_PRINTF_NUMBERS = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\d+|\*)?(?:\.(\d+|\*))?")
_FORMAT_SPEC = re.compile(r"\{[^{}]*:([^{}]*)\}")
_NESTED_SPEC = re.compile(r"\{[^{}]*:[^{}]*\{")


class TemplateLimitError(TemplateRuntimeError):
    """A template went past one of the limits above."""


@dataclass
class _Budget:
    deadline: float
    depth: int = 0


_budget: ContextVar[_Budget | None] = ContextVar("template_budget", default=None)


def _tick() -> None:
    budget = _budget.get()
    if budget is not None and time.monotonic() > budget.deadline:
        raise TemplateLimitError(_("rendering took longer than {0} seconds", format(MAX_SECONDS, "g")))


def _check_size(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise TemplateLimitError(_("a number is too large (more than {0} bits)", MAX_INT_BITS))
    if isinstance(value, (str, list, tuple)) and len(value) > MAX_OUTPUT:
        raise TemplateLimitError(_("a value is longer than {0} characters or items", format(MAX_OUTPUT, ",")))
    return value


def _check_printf(fmt: str) -> None:
    for width, precision in _PRINTF_NUMBERS.findall(fmt):
        for number in (width, precision):
            if number == "*" or (number and int(number) > MAX_WIDTH):
                raise TemplateLimitError(_("a format width or precision above {0} (or *) is not allowed", MAX_WIDTH))


def _check_format_spec(fmt: str) -> None:
    if _NESTED_SPEC.search(fmt):
        raise TemplateLimitError(_("a format field whose width is itself a field is not allowed"))
    for spec in _FORMAT_SPEC.findall(fmt):
        if any(int(n) > MAX_WIDTH for n in re.findall(r"\d+", spec)):
            raise TemplateLimitError(_("a format width or precision above {0} is not allowed", MAX_WIDTH))


def _check_power(base: Any, exponent: Any) -> None:
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1 \
            and exponent * math.log2(abs(base)) > MAX_INT_BITS:
        raise TemplateLimitError(_("a number is too large (more than {0} bits)", MAX_INT_BITS))


def _check_product(left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > MAX_INT_BITS + 1:
            raise TemplateLimitError(_("a number is too large (more than {0} bits)", MAX_INT_BITS))
        return
    sequence, times = (left, right) if isinstance(right, int) else (right, left)
    if isinstance(times, int) and hasattr(sequence, "__len__") and len(sequence) * times > MAX_OUTPUT:
        raise TemplateLimitError(_("a value is longer than {0} characters or items", format(MAX_OUTPUT, ",")))


def _bounded_iter(value: Iterable[Any]) -> Iterator[Any]:
    """Every `{% for %}` loops through this, so nested loops that print nothing still meet the clock."""
    for count, item in enumerate(value):
        if count % 256 == 0:
            _tick()
        yield item


def _checked_format(value: Any, *args: Any, **kwargs: Any) -> str:
    _check_printf(str(value))
    return _check_size(do_format(value, *args, **kwargs))


def _width_checked(method: Callable[..., Any]) -> Callable[..., Any]:
    def checked(value: Any, *args: Any, **kwargs: Any) -> Any:
        for arg in (*args, *kwargs.values()):
            if isinstance(arg, int) and not isinstance(arg, bool) and arg > MAX_WIDTH:
                raise TemplateLimitError(_("a width above {0} is not allowed", MAX_WIDTH))
        return method(value, *args, **kwargs)
    return checked


def _checked_replace(context: Any, value: str, old: str, new: str, count: int | None = None) -> str:
    text, old, new = str(value), str(old), str(new)
    grows = (len(text) + 1) * len(new) if not old else text.count(old) * len(new)
    if len(text) + grows > MAX_OUTPUT:
        raise TemplateLimitError(_("a value is longer than {0} characters or items", format(MAX_OUTPUT, ",")))
    return do_replace(context, value, old, new, count)


def _checked_join(context: Any, value: Iterable[Any], d: str = "", attribute: Any = None) -> str:
    items = list(value)
    if sum(len(str(item)) for item in items) + len(str(d)) * len(items) > MAX_OUTPUT:
        raise TemplateLimitError(_("a value is longer than {0} characters or items", format(MAX_OUTPUT, ",")))
    return do_join(context, items, d, attribute)


_checked_replace.jinja_pass_arg = do_replace.jinja_pass_arg  # type: ignore[attr-defined]
_checked_join.jinja_pass_arg = do_join.jinja_pass_arg  # type: ignore[attr-defined]


class Placeholder(Undefined):
    """For a preview: a value only the sender supplies (`{{ when }}`) shows as `[when]`, while a field
    the chosen record lacks (`{{ doc.titel }}`) is still an error, as it would be in the real mail."""

    __slots__ = ()

    def _of_record(self) -> bool:
        return self._undefined_obj is not missing

    def __str__(self) -> str:
        if self._of_record():
            self._fail_with_undefined_error()
        return f"[{self._undefined_name}]"

    def __getattr__(self, name: str) -> Any:
        if name[:2] == "__" or self._of_record():
            return super().__getattr__(name)
        return Placeholder(name=f"{self._undefined_name}.{name}")

    __getitem__ = __getattr__

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self if not self._of_record() else self._fail_with_undefined_error()


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox plus the limits: every call, attribute, operator and loop meets them."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, *, autoescape: bool, undefined: type[Undefined] = Undefined) -> None:
        super().__init__(autoescape=autoescape, undefined=undefined)
        self.filters.update({"bounded_iter": _bounded_iter, "format": _checked_format,
                             "center": _width_checked(do_center), "indent": _width_checked(do_indent),
                             "replace": _checked_replace, "join": _checked_join})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _tick()
        if operator == "**":
            _check_power(left, right)
        elif operator == "*":
            _check_product(left, right)
        elif operator == "%" and isinstance(left, str):
            _check_printf(left)
        return _check_size(super().call_binop(context, operator, left, right))

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        _tick()
        budget = _budget.get()
        if budget is None:
            return _check_size(super().call(context, obj, *args, **kwargs))
        budget.depth += 1
        try:
            if budget.depth > MAX_DEPTH:
                raise TemplateLimitError(_("calls nest deeper than {0} (a macro that calls itself?)", MAX_DEPTH))
            return _check_size(super().call(context, obj, *args, **kwargs))
        finally:
            budget.depth -= 1

    def getattr(self, obj: Any, attribute: str) -> Any:
        _tick()
        if isinstance(obj, str) and attribute in ("format", "format_map"):
            _check_format_spec(obj)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _tick()
        if isinstance(obj, str) and argument in ("format", "format_map"):
            _check_format_spec(obj)
        return super().getitem(obj, argument)

    def compiled(self, source: str) -> Template:
        return _compiled(self, source)


@lru_cache(maxsize=512)
def _compiled(env: BoundedSandbox, source: str) -> Template:
    """Compiled once per distinct source (compiling costs ~20x rendering), loops routed through the clock."""
    tree = env.parse(source)
    for loop in list(tree.find_all(nodes.For)):
        loop.iter = nodes.Filter(loop.iter, "bounded_iter", [], [], None, None, lineno=loop.lineno)
    tree.set_environment(env)
    return env.template_class.from_code(env, env.compile(tree), env.make_globals(None))


def template_line(exc: BaseException) -> int | None:
    """The template line an error happened on (Jinja maps its frames back to the template's lines)."""
    if isinstance(exc, TemplateSyntaxError):
        return exc.lineno
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == "<template>":
            line = frame.lineno
    return line


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TemplateSyntaxError):
        return exc.message or str(exc)
    if isinstance(exc, TemplateLimitError) and isinstance(exc.message, Message):
        return exc.message
    if isinstance(exc, TemplateRuntimeError) or type(exc).__module__.startswith("jinja2"):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def template_error(exc: BaseException, where: str) -> ValidationError:
    """`where` ("Email Template 'X', Subject") with the line and the reason, as a 417."""
    line = template_line(exc)
    if line:
        return ValidationError(_("{0}, line {1}: {2}", where, line, _reason(exc)))
    return ValidationError(Message("{0}: {1}", where, _reason(exc)))


def check_template(env: BoundedSandbox, source: str, where: str) -> None:
    """Refuse a template that does not compile, naming where and the line."""
    try:
        env.compiled(source)
    except Exception as exc:
        raise template_error(exc, where) from exc


def render(env: BoundedSandbox, source: str, args: dict[str, Any], where: str) -> str:
    """Render `source` within the limits; any failure is a ValidationError naming `where` and the line."""
    token = _budget.set(_Budget(time.monotonic() + MAX_SECONDS))
    try:
        parts: list[str] = []
        size = 0
        for chunk in env.compiled(source).generate(args):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise TemplateLimitError(_("the output is longer than {0} characters", format(MAX_OUTPUT, ",")))
            parts.append(chunk)
        return "".join(parts)
    except Exception as exc:
        raise template_error(exc, where) from exc
    finally:
        _budget.reset(token)

"""The bounded sandbox every desk-edited template renders in: each limit holds, each failure names its line.

Pure Jinja, no site: the limits do not depend on a database.
"""

from __future__ import annotations

import time

import pytest

import smooth
from smooth import template_sandbox
from smooth.template_sandbox import BoundedSandbox, check_template, render

ENV = BoundedSandbox(autoescape=True)


@pytest.mark.parametrize(("source", "reason"), [
    ("ok\n{{ 1/0 }}", "T, line 2: ZeroDivisionError: division by zero"),
    ("{{ 10**100000 }}", "T, line 1: a number is too large"),
    ("{{ 2**5000 * 2**5000 }}", "T, line 1: a number is too large"),
    ("{{ '%0999999999d' % 1 }}", "T, line 1: a format width or precision above 1000"),
    ("{{ '{:0999999999}'.format(1) }}", "T, line 1: a format width or precision above 1000"),
    ("{{ '{:{w}}'.format(1, w=9) }}", "T, line 1: a format field whose width is itself a field"),
    ("{{ '%d'|format('x') }}", "T, line 1: TypeError"),
    ("{{ 'a' * 10**8 }}", "T, line 1: a value is longer than"),
    ("{{ 'ab'|replace('', 'x' * 1000000) }}", "T, line 1: a value is longer than"),
    ("{{ 'x'|center(10**7) }}", "T, line 1: a width above 1000"),
    ("{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}\n{{ m(1) }}", "T, line 1: calls nest deeper than 40"),
    ("{{ ''.__class__.__mro__ }}", "T, line 1: access to attribute '__class__'"),
])
def test_each_failure_is_a_validation_error_naming_the_line(source: str, reason: str) -> None:
    with pytest.raises(smooth.ValidationError) as raised:
        render(ENV, source, {}, "T")
    assert raised.value.http_status_code == 417
    assert reason in raised.value.message, raised.value.message


def test_loops_that_print_nothing_still_meet_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(template_sandbox, "MAX_SECONDS", 0.2)
    started = time.monotonic()
    with pytest.raises(smooth.ValidationError, match="T, line 1: rendering took longer than 0.2 seconds"):
        render(ENV, "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", {}, "T")
    assert time.monotonic() - started < 2


def test_output_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(template_sandbox, "MAX_OUTPUT", 1000)
    with pytest.raises(smooth.ValidationError, match="the output is longer than 1,000 characters"):
        render(ENV, "{% for i in range(500) %}{{ i }},{% endfor %}", {}, "T")


def test_ordinary_templates_render() -> None:
    source = ("{% macro row(x) %}<li>{{ x }}</li>{% endmacro %}{% for x in items %}{{ row(x) }}"
              "{{ loop.index }}/{{ loop.length }}{% endfor %} {{ 3 * 4 }} {{ 2 ** 10 }} {{ '%05.1f' % 2.5 }}"
              " {{ '{:>4}'.format(7) }} {{ items|join(',') }}")
    assert render(ENV, source, {"items": ["<a>", "b"]}, "T") == (
        "<li>&lt;a&gt;</li>1/2<li>b</li>2/2 12 1024 002.5    7 &lt;a&gt;,b")


def test_a_template_that_does_not_compile_is_refused_with_its_line() -> None:
    with pytest.raises(smooth.ValidationError, match=r"^Subject, line 1: unexpected end of template"):
        check_template(ENV, "Booked: {{ doc.course_title ", "Subject")

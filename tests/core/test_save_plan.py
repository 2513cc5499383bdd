"""The shortcuts a save plan takes must not change what a save does.

`smooth.meta.coerce.SETTLED` recognises values a coercer would hand back unchanged, so a save
skips coercing them; `DocFlags` reads flags as attributes of its own dict. A wrong shortcut
would store an out-of-range number or lose a flag quietly, so both are checked against the
slow path for any value.
"""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import smooth
from smooth.meta.coerce import COERCERS, SETTLED, CoercionError, coercer_for, settled_test, to_text
from smooth.model.document import DocFlags, Document

ANY_VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
    st.dates(), st.datetimes(), st.datetimes(timezones=st.timezones()), st.times(),
    st.times(timezones=st.timezones()), st.decimals(allow_nan=False, allow_infinity=False),
)


@given(value=ANY_VALUE)
def test_a_value_taken_as_settled_is_what_its_coercer_returns(value: Any) -> None:
    for fieldtype in [*COERCERS, "Data", "Small Text", "Select", "Link"]:
        settled = settled_test(fieldtype)
        if settled is None or not settled(value):
            continue
        try:
            coerced = coercer_for(fieldtype)(value)
        except CoercionError as exc:  # pragma: no cover - the failure this test exists to catch
            raise AssertionError(f"{fieldtype}: {value!r} taken as settled, but its coercer refuses it: {exc}") from exc
        assert coerced is value or (type(coerced) is type(value) and coerced == value), (fieldtype, value, coerced)


def test_the_edges_of_the_ranges_are_coerced_not_assumed() -> None:
    assert not SETTLED["Int"](2**31) and SETTLED["Int"](2**31 - 1)
    assert not SETTLED["Check"](True) and not SETTLED["Check"](2) and SETTLED["Check"](1)
    assert not SETTLED["Float"](float("nan")) and not SETTLED["Currency"](1e12) and SETTLED["Currency"](0.25)
    assert not SETTLED["Date"](dt.datetime(2026, 1, 1)) and not SETTLED["Date"](dt.date(9999, 12, 31))
    assert not SETTLED["Datetime"](dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert settled_test("JSON") is None  # a JSON string is parsed to be checked, whatever its type
    assert coercer_for("Data") is to_text and settled_test("Data") is not None


def test_flags_read_as_attributes_and_survive_a_copy() -> None:
    flags = DocFlags({"ignore_links": True})
    assert flags.ignore_links is True and flags.is_new is None and flags.anything_else is None
    flags.is_new = True
    flags.custom = 3
    assert dict(flags) == {"ignore_links": True, "is_new": True, "custom": 3}
    for twin in (copy.copy(flags), copy.deepcopy(flags), pickle.loads(pickle.dumps(flags))):
        assert dict(twin) == dict(flags) and twin.custom == 3
        twin.after = 1
        assert twin["after"] == 1 and "after" not in flags


def test_a_value_for_a_field_the_controller_shadows_goes_through_its_attribute(ctx) -> None:
    """Values go straight into a new document's columns, except where the class has an attribute of the
    field's name (a property a controller defined): that one is set through it, as before."""
    seen: list[Any] = []

    class Shouting(Document):
        @property
        def title(self) -> Any:
            return self.__dict__.get("title")

        @title.setter
        def title(self, value: Any) -> None:
            seen.append(value)
            self.__dict__["title"] = str(value).upper()

    doc = Shouting({"doctype": "Test Note", "title": "quiet", "content": "as given"})
    assert seen == ["quiet"] and doc.title == "QUIET" and doc.content == "as given"
    plain = smooth.get_doc({"doctype": "Test Note", "title": "quiet"})
    assert plain.title == "quiet" and plain.docstatus == 0 and plain.idx == 0

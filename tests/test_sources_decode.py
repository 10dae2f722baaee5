"""Lone UTF-16 surrogates in a record's fields: found without rebuilding a record that holds none."""

from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.sources.decode import _has_surrogate, _repaired, without_surrogates
from storyline.types import RawRecord

_TEXT = st.text(alphabet=st.sampled_from(["a", "é", "\ud83d", "\udc80", "😀", " "]), max_size=6)
_VALUES = st.recursive(st.none() | st.integers() | _TEXT,
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
                       max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(_VALUES)
def test_the_check_agrees_with_the_repair(value):
    assert _has_surrogate(value) == (_repaired(value)[1] > 0)


def test_a_record_without_surrogates_comes_back_as_it_is():
    record = RawRecord(origin="f:1", title="Überschwemmung 😀", text="Köln", extra={"k": ["v", {"é": None}]})
    assert without_surrogates(record) == (record, 0) and without_surrogates(record)[0] is record
    cut = RawRecord(origin="f:2", title="Cut \ud83d", extra={"k": ["\udc80", "ok"]})
    fixed, count = without_surrogates(cut)
    assert count == 2 and fixed.title == "Cut \ufffd" and fixed.extra == {"k": ["\ufffd", "ok"]}

"""The stored form's JSON helpers write and read exactly what ``json`` does (the stored text must not change)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from storyline.storage import stored_form
from storyline.storage.stored_form import ascii_json, json_items, json_text, one_shot

_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=12)


@given(_VALUES)
def test_one_shot_encoders_write_what_json_dumps_writes(value):
    assert json_text(value) == json.dumps(value, ensure_ascii=False)
    assert ascii_json(value) == json.dumps(value)


@given(st.dictionaries(st.text(max_size=6), _SCALARS | st.datetimes(timezones=st.just(UTC)), max_size=4))
def test_extra_fields_any_value_as_its_str(extra):
    assert stored_form._EXTRA_JSON(extra) == json.dumps(extra, ensure_ascii=False, default=str)


def test_one_shot_keeps_the_encoders_options():
    encode = one_shot(json.JSONEncoder(sort_keys=True, separators=(",", ":")))
    assert encode({"b": 1, "a": [1, 2]}) == '{"a":[1,2],"b":1}'
    assert one_shot(json.JSONEncoder(indent=2))([1]) == "[\n  1\n]"  # indented: the encoder's own path
    assert one_shot(json.JSONEncoder(default=str))(datetime(2021, 7, 1)) == '"2021-07-01 00:00:00"'


@given(st.lists(st.text(), max_size=5))
def test_json_items_read_what_json_loads_reads(items):
    text = json.dumps(items)
    assert json_items(text) == tuple(json.loads(text))
    assert json_items(text) == tuple(items)


def test_json_items_memo_stays_bounded():
    bound = json_items.cache_info().maxsize
    for i in range(bound + 10):
        assert json_items(f'["s{i}"]') == (f"s{i}",)
        assert json_items.cache_info().currsize <= bound

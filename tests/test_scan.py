"""The compiled scanners (_scan.c, clustering/_keyscan.c) equal their Python references in extract.py,
sources/decode.py and clustering/keys.py, to the character and, for key sets, to the order the keys went in; those
modules pick them once, and the Python code when STORYLINE_PURE_PYTHON=1."""

import importlib.util
import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline import extract
from storyline.clustering import keys
from storyline.sources import decode
from storyline.types import RawRecord

BUILT = importlib.util.find_spec("storyline._scan") is not None
KEYS_BUILT = importlib.util.find_spec("storyline.clustering._keyscan") is not None
needs_native = pytest.mark.skipif(not BUILT, reason="the C extension was not built (no compiler at install)")
needs_keyscan = pytest.mark.skipif(not KEYS_BUILT, reason="the C extension was not built (no compiler at install)")

# every code point, lone surrogates included (st.text leaves them out by default)
any_char = st.characters(blacklist_categories=())
# what the passes turn on: line breaks and controls, every kind of white space, site names, digits of other
# scripts, combining marks, right-to-left and unspaced scripts, the letters whose lower case is special
_PIECES = st.sampled_from([
    " ", "  ", "\t", "\n", "\n\n\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\xa0", "\u2028", "\u2029",
    "\u3000", "\u200b", "\u200e", "\u202e", "\ufeff", "\xad", "\x07", "\x9f", ". ", ".\n", "!", ":", ";", "?",
    "_", "-", "Tokyo", "tokyo", "İstanbul", "ΣΟΦΙΑ", "ς", "ß", "ﬁ", "Ⓐbc", "ǅemal", "é", "e\u0301", "\u0301",
    "ĐOKOVIĆ", "2021", "7", "٣٤", "²²", "١٢ ans", "Error", "404", "example.com", "page not found", "error",
    "東京", "奥运会", "ภาษาไทย", "한국어", "مرحبا بالعالم", "שלום", "\ud83d", "\udc80", "😀", "𝔘𝔫𝔦",
])
text_st = st.one_of(st.text(alphabet=any_char, max_size=80), st.lists(_PIECES, max_size=30).map("".join),
                    st.lists(st.one_of(_PIECES, st.text(alphabet=any_char, max_size=3)), max_size=30).map("".join))


@pytest.fixture(scope="module")
def native():
    from storyline import _scan

    return _scan


@pytest.fixture(scope="module")
def keyscan():
    from storyline.clustering import _keyscan

    return _keyscan


@needs_native
@settings(max_examples=600, deadline=None)
@given(text_st)
def test_normalise_text_equals_the_python_passes(native, text):
    expected = extract.normalise_text_py(text)
    got = native.normalise_text(text)
    assert got == expected
    assert (got is text) == (expected is text)  # an untouched text is the very string, as the Python passes give it


@needs_native
@settings(max_examples=600, deadline=None)
@given(text_st, st.one_of(st.none(), st.integers(-3, 130),
                          st.sampled_from([2**62, sys.maxsize, sys.maxsize + 1, 2**70, -(2**70)])))
def test_count_words_equals_the_python_count(native, text, limit):
    assert native.count_words(text, limit) == extract.count_words_py(text, limit)
    assert native.count_words(text, True) == extract.count_words_py(text, True)


@needs_native
@settings(max_examples=600, deadline=None)
@given(text_st)
def test_error_rest_equals_the_python_words(native, text):
    for folded in (text, text.casefold()):
        assert native.error_rest(folded, extract._ERROR_FILLER) == extract.error_rest_py(folded, extract._ERROR_FILLER)
    assert native.error_rest(text, set()) == extract.error_rest_py(text, frozenset())


@needs_keyscan
@settings(max_examples=600, deadline=None)
@given(text_st, st.sampled_from(["en:", "tr:", "", "日本:"]), st.sampled_from([0, 1, 6]))
def test_word_keys_equal_the_python_keys_in_order(keyscan, text, prefix, stem):
    got = keyscan.word_keys(text, prefix, stem)
    if stem == keys.WORD_STEM:
        expected = keys.lower_word_keys_py(text, prefix)
        assert got == expected
        assert got is None or list(got) == list(expected)  # the same insertions: the same iteration order
    elif got is not None:
        assert got == {prefix + t[:stem] for t in keys._WORD3.findall(text.lower())}


@needs_keyscan
@settings(max_examples=600, deadline=None)
@given(text_st, text_st)
def test_name_keys_equal_the_python_keys_in_order(keyscan, title, lead):
    for a, b in ((title, lead), (title, title), (lead, title), (title, title + "")):
        got, expected = keyscan.name_keys(a, b, keys._name_key), keys.name_keys_py(a, b)
        assert got == expected and list(got) == list(expected)


class _Items(dict):
    """A dict whose items() the Python code asks for (a subclass may give other items than its storage)."""

    def items(self):  # type: ignore[override]
        return [("\ud800", 1)] if self.get("odd") else super().items()


_leaf = st.one_of(st.none(), st.integers(), st.text(alphabet=any_char, max_size=6), st.sampled_from(["ok", "\udc80"]))
_nested = st.recursive(_leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.lists(inner, max_size=3).map(tuple),
    st.dictionaries(st.text(alphabet=any_char, max_size=3), inner, max_size=3),
    st.dictionaries(st.sampled_from(["odd", "k"]), inner, max_size=2).map(_Items)), max_leaves=8)


@needs_native
@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=any_char, max_size=20), st.one_of(st.none(), st.text(alphabet=any_char, max_size=20)),
       st.dictionaries(st.text(alphabet=any_char, max_size=4), _nested, max_size=3))
def test_surrogate_fields_equal_the_python_walk(native, title, text, extra):
    record = RawRecord(origin="x", title=title, text=text, extra=extra)
    assert native.surrogate_fields(record, decode._RECORD_FIELDS) == decode.surrogate_fields_py(record)


@needs_keyscan
def test_a_lead_that_is_the_title_string_is_read_as_the_title(keyscan):
    title = "Biles wins. Tokyo cheers"
    copy = "".join(list(title))  # equal, another string
    as_title = {"n:biles", "n:tokyo"}  # every capitalised word of a title counts
    assert keyscan.name_keys(title, title, keys._name_key) == keys.name_keys_py(title, title) == as_title
    assert keyscan.name_keys("", title, keys._name_key) == keys.name_keys_py("", title) == set()  # both open
    assert keyscan.name_keys(title, copy, keys._name_key) == keys.name_keys_py(title, copy) == as_title


@needs_native
def test_the_public_functions_give_the_references_results(native):
    text = " Storm\u00a0 hits  Dayton,\r\n\r\n\r\nsays  AP \x07 "
    assert extract.normalise_text(text) == extract.normalise_text_py(text) == "Storm hits Dayton,\n\nsays AP"
    assert extract.count_words(text, 3) == extract.count_words_py(text, 3) == 3
    assert keys.name_keys("Man shot in Dayton", "Police said 23 shots.") == {"n:man", "n:dayto", "#23"}
    assert keys.word_keys("İzmir quake", "", "tr") == {"tr:i̇zmir", "tr:quake"}  # "İ": the per-word path


@needs_native
def test_bad_arguments_raise(native):
    with pytest.raises(TypeError):
        native.normalise_text(b"bytes")
    with pytest.raises(TypeError):
        native.count_words("a b", 2.5)
    with pytest.raises(TypeError):
        native.count_words("a b")
    with pytest.raises(TypeError):
        native.error_rest("a b", ["list"])
    with pytest.raises(AttributeError):
        native.surrogate_fields(object(), ("title",))
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(RecursionError):
        native.surrogate_fields(RawRecord(origin="x", extra={"k": deep}), decode._RECORD_FIELDS)


@needs_keyscan
def test_bad_key_arguments_raise(keyscan):
    with pytest.raises(ValueError):
        keyscan.word_keys("abc", "en:", -1)
    with pytest.raises(TypeError):
        keyscan.name_keys("Abc", None, keys._name_key)
    with pytest.raises(ZeroDivisionError):  # an error in the key function comes through
        keyscan.name_keys("Abc", "", lambda token: 1 / 0)


def _picked(env: dict[str, str]) -> str:
    code = ("from storyline import extract; from storyline.clustering import keys; from storyline.sources import "
            "decode; print(extract._SCAN is not None, keys._SCAN is not None, decode._SCAN is not None)")
    return subprocess.run([sys.executable, "-c", code], env={**os.environ, **env}, check=True,
                          capture_output=True, text=True).stdout.strip()


def test_pure_python_is_used_when_forced():
    assert _picked({"STORYLINE_PURE_PYTHON": "1"}) == "False False False"


def test_native_is_used_when_built():
    assert _picked({"STORYLINE_PURE_PYTHON": ""}) == f"{BUILT} {KEYS_BUILT} {BUILT}"

